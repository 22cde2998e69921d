#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

#include <functional>

namespace flywheel {

/// One table of a store as the copy saw it: rows, and a digest of their content that does not
/// depend on the engine (the same rows give the same digest on SQLite and on PostgreSQL).
struct TableDigest {
    QString table;
    qint64 rows = 0;
    quint64 digest = 0;
};

struct StoreCopyReport {
    QList<TableDigest> tables; ///< the source's, each verified equal in the destination
    bool resumed = false;      ///< an interrupted copy into the destination was carried on
    qint64 rowsCopied = 0;     ///< rows written by this run
};

/// How far a copy is: the table it is on, its rows written so far and its rows in the source.
/// Returning false cancels the copy, which a later run resumes.
using StoreCopyProgress = std::function<bool(const QString &table, qint64 done, qint64 total)>;

/// Copies the whole store at @p from into the store at @p to, either engine to either engine
/// (files and postgresql:// locations), then verifies that every table holds the same rows (counts
/// and content digests). The destination is created if needed and must hold no data, unless it
/// holds an interrupted copy of the same source, which is resumed. The search index is not
/// copied: the destination rebuilds it as it is first searched.
Result<StoreCopyReport> copyStore(const QString &from, const QString &to,
                                  const StoreCopyProgress &progress = {});

/// The digests of every copied table of the store at @p location.
Result<QList<TableDigest>> digestStore(const QString &location);

} // namespace flywheel
