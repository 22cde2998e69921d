#include "store/damage.h"

#include <QFileInfo>
#include <QHash>

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <mutex>

namespace flywheel::damage {
namespace {

struct Registry {
    std::mutex mutex;
    // Held while listeners are called, so none runs once removeListener() has returned. Listeners
    // must not call back into the registry.
    std::mutex calling;
    QHash<QString, QString> messages; // canonical path -> SQLite's first message
    std::map<int, Listener> listeners;
    int nextId = 1;
    // Read without the mutex on every commit: zero, the usual case, costs one load.
    std::atomic<int> damagedFiles{0};
};

Registry &registry()
{
    static Registry instance;
    return instance;
}

// One name per file, however it was spelled when opened.
QString key(const QString &path)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

} // namespace

bool isDamageCode(int extendedCode)
{
    const int primary = extendedCode & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

void report(const QString &path, const QString &message)
{
    Registry &r = registry();
    std::map<int, Listener> listeners;
    std::unique_lock calling(r.calling);
    {
        std::lock_guard lock(r.mutex);
        const QString name = key(path);
        if (r.messages.contains(name))
            return;
        r.messages.insert(name, message);
        r.damagedFiles = int(r.messages.size());
        listeners = r.listeners;
    }
    for (const auto &[id, listener] : listeners)
        listener(path, message);
}

bool isDamaged(const QString &path)
{
    Registry &r = registry();
    if (r.damagedFiles.load(std::memory_order_relaxed) == 0)
        return false;
    std::lock_guard lock(r.mutex);
    return r.messages.contains(key(path));
}

QString firstMessage(const QString &path)
{
    Registry &r = registry();
    std::lock_guard lock(r.mutex);
    return r.messages.value(key(path));
}

QString refusalMessage(const QString &path)
{
    return QStringLiteral("%1 is damaged (%2), so nothing more is written to it; copy what is readable "
                          "to a new store with `flywheel --store %1 recover --to NEW.flywheel`")
        .arg(path, firstMessage(path));
}

int addListener(Listener listener)
{
    Registry &r = registry();
    std::lock_guard lock(r.mutex);
    const int id = r.nextId++;
    r.listeners.emplace(id, std::move(listener));
    return id;
}

void removeListener(int id)
{
    Registry &r = registry();
    std::lock_guard calling(r.calling);
    std::lock_guard lock(r.mutex);
    r.listeners.erase(id);
}

void forget(const QString &path)
{
    Registry &r = registry();
    std::lock_guard lock(r.mutex);
    r.messages.remove(key(path));
    r.damagedFiles = int(r.messages.size());
}

} // namespace flywheel::damage
