#pragma once

#include "review/decisions.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTextBrowser;
class QTimer;

namespace flywheel::ui {

/// The decision controls under the detail pane: a button per decision showing its key, the
/// segment (keys 1 to 9), tags and a note, and the correction editor with a live word diff
/// against the model's output.
class DecisionPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DecisionPanel)

public:
    /// @p actions: accept, reject, correct, skip, in that order; their buttons show their keys.
    DecisionPanel(const QList<QAction *> &actions, QWidget *parent = nullptr);

    /// Clears the fields for a new item of segment @p segment.
    void startItem(const QString &segment);
    /// Shows @p decision's fields again (a decision that could not be saved), with @p message;
    /// a correction is diffed against @p output.
    void restore(const Decision &decision, const QString &message, const QString &output);
    void setSegments(const QStringList &segments);
    /// Chooses the @p index-th segment (0-based); false when there is none.
    bool chooseSegment(int index);

    /// Opens the correction editor with @p text, focused, diffed live against @p output.
    void beginCorrection(const QString &text, const QString &output);
    bool isCorrecting() const;
    QString correction() const;
    void endCorrection();

    QString segment() const;
    /// The segment was changed by the reviewer for this item.
    bool segmentChanged() const;
    QStringList tags() const;
    QString note() const;
    QLineEdit *tagsEdit() const { return m_tags; }
    QLineEdit *noteEdit() const { return m_note; }
    QPlainTextEdit *correctionEdit() const { return m_editor; }

signals:
    /// Ctrl+Enter or the button in the correction editor.
    void correctionSubmitted();
    /// Escape in the editor or the tags and note boxes: back to the queue.
    void editingCancelled();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateDiff();

    QComboBox *m_segment;
    QLineEdit *m_tags;
    QLineEdit *m_note;
    QLabel *m_message;
    QWidget *m_correction;
    QPlainTextEdit *m_editor;
    QTextBrowser *m_diff;
    QTimer *m_diffDelay;
    QString m_output;
    QString m_itemSegment;
};

} // namespace flywheel::ui
