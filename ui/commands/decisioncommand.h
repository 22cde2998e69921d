#pragma once

#include "review/decisions.h"

#include <QMetaObject>
#include <QUndoCommand>

namespace flywheel::ui {

class DecisionWriter;

/// A reviewer's decision on the undo stack. redo() records it in the store, undo() deletes it; the
/// writer answers whether each write committed. Redo after undo records it again with its old id.
/// A decision whose write failed was never stored: its command becomes obsolete, so the next undo
/// drops it without writing and goes on to the decision before.
class DecisionCommand final : public QUndoCommand {
public:
    DecisionCommand(DecisionWriter *writer, const Decision &decision, const QString &externalId);
    ~DecisionCommand() override;

    void redo() override;
    void undo() override;

    quint64 token() const { return m_token; }
    const Decision &decision() const { return m_decision; }

private:
    DecisionWriter *m_writer;
    Decision m_decision;
    quint64 m_token;
    // Recorded (redo() was the last call), so a failure is the record's.
    bool m_done = false;
    QMetaObject::Connection m_failed;
};

} // namespace flywheel::ui
