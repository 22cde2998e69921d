#include "tst_cli.h"

#include "../common/httpclient.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QUrl>

namespace {

const QByteArray kGoodLine = R"({"id":"r1","timestamp":"2026-11-01T12:00:00Z","input":"Where is my order?",)"
                             R"("output":"It ships tomorrow.","outcome":"accepted",)"
                             R"("feedback":[{"kind":"thumbs","value":"up"}]})"
                             "\n";
const QByteArray kSecondLine = R"({"id":"r2","timestamp":1793534400000,"input":"Cancel it","output":"Done."})"
                               "\n";
const QByteArray kCorrectionLine =
    R"({"type":"correction","interaction_id":"r2","output":"Cancelled; refund in 3 days."})"
    "\n";

} // namespace

QJsonObject TestCli::Run::json() const
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("stdout is not JSON (%s): %s", qPrintable(error.errorString()), out.constData());
    return document.object();
}

TestCli::Run TestCli::flywheel(const QStringList &arguments, const QByteArray &input,
                               const QStringList &environment)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("FLYWHEEL_STORE"));
    // Keep the default store inside the test folder, never in the user's data folder.
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir->filePath(QStringLiteral("xdg")));
    for (const QString &assignment : environment)
        env.insert(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(FLYWHEEL_CLI), arguments);
    if (!process.waitForStarted())
        qFatal("cannot start %s", FLYWHEEL_CLI);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000))
        qFatal("flywheel did not finish");
    return Run{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
               process.readAllStandardOutput(), process.readAllStandardError()};
}

QString TestCli::store() const
{
    return m_dir->filePath(QStringLiteral("cli.flywheel"));
}

QString TestCli::writeInput(const QByteArray &content) const
{
    const QString path = m_dir->filePath(QStringLiteral("input.jsonl"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write the input");
    return path;
}

void TestCli::init()
{
    m_dir.emplace();
    QVERIFY(m_dir->isValid());
}

void TestCli::helpListsCommands()
{
    const Run run = flywheel({QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    for (const char *command :
         {"init", "demo", "ingest", "stats", "report", "curate", "queue", "guidelines", "show", "dupes",
          "export", "datasets", "validate", "model", "cycle", "serve", "check", "backup", "store"})
        QVERIFY2(run.out.contains("  " + QByteArray(command) + " "), run.out.constData());
    QVERIFY(run.out.contains("Exit status"));
    QCOMPARE(flywheel({QStringLiteral("--version")}).out.trimmed(), QByteArray("flywheel " FLYWHEEL_VERSION));
}

void TestCli::everyCommandHasHelp_data()
{
    QTest::addColumn<QString>("command");
    for (const char *command :
         {"init", "demo", "ingest", "stats", "report", "curate", "queue", "guidelines", "show", "dupes",
          "export", "datasets", "validate", "model", "cycle", "serve", "check", "backup", "store"})
        QTest::newRow(command) << QString::fromLatin1(command);
}

void TestCli::everyCommandHasHelp()
{
    QFETCH(QString, command);
    const Run run = flywheel({command, QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("Usage: flywheel " + command.toUtf8()), run.out.constData());
    QVERIFY(run.out.contains("--store"));
    QVERIFY(run.out.contains("--json"));
}

void TestCli::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no command") << QStringList{} << QStringLiteral("Usage: flywheel");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                     << QStringLiteral("unknown command");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("stats"), QStringLiteral("--colour")}
                                    << QStringLiteral("Unknown option");
    QTest::newRow("ingest without files")
        << QStringList{QStringLiteral("ingest")} << QStringLiteral("name at least one file");
    QTest::newRow("bad line limit")
        << QStringList{QStringLiteral("ingest"), QStringLiteral("-"), QStringLiteral("--max-line-bytes"),
                       QStringLiteral("12")}
        << QStringLiteral("flywheel ingest: --max-line-bytes takes a whole number of at least 1024");
    QTest::newRow("bad count") << QStringList{QStringLiteral("demo"), QStringLiteral("--interactions"),
                                              QStringLiteral("many")}
                               << QStringLiteral("--interactions takes a whole number");
    QTest::newRow("serve on a bad address")
        << QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("here:80")}
        << QStringLiteral("is not an IP address");
    QTest::newRow("serve on a bad port")
        << QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:99999")}
        << QStringLiteral("a port from 0 to 65535");
    QTest::newRow("queue with a bad status")
        << QStringList{QStringLiteral("queue"), QStringLiteral("--status"), QStringLiteral("later")}
        << QStringLiteral("--status must be one of todo, skipped, decided, all");
    QTest::newRow("queue with a bad reason")
        << QStringList{QStringLiteral("queue"), QStringLiteral("--reason"), QStringLiteral("slow")}
        << QStringLiteral("--reason must be one of conflicting_signals");
    QTest::newRow("queue with a bad label")
        << QStringList{QStringLiteral("queue"), QStringLiteral("--label"), QStringLiteral("great")}
        << QStringLiteral("--label must be one of gold");
    QTest::newRow("queue with dates backwards")
        << QStringList{QStringLiteral("queue"), QStringLiteral("--from"), QStringLiteral("2026-11-05"),
                       QStringLiteral("--to"), QStringLiteral("2026-11-01")}
        << QStringLiteral("--to must not be before --from");
    QTest::newRow("serve off loopback without a token")
        << QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")}
        << QStringLiteral("without a token");
    QTest::newRow("serve gRPC on a bad address")
        << QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--grpc-listen"), QStringLiteral("here:4317")}
        << QStringLiteral("--grpc-listen:");
    QTest::newRow("serve gRPC off loopback without a token")
        << QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--grpc-listen"), QStringLiteral("0.0.0.0:0")}
        << QStringLiteral("refusing to serve OTLP/gRPC on 0.0.0.0:0 without a token");
}

void TestCli::usageErrorsExitTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run run = flywheel(QStringList{QStringLiteral("--store"), store()} + arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message.toUtf8()), run.err.constData());
}

void TestCli::initCreatesStore()
{
    const Run first =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("init"), QStringLiteral("--json")});
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.json().value(QStringLiteral("created")).toBool(), true);
    QVERIFY(first.json().value(QStringLiteral("schema_version")).toInt() >= 1);
    QVERIFY(QFile::exists(store()));
    const Run second =
        flywheel({QStringLiteral("init"), QStringLiteral("--store"), store(), QStringLiteral("--json")});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.json().value(QStringLiteral("created")).toBool(), false);
}

void TestCli::ingestReportsCountsAndExitStatus()
{
    const QString input = writeInput(kGoodLine + kSecondLine + kCorrectionLine);
    const Run clean = flywheel(
        {QStringLiteral("--store"), store(), QStringLiteral("ingest"), input, QStringLiteral("--json")});
    QCOMPARE(clean.exitCode, 0);
    const QJsonObject counts = clean.json();
    QCOMPARE(counts.value(QStringLiteral("read")).toInteger(), 3);
    QCOMPARE(counts.value(QStringLiteral("stored")).toInteger(), 3);
    QCOMPARE(counts.value(QStringLiteral("updated")).toInteger(), 0);
    QCOMPARE(counts.value(QStringLiteral("rejected")).toInteger(), 0);

    const Run again = flywheel(
        {QStringLiteral("--store"), store(), QStringLiteral("ingest"), input, QStringLiteral("--json")});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.json().value(QStringLiteral("stored")).toInteger(), 0);
    QCOMPARE(again.json().value(QStringLiteral("unchanged")).toInteger(), 3);

    const QString bad = writeInput(kGoodLine + "{oops\n");
    const Run rejected = flywheel(
        {QStringLiteral("--store"), store(), QStringLiteral("ingest"), bad, QStringLiteral("--json")});
    QCOMPARE(rejected.exitCode, 1);
    QCOMPARE(rejected.json().value(QStringLiteral("rejected")).toInteger(), 1);
    const QJsonObject rejection =
        rejected.json().value(QStringLiteral("rejections")).toArray().at(0).toObject();
    QCOMPARE(rejection.value(QStringLiteral("line")).toInteger(), 2);
    QVERIFY(rejection.value(QStringLiteral("reason")).toString().contains(QStringLiteral("invalid JSON")));

    // Without --json the summary is for people, and names the rejected line.
    const Run human = flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), bad});
    QCOMPARE(human.exitCode, 1);
    QVERIFY2(human.out.contains("1 rejected") && human.out.contains("input.jsonl:2"), human.out.constData());
}

void TestCli::ingestFromStandardInput()
{
    const Run run = flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"),
                              QStringLiteral("-"), QStringLiteral("--json")},
                             kGoodLine + kSecondLine);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.json().value(QStringLiteral("stored")).toInteger(), 2);
}

void TestCli::ingestDetectsAndForcesFormats()
{
    const QString litellm = QStringLiteral(FLYWHEEL_TEST_DATA "/litellm_payloads.jsonl");
    const Run detected = flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), litellm,
                                   QStringLiteral("-"), QStringLiteral("--json")},
                                  kGoodLine);
    QCOMPARE(detected.exitCode, 0);
    QCOMPARE(detected.json().value(QStringLiteral("formats")).toArray(),
             (QJsonArray{QStringLiteral("openai"), QStringLiteral("native")}));
    QCOMPARE(detected.json().value(QStringLiteral("stored")).toInteger(), 3);

    const Run forced =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), QStringLiteral("-"),
                  QStringLiteral("--format"), QStringLiteral("oasst"), QStringLiteral("--json")},
                 kSecondLine);
    QCOMPARE(forced.exitCode, 1);
    QCOMPARE(forced.json().value(QStringLiteral("formats")).toArray(), QJsonArray{QStringLiteral("oasst")});

    const Run unknown =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), QStringLiteral("-"),
                  QStringLiteral("--format"), QStringLiteral("parquet")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("--format takes one of auto, native, openai, oasst, csv, langfuse, otlp"),
             unknown.err.constData());
}

void TestCli::ingestCsvWithColumnMap()
{
    const QString csv = QStringLiteral(FLYWHEEL_TEST_DATA "/support_export.csv");
    const Run run =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), csv, QStringLiteral("--map"),
                  QStringLiteral("id=ticket,timestamp=asked_at,input=question,output=answer"),
                  QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.json().value(QStringLiteral("formats")).toArray(), QJsonArray{QStringLiteral("csv")});
    QCOMPARE(run.json().value(QStringLiteral("stored")).toInteger(), 3);
    QCOMPARE(run.json().value(QStringLiteral("rejected")).toInteger(), 4);

    const Run badField = flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), csv,
                                   QStringLiteral("--map"), QStringLiteral("question=input")});
    QCOMPARE(badField.exitCode, 2);
    QVERIFY2(badField.err.contains("\"question\" is not a field"), badField.err.constData());
    const Run badPair = flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), csv,
                                  QStringLiteral("--map"), QStringLiteral("input")});
    QCOMPARE(badPair.exitCode, 2);
    QVERIFY2(badPair.err.contains("--map takes field=column pairs"), badPair.err.constData());
}

void TestCli::ingestMissingFileIsFatal()
{
    const Run run = flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"),
                              m_dir->filePath(QStringLiteral("absent.jsonl")), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("absent.jsonl"));
    QVERIFY(run.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("no such file")));
    QVERIFY2(!QFile::exists(store()), "a bad input must not create the store");
}

void TestCli::statsCountsEverything()
{
    flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"),
              writeInput(kGoodLine + kSecondLine + kCorrectionLine + "junk\n")});
    const Run run =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("stats"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject stats = run.json();
    QCOMPARE(stats.value(QStringLiteral("interactions")).toInteger(), 2);
    QCOMPARE(stats.value(QStringLiteral("feedback_events")).toInteger(), 1);
    QCOMPARE(stats.value(QStringLiteral("corrections")).toInteger(), 1);
    QCOMPARE(stats.value(QStringLiteral("quarantined")).toInteger(), 1);
    QCOMPARE(
        stats.value(QStringLiteral("by_outcome")).toObject().value(QStringLiteral("accepted")).toInteger(),
        1);
    // Lines without a model are grouped under "? ?"; both interactions here have none.
    const QJsonObject version = stats.value(QStringLiteral("outcomes_by_model_version"))
                                    .toObject()
                                    .value(QStringLiteral("? ?"))
                                    .toObject();
    QCOMPARE(version.value(QStringLiteral("interactions")).toInteger(), 2);
    QCOMPARE(version.value(QStringLiteral("accepted")).toInteger(), 1);
    QCOMPARE(version.value(QStringLiteral("regenerated_or_abandoned")).toInteger(), 0);
    QCOMPARE(stats.value(QStringLiteral("first_timestamp")).toString(),
             QStringLiteral("2026-11-01T12:00:00.000Z"));

    const Run human = flywheel({QStringLiteral("--store"), store(), QStringLiteral("stats")});
    QCOMPARE(human.exitCode, 0);
    QVERIFY2(human.out.contains("interactions") && human.out.contains("By outcome"), human.out.constData());
}

void TestCli::statsOnMissingStoreFails()
{
    const Run run = flywheel({QStringLiteral("--store"), store(), QStringLiteral("stats")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("flywheel init"));
    QVERIFY(!QFile::exists(store()));
}

// `stats --json` carries the dashboard (docs/dashboard.md); --from, --to, --model-version and
// --segment filter it and leave the other keys alone.
void TestCli::statsDashboardAndItsFilter()
{
    const QStringList base{QStringLiteral("--store"), store(), QStringLiteral("--json")};
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("demo"), QStringLiteral("--interactions"),
                                         QStringLiteral("600")})
                 .exitCode,
             0);
    const QJsonObject before = flywheel(base + QStringList{QStringLiteral("stats")}).json();
    QCOMPARE(before.value(QStringLiteral("interactions")).toInteger(), 600);
    const QJsonObject empty = before.value(QStringLiteral("dashboard")).toObject();
    QCOMPARE(empty.value(QStringLiteral("curation_run")).toInteger(), 0); // nothing curated yet
    QVERIFY(empty.value(QStringLiteral("volume")).toArray().isEmpty());

    QCOMPARE(flywheel(base + QStringList{QStringLiteral("curate")}).exitCode, 0);
    const Run stats = flywheel(base + QStringList{QStringLiteral("stats")});
    QCOMPARE(stats.exitCode, 0);
    QCOMPARE(stats.json().value(QStringLiteral("interactions")).toInteger(), 600);
    const QJsonObject dashboard = stats.json().value(QStringLiteral("dashboard")).toObject();
    for (const char *key :
         {"filter", "curation_run", "curated_at", "new_interactions", "changed_interactions", "volume",
          "deployments", "quality", "automation", "reviews", "coverage", "growth", "cycles"})
        QVERIFY2(dashboard.contains(QLatin1String(key)), key);
    QVERIFY(dashboard.value(QStringLiteral("curation_run")).toInteger() > 0);
    const QJsonArray volume = dashboard.value(QStringLiteral("volume")).toArray();
    QVERIFY(volume.size() > 10);
    qint64 total = 0;
    for (const QJsonValue &point : volume)
        total += point[QStringLiteral("interactions")].toInteger();
    QCOMPARE(total, 600);
    QCOMPARE(dashboard.value(QStringLiteral("deployments")).toArray().size(), 3);
    QVERIFY(
        dashboard.value(QStringLiteral("coverage")).toObject().value(QStringLiteral("gap_score")).isDouble());
    QVERIFY(!dashboard.value(QStringLiteral("cycles")).toArray().isEmpty());
    QVERIFY(dashboard.value(QStringLiteral("quality"))[0][QStringLiteral("acceptance")][QStringLiteral("n")]
                .toInteger() > 0);

    const auto filtered = [&](const QStringList &options) {
        const Run run = flywheel(base + QStringList{QStringLiteral("stats")} + options);
        if (run.exitCode != 0)
            qWarning("%s", run.err.constData());
        return run.json().value(QStringLiteral("dashboard")).toObject();
    };
    const QJsonObject v1 = filtered({QStringLiteral("--model-version"), QStringLiteral("v1")});
    QCOMPARE(v1.value(QStringLiteral("filter"))[QStringLiteral("model_versions")].toArray(),
             QJsonArray{QStringLiteral("v1")});
    QVERIFY(!v1.value(QStringLiteral("volume")).toArray().isEmpty());
    for (const QJsonValue &point : v1.value(QStringLiteral("volume")).toArray())
        QCOMPARE(point[QStringLiteral("version")].toString(), QStringLiteral("v1"));

    const QJsonObject two = filtered({QStringLiteral("--segment"), QStringLiteral("billing"),
                                      QStringLiteral("--segment"), QStringLiteral("shipping")});
    QStringList segments;
    for (const QJsonValue &s : two.value(QStringLiteral("coverage"))[QStringLiteral("segments")].toArray())
        segments.append(s[QStringLiteral("segment")].toString());
    QCOMPARE(segments, (QStringList{QStringLiteral("billing"), QStringLiteral("shipping")}));

    // One day in the middle: every point of that day, and nothing else.
    const QString day = volume.at(volume.size() / 2)[QStringLiteral("bucket")].toString();
    const QJsonObject oneDay =
        filtered({QStringLiteral("--from"), day, QStringLiteral("--to"), day + QStringLiteral("T23:00:00Z")});
    QCOMPARE(oneDay.value(QStringLiteral("filter"))[QStringLiteral("from")].toString(), day);
    QVERIFY(!oneDay.value(QStringLiteral("volume")).toArray().isEmpty());
    for (const QJsonValue &point : oneDay.value(QStringLiteral("volume")).toArray())
        QCOMPARE(point[QStringLiteral("bucket")].toString(), day);

    const Run bad = flywheel(
        base + QStringList{QStringLiteral("stats"), QStringLiteral("--from"), QStringLiteral("yesterday")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("--from takes a date (YYYY-MM-DD, a UTC day) or an RFC 3339 time "
                              "(2026-11-03T14:00:00Z), not \"yesterday\""),
             bad.err.constData());
    const Run backwards = flywheel(base + QStringList{QStringLiteral("stats"), QStringLiteral("--from"),
                                                      QStringLiteral("2026-10-02"), QStringLiteral("--to"),
                                                      QStringLiteral("2026-10-01")});
    QCOMPARE(backwards.exitCode, 2);
    QVERIFY(backwards.err.contains("--to must not be before --from"));

    const Run human = flywheel({QStringLiteral("--store"), store(), QStringLiteral("stats")});
    QCOMPARE(human.exitCode, 0);
    QVERIFY2(human.out.contains("Flywheel health") && human.out.contains("coverage gap"),
             human.out.constData());
}

void TestCli::foreignFileIsRefused()
{
    const QString path = writeInput("this is not a database\n");
    const Run run =
        flywheel({QStringLiteral("--store"), path, QStringLiteral("stats"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.json()
                .value(QStringLiteral("error"))
                .toString()
                .contains(QStringLiteral("not a Flywheel Studio store")));
}

void TestCli::demoFillsStoreAndIsRepeatable()
{
    const QStringList demo{QStringLiteral("--store"), store(),
                           QStringLiteral("demo"),    QStringLiteral("--interactions"),
                           QStringLiteral("800"),     QStringLiteral("--json")};
    const Run first = flywheel(demo);
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.json().value(QStringLiteral("interactions_added")).toInteger(), 800);
    const Run second = flywheel(demo);
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.json().value(QStringLiteral("interactions_added")).toInteger(), 0);
    const Run stats =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("stats"), QStringLiteral("--json")});
    QCOMPARE(stats.json().value(QStringLiteral("interactions")).toInteger(), 800);
    QVERIFY(stats.json().value(QStringLiteral("feedback_events")).toInteger() > 0);
    QVERIFY(stats.json().value(QStringLiteral("by_model_version")).toObject().size() >= 3);
}

void TestCli::storeFromEnvironment()
{
    const QString input = writeInput(kGoodLine);
    const Run run = flywheel({QStringLiteral("ingest"), input, QStringLiteral("--json")}, {},
                             {QStringLiteral("FLYWHEEL_STORE=") + store()});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFile::exists(store()));

    // Without --store or $FLYWHEEL_STORE, the store lives in the per-user data folder.
    const Run fallback = flywheel({QStringLiteral("init"), QStringLiteral("--json")});
    QCOMPARE(fallback.exitCode, 0);
    QVERIFY2(fallback.json()
                 .value(QStringLiteral("store"))
                 .toString()
                 .startsWith(m_dir->filePath(QStringLiteral("xdg"))),
             fallback.out.constData());
}

void TestCli::serveCollectsUntilTerminated()
{
    QProcess serve;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FLYWHEEL_COLLECTOR_TOKEN"), QStringLiteral("cli-token"));
    serve.setProcessEnvironment(env);
    serve.start(QStringLiteral(FLYWHEEL_CLI),
                {QStringLiteral("--store"), store(), QStringLiteral("--json"), QStringLiteral("serve"),
                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--grpc-listen"),
                 QStringLiteral("127.0.0.1:0")});
    QVERIFY(serve.waitForStarted());
    QVERIFY(serve.waitForReadyRead(20000));
    const QJsonObject listening = QJsonDocument::fromJson(serve.readLine()).object();
    const QUrl url(listening.value(QStringLiteral("listening")).toString());
    QVERIFY2(url.port() > 0, qPrintable(url.toString()));

    flywheel::testing::HttpClient client(QStringLiteral("127.0.0.1"), quint16(url.port()));
    const QByteArray body =
        R"({"id":"live-1","timestamp":"2026-11-01T12:00:00Z","input":"Hi","output":"Hello"})";
    QCOMPARE(client.post("/v1/interactions", body).status, 401);
    const flywheel::testing::HttpResponse stored =
        client.post("/v1/interactions", body, {{"Authorization", "Bearer cli-token"}});
    QCOMPARE(stored.status, 200);

    serve.terminate(); // SIGTERM: drain, then exit cleanly
    QVERIFY(serve.waitForFinished(20000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 0);
    const QJsonObject summary = QJsonDocument::fromJson(serve.readAllStandardOutput().trimmed()).object();
    QCOMPARE(summary.value(QStringLiteral("stored")).toInt(), 1);
    QVERIFY(serve.readAllStandardError().contains("401 POST /v1/interactions"));

    const Run stats =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("--json"), QStringLiteral("stats")});
    QCOMPARE(stats.exitCode, 0);
    QCOMPARE(stats.json().value(QStringLiteral("interactions")).toInteger(), 1);
}

void TestCli::exportAndDatasets()
{
    const QStringList base{QStringLiteral("--store"), store()};
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("demo"), QStringLiteral("--interactions"),
                                         QStringLiteral("3000"), QStringLiteral("--quiet")})
                 .exitCode,
             0);
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("curate"), QStringLiteral("--quiet")}).exitCode, 0);
    const QString out = m_dir->filePath(QStringLiteral("sft-v1"));
    const Run exported =
        flywheel(base + QStringList{QStringLiteral("--json"), QStringLiteral("export"),
                                    QStringLiteral("--kind"), QStringLiteral("sft"), QStringLiteral("--out"),
                                    out, QStringLiteral("--split"), QStringLiteral("0.5,0.25,0.25"),
                                    QStringLiteral("--segment"), QStringLiteral("billing,shipping")});
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    const QJsonObject report = exported.json();
    QCOMPARE(report.value(QStringLiteral("version")).toInteger(), 1);
    QVERIFY(report.value(QStringLiteral("examples")).toInteger() > 0);
    QCOMPARE(report.value(QStringLiteral("segments")).toObject().keys(),
             QStringList({QStringLiteral("billing"), QStringLiteral("shipping")}));
    QVERIFY(QFile::exists(out + QStringLiteral("/train.jsonl")));
    QVERIFY(QFile::exists(out + QStringLiteral("/manifest.json")));

    const Run listed = flywheel(base + QStringList{QStringLiteral("--json"), QStringLiteral("datasets")});
    QCOMPARE(listed.exitCode, 0);
    const QJsonObject dataset = listed.json().value(QStringLiteral("datasets")).toArray().at(0).toObject();
    QCOMPARE(dataset.value(QStringLiteral("name")).toString(), QStringLiteral("sft"));
    QCOMPARE(dataset.value(QStringLiteral("path")).toString(), out);

    // validate: the export passes; a damaged copy does not, with line numbers, exit 1.
    const Run valid = flywheel({QStringLiteral("validate"), out});
    QCOMPARE(valid.exitCode, 0);
    QVERIFY2(valid.out.contains("Valid: 2 files") || valid.out.contains("Valid: 3 files"),
             valid.out.constData());
    const QString broken = writeInput("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}\nnot json\n");
    const Run invalid = flywheel({QStringLiteral("validate"), broken});
    QCOMPARE(invalid.exitCode, 1);
    QVERIFY2(invalid.out.contains(":1: example_missing_assistant_message"), invalid.out.constData());
    QVERIFY2(invalid.out.contains(":2: invalid_json"), invalid.out.constData());

    // A second version, its diff, a model trained on it, and the cycle.
    const QString second = m_dir->filePath(QStringLiteral("sft-v2"));
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("export"), QStringLiteral("--kind"),
                                         QStringLiteral("sft"), QStringLiteral("--out"), second,
                                         QStringLiteral("--seed"), QStringLiteral("9")})
                 .exitCode,
             0);
    const Run diff =
        flywheel(base + QStringList{QStringLiteral("--json"), QStringLiteral("datasets"),
                                    QStringLiteral("diff"), QStringLiteral("sft@1"), QStringLiteral("sft")});
    QCOMPARE(diff.exitCode, 0);
    QCOMPARE(diff.json().value(QStringLiteral("to")).toString(), QStringLiteral("sft@2"));
    QVERIFY(diff.json().value(QStringLiteral("entered")).toInteger() > 0); // v2 takes every segment
    const Run model =
        flywheel(base + QStringList{QStringLiteral("--json"), QStringLiteral("model"), QStringLiteral("add"),
                                    QStringLiteral("support-assistant"), QStringLiteral("v4"),
                                    QStringLiteral("--trained-on"), QStringLiteral("sft@2"),
                                    QStringLiteral("--deployed"), QStringLiteral("2030-01-01T00:00:00Z")});
    QVERIFY2(model.exitCode == 0, model.err.constData());
    const QJsonArray versions = model.json().value(QStringLiteral("model_versions")).toArray();
    QCOMPARE(versions.last().toObject().value(QStringLiteral("trained_on")).toString(),
             QStringLiteral("sft@2"));
    const Run cycle = flywheel(base + QStringList{QStringLiteral("--json"), QStringLiteral("cycle")});
    QCOMPARE(cycle.exitCode, 0);
    const QJsonArray cycles = cycle.json().value(QStringLiteral("cycles")).toArray();
    QVERIFY(cycles.size() >= 2);
    QCOMPARE(cycles.last().toObject().value(QStringLiteral("current")).toString(), QStringLiteral("v4"));
    QCOMPARE(cycles.last().toObject().value(QStringLiteral("trained_on")).toString(),
             QStringLiteral("sft@2"));
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("model"), QStringLiteral("remove")}).exitCode, 2);
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("datasets"), QStringLiteral("diff"),
                                         QStringLiteral("sft@7"), QStringLiteral("sft")})
                 .exitCode,
             2);

    // Usage errors exit 2 and say what to do.
    const Run again = flywheel(base + QStringList{QStringLiteral("export"), QStringLiteral("--kind"),
                                                  QStringLiteral("sft"), QStringLiteral("--out"), out});
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains("already exists"), again.err.constData());
    const Run kind = flywheel(base + QStringList{QStringLiteral("export"), QStringLiteral("--kind"),
                                                 QStringLiteral("chat"), QStringLiteral("--out"), out});
    QCOMPARE(kind.exitCode, 2);
    QVERIFY2(kind.err.contains("--kind must be sft, preference, kto"), kind.err.constData());
    const Run label =
        flywheel(base + QStringList{QStringLiteral("export"), QStringLiteral("--kind"), QStringLiteral("sft"),
                                    QStringLiteral("--label"), QStringLiteral("great"),
                                    QStringLiteral("--out"), m_dir->filePath(QStringLiteral("x"))});
    QCOMPARE(label.exitCode, 2);
    QVERIFY2(label.err.contains("unknown label \"great\""), label.err.constData());
}

// `report` draws its charts without a display, and its metrics.json is the dashboard of `stats --json`.
void TestCli::reportWritesChartsAndMetrics()
{
    const QStringList base{QStringLiteral("--store"), store()};
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("demo"), QStringLiteral("--interactions"),
                                         QStringLiteral("1500"), QStringLiteral("--quiet")})
                 .exitCode,
             0);
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("curate"), QStringLiteral("--quiet")}).exitCode, 0);
    // No display at all: the command must pick the offscreen platform itself.
    const QStringList headless{QStringLiteral("DISPLAY="), QStringLiteral("WAYLAND_DISPLAY="),
                               QStringLiteral("QT_QPA_PLATFORM=")};
    const QString out = m_dir->filePath(QStringLiteral("report"));
    const Run report = flywheel(
        base + QStringList{QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("--out"), out},
        {}, headless);
    QVERIFY2(report.exitCode == 0, report.err.constData());
    const QJsonObject summary = report.json();
    const QJsonArray files = summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.first().toString(), QStringLiteral("index.html"));
    QCOMPARE(files.last().toString(), QStringLiteral("metrics.json"));
    QCOMPARE(files.size(), 10); // index, 8 charts, metrics
    QCOMPARE(QDir(out + QStringLiteral("/charts")).entryList({QStringLiteral("*.png")}, QDir::Files).size(),
             8);
    for (const QJsonValue &file : files) {
        QFile written(out + QLatin1Char('/') + file.toString());
        QVERIFY2(written.open(QIODevice::ReadOnly), qPrintable(written.fileName()));
        if (file.toString().endsWith(QStringLiteral(".png"))) {
            QVERIFY(file.toString().startsWith(QStringLiteral("charts/")));
            const QByteArray png = written.readAll();
            QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n"));
            QVERIFY2(png.size() > 10000, qPrintable(file.toString())); // a drawn chart, not a blank one
        }
    }
    QFile index(out + QStringLiteral("/index.html"));
    QVERIFY(index.open(QIODevice::ReadOnly));
    const QByteArray html = index.readAll();
    QVERIFY(html.contains("<img src=\"charts/01-volume.png\""));
    QVERIFY(html.contains("<img src=\"charts/06-coverage.png\""));
    QVERIFY(html.contains("Coverage-gap score"));
    QVERIFY(html.contains(QFileInfo(store()).fileName().toUtf8()));

    // metrics.json is the "dashboard" object `stats --json` prints for the same filter.
    QFile metrics(out + QStringLiteral("/metrics.json"));
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    const QJsonObject written = QJsonDocument::fromJson(metrics.readAll()).object();
    const QJsonObject stats =
        flywheel(base + QStringList{QStringLiteral("--json"), QStringLiteral("stats")}).json();
    QVERIFY(stats.contains(QStringLiteral("dashboard")));
    QCOMPARE(written, stats.value(QStringLiteral("dashboard")).toObject());
    QCOMPARE(summary.value(QStringLiteral("coverage_gap")).toDouble(),
             written.value(QStringLiteral("coverage"))[QStringLiteral("gap_score")].toDouble());

    // A filtered, weekly report.
    const QString weekly = m_dir->filePath(QStringLiteral("weekly"));
    QVERIFY(QDir().mkpath(weekly)); // an empty folder is fine
    const Run filtered =
        flywheel(base + QStringList{QStringLiteral("report"), QStringLiteral("--out"), weekly,
                                    QStringLiteral("--bucket"), QStringLiteral("week"),
                                    QStringLiteral("--segment"), QStringLiteral("billing")},
                 {}, headless);
    QVERIFY2(filtered.exitCode == 0, filtered.err.constData());
    QVERIFY2(filtered.out.contains("Wrote "), filtered.out.constData());
    QFile weeklyMetrics(weekly + QStringLiteral("/metrics.json"));
    QVERIFY(weeklyMetrics.open(QIODevice::ReadOnly));
    const QJsonObject filter =
        QJsonDocument::fromJson(weeklyMetrics.readAll()).object()[QStringLiteral("filter")].toObject();
    QCOMPARE(filter.value(QStringLiteral("bucket")).toString(), QStringLiteral("week"));
    QCOMPARE(filter.value(QStringLiteral("segments")).toArray(), QJsonArray{QStringLiteral("billing")});

    // An existing report is never overwritten; bad options say what to do.
    const Run again =
        flywheel(base + QStringList{QStringLiteral("report"), QStringLiteral("--out"), out}, {}, headless);
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains("already exists and is not empty"), again.err.constData());
    const Run bucket = flywheel(base + QStringList{QStringLiteral("report"), QStringLiteral("--out"),
                                                   m_dir->filePath(QStringLiteral("x")),
                                                   QStringLiteral("--bucket"), QStringLiteral("month")});
    QCOMPARE(bucket.exitCode, 2);
    QVERIFY2(bucket.err.contains("--bucket must be day or week"), bucket.err.constData());
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("report")}).exitCode, 2);
}

QTEST_GUILESS_MAIN(TestCli)
