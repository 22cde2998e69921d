#include "store/exclusivework.h"

#include "store/database.h"
#include "store/statement.h"
#include "store/storelocation.h"
#include "util/timestamps.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QLockFile>
#include <QSysInfo>

#include <xxhash.h>

namespace flywheel {
namespace {

QString holderName(const QString &work)
{
    return QStringLiteral("flywheel %1 on %2 (pid %3)")
        .arg(work, QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid());
}

QString refusal(const QString &work, const QString &holder, const QString &since)
{
    return QStringLiteral("another %1 run is using the store: %2, since %3; wait for it to finish")
        .arg(work, holder, since);
}

} // namespace

ExclusiveWork::~ExclusiveWork() = default;

Result<std::unique_ptr<ExclusiveWork>> ExclusiveWork::acquire(const QString &location, const QString &work)
{
    return StoreLocation::isServer(location) ? onServer(location, work) : inFile(location, work);
}

Result<std::unique_ptr<ExclusiveWork>> ExclusiveWork::onServer(const QString &location, const QString &work)
{
    const QString schema = StoreLocation::schema(location);
    auto db = Database::connect(StoreLocation::connectionUri(location), schema);
    if (!db)
        return db.error();
    // One lock per store and work: the key is a hash of both, as two positive 31-bit halves (the
    // form pg_locks shows as classid and objid).
    const QByteArray name = (schema + QLatin1Char('/') + work).toUtf8();
    const quint64 key = XXH3_64bits(name.constData(), size_t(name.size()));
    const qint64 high = qint64((key >> 32) & 0x7fffffff), low = qint64(key & 0x7fffffff);
    auto setName = db->prepare("SELECT set_config('application_name', ?1, false)");
    if (!setName)
        return setName.error();
    setName->bind(1, holderName(work).left(63));
    if (Status s = setName->run(); !s)
        return s.error();
    auto take = db->prepare("SELECT pg_try_advisory_lock(CAST(?1 AS integer), CAST(?2 AS integer))");
    if (!take)
        return take.error();
    take->bind(1, high);
    take->bind(2, low);
    auto taken = take->step();
    if (!taken)
        return taken.error();
    if (take->columnInt(0) == 0) {
        auto holder = db->prepare(
            "SELECT a.application_name || ' as ' || a.usename || ' from ' || coalesce(host(a.client_addr), "
            "'a local socket'), a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = ?1 AND l.objid::bigint = "
            "?2");
        if (!holder)
            return holder.error();
        holder->bind(1, high);
        holder->bind(2, low);
        auto row = holder->step();
        if (row && *row)
            return Error{refusal(work, holder->columnText(0), holder->columnText(1))};
        return Error{refusal(work, QStringLiteral("another session"), QStringLiteral("a moment ago"))};
    }
    std::unique_ptr<ExclusiveWork> held(new ExclusiveWork);
    held->m_connection = std::make_unique<Database>(std::move(*db));
    return held;
}

Result<std::unique_ptr<ExclusiveWork>> ExclusiveWork::inFile(const QString &location, const QString &work)
{
    const QString path = location + QLatin1Char('.') + work + QStringLiteral(".lock");
    auto file = std::make_unique<QLockFile>(path);
    // A holder that died leaves its file: QLockFile sees its pid gone and takes over.
    file->setStaleLockTime(0);
    if (!file->tryLock(0)) {
        if (file->error() != QLockFile::LockFailedError)
            return Error{QStringLiteral("cannot create the lock file %1").arg(path)};
        qint64 pid = 0;
        QString host, application;
        file->getLockInfo(&pid, &host, &application);
        const QDateTime since = QFileInfo(path).lastModified().toUTC();
        return Error{refusal(work, QStringLiteral("flywheel %1 on %2 (pid %3)").arg(work, host).arg(pid),
                             QString::fromStdString(formatRfc3339(since.toMSecsSinceEpoch())))};
    }
    std::unique_ptr<ExclusiveWork> held(new ExclusiveWork);
    held->m_file = std::move(file);
    return held;
}

} // namespace flywheel
