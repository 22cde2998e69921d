#include "store/storefiles.h"

#include <QFileInfo>
#include <QStandardPaths>

namespace flywheel {

bool isStoreFile(const QString &file, const QString &storePath)
{
    const QString target = QFileInfo(file).canonicalFilePath();
    if (target.isEmpty())
        return false;
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        if (QFileInfo(storePath + QLatin1String(suffix)).canonicalFilePath() == target)
            return true;
    return false;
}

QString userStoreFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/store.flywheel");
}

} // namespace flywheel
