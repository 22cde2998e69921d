#include "store/backup.h"

#include "store/database.h"
#include "store/storecheck.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

namespace flywheel {

Status backupStore(const QString &from, const QString &to)
{
    if (QFileInfo::exists(to))
        return Error{QStringLiteral("%1 already exists; choose a new file for the backup").arg(to)};
    // Refuse anything that is not a readable store before writing a byte.
    if (auto health = checkStore(from); !health)
        return health.error();
    auto source = Database::open(from, Database::OpenMode::ReadOnly);
    if (!source)
        return source.error();
    const QString partial = to + QStringLiteral(".partial");
    QFile::remove(partial);
    auto target = Database::open(partial);
    if (!target)
        return Error{QStringLiteral("cannot write %1: %2").arg(to, target.errorMessage())};
    sqlite3_backup *backup = sqlite3_backup_init(target->handle(), "main", source->handle(), "main");
    if (!backup)
        return Error{QStringLiteral("cannot start the backup: %1").arg(target->lastErrorMessage())};
    // All pages in one step: one read snapshot, which in WAL mode blocks no writer.
    const int stepped = sqlite3_backup_step(backup, -1);
    const int finished = sqlite3_backup_finish(backup);
    if (stepped != SQLITE_DONE || finished != SQLITE_OK) {
        const QString reason = QString::fromUtf8(sqlite3_errstr(stepped != SQLITE_DONE ? stepped : finished));
        target = Database();
        QFile::remove(partial);
        return Error{QStringLiteral("the backup to %1 failed: %2").arg(to, reason)};
    }
    // The copy is a rollback-journal database until reopened; leave it as the source was: WAL.
    if (Status s = target->exec("PRAGMA journal_mode = WAL"); !s)
        return s;
    target = Database();
    if (!QFile::rename(partial, to)) {
        QFile::remove(partial);
        return Error{QStringLiteral("cannot move the backup into place at %1").arg(to)};
    }
    return {};
}

} // namespace flywheel
