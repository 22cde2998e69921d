#pragma once

// Damages a store as the one corrupted on 2026-12-03 was: a table's root page overwritten with a
// byte-for-byte copy of another tree's page (docs/reliability.md).

#include "store/statement.h"
#include "store/store.h"

#include <QFile>

namespace flywheel::testing {

/// Copies the root page of @p source over the root page of @p victim in the store at @p path,
/// whose connections must all be closed or checkpointed. Returns whether it was written.
inline bool overwriteRootPage(const QString &path, const char *victim, const char *source)
{
    qint64 pageSize = 0, victimPage = 0, sourcePage = 0;
    {
        auto store = Store::open(path);
        if (!store || !store->db().checkpointAndTruncate())
            return false;
        auto root = [&](const char *name) -> qint64 {
            auto query = store->db().prepare("SELECT rootpage FROM sqlite_schema WHERE name = ?1");
            if (!query)
                return 0;
            query->bind(1, std::string_view(name));
            auto row = query->step();
            return row && *row ? query->columnInt(0) : 0;
        };
        pageSize = *store->db().queryInt("PRAGMA page_size");
        victimPage = root(victim);
        sourcePage = root(source);
    }
    QFile file(path);
    if (victimPage == 0 || sourcePage == 0 || !file.open(QIODevice::ReadWrite) ||
        !file.seek((sourcePage - 1) * pageSize))
        return false;
    const QByteArray copy = file.read(pageSize);
    return copy.size() == pageSize && file.seek((victimPage - 1) * pageSize) && file.write(copy) == pageSize;
}

} // namespace flywheel::testing
