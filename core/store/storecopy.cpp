#include "store/storecopy.h"

#include "store/pg/pgconnection.h"
#include "store/pg/pgcopy.h"
#include "store/statement.h"
#include "store/store.h"
#include "store/storelocation.h"

#include <QFileInfo>

#include <sqlite3.h>
#include <xxhash.h>

#include <array>

namespace flywheel {
namespace {

// Every table that holds a store's data, in an order that satisfies the foreign keys, and with
// the change-log tables' sources (feedback, corrections, reviews) before curation_runs, so that no
// copied event lists its interaction as changed since a run. keys orders a table; its first
// column is an integer for all but curation_state, which an interrupted copy starts over.
// Not copied: the search index (rebuilt where it is searched), store_info and store_copies.
struct CopiedTable {
    const char *name;
    const char *keys;
    bool integerFirstKey = true;
};

constexpr std::array kTables{
    CopiedTable{"sources", "id"},
    CopiedTable{"ingest_runs", "id"},
    CopiedTable{"quarantine", "id"},
    CopiedTable{"interactions", "id"},
    CopiedTable{"feedback_events", "id"},
    CopiedTable{"corrections", "id"},
    CopiedTable{"guidelines", "version"},
    CopiedTable{"reviews", "id"},
    CopiedTable{"curation_runs", "id"},
    CopiedTable{"curation", "interaction_id"},
    CopiedTable{"flags", "interaction_id, reason"},
    CopiedTable{"pii_spans", "interaction_id"},
    CopiedTable{"duplicate_pairs", "first_id, second_id"},
    CopiedTable{"segment_stats", "run_id, segment"},
    CopiedTable{"curation_texts", "input_hash"},
    CopiedTable{"curation_state", "name", false},
    CopiedTable{"curation_dirty", "seq"},
    CopiedTable{"datasets", "id"},
    CopiedTable{"dataset_items", "dataset_id, interaction_id"},
    CopiedTable{"dataset_segments", "dataset_id, segment"},
    CopiedTable{"model_versions", "id"},
    CopiedTable{"daily_rollup", "day, model_key, segment"},
    CopiedTable{"flag_rollup", "day, model_key, segment, reason"},
    CopiedTable{"telemetry_held", "id"},
};

constexpr qint64 kBatchRows = 5000;
constexpr int kFetchRows = 2000;

QString tableName(const CopiedTable &table)
{
    return QString::fromLatin1(table.name);
}

QString firstKey(const CopiedTable &table)
{
    return QString::fromLatin1(table.keys).section(QLatin1Char(','), 0, 0).trimmed();
}

// A stream of a query's rows that holds a bounded number in memory: SQLite steps through them;
// PostgreSQL fetches them from a cursor, in the read transaction the caller holds.
class RowReader final {
public:
    explicit RowReader(Database &db)
        : m_db(db)
    {}
    ~RowReader()
    {
        if (m_cursorOpen)
            (void)m_db.exec("CLOSE flywheel_copy");
    }

    Status open(const QString &select)
    {
        if (!m_db.isPostgres()) {
            auto stmt = m_db.prepare(select.toUtf8().constData());
            if (!stmt)
                return stmt.error();
            m_stmt = std::move(*stmt);
            return {};
        }
        const QByteArray declare =
            (QStringLiteral("DECLARE flywheel_copy NO SCROLL CURSOR FOR ") + select).toUtf8();
        if (Status s = m_db.exec(declare.constData()); !s)
            return s;
        m_cursorOpen = true;
        auto fetch =
            m_db.prepare(QStringLiteral("FETCH %1 FROM flywheel_copy").arg(kFetchRows).toUtf8().constData());
        if (!fetch)
            return fetch.error();
        m_stmt = std::move(*fetch);
        return {};
    }

    /// The next row; on PostgreSQL, a full fetch means the cursor may hold more.
    Result<bool> step()
    {
        Result<bool> row = m_stmt.step();
        if (row && !*row && m_db.isPostgres() && m_fetched == kFetchRows) {
            m_stmt.reset();
            m_fetched = 0;
            row = m_stmt.step();
        }
        if (row && *row)
            ++m_fetched;
        return row;
    }

    Statement &row() { return m_stmt; }

private:
    Database &m_db;
    Statement m_stmt;
    bool m_cursorOpen = false;
    int m_fetched = 0;
};

std::vector<SqlCell> readCells(const Statement &row)
{
    std::vector<SqlCell> cells(size_t(row.columnCount()));
    for (int c = 0; c < row.columnCount(); ++c) {
        SqlCell &cell = cells[size_t(c)];
        switch (row.columnType(c)) {
        case SQLITE_INTEGER:
            cell.kind = SqlCell::Kind::Integer;
            cell.integer = row.columnInt(c);
            break;
        case SQLITE_FLOAT:
            cell.kind = SqlCell::Kind::Real;
            cell.real = row.columnDouble(c);
            break;
        case SQLITE_TEXT:
            cell.kind = SqlCell::Kind::Text;
            cell.bytes = row.columnBlob(c);
            break;
        case SQLITE_BLOB:
            cell.kind = SqlCell::Kind::Blob;
            cell.bytes = row.columnBlob(c);
            break;
        default:
            break;
        }
    }
    return cells;
}

// A row's content as bytes that are the same on both engines: a tag and the value per column.
// Text and blob share a tag: a bytea column hands back as bytes what SQLite may hold as text.
quint64 rowHash(const std::vector<SqlCell> &cells)
{
    QByteArray canonical;
    for (const SqlCell &cell : cells) {
        switch (cell.kind) {
        case SqlCell::Kind::Null:
            canonical.append('n');
            break;
        case SqlCell::Kind::Integer:
            canonical.append('i');
            canonical.append(reinterpret_cast<const char *>(&cell.integer), sizeof cell.integer);
            break;
        case SqlCell::Kind::Real:
            canonical.append('r');
            canonical.append(reinterpret_cast<const char *>(&cell.real), sizeof cell.real);
            break;
        case SqlCell::Kind::Text:
        case SqlCell::Kind::Blob: {
            const qint64 size = cell.bytes.size();
            canonical.append('b');
            canonical.append(reinterpret_cast<const char *>(&size), sizeof size);
            canonical.append(cell.bytes);
            break;
        }
        }
    }
    return XXH3_64bits(canonical.constData(), size_t(canonical.size()));
}

Status beginSnapshot(Database &db)
{
    return db.exec(db.isPostgres() ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
}

// Counts and digests one table: the sum of its rows' hashes, which no row order changes.
Result<TableDigest> digestTable(Database &db, const CopiedTable &table)
{
    TableDigest digest{tableName(table)};
    RowReader reader(db);
    if (Status s = reader.open(QStringLiteral("SELECT * FROM %1").arg(digest.table)); !s)
        return s.error();
    while (true) {
        Result<bool> row = reader.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        ++digest.rows;
        digest.digest += rowHash(readCells(reader.row()));
    }
    return digest;
}

Result<QList<TableDigest>> digestAll(Database &db)
{
    if (Status s = beginSnapshot(db); !s)
        return s.error();
    QList<TableDigest> digests;
    for (const CopiedTable &table : kTables) {
        auto digest = digestTable(db, table);
        if (!digest) {
            (void)db.exec("ROLLBACK");
            return Error{QStringLiteral("cannot read %1: %2").arg(tableName(table), digest.errorMessage())};
        }
        digests.append(*digest);
    }
    (void)db.exec("COMMIT");
    return digests;
}

// Where a store came from, the same however its location was spelled.
QString sourceKey(const QString &location)
{
    if (StoreLocation::isServer(location))
        return StoreLocation::redacted(location);
    return QFileInfo(location).absoluteFilePath();
}

// The bytea columns of a PostgreSQL table, in @p columns order.
Result<std::vector<bool>> byteaColumns(Database &db, const QString &table, const QStringList &columns)
{
    std::vector<bool> bytea(size_t(columns.size()), false);
    if (!db.isPostgres())
        return bytea;
    auto stmt = db.prepare("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                           "current_schema() AND table_name = ?1 AND data_type = 'bytea'");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, table);
    Status s = stmt->forEachRow([&] {
        const qsizetype at = columns.indexOf(stmt->columnText(0));
        if (at >= 0)
            bytea[size_t(at)] = true;
    });
    if (!s)
        return s.error();
    return bytea;
}

// Writes batches of rows into one table of the destination, each batch committed.
class TableWriter final {
public:
    TableWriter(Database &db, const CopiedTable &table)
        : m_db(db)
        , m_table(tableName(table))
    {}

    Status write(const QStringList &columns, const std::vector<std::vector<SqlCell>> &rows)
    {
        if (rows.empty())
            return {};
        Transaction transaction(m_db);
        if (!transaction.beginStatus().ok())
            return transaction.beginStatus();
        Status s = m_db.isPostgres() ? copyIn(columns, rows) : insert(columns, rows);
        return s ? transaction.commit() : s;
    }

private:
    Status copyIn(const QStringList &columns, const std::vector<std::vector<SqlCell>> &rows)
    {
        if (m_bytea.empty()) {
            auto bytea = byteaColumns(m_db, m_table, columns);
            if (!bytea)
                return bytea.error();
            m_bytea = *bytea;
        }
        PgCopyIn copy(*m_db.postgres(), m_table, columns, m_bytea);
        if (Status s = copy.begin(); !s)
            return s;
        for (const auto &row : rows) {
            if (Status s = copy.addRow(row); !s)
                return s;
        }
        return copy.finish();
    }

    Status insert(const QStringList &columns, const std::vector<std::vector<SqlCell>> &rows)
    {
        if (!m_insert) {
            QStringList parameters;
            for (qsizetype i = 1; i <= columns.size(); ++i)
                parameters.append(QStringLiteral("?%1").arg(i));
            const QByteArray sql =
                QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                    .arg(m_table, columns.join(QStringLiteral(", ")), parameters.join(QStringLiteral(", ")))
                    .toUtf8();
            auto stmt = m_db.prepare(sql.constData());
            if (!stmt)
                return stmt.error();
            m_insert = std::move(*stmt);
        }
        for (const auto &row : rows) {
            for (size_t i = 0; i < row.size(); ++i) {
                const SqlCell &cell = row[i];
                const int index = int(i) + 1;
                switch (cell.kind) {
                case SqlCell::Kind::Null:
                    m_insert->bindNull(index);
                    break;
                case SqlCell::Kind::Integer:
                    m_insert->bind(index, cell.integer);
                    break;
                case SqlCell::Kind::Real:
                    m_insert->bind(index, cell.real);
                    break;
                case SqlCell::Kind::Text:
                    m_insert->bind(index,
                                   std::string_view(cell.bytes.constData(), size_t(cell.bytes.size())));
                    break;
                case SqlCell::Kind::Blob:
                    m_insert->bindBlob(index, cell.bytes.constData(), int(cell.bytes.size()));
                    break;
                }
            }
            if (Status s = m_insert->run(); !s)
                return s;
        }
        return {};
    }

    Database &m_db;
    QString m_table;
    std::vector<bool> m_bytea;
    std::optional<Statement> m_insert;
};

class StoreCopier final {
public:
    StoreCopier(Store &source, Store &destination, const StoreCopyProgress &progress)
        : m_source(source.db())
        , m_destination(destination.db())
        , m_progress(progress)
    {}

    Result<qint64> copyTable(const CopiedTable &table)
    {
        const QString name = tableName(table);
        auto total =
            m_source.queryInt(QStringLiteral("SELECT count(*) FROM %1").arg(name).toUtf8().constData());
        auto present = total ? m_destination.queryInt(
                                   QStringLiteral("SELECT count(*) FROM %1").arg(name).toUtf8().constData())
                             : total;
        if (!present)
            return present.error();
        if (*present == *total && *present > 0)
            return qint64(0); // copied by the run that was interrupted; verify() checks it
        auto resumeFrom = resumePoint(table, *present);
        if (!resumeFrom)
            return resumeFrom.error();

        // Our own integer, not input: a cursor's query cannot take a bound parameter.
        const QString where = *resumeFrom
                                  ? QStringLiteral(" WHERE %1 >= %2").arg(firstKey(table)).arg(**resumeFrom)
                                  : QString();
        RowReader reader(m_source);
        if (Status s = reader.open(QStringLiteral("SELECT * FROM %1%2 ORDER BY %3")
                                       .arg(name, where, QString::fromLatin1(table.keys)));
            !s)
            return s.error();
        TableWriter writer(m_destination, table);
        QStringList columns;
        std::vector<std::vector<SqlCell>> batch;
        qint64 done = *resumeFrom ? *present : 0, copied = 0;
        while (true) {
            Result<bool> row = reader.step();
            if (!row)
                return row.error();
            if (*row) {
                if (columns.isEmpty()) {
                    for (int c = 0; c < reader.row().columnCount(); ++c)
                        columns.append(reader.row().columnName(c));
                }
                batch.push_back(readCells(reader.row()));
            }
            if (qint64(batch.size()) == kBatchRows || (!*row && !batch.empty())) {
                if (Status s = writer.write(columns, batch); !s)
                    return s.error();
                done += qint64(batch.size());
                copied += qint64(batch.size());
                batch.clear();
                if (m_progress && !m_progress(name, qMin(done, *total), *total))
                    return Error{QStringLiteral("the copy was cancelled in %1; run the same command again to "
                                                "resume it")
                                     .arg(name)};
            }
            if (!*row)
                break;
        }
        if (Status s = restartIdentity(table); !s)
            return s.error();
        return copied;
    }

private:
    // The first key value an interrupted copy must take up again (its rows in the destination are
    // removed first: a batch may have ended inside them), or none to copy the table from the start.
    Result<std::optional<qint64>> resumePoint(const CopiedTable &table, qint64 present)
    {
        if (present == 0)
            return std::optional<qint64>();
        const QString name = tableName(table);
        Transaction transaction(m_destination);
        if (!transaction.beginStatus().ok())
            return transaction.beginStatus().error();
        if (!table.integerFirstKey) {
            if (Status s =
                    m_destination.exec(QStringLiteral("DELETE FROM %1").arg(name).toUtf8().constData());
                !s)
                return s.error();
            if (Status s = transaction.commit(); !s)
                return s.error();
            return std::optional<qint64>();
        }
        const QString key = firstKey(table);
        auto last = m_destination.queryInt(
            QStringLiteral("SELECT max(%1) FROM %2").arg(key, name).toUtf8().constData());
        if (!last)
            return last.error();
        auto remove = m_destination.prepare(
            QStringLiteral("DELETE FROM %1 WHERE %2 >= ?1").arg(name, key).toUtf8().constData());
        if (!remove)
            return remove.error();
        remove->bind(1, *last);
        if (Status s = remove->run(); !s)
            return s.error();
        if (Status s = transaction.commit(); !s)
            return s.error();
        return std::optional<qint64>(*last);
    }

    // PostgreSQL's identity columns draw from a sequence that copied ids did not advance.
    Status restartIdentity(const CopiedTable &table)
    {
        if (!m_destination.isPostgres() || !table.integerFirstKey)
            return {};
        auto stmt = m_destination.prepare(
            QStringLiteral(
                "SELECT setval(pg_get_serial_sequence(?1, ?2), coalesce(max(%2), 0) + 1, false) FROM %1")
                .arg(tableName(table), firstKey(table))
                .toUtf8()
                .constData());
        if (!stmt)
            return stmt.error();
        stmt->bind(1, tableName(table));
        stmt->bind(2, firstKey(table));
        return stmt->run();
    }

    Database &m_source;
    Database &m_destination;
    const StoreCopyProgress &m_progress;
};

// The copy this run carries on, or a new one; refuses a destination that holds anything else.
Result<qint64> claimDestination(Store &destination, const QString &source, bool &resumed)
{
    Database &db = destination.db();
    qint64 rows = 0;
    for (const CopiedTable &table : kTables) {
        auto count = db.queryInt(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM %1 LIMIT 1) AS t")
                                     .arg(tableName(table))
                                     .toUtf8()
                                     .constData());
        if (!count)
            return count.error();
        rows += *count;
    }
    auto copy =
        db.prepare("SELECT id, finished_at FROM store_copies WHERE source = ?1 ORDER BY id DESC LIMIT 1");
    if (!copy)
        return copy.error();
    copy->bind(1, source);
    auto found = copy->step();
    if (!found)
        return found.error();
    if (*found && copy->isNull(1)) {
        resumed = true;
        return copy->columnInt(0);
    }
    if (rows > 0)
        return Error{
            QStringLiteral("%1 already holds data; copy into a new, empty store (or resume an interrupted "
                           "copy from the same source)")
                .arg(destination.displayName())};
    auto insert = db.prepare("INSERT INTO store_copies (source, started_at) VALUES (?1, ?2)");
    if (!insert)
        return insert.error();
    insert->bind(1, source);
    insert->bind(2, currentTimeMs());
    if (Status s = insert->run(); !s)
        return s.error();
    return db.queryInt("SELECT max(id) FROM store_copies");
}

Status compareDigests(const QList<TableDigest> &source, const QList<TableDigest> &copy, const QString &where)
{
    QStringList differing;
    for (qsizetype i = 0; i < source.size(); ++i) {
        if (source[i].rows != copy[i].rows || source[i].digest != copy[i].digest)
            differing.append(QStringLiteral("%1 (%2 rows in the source, %3 in the copy)")
                                 .arg(source[i].table)
                                 .arg(source[i].rows)
                                 .arg(copy[i].rows));
    }
    if (differing.isEmpty())
        return {};
    return Error{
        QStringLiteral("the copy in %1 differs from its source in %2; was the source written to during "
                       "the copy? Copy into a new store")
            .arg(where, differing.join(QStringLiteral(", ")))};
}

} // namespace

Result<QList<TableDigest>> digestStore(const QString &location)
{
    auto store = Store::open(location, Store::readerOptions());
    if (!store)
        return store.error();
    return digestAll(store->db());
}

Result<StoreCopyReport> copyStore(const QString &from, const QString &to, const StoreCopyProgress &progress)
{
    if (sourceKey(from) == sourceKey(to))
        return Error{
            QStringLiteral("%1 is both the source and the destination").arg(StoreLocation::redacted(from))};
    auto source = Store::open(from, Store::readerOptions());
    if (!source)
        return source.error();
    auto destination = Store::open(to);
    if (!destination)
        return destination.error();

    StoreCopyReport report;
    auto copyId = claimDestination(*destination, sourceKey(from), report.resumed);
    if (!copyId)
        return copyId.error();
    if (Status s = beginSnapshot(source->db()); !s)
        return s.error();
    StoreCopier copier(*source, *destination, progress);
    for (const CopiedTable &table : kTables) {
        auto copied = copier.copyTable(table);
        if (!copied) {
            (void)source->db().exec("ROLLBACK");
            return Error{QStringLiteral("cannot copy %1: %2").arg(tableName(table), copied.errorMessage())};
        }
        report.rowsCopied += *copied;
    }
    (void)source->db().exec("COMMIT");

    auto sourceDigests = digestAll(source->db());
    auto copyDigests = sourceDigests ? digestAll(destination->db()) : sourceDigests;
    if (!copyDigests)
        return copyDigests.error();
    if (Status s = compareDigests(*sourceDigests, *copyDigests, destination->displayName()); !s)
        return s.error();
    auto finish = destination->db().prepare("UPDATE store_copies SET finished_at = ?1 WHERE id = ?2");
    if (!finish)
        return finish.error();
    finish->bind(1, currentTimeMs());
    finish->bind(2, *copyId);
    if (Status s = finish->run(); !s)
        return s.error();
    report.tables = *sourceDigests;
    return report;
}

} // namespace flywheel
