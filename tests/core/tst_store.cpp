#include "store/migrations.h"
#include "store/statement.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;

namespace {

QByteArray fileDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

QString text(Database &db, const char *sql)
{
    auto statement = db.prepare(sql);
    if (!statement || !statement->step().value())
        return {};
    return statement->columnText(0);
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QVERIFY(m_dir.isValid()); }

    void createsCurrentSchema()
    {
        const QString path = m_dir.filePath(QStringLiteral("new/fresh.flywheel"));
        auto store = Store::open(path);
        QVERIFY2(store, qPrintable(store.errorMessage()));
        QCOMPARE(store->schemaVersion(), latestSchemaVersion());
        Database &db = store->db();
        QCOMPARE(*db.queryInt("PRAGMA user_version"), qint64(latestSchemaVersion()));
        QCOMPARE(*db.queryInt("PRAGMA application_id"), qint64(kApplicationId));
        QCOMPARE(*db.queryInt("PRAGMA foreign_keys"), qint64(1));
        QCOMPARE(text(db, "PRAGMA journal_mode"), QStringLiteral("wal"));
        QCOMPARE(*db.queryInt("PRAGMA page_size"), qint64(16384));
        for (const char *table : {"interactions", "feedback_events", "corrections", "quarantine", "sources",
                                  "model_versions", "ingest_runs"}) {
            auto statement =
                db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
            statement->bind(1, std::string_view(table));
            QVERIFY(*statement->step());
            QVERIFY2(statement->columnInt(0) == 1, table);
        }
    }

    void migratesEveryOlderVersion_data()
    {
        QTest::addColumn<int>("from");
        for (int version = 0; version < latestSchemaVersion(); ++version)
            QTest::addRow("from v%d", version) << version;
    }

    void migratesEveryOlderVersion()
    {
        QFETCH(int, from);
        const QString path = m_dir.filePath(QStringLiteral("old-%1.flywheel").arg(from));
        {
            Store::Options options;
            options.targetVersion = from;
            auto old = Store::open(path, options);
            QVERIFY2(old, qPrintable(old.errorMessage()));
            QCOMPARE(old->schemaVersion(), from);
            QCOMPARE(*old->db().queryInt("PRAGMA user_version"), qint64(from));
        }
        auto store = Store::open(path);
        QVERIFY2(store, qPrintable(store.errorMessage()));
        QCOMPARE(store->schemaVersion(), latestSchemaVersion());
        QCOMPARE(*store->db().queryInt("PRAGMA user_version"), qint64(latestSchemaVersion()));
        QVERIFY(store->db().exec("SELECT count(*) FROM interactions").ok());
    }

    void reopeningKeepsData()
    {
        const QString path = m_dir.filePath(QStringLiteral("reopen.flywheel"));
        qint64 id = 0;
        {
            auto store = Store::open(path);
            id = *store->sourceId("native");
        }
        auto store = Store::open(path);
        QVERIFY(store);
        QCOMPARE(*store->sourceId("native"), id);
        QVERIFY(*store->sourceId("langfuse") != id);
    }

    void refusesNewerStoreUntouched()
    {
        const QString path = m_dir.filePath(QStringLiteral("newer.flywheel"));
        {
            auto store = Store::open(path);
            QVERIFY(store);
            const QByteArray bump = QStringLiteral("PRAGMA user_version = %1; PRAGMA journal_mode = DELETE;")
                                        .arg(latestSchemaVersion() + 1)
                                        .toUtf8();
            QVERIFY(store->db().exec(bump.constData()).ok());
        }
        const QByteArray before = fileDigest(path);
        auto store = Store::open(path);
        QVERIFY(!store);
        QVERIFY2(store.errorMessage().contains(QStringLiteral("newer Flywheel Studio")),
                 qPrintable(store.errorMessage()));
        QCOMPARE(fileDigest(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void refusesForeignSqliteUntouched()
    {
        const QString path = m_dir.filePath(QStringLiteral("other-app.db"));
        {
            auto db = Database::open(path);
            QVERIFY(db->exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
                             "INSERT INTO customers (name) VALUES ('Ada');")
                        .ok());
        }
        const QByteArray before = fileDigest(path);
        auto store = Store::open(path);
        QVERIFY(!store);
        QVERIFY2(store.errorMessage().contains(QStringLiteral("another application")),
                 qPrintable(store.errorMessage()));
        QCOMPARE(fileDigest(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void refusesNonSqliteFileUntouched()
    {
        const QString path = m_dir.filePath(QStringLiteral("notes.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("These are my notes, not a database.\n").repeated(200));
        file.close();
        const QByteArray before = fileDigest(path);
        auto store = Store::open(path);
        QVERIFY(!store);
        QVERIFY2(store.errorMessage().contains(QStringLiteral("not a Flywheel Studio store")),
                 qPrintable(store.errorMessage()));
        QCOMPARE(fileDigest(path), before);
    }

    void missingStoreWithoutCreate()
    {
        Store::Options options;
        options.create = false;
        const QString path = m_dir.filePath(QStringLiteral("absent.flywheel"));
        auto store = Store::open(path, options);
        QVERIFY(!store);
        QVERIFY(store.errorMessage().contains(QStringLiteral("flywheel init")));
        QVERIFY(!QFile::exists(path));
    }

    void folderIsNotAStore()
    {
        auto store = Store::open(m_dir.path());
        QVERIFY(!store);
        QVERIFY(store.errorMessage().contains(QStringLiteral("folder")));
    }

    void enforcesForeignKeys()
    {
        auto store = Store::open(m_dir.filePath(QStringLiteral("fk.flywheel")));
        QVERIFY(store);
        const Status status = store->db().exec("INSERT INTO interactions (source_id, external_id, "
                                               "external_key, ts, input, content_hash, ingested_at) "
                                               "VALUES (999, 'x', 1, 0, '[]', 0, 0)");
        QVERIFY(!status.ok());
        QVERIFY2(status.errorMessage().contains(QStringLiteral("FOREIGN KEY")),
                 qPrintable(status.errorMessage()));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
