#include "store/recovery.h"

#include "store/migrations.h"
#include "store/pagereader.h"
#include "store/statement.h"
#include "store/store.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QtEndian>

#include <sqlite3.h>

#include <map>

namespace flywheel {
namespace {

// What people and capture wrote, in the order it is copied: what nothing can recompute comes first.
// Every other table is computed from these by curation and the search index.
const char *const kCopiedTables[] = {"reviews",       "guidelines",       "corrections",    "feedback_events",
                                     "sources",       "interactions",     "model_versions", "datasets",
                                     "dataset_items", "dataset_segments", "ingest_runs",    "quarantine"};

struct Column {
    QString name;
    int primaryKeyOrder = 0; // 1-based position in the primary key, 0 when not in it
    bool rowidAlias = false;
};

struct TableShape {
    std::vector<Column> recordOrder; // the columns in the order a record on disk holds them
    bool withoutRowid = false;
    int aliasIndex = -1; // the INTEGER PRIMARY KEY column, whose record value is null
};

QString quoted(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\"")) +
           QLatin1Char('"');
}

Result<TableShape> shapeOf(Database &db, const QString &table, const QString &sourceSql)
{
    TableShape shape;
    shape.withoutRowid = sourceSql.contains(QLatin1String("WITHOUT ROWID"), Qt::CaseInsensitive);
    auto info = db.prepare(QStringLiteral("PRAGMA table_info(%1)").arg(quoted(table)).toUtf8().constData());
    if (!info)
        return info.error();
    std::vector<Column> columns;
    int keyColumns = 0;
    QString keyType;
    if (Status s = info->forEachRow([&] {
            columns.push_back({info->columnText(1), int(info->columnInt(5)), false});
            if (info->columnInt(5) > 0) {
                ++keyColumns;
                keyType = info->columnText(2);
            }
        });
        !s)
        return s.error();
    if (columns.empty())
        return Error{QStringLiteral("the new store has no table %1").arg(table)};
    if (!shape.withoutRowid && keyColumns == 1 &&
        keyType.compare(QLatin1String("INTEGER"), Qt::CaseInsensitive) == 0)
        for (Column &c : columns)
            c.rowidAlias = c.primaryKeyOrder == 1;
    if (shape.withoutRowid) {
        // A WITHOUT ROWID record holds the key's columns first, then the others in their order.
        std::stable_sort(columns.begin(), columns.end(), [](const Column &a, const Column &b) {
            const int ka = a.primaryKeyOrder ? a.primaryKeyOrder : 1 << 20;
            const int kb = b.primaryKeyOrder ? b.primaryKeyOrder : 1 << 20;
            return ka < kb;
        });
    }
    shape.recordOrder = std::move(columns);
    for (size_t i = 0; i < shape.recordOrder.size(); ++i)
        if (shape.recordOrder[i].rowidAlias)
            shape.aliasIndex = int(i);
    return shape;
}

void bindValue(Statement &statement, int index, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::LongLong:
        statement.bind(index, value.toLongLong());
        break;
    case QMetaType::Double:
        statement.bind(index, value.toDouble());
        break;
    case QMetaType::QString:
        statement.bind(index, value.toString());
        break;
    case QMetaType::QByteArray: {
        const QByteArray blob = value.toByteArray();
        statement.bindBlob(index, blob.constData(), int(blob.size()));
        break;
    }
    default:
        statement.bindNull(index);
    }
}

QString asJson(const PageReader::Values &values)
{
    QJsonArray array;
    for (const QVariant &v : values)
        array.append(v.typeId() == QMetaType::QByteArray
                         ? QJsonValue(QString::fromLatin1(v.toByteArray().toHex()))
                         : QJsonValue::fromVariant(v));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

// Inserts rows of one shape; a statement per number of values, since older rows may hold fewer
// (columns added later by ALTER TABLE are not in them).
class RowWriter {
public:
    RowWriter(Database &db, QString table, TableShape shape)
        : m_db(db)
        , m_table(std::move(table))
        , m_shape(std::move(shape))
    {}

    Status write(const PageReader::Row &row)
    {
        const int count = int(qMin(row.values.size(), m_shape.recordOrder.size()));
        const bool explicitRowid = !m_shape.withoutRowid && m_shape.aliasIndex < 0;
        auto found = m_statements.find(count);
        if (found == m_statements.end()) {
            QStringList names, places;
            if (explicitRowid)
                names << QStringLiteral("rowid");
            for (int i = 0; i < count; ++i)
                names << quoted(m_shape.recordOrder[size_t(i)].name);
            for (int i = 1; i <= names.size(); ++i)
                places << QStringLiteral("?%1").arg(i);
            auto prepared = m_db.prepare(
                QStringLiteral("INSERT OR REPLACE INTO %1 (%2) VALUES (%3)")
                    .arg(quoted(m_table), names.join(QLatin1Char(',')), places.join(QLatin1Char(',')))
                    .toUtf8()
                    .constData());
            if (!prepared)
                return prepared.error();
            found = m_statements.emplace(count, std::move(*prepared)).first;
        }
        Statement &insert = found->second;
        int index = 1;
        if (explicitRowid)
            insert.bind(index++, row.rowid);
        for (int i = 0; i < count; ++i, ++index) {
            if (i == m_shape.aliasIndex)
                insert.bind(index, row.rowid);
            else
                bindValue(insert, index, row.values[size_t(i)]);
        }
        return insert.run();
    }

private:
    Database &m_db;
    QString m_table;
    TableShape m_shape;
    std::map<int, Statement> m_statements;
};

bool looksLikeDecision(const PageReader::Row &row)
{
    static const QStringList kinds{QStringLiteral("approve"), QStringLiteral("reject"),
                                   QStringLiteral("correct"), QStringLiteral("skip")};
    return row.rowid > 0 && row.values.size() >= 9 && row.values.size() <= 13 &&
           row.values[1].typeId() == QMetaType::LongLong && kinds.contains(row.values[2].toString());
}

// A consistent image of the store with its WAL applied: SQLite's online backup copies pages
// without reading the trees they belong to, so damage does not stop it. Failing that, the main file.
Result<QString> takeImage(const QString &from, const QString &image, QString &warning)
{
    QFile::remove(image);
    {
        auto source = Database::open(from, Database::OpenMode::ReadOnly);
        auto target = Database::open(image);
        if (source && target) {
            sqlite3_backup *backup = sqlite3_backup_init(target->handle(), "main", source->handle(), "main");
            const int stepped = backup ? sqlite3_backup_step(backup, -1) : SQLITE_ERROR;
            if (backup)
                sqlite3_backup_finish(backup);
            if (stepped == SQLITE_DONE)
                return image;
        }
    }
    QFile::remove(image);
    warning = QStringLiteral("its write-ahead log could not be read, so changes not yet checkpointed into "
                             "the main file are not recovered");
    if (!QFile::copy(from, image))
        return Error{QStringLiteral("cannot read %1").arg(from)};
    return image;
}

class Recovery {
public:
    Recovery(PageReader &reader, Store &store, RecoveryReport &report)
        : m_reader(reader)
        , m_store(store)
        , m_report(report)
    {}

    Status run(const std::function<void(const QString &)> &progress);

private:
    Status copyTable(const PageReader::SchemaEntry &entry);
    Status placeLostPages();
    Status setAsideDanglingRows();
    Status keep(const QString &table, qint64 page, qint64 rowid, const QString &row, const char *reason);

    PageReader &m_reader;
    Store &m_store;
    RecoveryReport &m_report;
    std::map<QString, PageReader::SchemaEntry> m_tables;
};

Status Recovery::run(const std::function<void(const QString &)> &progress)
{
    Database &db = m_store.db();
    if (Status s =
            db.exec("PRAGMA foreign_keys = OFF;"
                    "CREATE TABLE lost_and_found (source_table TEXT, page INTEGER, source_rowid INTEGER, "
                    "row TEXT NOT NULL, reason TEXT NOT NULL)");
        !s)
        return s;
    for (const PageReader::SchemaEntry &entry : m_reader.schema())
        if (entry.type == QLatin1String("table"))
            m_tables.emplace(entry.name, entry);
    for (const char *name : kCopiedTables) {
        const auto found = m_tables.find(QString::fromLatin1(name));
        if (found == m_tables.end())
            continue;
        if (progress)
            progress(found->first);
        if (Status s = copyTable(found->second); !s)
            return Error{QStringLiteral("cannot copy %1: %2").arg(found->first, s.errorMessage())};
    }
    // Every other tree is walked too, so that the pages no tree reaches can be told apart.
    for (const PageReader::SchemaEntry &entry : m_reader.schema()) {
        if (entry.rootPage == 0 ||
            std::find_if(std::begin(kCopiedTables), std::end(kCopiedTables), [&](const char *n) {
                return entry.name == QLatin1String(n);
            }) != std::end(kCopiedTables))
            continue;
        const bool rowid = entry.type == QLatin1String("table") &&
                           !entry.sql.contains(QLatin1String("WITHOUT ROWID"), Qt::CaseInsensitive);
        (void)m_reader.walk(entry.rootPage, rowid, false);
        if (entry.type == QLatin1String("table") && !entry.name.startsWith(QLatin1String("sqlite_")))
            m_report.rebuiltLater.append(entry.name);
    }
    if (Status s = placeLostPages(); !s)
        return s;
    return setAsideDanglingRows();
}

Status Recovery::copyTable(const PageReader::SchemaEntry &entry)
{
    auto shape = shapeOf(m_store.db(), entry.name, entry.sql);
    if (!shape)
        return shape.error();
    const PageReader::Walk walk = m_reader.walk(entry.rootPage, !shape->withoutRowid);
    Transaction transaction(m_store.db());
    if (!transaction.beginStatus().ok())
        return transaction.beginStatus();
    RowWriter writer(m_store.db(), entry.name, std::move(*shape));
    RecoveryReport::Table table{entry.name, 0, walk.badPages};
    for (const PageReader::Row &row : walk.rows) {
        if (Status s = writer.write(row); !s) {
            if (Status kept = keep(entry.name, 0, row.rowid, asJson(row.values), "not insertable"); !kept)
                return kept;
            continue;
        }
        ++table.rows;
    }
    m_report.tables.push_back(table);
    return transaction.commit();
}

// Leaf pages no tree reaches any more: decisions among them go back to reviews, the rest is kept.
Status Recovery::placeLostPages()
{
    const auto reviews = m_tables.find(QStringLiteral("reviews"));
    std::optional<RowWriter> decisions;
    if (reviews != m_tables.end()) {
        auto shape = shapeOf(m_store.db(), reviews->first, reviews->second.sql);
        if (!shape)
            return shape.error();
        decisions.emplace(m_store.db(), reviews->first, std::move(*shape));
    }
    Transaction transaction(m_store.db());
    if (!transaction.beginStatus().ok())
        return transaction.beginStatus();
    for (const quint32 page : m_reader.unreachedLeafPages()) {
        for (const PageReader::Row &row : m_reader.leafRows(page)) {
            if (decisions && looksLikeDecision(row) && decisions->write(row).ok()) {
                ++m_report.decisionsFromLostPages;
                continue;
            }
            if (Status s = keep(QString(), page, row.rowid, asJson(row.values), "on a page no table reaches");
                !s)
                return s;
        }
    }
    return transaction.commit();
}

// A row whose parent was not recovered (a decision on a lost interaction) is kept aside, so that the
// new store passes its foreign-key check and the row is still there to read.
Status Recovery::setAsideDanglingRows()
{
    Database &db = m_store.db();
    Transaction transaction(db);
    if (!transaction.beginStatus().ok())
        return transaction.beginStatus();
    for (const auto &[name, entry] : m_tables) {
        auto keys =
            db.prepare(QStringLiteral("PRAGMA foreign_key_list(%1)").arg(quoted(name)).toUtf8().constData());
        if (!keys)
            continue; // a table the new store does not have
        std::vector<std::pair<QString, std::pair<QString, QString>>> references;
        (void)keys->forEachRow([&] {
            references.push_back({keys->columnText(2), {keys->columnText(3), keys->columnText(4)}});
        });
        auto columns = shapeOf(db, name, entry.sql);
        if (!columns || references.empty())
            continue;
        QStringList names;
        for (const Column &c : columns->recordOrder)
            names << quoted(c.name);
        for (const auto &[parent, link] : references) {
            const QString parentColumn =
                link.second.isEmpty() ? QStringLiteral("rowid") : quoted(link.second);
            const QString dangling =
                QStringLiteral("%1 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %2 WHERE %2.%3 = %4.%1)")
                    .arg(quoted(link.first), quoted(parent), parentColumn, quoted(name));
            const QString copy =
                QStringLiteral("INSERT INTO lost_and_found (source_table, source_rowid, row, reason) "
                               "SELECT '%1', NULL, json_array(%2), 'points to a missing %3' FROM %4 WHERE %5")
                    .arg(name, names.join(QLatin1Char(',')), parent, quoted(name), dangling);
            if (Status s = db.exec(copy.toUtf8().constData()); !s)
                return s;
            m_report.lostAndFound += db.changes();
            if (Status s = db.exec(QStringLiteral("DELETE FROM %1 WHERE %2")
                                       .arg(quoted(name), dangling)
                                       .toUtf8()
                                       .constData());
                !s)
                return s;
            for (RecoveryReport::Table &t : m_report.tables)
                if (t.name == name)
                    t.rows -= db.changes();
        }
    }
    return transaction.commit();
}

Status Recovery::keep(const QString &table, qint64 page, qint64 rowid, const QString &row, const char *reason)
{
    auto insert = m_store.db().prepare("INSERT INTO lost_and_found (source_table, page, source_rowid, row, "
                                       "reason) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert)
        return insert.error();
    insert->bindTextOrNull(1, table.toStdString());
    insert->bind(2, page ? std::optional<qint64>(page) : std::nullopt);
    insert->bind(3, rowid);
    insert->bind(4, row);
    insert->bind(5, std::string_view(reason));
    ++m_report.lostAndFound;
    return insert->run();
}

Status checkIntegrity(Database &db)
{
    auto check = db.prepare("PRAGMA integrity_check");
    if (!check)
        return check.error();
    auto row = check->step();
    if (!row)
        return row.error();
    if (check->columnText(0) != QLatin1String("ok"))
        return Error{
            QStringLiteral("the recovered store fails its integrity check: %1").arg(check->columnText(0))};
    return {};
}

} // namespace

Result<RecoveryReport> recoverStore(const QString &from, const QString &to,
                                    const std::function<void(const QString &table)> &progress)
{
    if (!QFileInfo(from).isFile())
        return Error{QStringLiteral("no store at %1").arg(from)};
    if (QFileInfo::exists(to))
        return Error{QStringLiteral("%1 already exists; recover into a new file").arg(to)};
    RecoveryReport report;
    const QString partial = to + QStringLiteral(".partial");
    const QString imagePath = to + QStringLiteral(".source-image");
    for (const QString &leftover :
         {partial, partial + QStringLiteral("-wal"), partial + QStringLiteral("-shm")})
        QFile::remove(leftover);
    auto image = takeImage(from, imagePath, report.warning);
    if (!image)
        return image.error();
    const auto cleanUp = qScopeGuard([&] { QFile::remove(imagePath); });
    QFile file(*image);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read the copy of %1").arg(from)};
    const uchar *mapped = file.map(0, file.size());
    if (!mapped)
        return Error{QStringLiteral("cannot map the copy of %1").arg(from)};
    auto reader =
        PageReader::fromImage(QByteArray::fromRawData(reinterpret_cast<const char *>(mapped), file.size()));
    if (!reader)
        return Error{QStringLiteral("%1 cannot be recovered: %2").arg(from, reader.errorMessage())};
    const int version = int(qFromBigEndian<quint32>(mapped + 60));
    if (version < 1 || version > latestSchemaVersion() ||
        qFromBigEndian<quint32>(mapped + 68) != quint32(kApplicationId))
        return Error{QStringLiteral("%1 is not a Flywheel Studio store this version can recover").arg(from)};
    {
        Store::Options options;
        options.targetVersion = version; // the old tables as they were; upgraded below
        auto store = Store::open(partial, options);
        if (!store)
            return store.error();
        Recovery recovery(*reader, *store, report);
        if (Status s = recovery.run(progress); !s)
            return s.error();
        if (Status s = checkIntegrity(store->db()); !s)
            return s.error();
    }
    {
        // Upgraded to the latest schema, then out of WAL mode so that the store is one file to move;
        // the next open turns WAL back on.
        auto upgraded = Store::open(partial);
        if (!upgraded)
            return upgraded.error();
        if (Status s = upgraded->db().exec("PRAGMA journal_mode = DELETE"); !s)
            return s.error();
    }
    if (!QFile::rename(partial, to))
        return Error{QStringLiteral("cannot move the recovered store into place at %1").arg(to)};
    return report;
}

} // namespace flywheel
