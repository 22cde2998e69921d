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
    m_failed = QObject::connect(writer, &DecisionWriter::failed, writer, [this](quint64 token) {
        // A failed undo leaves the decision stored, and redo stays meaningful.
        if (token == m_token && m_done)
            setObsolete(true);
    });
}

DecisionCommand::~DecisionCommand()
{
    QObject::disconnect(m_failed);
}

void DecisionCommand::redo()
{
    m_done = true;
    m_writer->record(m_token, m_decision);
}

void DecisionCommand::undo()
{
    m_done = false;
    if (isObsolete())
        return; // nothing was stored; the stack deletes the command
    m_writer->remove(m_token);
}

} // namespace flywheel::ui
