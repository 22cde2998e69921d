#include "tst_collectbody.h"

#include "ingesttesting.h"

#include "collect/commitqueue.h"
#include "collect/requestbody.h"
#include "util/gzip.h"
#include "util/jsonscanner.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include <atomic>
#include <mutex>
#include <zlib.h>

using namespace flywheel;
using namespace flywheel::testing;

namespace {

const QString kData = QStringLiteral(FLYWHEEL_TEST_DATA);

// Parses @p body as the collector does, with simdjson's padding after it.
struct Parsed {
    bool ok = false;
    RequestRecords records;
    BodyError error;
};

Parsed parseBody(RecordEndpoint endpoint, const QByteArray &body, CaptureFormat format = CaptureFormat::Auto,
                 size_t maxRecordBytes = 1 << 20)
{
    std::string padded = body.toStdString();
    padded.append(64, '\0');
    RequestBodyParser parser(maxRecordBytes);
    Parsed parsed;
    parsed.ok = parser.parse(endpoint, std::string_view(padded.data(), size_t(body.size())), format,
                             parsed.records, parsed.error);
    return parsed;
}

QByteArray feedbackLine(const QByteArray &id)
{
    return R"({"type":"feedback","interaction_id":")" + id + R"(","kind":"thumbs","value":"up"})" + "\n";
}

QByteArray readData(const QString &name)
{
    QFile file(kData + QLatin1Char('/') + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

RequestRecords records(const QByteArray &body)
{
    return parseBody(RecordEndpoint::Interactions, body).records;
}

// Waits for the queue's answers, which come on its thread.
struct Answers {
    std::mutex mutex;
    std::vector<CommitOutcome> outcomes;
    CommitQueue::Done collect()
    {
        return [this](const CommitOutcome &outcome) {
            std::lock_guard lock(mutex);
            outcomes.push_back(outcome);
        };
    }
    size_t size()
    {
        std::lock_guard lock(mutex);
        return outcomes.size();
    }
};

// Holds the store's write lock from another connection, as a long ingest would.
Store lockStore(const QString &path)
{
    auto store = Store::open(path);
    if (!store || !store->db().exec("BEGIN IMMEDIATE"))
        qFatal("cannot lock the store");
    return std::move(*store);
}

} // namespace

void TestCollectBody::init()
{
    m_dir.emplace();
}

QString TestCollectBody::storePath() const
{
    return m_dir->filePath(QStringLiteral("collect.flywheel"));
}

void TestCollectBody::scannerFindsTheEndOfPrettyDocuments()
{
    JsonDocumentScanner scanner;
    QCOMPARE(scanner.feed("{\n"), std::string_view::npos);
    QVERIFY(scanner.open());
    // Brackets and escaped quotes inside strings do not count.
    QCOMPARE(scanner.feed(R"(  "a": "} ] \" {",)"), std::string_view::npos);
    QCOMPARE(scanner.feed(R"(  "b": [1, {"c": 2}])"), std::string_view::npos);
    QCOMPARE(scanner.feed("} trailing"), size_t(1));
    QVERIFY(!scanner.open());
    scanner.reset();
    QCOMPARE(scanner.feed(R"([{"x": "\\"}, 2] [3])"), size_t(16));
}

void TestCollectBody::scannerTellsOpenLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("opens");
    QTest::newRow("open brace") << QByteArray("{") << true;
    QTest::newRow("open with a field") << QByteArray(R"(  {"resourceSpans": [)") << true;
    QTest::newRow("whole object") << QByteArray(R"({"a": 1})") << false;
    QTest::newRow("whole object, spaces") << QByteArray(" {\"a\": 1}  \r") << false;
    QTest::newRow("open array") << QByteArray("[") << true;
    QTest::newRow("csv header") << QByteArray("input,output") << false;
    QTest::newRow("blank") << QByteArray("   ") << false;
}

void TestCollectBody::scannerTellsOpenLines()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, opens);
    QCOMPARE(JsonDocumentScanner::opensDocument(std::string_view(line.constData(), size_t(line.size()))),
             opens);
}

void TestCollectBody::jsonLinesPrettyDocumentsAndArrays()
{
    const QByteArray pretty =
        QJsonDocument::fromJson(interactionLine("p1")).toJson(QJsonDocument::Indented); // many lines
    const QByteArray array =
        "[" + interactionLine("a1").trimmed() + ",\n " + interactionLine("a2").trimmed() + "]\n";
    const QByteArray body = interactionLine("l1") + "\n\n" + pretty + interactionLine("l2") + array;
    const Parsed parsed = parseBody(RecordEndpoint::Interactions, body);
    QVERIFY2(parsed.ok, parsed.error.message().c_str());
    QCOMPARE(parsed.records.read, qint64(5));
    QCOMPARE(parsed.records.lines.size(), size_t(5));
    QStringList ids;
    for (const ParsedLine &line : parsed.records.lines)
        ids.append(QString::fromStdString(line.interactions.at(0).externalId));
    QCOMPARE(ids.join(QLatin1Char(',')), QStringLiteral("l1,p1,l2,a1,a2"));
    // Pretty-printed or on one line, a record is the same record: a retry in the other form is unchanged.
    const Parsed compact = parseBody(RecordEndpoint::Interactions,
                                     R"({"id":"p9","timestamp":"2026-11-01T12:00:00Z","input":"hi"})");
    const Parsed indented = parseBody(RecordEndpoint::Interactions,
                                      "{\n  \"id\": \"p9\",\n  \"timestamp\": \"2026-11-01T12:00:00Z\",\n"
                                      "  \"input\": \"hi\"\n}\n");
    QVERIFY(compact.ok && indented.ok);
    QCOMPARE(indented.records.lines[0].interactions[0].contentHash,
             compact.records.lines[0].interactions[0].contentHash);
}

// fuzz_request's crash of 2026-12-03 (selector byte 0x01: /v1/interactions, format detected): a
// pretty-printed record read through a view of the compacting buffer taken before compacting could
// move it. Under AddressSanitizer with clang this read freed memory; here it must be refused with
// a reason and keep nothing, the first time and after another body on the same parser.
void TestCollectBody::fuzzingCrashInputIsRefusedCleanly()
{
    const QByteArray input = readData(QStringLiteral("fuzz-request-crash-2026-12-03.bin"));
    QCOMPARE(input.size(), 910);
    QCOMPARE(input.at(0), '\x01');
    const QByteArray body = input.mid(1);
    std::string padded = body.toStdString();
    padded.append(64, '\0');
    RequestBodyParser parser(1 << 20);
    for (int attempt = 0; attempt < 2; ++attempt) {
        RequestRecords records;
        BodyError error;
        const bool ok =
            parser.parse(RecordEndpoint::Interactions, std::string_view(padded.data(), size_t(body.size())),
                         CaptureFormat::Auto, records, error);
        QVERIFY(!ok);
        QVERIFY(!error.reason.empty());
        QVERIFY(records.lines.empty());
    }
    // And a pretty-printed record longer than the buffer's first capacity still reads as itself.
    const QByteArray pretty = QJsonDocument::fromJson(interactionLine("long-enough-to-move-the-buffer"))
                                  .toJson(QJsonDocument::Indented);
    const Parsed parsed = parseBody(RecordEndpoint::Interactions, pretty);
    QVERIFY2(parsed.ok, parsed.error.message().c_str());
    QCOMPARE(QString::fromStdString(parsed.records.lines.at(0).interactions.at(0).externalId),
             QStringLiteral("long-enough-to-move-the-buffer"));
}

void TestCollectBody::badRecordRefusesTheWholeBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("line");
    QTest::addColumn<qint64>("item");
    QTest::addColumn<QString>("reason");
    QTest::newRow("third line") << interactionLine("1") + interactionLine("2") + R"({"id":"3"})" << qint64(3)
                                << qint64(0) << "missing required field";
    QTest::newRow("after a pretty document") << QByteArray("{\n\"id\": \"1\"\n}\n") + "not json\n"
                                             << qint64(1) << qint64(0) << "missing required field";
    QTest::newRow("not json on line 2") << interactionLine("1") + "not json\n"
                                        << qint64(2) << qint64(0) << "invalid JSON";
    QTest::newRow("array item") << "\n[" + interactionLine("1").trimmed() + R"(, {"id": 2}])" << qint64(2)
                                << qint64(2) << "item 2 of the array on line 2";
    QTest::newRow("empty array") << QByteArray("[]") << qint64(1) << qint64(0) << "the array is empty";
    QTest::newRow("unterminated") << interactionLine("1") + "{\n\"id\": \"2\",\n"
                                  << qint64(2) << qint64(0) << "ends inside";
    QTest::newRow("empty") << QByteArray(" \n\n ") << qint64(0) << qint64(0) << "the body is empty";
}

void TestCollectBody::badRecordRefusesTheWholeBody()
{
    QFETCH(QByteArray, body);
    QFETCH(qint64, line);
    QFETCH(qint64, item);
    QFETCH(QString, reason);
    const Parsed parsed = parseBody(RecordEndpoint::Interactions, body);
    QVERIFY(!parsed.ok);
    QVERIFY(parsed.records.lines.empty());
    QCOMPARE(parsed.error.line, line);
    QCOMPARE(parsed.error.item, item);
    const QString message = QString::fromStdString(parsed.error.message());
    QVERIFY2(message.contains(reason), qPrintable(message));
}

void TestCollectBody::feedbackEndpointTakesOnlyEvents()
{
    const QByteArray correction =
        R"({"type":"correction","interaction_id":"i1","output":"The right answer."})" + QByteArray("\n");
    Parsed parsed = parseBody(RecordEndpoint::Feedback, feedbackLine("i1") + correction);
    QVERIFY2(parsed.ok, parsed.error.message().c_str());
    QCOMPARE(parsed.records.lines.size(), size_t(2));
    QCOMPARE(parsed.records.lines[0].feedback.size(), size_t(1));
    QCOMPARE(parsed.records.lines[1].corrections.size(), size_t(1));

    parsed = parseBody(RecordEndpoint::Feedback, feedbackLine("i1") + interactionLine("i2"));
    QVERIFY(!parsed.ok);
    QCOMPARE(parsed.error.line, qint64(2));
    QVERIFY(QString::fromStdString(parsed.error.reason).contains(QStringLiteral("/v1/interactions")));
}

void TestCollectBody::tracesArePrettyOrOneALine()
{
    const QList<QByteArray> lines = readData(QStringLiteral("otlp_traces.jsonl")).split('\n');
    const QByteArray first = lines.at(0);
    Parsed oneLine = parseBody(RecordEndpoint::Traces, first);
    QVERIFY2(oneLine.ok, oneLine.error.message().c_str());
    QCOMPARE(oneLine.records.format, CaptureFormat::Otlp);
    QVERIFY(!oneLine.records.lines.empty());

    const QByteArray pretty = QJsonDocument::fromJson(first).toJson(QJsonDocument::Indented);
    QVERIFY(pretty.count('\n') > 10);
    Parsed prettyParsed = parseBody(RecordEndpoint::Traces, pretty);
    QVERIFY2(prettyParsed.ok, prettyParsed.error.message().c_str());
    QCOMPARE(prettyParsed.records.lines.size(), oneLine.records.lines.size());
    QCOMPARE(prettyParsed.records.recordsSkipped, oneLine.records.recordsSkipped);
    QCOMPARE(prettyParsed.records.lines[0].interactions.size(), oneLine.records.lines[0].interactions.size());
    QCOMPARE(prettyParsed.records.lines[0].interactions[0].inputJson,
             oneLine.records.lines[0].interactions[0].inputJson);

    // A JSON array is not an OTLP export: traces bodies are never split into items.
    Parsed array = parseBody(RecordEndpoint::Traces, "[" + first + "]");
    QVERIFY(!array.ok);
    QVERIFY(QString::fromStdString(array.error.reason).contains(QStringLiteral("resourceSpans")) ||
            QString::fromStdString(array.error.reason).contains(QStringLiteral("object")));
}

void TestCollectBody::interactionsBodyDetectsOrForcesItsFormat()
{
    const QByteArray pair = readData(QStringLiteral("openai_pairs.jsonl")).split('\n').at(0);
    Parsed detected = parseBody(RecordEndpoint::Interactions, pair);
    QVERIFY2(detected.ok, detected.error.message().c_str());
    QCOMPARE(detected.records.format, CaptureFormat::OpenAi);

    Parsed forced = parseBody(RecordEndpoint::Interactions, pair, CaptureFormat::Native);
    QVERIFY(!forced.ok);
    QCOMPARE(forced.error.line, qint64(1));
}

void TestCollectBody::csvBody()
{
    const QByteArray csv = "id,timestamp,input,output\n"
                           "c1,2026-11-01T10:00:00Z,\"Hello,\nworld\",Hi\n"
                           "c2,2026-11-01T10:00:01Z,Bye,See you\n";
    Parsed parsed = parseBody(RecordEndpoint::Interactions, csv);
    QVERIFY2(parsed.ok, parsed.error.message().c_str());
    QCOMPARE(parsed.records.format, CaptureFormat::Csv);
    QCOMPARE(parsed.records.lines.size(), size_t(2));
    QCOMPARE(parsed.records.lines[0].interactions.at(0).externalId, std::string("c1"));

    Parsed open =
        parseBody(RecordEndpoint::Interactions, "id,timestamp,input,output\nc1,2026-11-01T10:00:00Z,\"open");
    QVERIFY(!open.ok);
    QCOMPARE(open.error.line, qint64(2));
}

void TestCollectBody::recordOverTheLimit()
{
    const QByteArray line = interactionLine("big", R"(,"note":")" + QByteArray(400, 'x') + "\"");
    Parsed parsed = parseBody(RecordEndpoint::Interactions, line, CaptureFormat::Auto, 256);
    QVERIFY(!parsed.ok);
    QVERIFY(QString::fromStdString(parsed.error.reason).contains(QStringLiteral("over the limit")));
}

void TestCollectBody::gunzipRoundTripsAndBounds()
{
    const QByteArray text = interactionLine("z").repeated(1000);
    const QByteArray compressed = gzipped(text);
    const std::string_view view(compressed.constData(), size_t(compressed.size()));
    Inflated inflated = gunzip(view, size_t(text.size()));
    QCOMPARE(int(inflated.status), int(Inflated::Status::Ok));
    QCOMPARE(QByteArray::fromStdString(inflated.text), text);

    inflated = gunzip(view, size_t(text.size() - 1));
    QCOMPARE(int(inflated.status), int(Inflated::Status::TooLarge));
    QVERIFY(inflated.text.empty());

    inflated = gunzip(view.substr(0, view.size() / 2), size_t(text.size()));
    QCOMPARE(int(inflated.status), int(Inflated::Status::Corrupt));
    QVERIFY(QString::fromStdString(inflated.error).contains(QStringLiteral("truncated")));

    inflated = gunzip("not gzip at all", 1000);
    QCOMPARE(int(inflated.status), int(Inflated::Status::Corrupt));
}

void TestCollectBody::queueCommitsAndCounts()
{
    auto queue = CommitQueue::start(storePath(), {});
    QVERIFY2(queue, qPrintable(queue.errorMessage()));
    Answers answers;
    QCOMPARE((*queue)->submit(records(interactionLine("q1") + interactionLine("q2")), answers.collect()),
             CommitQueue::Submitted::Queued);
    QTRY_COMPARE(answers.size(), size_t(1));
    // The same records again change nothing: a retried request is safe.
    QCOMPARE((*queue)->submit(records(interactionLine("q1") + interactionLine("q2")), answers.collect()),
             CommitQueue::Submitted::Queued);
    QTRY_COMPARE(answers.size(), size_t(2));
    QVERIFY(answers.outcomes[0].committed);
    QCOMPARE(answers.outcomes[0].counts.stored, qint64(2));
    QCOMPARE(answers.outcomes[0].counts.interactionsAdded, qint64(2));
    QCOMPARE(answers.outcomes[1].counts.unchanged, qint64(2));
    QCOMPARE((*queue)->committed().read, qint64(4));

    // Answered means committed: another connection sees the records at once.
    auto reader = Store::open(storePath());
    QVERIFY(reader);
    QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(2));
}

void TestCollectBody::readersKeepReadingWhileTheQueueWrites()
{
    auto queue = CommitQueue::start(storePath(), {});
    QVERIFY(queue);
    // A reader in the middle of a read transaction, as the studio is while it draws a chart.
    auto reader = Store::open(storePath());
    QVERIFY(reader && reader->db().exec("BEGIN"));
    QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(0));
    Answers answers;
    QCOMPARE((*queue)->submit(records(interactionLine("r1")), answers.collect()),
             CommitQueue::Submitted::Queued);
    QTRY_COMPARE(answers.size(), size_t(1));
    QVERIFY(answers.outcomes[0].committed); // the reader did not block the writer
    QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(0)); // its snapshot holds
    QVERIFY(reader->db().exec("COMMIT"));
    QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(1));
}

void TestCollectBody::queueGroupsRequestsWaitingForTheLock()
{
    auto queue = CommitQueue::start(storePath(), {});
    QVERIFY(queue);
    Answers answers;
    {
        Store locker = lockStore(storePath());
        for (int i = 0; i < 50; ++i)
            QCOMPARE(
                (*queue)->submit(records(interactionLine("g" + QByteArray::number(i))), answers.collect()),
                CommitQueue::Submitted::Queued);
        QCOMPARE(answers.size(), size_t(0));
        QVERIFY(locker.db().exec("COMMIT"));
    }
    QTRY_COMPARE(answers.size(), size_t(50));
    // What queued while the first transaction waited shares the next one.
    QVERIFY2((*queue)->transactions() <= 2, qPrintable(QString::number((*queue)->transactions())));
    auto reader = Store::open(storePath());
    QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(50));
}

void TestCollectBody::failedCommitWritesNothingAndRetrySucceeds()
{
    CommitQueue::Options options;
    options.busyTimeoutMs = 100;
    auto queue = CommitQueue::start(storePath(), options);
    QVERIFY(queue);
    Answers answers;
    const QByteArray body = interactionLine("f1") + interactionLine("f2") + feedbackLine("f1");
    {
        Store locker = lockStore(storePath());
        QCOMPARE((*queue)->submit(records(body), answers.collect()), CommitQueue::Submitted::Queued);
        QTRY_COMPARE(answers.size(), size_t(1));
        QVERIFY(locker.db().exec("ROLLBACK"));
    }
    QVERIFY(!answers.outcomes[0].committed);
    QVERIFY(!answers.outcomes[0].error.isEmpty());
    QCOMPARE(answers.outcomes[0].counts.stored, qint64(0));
    {
        auto reader = Store::open(storePath());
        QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(0));
        QCOMPARE(count(*reader, "SELECT count(*) FROM feedback_events"), qint64(0));
    }
    QCOMPARE((*queue)->submit(records(body), answers.collect()), CommitQueue::Submitted::Queued);
    QTRY_COMPARE(answers.size(), size_t(2));
    QVERIFY(answers.outcomes[1].committed);
    auto reader = Store::open(storePath());
    QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(2));
    QCOMPARE(count(*reader, "SELECT count(*) FROM feedback_events"), qint64(1));
}

void TestCollectBody::fullQueueRefuses()
{
    CommitQueue::Options options;
    options.maxQueuedRecords = 3;
    auto queue = CommitQueue::start(storePath(), options);
    QVERIFY(queue);
    Answers answers;
    Store locker = lockStore(storePath());
    // The writer takes the first request and waits for the lock; the next ones wait in the queue.
    QCOMPARE((*queue)->submit(records(interactionLine("w")), answers.collect()),
             CommitQueue::Submitted::Queued);
    QTRY_COMPARE((*queue)->queuedRecords(), qint64(0));
    QCOMPARE((*queue)->submit(records(interactionLine("a") + interactionLine("b")), answers.collect()),
             CommitQueue::Submitted::Queued);
    QCOMPARE((*queue)->submit(records(interactionLine("c") + interactionLine("d")), answers.collect()),
             CommitQueue::Submitted::Full);
    QCOMPARE((*queue)->submit(records(interactionLine("c")), answers.collect()),
             CommitQueue::Submitted::Queued);
    QVERIFY(locker.db().exec("COMMIT"));
    QTRY_COMPARE(answers.size(), size_t(3));
}

void TestCollectBody::closeCommitsWhatIsQueuedAndRecordsTheRun()
{
    CommitQueue::Options options;
    options.runInputsJson = R"(["http://127.0.0.1:4318"])";
    auto queue = CommitQueue::start(storePath(), options);
    QVERIFY(queue);
    Answers answers;
    {
        Store locker = lockStore(storePath());
        for (int i = 0; i < 5; ++i)
            QCOMPARE(
                (*queue)->submit(records(interactionLine("c" + QByteArray::number(i))), answers.collect()),
                CommitQueue::Submitted::Queued);
        QVERIFY(locker.db().exec("COMMIT"));
    }
    QVERIFY((*queue)->close());
    QCOMPARE(answers.size(), size_t(5));
    QCOMPARE((*queue)->submit(records(interactionLine("late")), answers.collect()),
             CommitQueue::Submitted::Closed);
    auto reader = Store::open(storePath());
    QCOMPARE(count(*reader, "SELECT count(*) FROM interactions"), qint64(5));
    QCOMPARE(queryText(*reader, "SELECT status || ' ' || stored || ' ' || inputs FROM ingest_runs"),
             QStringLiteral("completed 5 [\"http://127.0.0.1:4318\"]"));
}

QTEST_GUILESS_MAIN(TestCollectBody)
