#pragma once

#include "review/decisions.h"

#include <QUndoCommand>

namespace flywheel::ui {

class DecisionWriter;

/// A reviewer's decision on the undo stack. redo() records it in the store, undo() deletes it; the
/// writer answers whether each write committed. Redo after undo records it again with its old id.
class DecisionCommand final : public QUndoCommand {
public:
    DecisionCommand(DecisionWriter *writer, const Decision &decision, const QString &externalId);

    void redo() override;
    void undo() override;

    quint64 token() const { return m_token; }
    const Decision &decision() const { return m_decision; }

private:
    DecisionWriter *m_writer;
    Decision m_decision;
    quint64 m_token;
};

} // namespace flywheel::ui
