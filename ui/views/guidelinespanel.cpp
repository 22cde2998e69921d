#include "views/guidelinespanel.h"

#include "session/studiosession.h"
#include "workers/storethread.h"

#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace flywheel::ui {
namespace {

// Ctrl+Enter in the editor saves: an event filter, as in the correction editor, so it works
// whatever window has the focus.
class SaveOnCtrlEnter final : public QObject {
public:
    explicit SaveOnCtrlEnter(QDialog *dialog)
        : QObject(dialog)
        , m_dialog(dialog)
    {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const auto *key = static_cast<QKeyEvent *>(event);
            if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
                (key->modifiers() & Qt::ControlModifier)) {
                m_dialog->accept();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QDialog *m_dialog;
};

// The editor: Markdown in a plain text box, Ctrl+Enter saves, Esc cancels. Returns the text, or
// nothing when cancelled.
std::optional<QString> editText(QWidget *parent, const QString &text)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(GuidelinesPanel::tr("Edit Guidelines"));
    auto *editor = new QPlainTextEdit(text, &dialog);
    editor->setObjectName(QStringLiteral("guidelinesEditor"));
    auto *hint =
        new QLabel(GuidelinesPanel::tr("Markdown: # headings, - lists, **bold**. Saving stores a new "
                                       "version; earlier ones are kept."),
                   &dialog);
    hint->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Save)->setToolTip(GuidelinesPanel::tr("Save (Ctrl+Enter)"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    editor->installEventFilter(new SaveOnCtrlEnter(&dialog));
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(hint);
    layout->addWidget(editor);
    layout->addWidget(buttons);
    dialog.resize(parent->fontMetrics().averageCharWidth() * 90, parent->fontMetrics().height() * 30);
    editor->setFocus();
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return editor->toPlainText();
}

} // namespace

GuidelinesPanel::GuidelinesPanel(StudioSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_thread(session->writer())
    , m_status(new QLabel(this))
    , m_browser(new QTextBrowser(this))
    , m_edit(new QPushButton(tr("&Edit…"), this))
{
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_browser->setOpenExternalLinks(true);
    m_edit->setToolTip(tr("Write the next version of the guidelines"));
    m_edit->setEnabled(false);
    connect(m_edit, &QPushButton::clicked, this, &GuidelinesPanel::edit);
    auto *top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_edit);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_browser);
    display(Guidelines{});
    connect(session, &StudioSession::changed, this, [this](StudioSession::Changes what) {
        if (what & StudioSession::Change::Store)
            follow(m_session->storePath());
        else if (what & StudioSession::Change::Guidelines)
            reload();
    });
    follow(session->storePath());
}

GuidelinesPanel::~GuidelinesPanel()
{
    m_thread->drain(); // a save still queued uses the panel
}

void GuidelinesPanel::follow(const QString &path)
{
    m_path = path;
    m_unsaved.clear();
    m_edit->setEnabled(!path.isEmpty());
    reload();
}

void GuidelinesPanel::reload()
{
    const int generation = ++m_generation;
    if (m_path.isEmpty()) {
        display(Guidelines{});
        return;
    }
    m_thread->post([this, generation](Store *store, const QString &openError) {
        auto latest = store ? loadGuidelines(*store) : Result<Guidelines>(Error{openError});
        m_replies.post([this, generation, latest] {
            if (generation != m_generation)
                return; // a newer store or reload wins
            if (latest)
                display(*latest);
            else
                m_status->setText(latest.errorMessage());
        });
    });
}

void GuidelinesPanel::edit()
{
    if (m_path.isEmpty())
        return;
    if (const auto text = editText(this, m_unsaved.isEmpty() ? m_shown.text : m_unsaved))
        save(*text);
}

void GuidelinesPanel::save(const QString &text)
{
    m_unsaved = text; // until the store confirms
    m_status->setText(tr("Saving…"));
    const int generation = ++m_generation;
    const QString author = m_author;
    m_thread->post([this, generation, text, author](Store *store, const QString &openError) {
        auto saved = store ? saveGuidelines(*store, text, author) : Result<Guidelines>(Error{openError});
        m_replies.post([this, generation, text, saved] {
            // Stored is stored, even when a newer reload or store owns the display.
            if (saved && m_unsaved == text)
                m_unsaved.clear();
            if (generation != m_generation)
                return;
            if (!saved) {
                m_status->setText(
                    tr("NOT SAVED: %1. Edit… keeps your text; try again.").arg(saved.errorMessage()));
                return;
            }
            display(*saved);
            emit this->saved(saved->version);
        });
    });
}

void GuidelinesPanel::display(const Guidelines &guidelines)
{
    m_shown = guidelines;
    if (guidelines.version == 0) {
        m_status->setText(m_path.isEmpty() ? tr("No store is open.")
                                           : tr("No guidelines yet. Edit… writes the first version."));
        m_browser->clear();
        return;
    }
    const QString when =
        QLocale().toString(QDateTime::fromMSecsSinceEpoch(guidelines.createdAtMs), QLocale::ShortFormat);
    m_status->setText(guidelines.author.isEmpty()
                          ? tr("Version %1, %2").arg(guidelines.version).arg(when)
                          : tr("Version %1 by %2, %3").arg(guidelines.version).arg(guidelines.author, when));
    m_browser->setMarkdown(guidelines.text);
}

} // namespace flywheel::ui
