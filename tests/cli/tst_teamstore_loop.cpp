// The loop on a PostgreSQL store, beside SQLite: ingest, several collectors, curation and what
// follows it, one curation run at a time, and an annotator's decisions.
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
        const QString left = folders[0] + QLatin1Char('/') + name,
                      right = folders[1] + QLatin1Char('/') + name;
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
