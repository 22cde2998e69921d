#pragma once

#include "store/store.h"
#include "util/mailbox.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <optional>

namespace flywheel::ui {

/// A thread with its own connection to a store (SQLite connections are per thread). Jobs run on it
/// one at a time, in the order they were posted, so the GUI thread never waits on the store.
///
/// The studio has one Writer, the session's (StudioSession::writer()); every other store thread
/// is a Reader, whose connection refuses writes (Store::Options::readOnly).
class StoreThread final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreThread)

public:
    enum class Role { Reader, Writer };
    /// A job gets the store, or null and the reason it could not be opened.
    using Job = std::function<void(Store *store, const QString &openError)>;

    StoreThread(const QString &name, Role role, QObject *parent = nullptr);
    /// Runs the jobs already posted, then stops the thread.
    ~StoreThread() override;

    /// Jobs posted from now on use the store at @p path (opened on first use, never created).
    void setStorePath(const QString &path);
    void post(Job job);
    /// Runs @p job after every job posted before it and waits for it to finish: a worker thread's
    /// turn on this thread's connection. Never call it from this thread.
    void runAndWait(Job job);
    /// Waits until every job posted so far has run; for destructors of objects those jobs use.
    void drain();

private:
    void ensureOpen();
    QString openError() const;
    void waitFor(const std::function<void()> &work);

    QThread m_thread;
    Mailbox *m_context;
    const Role m_role;
    // Touched only on m_thread.
    QString m_path;
    std::optional<Store> m_store;
    QString m_openError;
};

} // namespace flywheel::ui
