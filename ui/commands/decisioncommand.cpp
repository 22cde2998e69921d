#include "commands/decisioncommand.h"

#include "models/historymodel.h"
#include "workers/decisionwriter.h"

namespace flywheel::ui {

DecisionCommand::DecisionCommand(DecisionWriter *writer, const Decision &decision, const QString &externalId)
    : m_writer(writer)
    , m_decision(decision)
    , m_token(writer->newToken())
{
    setText(QObject::tr("%1 %2").arg(decisionTitle(decision.kind), externalId));
}

void DecisionCommand::redo()
{
    m_writer->record(m_token, m_decision);
}

void DecisionCommand::undo()
{
    m_writer->remove(m_token);
}

} // namespace flywheel::ui
