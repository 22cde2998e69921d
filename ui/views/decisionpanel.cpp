#include "views/decisionpanel.h"

#include "views/interactionhtml.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace flywheel::ui {
namespace {

QToolButton *decisionButton(QAction *action)
{
    auto *button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    button->setMinimumHeight(button->fontMetrics().height() * 2);
    return button;
}

} // namespace

DecisionPanel::DecisionPanel(const QList<QAction *> &actions, QWidget *parent)
    : QWidget(parent)
    , m_segment(new QComboBox)
    , m_tags(new QLineEdit)
    , m_note(new QLineEdit)
    , m_message(new QLabel)
    , m_correction(new QWidget)
    , m_editor(new QPlainTextEdit)
    , m_diff(new QTextBrowser)
    , m_diffDelay(new QTimer(this))
{
    auto *buttons = new QHBoxLayout;
    for (QAction *action : actions)
        buttons->addWidget(decisionButton(action));

    m_segment->setToolTip(tr("Keys 1 to 9 choose a segment"));
    m_segment->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_tags->setPlaceholderText(tr("tags, comma separated  ( T )"));
    m_note->setPlaceholderText(tr("note  ( N )"));
    auto *fields = new QHBoxLayout;
    fields->addWidget(new QLabel(tr("Segment")));
    fields->addWidget(m_segment);
    fields->addWidget(m_tags, 1);
    fields->addWidget(m_note, 2);

    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_editor->setPlaceholderText(tr("The answer the model should have given"));
    m_editor->installEventFilter(this);
    m_diff->setMaximumHeight(m_diff->fontMetrics().height() * 8);
    auto *save = new QPushButton(tr("Save correction  (Ctrl+Enter)"));
    auto *cancel = new QPushButton(tr("Cancel  (Esc)"));
    auto *editorButtons = new QHBoxLayout;
    editorButtons->addWidget(new QLabel(tr("Changes against the output:")));
    editorButtons->addStretch();
    editorButtons->addWidget(cancel);
    editorButtons->addWidget(save);
    auto *correctionLayout = new QVBoxLayout(m_correction);
    correctionLayout->setContentsMargins(0, 0, 0, 0);
    correctionLayout->addWidget(m_editor, 2);
    correctionLayout->addLayout(editorButtons);
    correctionLayout->addWidget(m_diff, 1);
    m_correction->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_message);
    layout->addWidget(m_correction, 1);
    layout->addLayout(buttons);
    layout->addLayout(fields);

    m_diffDelay->setSingleShot(true);
    m_diffDelay->setInterval(120);
    connect(m_diffDelay, &QTimer::timeout, this, &DecisionPanel::updateDiff);
    connect(m_editor, &QPlainTextEdit::textChanged, m_diffDelay, qOverload<>(&QTimer::start));
    connect(save, &QPushButton::clicked, this, &DecisionPanel::correctionSubmitted);
    connect(cancel, &QPushButton::clicked, this, &DecisionPanel::editingCancelled);
    for (QLineEdit *edit : {m_tags, m_note}) {
        edit->installEventFilter(this);
        connect(edit, &QLineEdit::returnPressed, this, &DecisionPanel::editingCancelled);
    }
}

void DecisionPanel::startItem(const QString &segment)
{
    m_itemSegment = segment;
    endCorrection();
    m_tags->clear();
    m_note->clear();
    m_message->hide();
    int at = m_segment->findText(segment);
    if (at < 0 && !segment.isEmpty()) {
        m_segment->addItem(segment);
        at = m_segment->count() - 1;
    }
    m_segment->setCurrentIndex(qMax(0, at));
}

void DecisionPanel::restore(const Decision &decision, const QString &message, const QString &output)
{
    if (!decision.segment.isEmpty())
        m_segment->setCurrentIndex(qMax(0, m_segment->findText(decision.segment)));
    m_tags->setText(decision.tags.join(QStringLiteral(", ")));
    m_note->setText(decision.note);
    if (decision.kind == DecisionKind::Correct)
        beginCorrection(decision.correctedOutput, output);
    m_message->setText(message);
    m_message->setStyleSheet(QStringLiteral("QLabel { color: palette(highlighted-text); background: #b3261e; "
                                            "padding: 6px; border-radius: 4px; }"));
    m_message->show();
}

void DecisionPanel::setSegments(const QStringList &segments)
{
    const QString current = m_segment->currentText();
    m_segment->clear();
    m_segment->addItem(QString());
    for (int i = 0; i < segments.size(); ++i)
        m_segment->addItem(segments.at(i));
    for (int i = 0; i < segments.size() && i < 9; ++i)
        m_segment->setItemData(i + 1, tr("Key %1").arg(i + 1), Qt::ToolTipRole);
    m_segment->setCurrentIndex(qMax(0, m_segment->findText(current)));
}

bool DecisionPanel::chooseSegment(int index)
{
    if (index < 0 || index + 1 >= m_segment->count())
        return false;
    m_segment->setCurrentIndex(index + 1);
    return true;
}

void DecisionPanel::beginCorrection(const QString &text, const QString &output)
{
    m_output = output;
    m_editor->setPlainText(text);
    m_editor->moveCursor(QTextCursor::End);
    m_correction->show();
    updateDiff();
    m_editor->setFocus();
}

bool DecisionPanel::isCorrecting() const
{
    return m_correction->isVisible();
}

QString DecisionPanel::correction() const
{
    return m_editor->toPlainText();
}

void DecisionPanel::endCorrection()
{
    m_correction->hide();
    m_editor->clear();
}

QString DecisionPanel::segment() const
{
    return m_segment->currentText();
}

bool DecisionPanel::segmentChanged() const
{
    return !segment().isEmpty() && segment() != m_itemSegment;
}

QStringList DecisionPanel::tags() const
{
    QStringList tags;
    const QStringList parts = m_tags->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts)
        if (const QString tag = part.trimmed(); !tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    return tags;
}

QString DecisionPanel::note() const
{
    return m_note->text().trimmed();
}

bool DecisionPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (watched == m_editor && (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            (key->modifiers() & Qt::ControlModifier)) {
            emit correctionSubmitted();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            emit editingCancelled();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void DecisionPanel::updateDiff()
{
    m_diff->setHtml(diffHtml(m_output, m_editor->toPlainText(), htmlColors(palette())));
}

} // namespace flywheel::ui
