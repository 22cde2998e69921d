#pragma once

// Whether this process holds a POSIX record lock on a file, read from /proc/locks (Linux). SQLite
// holds one on a store for as long as a connection in WAL mode is open, and one on its -shm file.

#include <QFile>
#include <QString>

#include <sys/stat.h>
#include <unistd.h>

namespace flywheel::testing {

inline bool processHoldsLockOn(const QString &path)
{
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return false;
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return false;
    const QByteArray pid = QByteArray::number(qint64(::getpid()));
    const QByteArray inode = ':' + QByteArray::number(qulonglong(info.st_ino));
    // "1: POSIX  ADVISORY  READ 3328 fe:00:10953007 1073741826 1073742335"
    for (const QByteArray &line : locks.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() >= 6 && fields[1] == "POSIX" && fields[4] == pid && fields[5].endsWith(inode))
            return true;
    }
    return false;
}

} // namespace flywheel::testing
