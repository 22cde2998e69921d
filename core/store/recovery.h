#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace flywheel {

/// What recovering a damaged store copied.
struct RecoveryReport {
    struct Table {
        QString name;
        qint64 rows = 0;
        /// Pages of the table's tree that were unreadable or belonged to something else.
        int damagedPages = 0;
    };
    /// In the order they were copied: people's decisions and guidelines first.
    std::vector<Table> tables;
    /// Decisions found on pages that no tree reached any more, put back.
    qint64 decisionsFromLostPages = 0;
    /// Rows that fit nowhere (on lost pages, or pointing to a row that was not recovered), kept in
    /// the new store's lost_and_found table as JSON.
    qint64 lostAndFound = 0;
    /// Tables computed from the others, left for `flywheel curate --full` to rebuild.
    QStringList rebuiltLater;
    /// Set when the WAL could not be read and only the main file was.
    QString warning;
};

/// Copies what is readable of the store at @p from into a new store at @p to, reading its pages
/// directly rather than through SQLite's b-tree checks: every row of every readable page of the
/// tables people and capture wrote, decisions first, each table in its own transaction. @p from is
/// only read. The new store appears at @p to only once it is complete and passes the integrity check.
Result<RecoveryReport> recoverStore(const QString &from, const QString &to,
                                    const std::function<void(const QString &table)> &progress = {});

} // namespace flywheel
