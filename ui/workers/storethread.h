#pragma once

#include "store/store.h"
#include "util/mailbox.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <optional>

namespace flywheel::ui {

/// How the studio's threads open a store: never create it, and keep a small page cache, since
/// the studio holds a connection per thread.
Store::Options studioStoreOptions();

/// A thread with its own connection to a store (SQLite connections are per thread). Jobs run on it
/// one at a time, in the order they were posted, so the GUI thread never waits on the store.
class StoreThread final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreThread)

public:
    /// A job gets the store, or null and the reason it could not be opened.
    using Job = std::function<void(Store *store, const QString &openError)>;

    explicit StoreThread(const QString &name, QObject *parent = nullptr);
    /// Runs the jobs already posted, then stops the thread.
    ~StoreThread() override;

    /// Jobs posted from now on use the store at @p path (opened on first use, never created).
    void setStorePath(const QString &path);
    void post(Job job);

private:
    QThread m_thread;
    Mailbox *m_context;
    // Touched only on m_thread.
    QString m_path;
    std::optional<Store> m_store;
    QString m_openError;
};

} // namespace flywheel::ui
