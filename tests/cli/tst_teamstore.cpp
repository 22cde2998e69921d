// The store on a PostgreSQL server (docs/team.md): connecting, creating and upgrading the schema,
// refusing what is not a store with one clear line, the statement layer's values, and copying a
// whole store between engines. Every test runs against a real server this test starts itself.
#include "httpclient.h"
#include "pgserver.h"
#include "runflywheel.h"

#include "review/decisions.h"
#include "review/reviewqueue.h"
#include "review/searchindex.h"
#include "store/exclusivework.h"
#include "store/migrations.h"
#include "store/pg/pgquery.h"
#include "store/statement.h"
#include "store/store.h"
#include "store/storecopy.h"
#include "store/storelocation.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace flywheel;
using namespace flywheel::testing;

class TestTeamStore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void placeholdersBecomeNumbered_data();
    void placeholdersBecomeNumbered();
    void locationsHideTheirPasswords();
    void valuesRoundTrip();
    void initCreatesTheSchemaOnce();
    void initOnAnotherSchema();
    void concurrentInitsMigrateOnce();
    void badLocationsFailInOneLine_data();
    void badLocationsFailInOneLine();
    void newerSchemaIsRefused();
    void anotherApplicationIsRefusedUntouched();
    void fileOnlyCommandsSaySo();
    void copyRoundTripsBetweenEngines();
    void copyRefusesAFullDestination();
    void interruptedCopyResumes();
    void ingestStoresTheSameOnBothEngines();
    void concurrentIngestsStoreEachRecordOnce();
    void curationAndWhatFollowsMatchOnBothEngines();
    void collectorsOnOneServerStoreEachRecordOnce();
    void oneCurationRunAtATime();
    void decisionsOnTheServer();

private:
    QString freshDatabase();
    QString demoStore(const QString &name, int interactions);

    PgTestServer m_server;
    QTemporaryDir m_dir;
    int m_databases = 0;
};

namespace {

QByteArray oneLine(const FlywheelRun &run)
{
    return run.err.trimmed();
}

} // namespace

void TestTeamStore::initTestCase()
{
    const QString failure = m_server.start();
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

QString TestTeamStore::freshDatabase()
{
    const QString name = QStringLiteral("team%1").arg(++m_databases);
    if (!m_server.createDatabase(name))
        return {};
    return name;
}

QString TestTeamStore::demoStore(const QString &name, int interactions)
{
    const QString path = m_dir.filePath(name);
    const FlywheelRun demo = runFlywheel({QStringLiteral("--store"), path, QStringLiteral("demo"),
                                          QStringLiteral("--interactions"), QString::number(interactions)});
    const FlywheelRun curate = runFlywheel({QStringLiteral("--store"), path, QStringLiteral("curate")});
    return demo.exitCode == 0 && curate.exitCode == 0 ? path : QString();
}

void TestTeamStore::placeholdersBecomeNumbered_data()
{
    QTest::addColumn<QString>("sqlite");
    QTest::addColumn<QString>("postgres");
    QTest::newRow("numbered") << "SELECT ?1, ?12 FROM t WHERE a = ?2"
                              << "SELECT $1, $12 FROM t WHERE a = $2";
    QTest::newRow("bare") << "INSERT INTO t VALUES (?, ?, ?)"
                          << "INSERT INTO t VALUES ($1, $2, $3)";
    QTest::newRow("literal kept") << "SELECT '?1 ?', ?1"
                                  << "SELECT '?1 ?', $1";
    QTest::newRow("doubled quote") << "SELECT 'it''s ?', ?2"
                                   << "SELECT 'it''s ?', $2";
    QTest::newRow("identifier kept") << "SELECT \"a?\" FROM t WHERE b = ?1"
                                     << "SELECT \"a?\" FROM t WHERE b = $1";
    QTest::newRow("comment kept") << "SELECT ?1 -- why ?2\nFROM t"
                                  << "SELECT $1 -- why ?2\nFROM t";
}

void TestTeamStore::placeholdersBecomeNumbered()
{
    QFETCH(QString, sqlite);
    QFETCH(QString, postgres);
    QCOMPARE(QString::fromStdString(postgresPlaceholders(sqlite.toUtf8().constData())), postgres);
}

void TestTeamStore::locationsHideTheirPasswords()
{
    QCOMPARE(
        StoreLocation::redacted(QStringLiteral("postgresql://ann:pa55@db.example:5432/team?sslmode=require")),
        QStringLiteral("postgresql://ann@db.example:5432/team?sslmode=require"));
    QCOMPARE(StoreLocation::redacted(QStringLiteral("postgres://db/team?password=pa55&user=ann")),
             QStringLiteral("postgres://db/team?user=ann"));
    QCOMPARE(StoreLocation::redacted(QStringLiteral("/home/ann/store.flywheel")),
             QStringLiteral("/home/ann/store.flywheel"));
    const QString withSchema = StoreLocation::withSchema(
        QStringLiteral("postgresql://db/team?sslmode=require"), QStringLiteral("eval team"));
    QCOMPARE(StoreLocation::schema(withSchema), QStringLiteral("eval team"));
    QCOMPARE(StoreLocation::connectionUri(withSchema),
             QStringLiteral("postgresql://db/team?sslmode=require"));
    QCOMPARE(StoreLocation::schema(QStringLiteral("postgresql://db/team")), QStringLiteral("flywheel"));
    QVERIFY(StoreLocation::isServer(QStringLiteral("postgres://db/team")));
    QVERIFY(!StoreLocation::isServer(QStringLiteral("postgres.flywheel")));
}

void TestTeamStore::valuesRoundTrip()
{
    const QString database = freshDatabase();
    QVERIFY(!database.isEmpty());
    auto db = Database::connect(m_server.uri(database), QStringLiteral("public"));
    QVERIFY2(db, qPrintable(db.errorMessage()));
    QVERIFY(db->exec("CREATE TABLE v (i bigint, d double precision, t text, b bytea, n bigint)"));
    const QByteArray blob("\0\x01\xff\\x\n", 6);
    const QString text = QStringLiteral("tab\there\nnewline \\ back \u00e9\u4e2d '?1'");
    {
        auto insert = db->prepare("INSERT INTO v VALUES (?1, ?2, ?3, ?4, ?5)");
        QVERIFY2(insert, qPrintable(insert.errorMessage()));
        QCOMPARE(insert->parameterCount(), 5);
        insert->bind(1, std::numeric_limits<qint64>::min());
        insert->bind(2, 0.1 + 0.2);
        insert->bind(3, text);
        insert->bindBlob(4, blob.constData(), int(blob.size()));
        insert->bindNull(5);
        QVERIFY(insert->run());
        QCOMPARE(db->changes(), 1);
    }
    auto select = db->prepare("SELECT i, d, t, b, n, count(*) OVER () FROM v WHERE t = ?1");
    QVERIFY2(select, qPrintable(select.errorMessage()));
    select->bind(1, text);
    auto row = select->step();
    QVERIFY2(row && *row, qPrintable(row.errorMessage()));
    QCOMPARE(select->columnInt(0), std::numeric_limits<qint64>::min());
    QCOMPARE(select->columnDouble(1), 0.1 + 0.2);
    QCOMPARE(select->columnText(2), text);
    QCOMPARE(select->columnBlob(3), blob);
    QVERIFY(select->isNull(4));
    QCOMPARE(select->columnType(0), 1); // SQLITE_INTEGER
    QCOMPARE(select->columnType(1), 2); // SQLITE_FLOAT
    QCOMPARE(select->columnType(2), 3); // SQLITE_TEXT
    QCOMPARE(select->columnType(3), 4); // SQLITE_BLOB
    QCOMPARE(select->columnType(4), 5); // SQLITE_NULL
    QCOMPARE(select->columnName(2), QStringLiteral("t"));
    QCOMPARE(select->columnInt(5), 1);
    row = select->step();
    QVERIFY(row && !*row);

    auto bad = db->prepare("SELECT no_such_column FROM v");
    QVERIFY(!bad);
    QVERIFY2(bad.errorMessage().contains(QLatin1String("no_such_column")), qPrintable(bad.errorMessage()));
    Transaction transaction(*db);
    QVERIFY(transaction.beginStatus().ok());
    QVERIFY(db->inTransaction());
}

void TestTeamStore::initCreatesTheSchemaOnce()
{
    const QString database = freshDatabase();
    QVERIFY(!database.isEmpty());
    const QString uri = m_server.uri(database);
    const FlywheelRun first =
        runFlywheel({QStringLiteral("--store"), uri, QStringLiteral("--json"), QStringLiteral("init")});
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const QJsonObject created = QJsonDocument::fromJson(first.out).object();
    QCOMPARE(created.value(QLatin1String("created")).toBool(), true);
    QCOMPARE(created.value(QLatin1String("schema_version")).toInt(), latestSchemaVersion());
    QString version;
    QVERIFY(
        m_server.psql(database, QStringLiteral("SELECT schema_version FROM flywheel.store_info"), &version));
    QCOMPARE(version.toInt(), latestSchemaVersion());

    const FlywheelRun again =
        runFlywheel({QStringLiteral("--store"), uri, QStringLiteral("--json"), QStringLiteral("init")});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(again.out).object().value(QLatin1String("created")).toBool(), false);

    // An older store is upgraded, step by step.
    const QString older = freshDatabase();
    Store::Options options;
    options.targetVersion = 7;
    {
        auto store = Store::open(m_server.uri(older), options);
        QVERIFY2(store, qPrintable(store.errorMessage()));
        QCOMPARE(store->schemaVersion(), 7);
    }
    auto upgraded = Store::open(m_server.uri(older));
    QVERIFY2(upgraded, qPrintable(upgraded.errorMessage()));
    QCOMPARE(upgraded->openedAtVersion(), 7);
    QCOMPARE(upgraded->schemaVersion(), latestSchemaVersion());
    QVERIFY(upgraded->isPostgres());
}

void TestTeamStore::initOnAnotherSchema()
{
    const QString database = freshDatabase();
    QVERIFY(!database.isEmpty());
    for (const QString &schema : {QStringLiteral("flywheel"), QStringLiteral("Eval Team")}) {
        const FlywheelRun init = runFlywheel({QStringLiteral("--store"), m_server.uri(database),
                                              QStringLiteral("--schema"), schema, QStringLiteral("init")});
        QVERIFY2(init.exitCode == 0, init.err.constData());
    }
    QString schemas;
    QVERIFY(m_server.psql(database,
                          QStringLiteral("SELECT string_agg(table_schema, ',' ORDER BY table_schema) FROM "
                                         "information_schema.tables WHERE table_name = 'store_info'"),
                          &schemas));
    QCOMPARE(schemas, QStringLiteral("Eval Team,flywheel"));

    const FlywheelRun onFile =
        runFlywheel({QStringLiteral("--store"), m_dir.filePath(QStringLiteral("x.flywheel")),
                     QStringLiteral("--schema"), QStringLiteral("s"), QStringLiteral("init")});
    QCOMPARE(onFile.exitCode, 2);
    QVERIFY(oneLine(onFile).contains("--schema names a schema of a PostgreSQL store"));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("x.flywheel"))));
}

void TestTeamStore::concurrentInitsMigrateOnce()
{
    const QString database = freshDatabase();
    QVERIFY(!database.isEmpty());
    QList<QProcess *> inits;
    for (int i = 0; i < 3; ++i) {
        auto *process = new QProcess(this);
        process->start(flywheelProgram(),
                       {QStringLiteral("--store"), m_server.uri(database), QStringLiteral("init")});
        inits.append(process);
    }
    for (QProcess *process : inits) {
        QVERIFY(process->waitForFinished(60000));
        QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
    }
    QString rows;
    QVERIFY(m_server.psql(
        database, QStringLiteral("SELECT count(*) || ' ' || max(schema_version) FROM flywheel.store_info"),
        &rows));
    QCOMPARE(rows, QStringLiteral("1 %1").arg(latestSchemaVersion()));
}

void TestTeamStore::badLocationsFailInOneLine_data()
{
    QTest::addColumn<QString>("location");
    QTest::addColumn<QString>("says");
    QTest::newRow("malformed URI") << "postgresql://127.0.0.1:notaport/db"
                                   << "is not a PostgreSQL URI libpq can read";
    QTest::newRow("unknown parameter") << "postgresql://127.0.0.1/db?colour=blue"
                                       << "is not a PostgreSQL URI libpq can read";
    QTest::newRow("wrong password") << m_server.tcpUri(QStringLiteral("postgres"), QStringLiteral("postgres"),
                                                       QStringLiteral("not-the-password"))
                                    << "refused the login";
    QTest::newRow("no password") << m_server.tcpUri(QStringLiteral("postgres")) << "refused the login";
    QTest::newRow("missing database") << m_server.uri(QStringLiteral("no_such_database")) << "does not exist";
    QTest::newRow("server down")
        << QStringLiteral("postgresql://127.0.0.1:%1/db?user=postgres").arg(m_server.port() + 1)
        << "cannot reach the PostgreSQL server";
}

void TestTeamStore::badLocationsFailInOneLine()
{
    QFETCH(QString, location);
    QFETCH(QString, says);
    for (const QString &command : {QStringLiteral("init"), QStringLiteral("stats")}) {
        const FlywheelRun run =
            runFlywheel({QStringLiteral("--store"), location, QStringLiteral("--json"), command}, 30000);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(oneLine(run).contains(says.toUtf8()), oneLine(run).constData());
        QVERIFY2(!oneLine(run).contains('\n'), oneLine(run).constData());
        QVERIFY(!run.err.contains("not-the-password") && !run.out.contains("not-the-password"));
        QVERIFY(QJsonDocument::fromJson(run.out).object().contains(QLatin1String("error")));
    }
    QString schemas;
    QVERIFY(m_server.psql(QStringLiteral("postgres"),
                          QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = 'flywheel'"),
                          &schemas));
    QCOMPARE(schemas, QStringLiteral("0"));
}

void TestTeamStore::newerSchemaIsRefused()
{
    const QString database = freshDatabase();
    QVERIFY(
        runFlywheel({QStringLiteral("--store"), m_server.uri(database), QStringLiteral("init")}).exitCode ==
        0);
    QVERIFY(m_server.psql(database, QStringLiteral("UPDATE flywheel.store_info SET schema_version = 99")));
    const FlywheelRun init =
        runFlywheel({QStringLiteral("--store"), m_server.uri(database), QStringLiteral("init")});
    QCOMPARE(init.exitCode, 2);
    QVERIFY2(oneLine(init).contains("written by a newer Flywheel Studio (schema version 99"),
             oneLine(init).constData());
    QString version;
    QVERIFY(
        m_server.psql(database, QStringLiteral("SELECT schema_version FROM flywheel.store_info"), &version));
    QCOMPARE(version, QStringLiteral("99"));
}

void TestTeamStore::anotherApplicationIsRefusedUntouched()
{
    const QString other = freshDatabase();
    QVERIFY(m_server.psql(other, QStringLiteral("CREATE TABLE customers (id int)")));
    FlywheelRun init = runFlywheel({QStringLiteral("--store"), m_server.uri(other), QStringLiteral("init")});
    QCOMPARE(init.exitCode, 2);
    QVERIFY2(oneLine(init).contains("holds 1 tables of another application"), oneLine(init).constData());
    QString schemas;
    QVERIFY(m_server.psql(
        other, QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = 'flywheel'"), &schemas));
    QCOMPARE(schemas, QStringLiteral("0"));

    const QString squatted = freshDatabase();
    QVERIFY(m_server.psql(
        squatted, QStringLiteral("CREATE SCHEMA flywheel; CREATE TABLE flywheel.interactions (x int)")));
    init = runFlywheel({QStringLiteral("--store"), m_server.uri(squatted), QStringLiteral("init")});
    QCOMPARE(init.exitCode, 2);
    QVERIFY2(oneLine(init).contains("schema flywheel of"), oneLine(init).constData());
    QVERIFY(oneLine(init).contains("holds tables of another application"));
    QString tables;
    QVERIFY(m_server.psql(
        squatted, QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'flywheel'"), &tables));
    QCOMPARE(tables, QStringLiteral("1"));
}

void TestTeamStore::fileOnlyCommandsSaySo()
{
    const QString database = freshDatabase();
    for (const QString &command :
         {QStringLiteral("backup"), QStringLiteral("check"), QStringLiteral("recover")}) {
        QStringList arguments{QStringLiteral("--store"), m_server.uri(database), command};
        if (command != QLatin1String("check"))
            arguments << QStringLiteral("--to") << m_dir.filePath(command);
        const FlywheelRun run = runFlywheel(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(oneLine(run).contains("works on a store file"), oneLine(run).constData());
    }
}

void TestTeamStore::copyRoundTripsBetweenEngines()
{
    const QString laptop = demoStore(QStringLiteral("laptop.flywheel"), 3000);
    QVERIFY(!laptop.isEmpty());
    const QString database = freshDatabase();
    const QString server =
        m_server.tcpUri(database, QStringLiteral("postgres"), QLatin1String(PgTestServer::kPassword));
    const FlywheelRun up =
        runFlywheel({QStringLiteral("--json"), QStringLiteral("store"), QStringLiteral("copy"),
                     QStringLiteral("--from"), laptop, QStringLiteral("--to"), server});
    QVERIFY2(up.exitCode == 0, up.err.constData());
    QVERIFY2(!up.out.contains(PgTestServer::kPassword) && !up.err.contains(PgTestServer::kPassword),
             up.out.constData());
    const QJsonObject report = QJsonDocument::fromJson(up.out).object();
    QCOMPARE(report.value(QLatin1String("verified")).toBool(), true);
    QCOMPARE(report.value(QLatin1String("resumed")).toBool(), false);
    QVERIFY(report.value(QLatin1String("rows_copied")).toInteger() > 3000);

    const QString back = m_dir.filePath(QStringLiteral("back.flywheel"));
    const FlywheelRun down = runFlywheel({QStringLiteral("store"), QStringLiteral("copy"),
                                          QStringLiteral("--from"), server, QStringLiteral("--to"), back});
    QVERIFY2(down.exitCode == 0, down.err.constData());

    auto original = digestStore(laptop);
    auto onServer = digestStore(server);
    auto returned = digestStore(back);
    QVERIFY(original && onServer && returned);
    QCOMPARE(onServer->size(), original->size());
    for (qsizetype i = 0; i < original->size(); ++i) {
        QCOMPARE((*onServer)[i].table, (*original)[i].table);
        QCOMPARE((*onServer)[i].rows, (*original)[i].rows);
        QCOMPARE((*onServer)[i].digest, (*original)[i].digest);
        QCOMPARE((*returned)[i].digest, (*original)[i].digest);
    }
    QVERIFY((*original)[3].rows == 3000); // interactions

    // The copy back is a store the file commands read as they read the original.
    auto stats = [](const QString &path) {
        QJsonObject s =
            QJsonDocument::fromJson(runFlywheel({QStringLiteral("--store"), path, QStringLiteral("--json"),
                                                 QStringLiteral("stats")})
                                        .out)
                .object();
        s.remove(QLatin1String("store"));
        return s;
    };
    const QJsonObject originalStats = stats(laptop);
    QVERIFY(!originalStats.isEmpty());
    QCOMPARE(stats(back), originalStats);
    // PostgreSQL's identity columns carry on after the copied ids.
    QString next;
    QVERIFY(m_server.psql(database,
                          QStringLiteral("INSERT INTO flywheel.sources (name, created_at) VALUES ('new', 0) "
                                         "RETURNING id"),
                          &next));
    QVERIFY2(next.toLongLong() > 1, qPrintable(next));
}

void TestTeamStore::copyRefusesAFullDestination()
{
    const QString laptop = demoStore(QStringLiteral("full.flywheel"), 200);
    const QString other = demoStore(QStringLiteral("other.flywheel"), 100);
    QVERIFY(!laptop.isEmpty() && !other.isEmpty());
    const QString database = freshDatabase();
    QVERIFY(runFlywheel({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"), laptop,
                         QStringLiteral("--to"), m_server.uri(database)})
                .exitCode == 0);
    const FlywheelRun again =
        runFlywheel({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"), other,
                     QStringLiteral("--to"), m_server.uri(database)});
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(oneLine(again).contains("already holds data"), oneLine(again).constData());
    const FlywheelRun self = runFlywheel({QStringLiteral("store"), QStringLiteral("copy"),
                                          QStringLiteral("--from"), laptop, QStringLiteral("--to"), laptop});
    QCOMPARE(self.exitCode, 2);
    QVERIFY(oneLine(self).contains("both the source and the destination"));
    const FlywheelRun missing =
        runFlywheel({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"),
                     m_dir.filePath(QStringLiteral("none.flywheel")), QStringLiteral("--to"),
                     m_dir.filePath(QStringLiteral("none-copy.flywheel"))});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("none-copy.flywheel"))));
}

void TestTeamStore::interruptedCopyResumes()
{
    const QString laptop = demoStore(QStringLiteral("resume.flywheel"), 12000);
    QVERIFY(!laptop.isEmpty());
    const QString server = m_server.uri(freshDatabase());
    // Cancel once the first batch of interactions is in: part of a table, later tables empty.
    auto cancelled = copyStore(laptop, server, [](const QString &table, qint64 done, qint64) {
        return !(table == QLatin1String("interactions") && done >= 5000);
    });
    QVERIFY(!cancelled);
    QVERIFY2(cancelled.errorMessage().contains(QLatin1String("cancelled in interactions")),
             qPrintable(cancelled.errorMessage()));
    auto partial = digestStore(server);
    QVERIFY(partial);
    QCOMPARE((*partial)[3].rows, 5000);
    QCOMPARE((*partial)[4].rows, 0);

    auto resumed = copyStore(laptop, server);
    QVERIFY2(resumed, qPrintable(resumed.errorMessage()));
    QVERIFY(resumed->resumed);
    QCOMPARE(resumed->tables[3].rows, 12000);
    QVERIFY(resumed->rowsCopied < resumed->tables[3].rows + 100000);
    auto original = digestStore(laptop);
    auto copied = digestStore(server);
    QVERIFY(original && copied);
    for (qsizetype i = 0; i < original->size(); ++i)
        QCOMPARE((*copied)[i].digest, (*original)[i].digest);
}

namespace {

// A native capture file with what exercises every write: an update that merges metadata, feedback
// that arrives before its interaction, an embedded correction, a rejected line.
QString writeNativeCapture(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(R"({"type":"feedback","interaction_id":"late","kind":"thumbs","value":"down"})"
               "\n");
    for (int i = 0; i < 300; ++i)
        file.write(
            QStringLiteral(
                R"({"id":"n%1","timestamp":%2,"session_id":"s%3","input":"question %1 \t tab","output":"answer %1","model":"helper","model_version":"v%4","latency_ms":%5,"outcome":"accepted","metadata":{"team":"a","n":%1}})"
                "\n")
                .arg(i)
                .arg(1793000000000LL + i * 1000)
                .arg(i / 3)
                .arg(1 + i % 2)
                .arg(100 + i)
                .toUtf8());
    file.write(
        R"({"id":"n7","timestamp":1793000007000,"input":"question 7 \t tab","output":"answer 7, edited","metadata":{"extra":{"deep":true},"team":"b"},"correction":"answer seven"})"
        "\n");
    file.write(
        R"({"id":"late","timestamp":1793000999000,"input":"late one","output":"here","feedback":[{"kind":"rating","value":4}]})"
        "\n");
    file.write(R"({"id":"broken","timestamp":"yesterday"})"
               "\n");
    return path;
}

struct StoredRow {
    QStringList values;
    QJsonObject metadata;
    bool operator==(const StoredRow &other) const
    {
        return values == other.values && metadata == other.metadata;
    }
};

// What was stored, engine-neutral: the same query through the same Statement calls on either.
QList<StoredRow> storedInteractions(const QString &location)
{
    QList<StoredRow> rows;
    auto store = Store::open(location, Store::readerOptions());
    if (!store)
        return rows;
    auto stmt = store->db().prepare(
        "SELECT i.external_id, i.ts, i.session_id, i.model_name, i.model_version, i.input, i.output, "
        "i.latency_ms, "
        "i.outcome, i.content_hash, i.updated_at IS NOT NULL, "
        "(SELECT count(*) FROM feedback_events f WHERE f.interaction_id = i.id), "
        "(SELECT min(c.corrected_output) FROM corrections c WHERE c.interaction_id = i.id), i.metadata "
        "FROM interactions i ORDER BY i.external_id");
    if (!stmt)
        return rows;
    (void)stmt->forEachRow([&] {
        StoredRow row;
        for (int c = 0; c < 13; ++c)
            row.values.append(stmt->isNull(c) ? QStringLiteral("<null>") : stmt->columnText(c));
        row.metadata = QJsonDocument::fromJson(stmt->columnText(13).toUtf8()).object();
        rows.append(row);
    });
    return rows;
}

} // namespace

void TestTeamStore::ingestStoresTheSameOnBothEngines()
{
    const QString native = writeNativeCapture(m_dir.filePath(QStringLiteral("native.jsonl")));
    QVERIFY(!native.isEmpty());
    const QString data = QStringLiteral(FLYWHEEL_TEST_DATA);
    const QStringList files{
        native, data + QStringLiteral("/openai_pairs.jsonl"), data + QStringLiteral("/langfuse_traces.jsonl"),
        data + QStringLiteral("/otlp_genai_traces.jsonl"), data + QStringLiteral("/otlp_genai_logs.jsonl")};
    const QString file = m_dir.filePath(QStringLiteral("ingest.flywheel"));
    const QString server = m_server.uri(freshDatabase());
    QJsonObject summaries[2];
    const QString stores[2] = {file, server};
    for (int i = 0; i < 2; ++i) {
        const FlywheelRun run = runFlywheel(QStringList{QStringLiteral("--store"), stores[i],
                                                        QStringLiteral("--json"), QStringLiteral("ingest")} +
                                            files);
        QVERIFY2(run.exitCode == 1, run.err.constData()); // some lines are rejected
        summaries[i] = QJsonDocument::fromJson(run.out).object();
        for (const char *volatileField : {"seconds", "lines_per_second", "ingest_run", "store"})
            summaries[i].remove(QLatin1String(volatileField));
    }
    QCOMPARE(summaries[1], summaries[0]);
    QVERIFY(summaries[0].value(QLatin1String("interactions_added")).toInt() > 300);

    const QList<StoredRow> inFile = storedInteractions(file);
    const QList<StoredRow> onServer = storedInteractions(server);
    QVERIFY(inFile.size() > 300);
    QCOMPARE(onServer.size(), inFile.size());
    for (qsizetype i = 0; i < inFile.size(); ++i) {
        QCOMPARE(onServer[i].values, inFile[i].values);
        QCOMPARE(onServer[i].metadata, inFile[i].metadata);
    }
    const auto merged = std::find_if(inFile.begin(), inFile.end(),
                                     [](const StoredRow &r) { return r.values[0] == QLatin1String("n7"); });
    QVERIFY(merged != inFile.end());
    QCOMPARE(merged->metadata.value(QLatin1String("team")).toString(), QStringLiteral("b"));
    QCOMPARE(merged->metadata.value(QLatin1String("n")).toInt(), 7);
    QCOMPARE(merged->values[12], QStringLiteral("answer seven"));

    // Ingesting again stores nothing twice, on either engine.
    for (const QString &store : stores) {
        const FlywheelRun again =
            runFlywheel(QStringList{QStringLiteral("--store"), store, QStringLiteral("--json"),
                                    QStringLiteral("ingest")} +
                        files);
        const QJsonObject summary = QJsonDocument::fromJson(again.out).object();
        QCOMPARE(summary.value(QLatin1String("interactions_added")).toInt(), 0);
        QCOMPARE(summary.value(QLatin1String("feedback_events_added")).toInt(), 0);
    }
    QCOMPARE(storedInteractions(server).size(), inFile.size());
}

void TestTeamStore::concurrentIngestsStoreEachRecordOnce()
{
    const QString native = writeNativeCapture(m_dir.filePath(QStringLiteral("concurrent.jsonl")));
    const QString database = freshDatabase();
    const QString server = m_server.uri(database);
    QVERIFY(runFlywheel({QStringLiteral("--store"), server, QStringLiteral("init")}).exitCode == 0);
    QList<QProcess *> ingests;
    for (int i = 0; i < 3; ++i) {
        auto *process = new QProcess(this);
        process->start(flywheelProgram(), {QStringLiteral("--store"), server, QStringLiteral("--json"),
                                           QStringLiteral("ingest"), native});
        ingests.append(process);
    }
    qint64 added = 0;
    for (QProcess *process : ingests) {
        QVERIFY(process->waitForFinished(60000));
        const QByteArray out = process->readAllStandardOutput();
        QVERIFY2(process->exitCode() == 1, process->readAllStandardError().constData());
        added += QJsonDocument::fromJson(out).object().value(QLatin1String("interactions_added")).toInt();
    }
    const QList<StoredRow> rows = storedInteractions(server);
    QCOMPARE(rows.size(), 301); // n0..n299 and "late"
    QCOMPARE(added, qint64(rows.size()));
    QString feedback;
    QVERIFY(
        m_server.psql(database, QStringLiteral("SELECT count(*) FROM flywheel.feedback_events"), &feedback));
    QCOMPARE(feedback, QStringLiteral("2"));
}

namespace {

QByteArray withoutLines(QByteArray text, const QList<QByteArray> &keys)
{
    QList<QByteArray> kept;
    for (const QByteArray &line : text.split('\n')) {
        if (std::none_of(keys.begin(), keys.end(), [&](const QByteArray &key) { return line.contains(key); }))
            kept.append(line);
    }
    return kept.join('\n');
}

} // namespace

// The issue's engine parity on the demo store: the same store curated on either engine gives the
// same curation results, review queue, duplicate clusters, dashboard figures and dataset files.
void TestTeamStore::curationAndWhatFollowsMatchOnBothEngines()
{
    const QString file = m_dir.filePath(QStringLiteral("parity.flywheel"));
    QCOMPARE(runFlywheel({QStringLiteral("--store"), file, QStringLiteral("demo"),
                          QStringLiteral("--interactions"), QStringLiteral("4000")})
                 .exitCode,
             0);
    const QString server = m_server.uri(freshDatabase());
    QCOMPARE(runFlywheel({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"), file,
                          QStringLiteral("--to"), server})
                 .exitCode,
             0);
    const QString stores[2] = {file, server};
    for (const QString &store : stores) {
        const FlywheelRun curate = runFlywheel({QStringLiteral("--store"), store, QStringLiteral("curate")});
        QVERIFY2(curate.exitCode == 0, curate.err.constData());
    }

    auto inFile = digestStore(file);
    auto onServer = digestStore(server);
    QVERIFY(inFile && onServer);
    for (qsizetype i = 0; i < inFile->size(); ++i) {
        const TableDigest &a = (*inFile)[i];
        if (a.table == QLatin1String("curation_runs")) // its times differ
            continue;
        QVERIFY2(a.rows == (*onServer)[i].rows && a.digest == (*onServer)[i].digest, qPrintable(a.table));
    }
    QVERIFY((*inFile)[10].rows > 0); // flags

    const QList<QStringList> reports{
        {QStringLiteral("queue"), QStringLiteral("--limit"), QStringLiteral("200")},
        // Full-text search: FTS5 on SQLite, a tsvector on PostgreSQL, the same matches.
        {QStringLiteral("queue"), QStringLiteral("--search"), QStringLiteral("refu"),
         QStringLiteral("--limit"), QStringLiteral("300")},
        {QStringLiteral("queue"), QStringLiteral("--search"), QStringLiteral("order 3")},
        {QStringLiteral("queue"), QStringLiteral("--search"), QStringLiteral("refund ")},
        {QStringLiteral("dupes")},
        {QStringLiteral("cycle")},
        {QStringLiteral("stats")},
    };
    for (const QStringList &report : reports) {
        QByteArray outputs[2];
        for (int e = 0; e < 2; ++e) {
            const FlywheelRun run = runFlywheel(
                QStringList{QStringLiteral("--store"), stores[e], QStringLiteral("--json")} + report);
            QVERIFY2(run.exitCode == 0, run.err.constData());
            outputs[e] = withoutLines(run.out, {"\"store\"", "\"curated_at\"", "_at\":"});
        }
        QVERIFY2(outputs[0] == outputs[1], qPrintable(report.join(QLatin1Char(' '))));
        QVERIFY(outputs[0].size() > 100);
    }

    QString folders[2] = {m_dir.filePath(QStringLiteral("sft-file")),
                          m_dir.filePath(QStringLiteral("sft-server"))};
    for (int e = 0; e < 2; ++e) {
        const FlywheelRun run = runFlywheel({QStringLiteral("--store"), stores[e], QStringLiteral("export"),
                                             QStringLiteral("--kind"), QStringLiteral("sft"),
                                             QStringLiteral("--out"), folders[e]});
        QVERIFY2(run.exitCode == 0, run.err.constData());
    }
    const QStringList written = QDir(folders[0]).entryList(QDir::Files);
    QVERIFY(written.contains(QStringLiteral("train.jsonl")));
    QCOMPARE(QDir(folders[1]).entryList(QDir::Files), written);
    for (const QString &name : written) {
        const QString left = folders[0] + QLatin1Char('/') + name, right = folders[1] + QLatin1Char('/') + name;
        QFile a(left), b(right);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        if (name == QLatin1String("manifest.json")) // ids and times apart
            QCOMPARE(withoutLines(b.readAll(), {"\"created\"", "_at\"", "\"store\"", "\"path\"", "\"out\""}),
                     withoutLines(a.readAll(), {"\"created\"", "_at\"", "\"store\"", "\"path\"", "\"out\""}));
        else
            QVERIFY2(a.readAll() == b.readAll(), qPrintable(name));
    }
}

// Capture hosts share the server: two `flywheel serve` processes on one store take the same batch
// (a client that retried against the other host) and store it once; a model call's span sent to
// one and its content events to the other are joined into one interaction.
void TestTeamStore::collectorsOnOneServerStoreEachRecordOnce()
{
    const QString server = m_server.uri(freshDatabase());
    QVERIFY(runFlywheel({QStringLiteral("--store"), server, QStringLiteral("init")}).exitCode == 0);
    QProcess first, second;
    const quint16 firstPort = startServe(first, server);
    const quint16 secondPort = startServe(second, server);
    QVERIFY2(firstPort && secondPort, first.readAllStandardError().constData());
    HttpClient a(QStringLiteral("127.0.0.1"), firstPort), b(QStringLiteral("127.0.0.1"), secondPort);

    QByteArray batch;
    for (int i = 0; i < 200; ++i)
        batch +=
            QStringLiteral(
                R"({"id":"c%1","timestamp":%2,"input":"q %1","output":"a %1","model":"m","model_version":"v1"})"
                "\n")
                .arg(i)
                .arg(1793000000000LL + i)
                .toUtf8();
    const HttpResponse toFirst = a.post("/v1/interactions", batch);
    const HttpResponse toSecond = b.post("/v1/interactions", batch);
    QCOMPARE(toFirst.status, 200);
    QCOMPARE(toSecond.status, 200);
    QCOMPARE(
        QJsonDocument::fromJson(toFirst.body).object().value(QLatin1String("interactions_added")).toInt(),
        200);
    QCOMPARE(
        QJsonDocument::fromJson(toSecond.body).object().value(QLatin1String("interactions_added")).toInt(),
        0);

    auto read = [](const QString &name) {
        QFile file(QStringLiteral(FLYWHEEL_TEST_DATA "/") + name);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    const HttpClient::Headers json{{"Content-Type", "application/json"}};
    QCOMPARE(a.post("/v1/traces", read(QStringLiteral("otlp_genai_traces.jsonl")), json).status, 200);
    QCOMPARE(b.post("/v1/logs", read(QStringLiteral("otlp_genai_logs.jsonl")), json).status, 200);
    first.terminate();
    second.terminate();
    QVERIFY(first.waitForFinished(20000) && second.waitForFinished(20000));

    const QList<StoredRow> rows = storedInteractions(server);
    QCOMPARE(rows.size(), 201);
    const auto call = std::find_if(rows.begin(), rows.end(),
                                   [](const StoredRow &r) { return r.values[0].contains(QLatin1Char(':')); });
    QVERIFY(call != rows.end());
    // The span (model, from the first collector) and the events (messages, from the second) in one row.
    QCOMPARE(call->values[3], QStringLiteral("gpt-4o-mini"));
    QVERIFY2(call->values[5].contains(QLatin1String("Where is order 34?")), qPrintable(call->values[5]));
    QCOMPARE(call->values[6], QStringLiteral("Answer to: Where is order 34?"));
    QCOMPARE(call->metadata.value(QLatin1String("content_captured")).toBool(), true);
}

// A second curation run, from any process or host, is refused while one holds the store, with who
// holds it; the lock goes with its holder.
void TestTeamStore::oneCurationRunAtATime()
{
    const QString file = demoStore(QStringLiteral("locked.flywheel"), 300);
    QVERIFY(!file.isEmpty());
    const QString server = m_server.uri(freshDatabase());
    QVERIFY(runFlywheel({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"), file,
                         QStringLiteral("--to"), server})
                .exitCode == 0);
    for (const QString &store : {file, server}) {
        {
            auto held = ExclusiveWork::acquire(store, QStringLiteral("curation"));
            QVERIFY2(held, qPrintable(held.errorMessage()));
            const FlywheelRun refused =
                runFlywheel({QStringLiteral("--store"), store, QStringLiteral("curate")});
            QCOMPARE(refused.exitCode, 2);
            const QByteArray expected = "another curation run is using the store: flywheel curation on " +
                                        QSysInfo::machineHostName().toUtf8() + " (pid " +
                                        QByteArray::number(QCoreApplication::applicationPid()) + ")";
            QVERIFY2(refused.err.contains(expected), refused.err.constData());
            QVERIFY2(refused.err.contains(", since 20"), refused.err.constData());
            QVERIFY(!ExclusiveWork::acquire(store, QStringLiteral("curation")));
            QVERIFY(ExclusiveWork::acquire(store, QStringLiteral("export"))); // other work is not held
        }
        const FlywheelRun curate = runFlywheel({QStringLiteral("--store"), store, QStringLiteral("curate")});
        QVERIFY2(curate.exitCode == 0, curate.err.constData());
    }
    QVERIFY(!QFile::exists(file + QStringLiteral(".curation.lock")));
}

// What the studio does with an annotator's decisions, on a server store: record, see in the queue
// and the history, undo and redo under the same id, and find a correction by search.
void TestTeamStore::decisionsOnTheServer()
{
    const QString file = demoStore(QStringLiteral("decide.flywheel"), 1000);
    QVERIFY(!file.isEmpty());
    const QString server = m_server.uri(freshDatabase());
    QVERIFY(runFlywheel({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"), file,
                         QStringLiteral("--to"), server})
                .exitCode == 0);
    auto store = Store::open(server);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    ReviewQueue queue(*store, QueueFilter{});
    auto before = queue.count();
    auto page = queue.pageAt(0, 2);
    QVERIFY(before && page && page->size() == 2);

    Decision accept;
    accept.interactionId = (*page)[0].key.interactionId;
    accept.kind = DecisionKind::Accept;
    accept.reviewer = QStringLiteral("ann");
    accept.flagReason = (*page)[0].key.reason;
    auto accepted = recordDecision(*store, accept);
    QVERIFY2(accepted, qPrintable(accepted.errorMessage()));
    Decision correct;
    correct.interactionId = (*page)[1].key.interactionId;
    correct.kind = DecisionKind::Correct;
    correct.correctedOutput = QStringLiteral("Xylophonic answer from the reviewer");
    correct.reviewer = QStringLiteral("bo");
    auto corrected = recordDecision(*store, correct);
    QVERIFY2(corrected, qPrintable(corrected.errorMessage()));
    QVERIFY(*corrected > *accepted);
    QCOMPARE(*ReviewQueue(*store, QueueFilter{}).count(), *before - 2);

    auto history = loadRecentDecisions(*store, 10);
    QVERIFY(history && history->size() == 2);
    QCOMPARE((*history)[0].first.reviewer, QStringLiteral("bo"));
    QCOMPARE((*history)[0].first.correctedOutput, correct.correctedOutput);

    // Undo, then redo under the same id.
    QVERIFY(removeDecision(*store, *accepted));
    QCOMPARE(*ReviewQueue(*store, QueueFilter{}).count(), *before - 1);
    accept.id = *accepted;
    auto redone = recordDecision(*store, accept);
    QVERIFY(redone);
    QCOMPARE(*redone, *accepted);

    auto indexed = updateSearchIndex(*store);
    QVERIFY2(indexed && *indexed > 0, qPrintable(indexed.errorMessage()));
    QueueFilter search;
    search.status = QueueFilter::Status::All;
    search.search = QStringLiteral("xylophon");
    auto found = ReviewQueue(*store, search).pageAt(0, 10);
    QVERIFY2(found, qPrintable(found.errorMessage()));
    QCOMPARE(found->size(), 1);
    QCOMPARE((*found)[0].key.interactionId, correct.interactionId);
    QCOMPARE((*found)[0].decision, QStringLiteral("correct"));
}

QTEST_GUILESS_MAIN(TestTeamStore)
#include "tst_teamstore.moc"
