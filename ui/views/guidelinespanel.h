#pragma once

#include "review/guidelines.h"
#include "util/mailbox.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace flywheel::ui {

class StoreThread;
class StudioSession;

/// The team's annotation guidelines beside the queue: the latest version rendered from Markdown,
/// who wrote it and when, and Edit… to write the next version. Reads and writes go through the
/// session's writer thread, in order; text that could not be saved stays in the editor for the next
/// try. It follows the session's store.
class GuidelinesPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuidelinesPanel)

public:
    explicit GuidelinesPanel(StudioSession *session, QWidget *parent = nullptr);
    /// Waits for a save in progress.
    ~GuidelinesPanel() override;

    /// Who writes the versions saved from here.
    void setAuthor(const QString &author) { m_author = author; }
    void reload();
    /// Opens the editor on the latest text (or on text not saved yet).
    void edit();
    /// Stores @p text as the next version.
    void save(const QString &text);

    const Guidelines &shown() const { return m_shown; }
    /// Text whose save failed, kept for the editor; empty when everything is saved.
    const QString &unsaved() const { return m_unsaved; }
    QTextBrowser *browser() const { return m_browser; }
    QLabel *status() const { return m_status; }

signals:
    /// After a version was stored.
    void saved(qint64 version);

private:
    void display(const Guidelines &guidelines);
    void follow(const QString &path);

    StudioSession *m_session;
    std::shared_ptr<StoreThread> m_thread;
    Mailbox m_replies;
    QLabel *m_status;
    QTextBrowser *m_browser;
    QPushButton *m_edit;
    QString m_path;
    QString m_author;
    Guidelines m_shown;
    QString m_unsaved;
    int m_generation = 0;
};

} // namespace flywheel::ui
