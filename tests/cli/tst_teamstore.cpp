// The store on a PostgreSQL server: connecting, creating and upgrading the schema, refusing what
// is not a store with one clear line, the statement layer's values, and copying a whole store
// between engines.
#include "tst_teamstore.h"

#include "httpclient.h"
#include "review/decisions.h"
#include "review/reviewqueue.h"
#include "review/searchindex.h"
#include "runflywheel.h"
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

QTEST_GUILESS_MAIN(TestTeamStore)
