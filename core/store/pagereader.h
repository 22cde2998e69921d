#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <functional>
#include <set>
#include <vector>

namespace flywheel {

/// Reads the rows of a SQLite database file straight from its b-tree pages, for recovery: it trusts
/// no page, so a damaged tree gives what its readable pages hold instead of an error. This is what
/// SQLite's own recovery (the shell's .recover, not usable in Debian 12's 3.40.1 build) does; the
/// file format is https://www.sqlite.org/fileformat2.html.
class PageReader final {
public:
    /// A record's values: null, integer, real, text (QString) or blob (QByteArray).
    using Values = std::vector<QVariant>;
    struct Row {
        qint64 rowid = 0; // 0 for an index or WITHOUT ROWID record
        Values values;
    };
    struct SchemaEntry {
        QString type, name, table, sql;
        quint32 rootPage = 0;
    };
    /// What one tree walk met: rows, and pages that were not what the tree says they should be.
    struct Walk {
        std::vector<Row> rows;
        int badPages = 0;
    };

    /// Reads the file whole; @p bytes is a consistent image of it (see recovery.cpp).
    static Result<PageReader> fromImage(QByteArray bytes);

    quint32 pageCount() const { return m_pageCount; }
    quint32 pageSize() const { return m_pageSize; }

    std::vector<SchemaEntry> schema();
    /// The rows of the table tree at @p rootPage (@p rowidTable) or of the index tree (WITHOUT ROWID);
    /// without @p keepRows only the pages it reaches are noted.
    Walk walk(quint32 rootPage, bool rowidTable, bool keepRows = true);
    /// Table leaf pages no tree reached and the free list does not hold, after walking every tree.
    std::vector<quint32> unreachedLeafPages() const;
    /// The rows of one table leaf page.
    std::vector<Row> leafRows(quint32 page);

private:
    explicit PageReader(QByteArray bytes);
    const uchar *page(quint32 number) const;
    int headerOffset(quint32 number) const { return number == 1 ? 100 : 0; }
    void cellsOf(quint32 number, std::vector<Row> *rows, std::vector<quint32> &children, int &badPages);
    bool readCell(quint32 number, const uchar *cell, int kind, Row &row);
    QByteArray payload(const uchar *start, qint64 size, int kind);
    void markFreeList();

    QByteArray m_bytes;
    quint32 m_pageSize = 0, m_pageCount = 0, m_usable = 0;
    std::set<quint32> m_reached, m_free;
};

/// The values of a SQLite record (the payload of a cell).
PageReader::Values decodeRecord(const QByteArray &payload);

} // namespace flywheel
