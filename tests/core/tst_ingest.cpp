#include "tst_ingest.h"

#include "ingesttesting.h"

#include "ingest/ingester.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;
using namespace flywheel::testing;

void TestIngest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestIngest::init()
{
    m_dir.emplace();
    QVERIFY(m_dir->isValid());
    auto store = Store::open(m_dir->filePath(QStringLiteral("test.flywheel")));
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(*store));
}

void TestIngest::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestIngest::storesAllFields()
{
    const QByteArray line =
        R"({"id":"req-1","timestamp":"2026-11-01T12:00:00.250Z","session_id":"s-1","user_id":"u-7",)"
        R"("model":"support-bot","model_version":"v3",)"
        R"("input":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Paris?"}],)"
        R"("output":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",)"
        R"("function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}]},)"
        R"("latency_ms":812.6,"usage":{"prompt_tokens":31,"completion_tokens":12},"finish_reason":"tool_calls",)"
        R"("category":"weather","outcome":"accepted","tenant":"acme","metadata":{"channel":"web"}})"
        "\n";
    const IngestReport report = ingest(line);
    QCOMPARE(report.counts.read, qint64(1));
    QCOMPARE(report.counts.stored, qint64(1));
    QCOMPARE(report.counts.rejected, qint64(0));
    Store &s = *m_store;
    QCOMPARE(queryText(s, "SELECT external_id FROM interactions"), QStringLiteral("req-1"));
    QCOMPARE(count(s, "SELECT ts FROM interactions"), qint64(1793534400250));
    QCOMPARE(queryText(s, "SELECT session_id || '/' || user_id || '/' || model_name || '/' || model_version "
                          "FROM interactions"),
             QStringLiteral("s-1/u-7/support-bot/v3"));
    QCOMPARE(queryText(s, "SELECT json_extract(input, '$[1].content') FROM interactions"),
             QStringLiteral("Weather in Paris?"));
    QCOMPARE(queryText(s, "SELECT json_extract(output_tool_calls, '$[0].function.name') FROM interactions"),
             QStringLiteral("weather"));
    QCOMPARE(queryText(s, "SELECT output FROM interactions"), QStringLiteral("<null>"));
    QCOMPARE(count(s, "SELECT latency_ms FROM interactions"), qint64(813));
    QCOMPARE(count(s, "SELECT prompt_tokens * 1000 + completion_tokens FROM interactions"), qint64(31012));
    QCOMPARE(queryText(s, "SELECT finish_reason || '/' || category || '/' || outcome FROM interactions"),
             QStringLiteral("tool_calls/weather/accepted"));
    // Unknown fields are kept in metadata next to the explicit metadata.
    QCOMPARE(queryText(s, "SELECT json_extract(metadata, '$.tenant') || '/' || json_extract(metadata, "
                          "'$.channel') FROM interactions"),
             QStringLiteral("acme/web"));
    QCOMPARE(queryText(s, "SELECT model_name || ' ' || version FROM model_versions"),
             QStringLiteral("support-bot v3"));
    QCOMPARE(queryText(s, "SELECT status FROM ingest_runs"), QStringLiteral("completed"));
}

void TestIngest::plainStringInputBecomesUserMessage()
{
    ingest(interactionLine("a"));
    QCOMPARE(queryText(*m_store, "SELECT input FROM interactions"),
             QStringLiteral(R"([{"role":"user","content":"How do I reset my password?"}])"));
}

void TestIngest::epochMillisecondTimestamps()
{
    ingest(R"({"id":"n","timestamp":1793534400250,"input":"hi"})"
           "\n");
    QCOMPARE(count(*m_store, "SELECT ts FROM interactions"), qint64(1793534400250));
}

void TestIngest::rejectsBadLines_data()
{
    QTest::addColumn<QByteArray>("badLine");
    QTest::addColumn<QString>("reason");
    QTest::newRow("invalid json") << QByteArray(R"({"id":"x","timestamp":)") + "\n"
                                  << QStringLiteral("invalid JSON");
    QTest::newRow("invalid utf-8")
        << QByteArray("{\"id\":\"x\",\"timestamp\":1793534400000,\"input\":\"caf\xC3\"}\n")
        << QStringLiteral("invalid UTF-8");
    QTest::newRow("not an object") << QByteArray("[1,2,3]\n") << QStringLiteral("must be a JSON object");
    QTest::newRow("missing id") << QByteArray(R"({"timestamp":"2026-11-01T12:00:00Z","input":"hi"})"
                                              "\n")
                                << QStringLiteral("missing required field \"id\"");
    QTest::newRow("missing timestamp") << QByteArray(R"({"id":"x","input":"hi"})"
                                                     "\n")
                                       << QStringLiteral("missing required field \"timestamp\"");
    QTest::newRow("missing input") << QByteArray(R"({"id":"x","timestamp":"2026-11-01T12:00:00Z"})"
                                                 "\n")
                                   << QStringLiteral("missing required field \"input\"");
    QTest::newRow("id wrong type") << QByteArray(R"({"id":{"a":1},"timestamp":1793534400000,"input":"hi"})"
                                                 "\n")
                                   << QStringLiteral("field \"id\" must be a string or an integer");
    QTest::newRow("latency wrong type")
        << QByteArray(R"({"id":"x","timestamp":1793534400000,"input":"hi","latency_ms":"fast"})"
                      "\n")
        << QStringLiteral("field \"latency_ms\" must be a number");
    QTest::newRow("input wrong type") << QByteArray(R"({"id":"x","timestamp":1793534400000,"input":42})"
                                                    "\n")
                                      << QStringLiteral("field \"input\" must be a string or a list");
    QTest::newRow("message without role")
        << QByteArray(R"({"id":"x","timestamp":1793534400000,"input":[{"content":"hi"}]})"
                      "\n")
        << QStringLiteral("input message 0 must be an object with a string \"role\"");
    QTest::newRow("unknown outcome")
        << QByteArray(R"({"id":"x","timestamp":1793534400000,"input":"hi","outcome":"loved"})"
                      "\n")
        << QStringLiteral("field \"outcome\" must be one of");
    QTest::newRow("seconds timestamp") << QByteArray(R"({"id":"x","timestamp":1793534400,"input":"hi"})"
                                                     "\n")
                                       << QStringLiteral("looks like seconds");
    QTest::newRow("timestamp without offset")
        << QByteArray(R"({"id":"x","timestamp":"2026-11-01T12:00:00","input":"hi"})"
                      "\n")
        << QStringLiteral("RFC 3339");
    QTest::newRow("feedback without interaction")
        << QByteArray(R"({"type":"feedback","kind":"thumbs","value":"up"})"
                      "\n")
        << QStringLiteral("missing required field \"interaction_id\"");
    QTest::newRow("feedback bad thumb")
        << QByteArray(R"({"type":"feedback","interaction_id":"a","kind":"thumbs","value":"meh"})"
                      "\n")
        << QStringLiteral("thumbs \"value\" must be");
    QTest::newRow("correction without output") << QByteArray(R"({"type":"correction","interaction_id":"a"})"
                                                             "\n")
                                               << QStringLiteral("needs a non-empty \"output\"");
    QTest::newRow("unknown type") << QByteArray(R"({"type":"span","id":"x"})"
                                                "\n")
                                  << QStringLiteral("unknown \"type\"");
    QTest::newRow("truncated last line")
        << QByteArray(R"({"id":"x","timestamp":1793534400000,"inp)") << QStringLiteral("truncated last line");
}

void TestIngest::rejectsBadLines()
{
    QFETCH(QByteArray, badLine);
    QFETCH(QString, reason);
    const IngestReport report = ingest(interactionLine("good") + badLine);
    QCOMPARE(report.counts.read, qint64(2));
    QCOMPARE(report.counts.stored, qint64(1));
    QCOMPARE(report.counts.rejected, qint64(1));
    QCOMPARE(report.rejections.size(), 1);
    QCOMPARE(report.rejections[0].line, qint64(2));
    QVERIFY2(report.rejections[0].reason.contains(reason), qPrintable(report.rejections[0].reason));
    Store &s = *m_store;
    QCOMPARE(count(s, "SELECT count(*) FROM quarantine"), qint64(1));
    QCOMPARE(count(s, "SELECT line_number FROM quarantine"), qint64(2));
    QVERIFY(queryText(s, "SELECT reason FROM quarantine").contains(reason));
    QVERIFY(queryText(s, "SELECT source_file FROM quarantine").endsWith(QStringLiteral("input.jsonl")));
    auto raw = s.db().prepare("SELECT raw FROM quarantine");
    QVERIFY(*raw->step());
    QCOMPARE(raw->columnBlob(0), badLine.endsWith('\n') ? badLine.chopped(1) : badLine);
    QCOMPARE(count(s, "SELECT rejected FROM ingest_runs"), qint64(1));
}

void TestIngest::quarantineIsNotDuplicatedOnRerun()
{
    const QByteArray content = interactionLine("a") + "not json\n";
    ingest(content);
    const IngestReport again = ingest(content);
    QCOMPARE(again.counts.rejected, qint64(1));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM quarantine"), qint64(1));
}

void TestIngest::overLongLineIsQuarantinedWithoutBufferingIt()
{
    IngestOptions options;
    options.maxLineBytes = 4096;
    const QByteArray huge =
        R"({"id":"big","timestamp":1793534400000,"input":")" + QByteArray(3 << 20, 'x') + "\"}\n";
    const IngestReport report = ingest(interactionLine("a") + huge + interactionLine("b"), options);
    QCOMPARE(report.counts.stored, qint64(2));
    QCOMPARE(report.counts.rejected, qint64(1));
    QVERIFY(report.rejections[0].reason.contains(QStringLiteral("over the limit of 4096 bytes")));
    QCOMPARE(count(*m_store, "SELECT raw_bytes FROM quarantine"), qint64(huge.size() - 1));
    QVERIFY(count(*m_store, "SELECT length(raw) FROM quarantine") < huge.size() / 10);
    QCOMPARE(count(*m_store, "SELECT line_number FROM quarantine"), qint64(2));
}

void TestIngest::acceptsHarmlessQuirks()
{
    QByteArray content = "\xEF\xBB\xBF" + interactionLine("bom");
    content += "\n   \n";
    content += interactionLine("crlf").chopped(1) + "\r\n";
    content += R"({"id":"large","timestamp":1793534400000,"input":")" + QByteArray(4 << 20, 'y') + "\"}\n";
    content += interactionLine("no-newline").chopped(1);
    const IngestReport report = ingest(content);
    QCOMPARE(report.counts.rejected, qint64(0));
    QCOMPARE(report.counts.read, qint64(4));
    QCOMPARE(report.counts.stored, qint64(4));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM interactions WHERE external_id IN ('bom','crlf','large',"
                             "'no-newline')"),
             qint64(4));
    QCOMPARE(count(*m_store, "SELECT length(json_extract(input, '$[0].content')) FROM interactions WHERE "
                             "external_id = 'large'"),
             qint64(4 << 20));
}

void TestIngest::sameFileTwiceAddsNothing()
{
    QByteArray content;
    for (int i = 0; i < 50; ++i)
        content += interactionLine("id-" + QByteArray::number(i),
                                   R"(,"feedback":[{"kind":"thumbs","value":"up","source":"user"}])");
    content += R"({"type":"correction","interaction_id":"id-3","output":"Settings > Security > Reset."})"
               "\n";
    const IngestReport first = ingest(content);
    QCOMPARE(first.counts.stored, qint64(51));
    const IngestReport second = ingest(content);
    QCOMPARE(second.counts.read, qint64(51));
    QCOMPARE(second.counts.stored, qint64(0));
    QCOMPARE(second.counts.updated, qint64(0));
    QCOMPARE(second.counts.unchanged, qint64(51));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM interactions"), qint64(50));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM feedback_events"), qint64(50));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM corrections"), qint64(1));
}

void TestIngest::laterLineUpdatesAndKeepsFeedback()
{
    ingest(
        interactionLine("a", R"(,"user_id":"u1","outcome":"none","feedback":[{"kind":"rating","value":2}])"));
    const IngestReport report = ingest(
        R"({"id":"a","timestamp":"2026-11-01T12:00:00Z","input":"How do I reset my password?","outcome":"edited",)"
        R"("feedback":[{"kind":"thumbs","value":"down"}],"metadata":{"edited_by":"u1"}})"
        "\n");
    QCOMPARE(report.counts.updated, qint64(1));
    QCOMPARE(report.counts.stored, qint64(0));
    Store &s = *m_store;
    QCOMPARE(count(s, "SELECT count(*) FROM interactions"), qint64(1));
    QCOMPARE(queryText(s, "SELECT outcome FROM interactions"), QStringLiteral("edited"));
    // Fields the later line leaves out keep their earlier values.
    QCOMPARE(queryText(s, "SELECT user_id || '/' || output FROM interactions"),
             QStringLiteral("u1/Open Settings, then Security."));
    QCOMPARE(queryText(s, "SELECT json_extract(metadata, '$.edited_by') FROM interactions"),
             QStringLiteral("u1"));
    QCOMPARE(count(s, "SELECT count(*) FROM feedback_events WHERE interaction_id IS NOT NULL"), qint64(2));
    QVERIFY(count(s, "SELECT updated_at FROM interactions") > 0);
}

void TestIngest::feedbackBeforeAndAfterItsInteraction()
{
    const QByteArray early =
        R"({"type":"feedback","interaction_id":"late","kind":"thumbs","value":false,"timestamp":1793534400000})"
        "\n"
        R"({"type":"correction","interaction_id":"late","output":"Better answer","author":"u2"})"
        "\n";
    const IngestReport first = ingest(early);
    QCOMPARE(first.counts.stored, qint64(2));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL"), qint64(1));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM corrections WHERE interaction_id IS NULL"), qint64(1));
    ingest(interactionLine("late") +
           R"({"type":"feedback","interaction_id":"late","kind":"comment","comment":"Too long"})"
           "\n");
    Store &s = *m_store;
    QCOMPARE(count(s, "SELECT count(*) FROM feedback_events WHERE interaction_id = (SELECT id FROM "
                      "interactions WHERE external_id = 'late')"),
             qint64(2));
    QCOMPARE(count(s, "SELECT count(*) FROM corrections WHERE interaction_id IS NOT NULL"), qint64(1));
    QCOMPARE(count(s, "SELECT value FROM feedback_events WHERE kind = 'thumbs'"), qint64(-1));
}

void TestIngest::sourcesNamespaceIds()
{
    IngestOptions other;
    other.sourceName = QStringLiteral("langfuse");
    ingest(interactionLine("same"));
    const IngestReport report = ingest(interactionLine("same"), other);
    QCOMPARE(report.counts.stored, qint64(1));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM interactions"), qint64(2));
}

void TestIngest::idHashCollisionsKeepIdsApart()
{
    // Every id hashes to the same key: each must still be its own interaction, found by its own id.
    CaptureWriter::setKeyFunctionForTesting([](qint64, std::string_view) { return qint64(1000); });
    QByteArray content;
    for (const char *id : {"a", "b", "c"})
        content += interactionLine(id, R"(,"feedback":[{"kind":"thumbs","value":"up"}])");
    content += R"({"type":"correction","interaction_id":"b","output":"Only for b"})"
               "\n";
    const IngestReport first = ingest(content);
    QCOMPARE(first.counts.stored, qint64(4));
    const IngestReport again = ingest(content);
    QCOMPARE(again.counts.unchanged, qint64(4));
    const IngestReport update = ingest(interactionLine("b", R"(,"outcome":"edited")"));
    QCOMPARE(update.counts.updated, qint64(1));

    QByteArray tooMany;
    for (int i = 0; i < 8; ++i)
        tooMany += interactionLine("more-" + QByteArray::number(i));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("input.jsonl")), tooMany));
    auto overflow = Ingester(*m_store).ingest({m_dir->filePath(QStringLiteral("input.jsonl"))});
    CaptureWriter::setKeyFunctionForTesting(nullptr);

    Store &s = *m_store;
    QCOMPARE(count(s, "SELECT count(*) FROM interactions WHERE external_id IN ('a', 'b', 'c')"), qint64(3));
    // The failed batch was rolled back whole: only the three first ids hold keys.
    QCOMPARE(count(s, "SELECT count(*) FROM interactions"), qint64(3));
    QCOMPARE(count(s, "SELECT count(DISTINCT external_key) FROM interactions"), qint64(3));
    QCOMPARE(queryText(s, "SELECT status FROM ingest_runs ORDER BY id DESC LIMIT 1"),
             QStringLiteral("failed"));
    QCOMPARE(count(s, "SELECT stored FROM ingest_runs ORDER BY id DESC LIMIT 1"), qint64(0));
    QCOMPARE(queryText(s,
                       "SELECT group_concat(external_id || ':' || outcome) FROM (SELECT * FROM interactions "
                       "WHERE external_id IN ('a', 'b', 'c') ORDER BY external_id)"),
             QStringLiteral("a:none,b:edited,c:none"));
    QCOMPARE(count(s, "SELECT count(*) FROM feedback_events f JOIN interactions i ON i.id = f.interaction_id "
                      "WHERE f.interaction_external_id = i.external_id"),
             qint64(3));
    QCOMPARE(queryText(
                 s, "SELECT i.external_id FROM corrections c JOIN interactions i ON i.id = c.interaction_id"),
             QStringLiteral("b"));
    // Past the eight keys a collision chain may use, ingest stops with a clear error.
    QVERIFY(!overflow);
    QVERIFY2(overflow.errorMessage().contains(QStringLiteral("collides")),
             qPrintable(overflow.errorMessage()));
}

void TestIngest::readsGzip()
{
    QByteArray content;
    for (int i = 0; i < 1000; ++i)
        content += interactionLine("gz-" + QByteArray::number(i));
    const QString path = m_dir->filePath(QStringLiteral("input.jsonl.gz"));
    QVERIFY(writeGzip(path, content));
    const IngestReport report = ingestFiles({path});
    QCOMPARE(report.counts.stored, qint64(1000));
    QCOMPARE(report.counts.rejected, qint64(0));
    QVERIFY(report.inputErrors.isEmpty());
}

void TestIngest::truncatedGzipKeepsWhatCameBefore()
{
    QByteArray content;
    for (int i = 0; i < 20000; ++i)
        content += interactionLine("t-" + QByteArray::number(i));
    const QString path = m_dir->filePath(QStringLiteral("cut.jsonl.gz"));
    QVERIFY(writeGzip(path, content));
    QFile file(path);
    QVERIFY(file.resize(file.size() / 2));
    const IngestReport report = ingestFiles({path});
    QCOMPARE(report.inputErrors.size(), 1);
    QVERIFY(report.counts.stored > 1000);
    QVERIFY(report.counts.stored < 20000);
    QCOMPARE(report.counts.stored + report.counts.rejected, report.counts.read);
    QVERIFY2(report.inputErrors.first().startsWith(path + QStringLiteral(": ")) &&
                 !report.inputErrors.first().contains(QStringLiteral("<fd:")),
             qPrintable(report.inputErrors.first()));
}

void TestIngest::missingInputFailsBeforeWriting()
{
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("ok.jsonl")), interactionLine("a")));
    Ingester ingester(*m_store);
    auto report = ingester.ingest(
        {m_dir->filePath(QStringLiteral("ok.jsonl")), m_dir->filePath(QStringLiteral("nope.jsonl"))});
    QVERIFY(!report);
    QVERIFY(report.errorMessage().contains(QStringLiteral("nope.jsonl")));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM interactions"), qint64(0));
}

void TestIngest::cancelKeepsCommittedWorkAndRerunFinishes()
{
    QByteArray content;
    for (int i = 0; i < 5000; ++i)
        content +=
            interactionLine("c-" + QByteArray::number(i), R"(,"feedback":[{"kind":"rating","value":4}])");
    IngestOptions options;
    options.batchLines = 500;
    options.commitIntervalMs = 3600000;
    options.handOverMs = 3600000; // commits by line count only, however slow the machine
    std::atomic_bool cancel{false};
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("input.jsonl")), content));
    Ingester ingester(*m_store, options);
    ingester.setCancelFlag(&cancel);
    ingester.setProgressCallback([&](const IngestProgress &progress) {
        if (progress.counts.read >= 1500)
            cancel = true;
    });
    auto report = ingester.ingest({m_dir->filePath(QStringLiteral("input.jsonl"))});
    QVERIFY(report);
    QVERIFY(report->cancelled);
    const qint64 storedBefore = count(*m_store, "SELECT count(*) FROM interactions");
    QVERIFY(storedBefore >= 1500 && storedBefore < 5000);
    QCOMPARE(queryText(*m_store, "SELECT status FROM ingest_runs"), QStringLiteral("cancelled"));
    const IngestReport rerun = ingest(content);
    QCOMPARE(rerun.counts.stored, 5000 - storedBefore);
    QCOMPARE(rerun.counts.unchanged, storedBefore);
    QCOMPARE(count(*m_store, "SELECT count(*) FROM interactions"), qint64(5000));
    QCOMPARE(count(*m_store, "SELECT count(*) FROM feedback_events"), qint64(5000));
}

void TestIngest::slowStreamsCommitByTime()
{
    // With a batch too large to fill, commits still come: here at once, chunk by chunk.
    QByteArray content;
    for (int i = 0; i < 5000; ++i)
        content += interactionLine("t-" + QByteArray::number(i));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("input.jsonl")), content));
    IngestOptions options;
    options.batchLines = 1000000;
    options.commitIntervalMs = 0;
    Ingester ingester(*m_store, options);
    QList<qint64> committed;
    ingester.setProgressCallback(
        [&](const IngestProgress &progress) { committed.append(progress.counts.stored); });
    QVERIFY(ingester.ingest({m_dir->filePath(QStringLiteral("input.jsonl"))}));
    QVERIFY2(committed.size() >= 3, qPrintable(QString::number(committed.size())));
    QVERIFY(committed.first() < 5000);
    QCOMPARE(committed.last(), qint64(5000));
}

void TestIngest::lineJustOverTheLimitIsQuarantined()
{
    // The line arrives whole in the read buffer, yet is over the limit: the limit still applies.
    IngestOptions options;
    options.maxLineBytes = 4096;
    const QByteArray line =
        R"({"id":"x","timestamp":1793534400000,"input":")" + QByteArray(5000, 'z') + "\"}\n";
    const IngestReport report = ingest(interactionLine("a") + line, options);
    QCOMPARE(report.counts.rejected, qint64(1));
    QVERIFY2(report.rejections[0].reason.contains(QStringLiteral("over the limit of 4096 bytes")),
             qPrintable(report.rejections[0].reason));
    QCOMPARE(count(*m_store, "SELECT raw_bytes FROM quarantine"), qint64(line.size() - 1));
}

void TestIngest::reportsProgressPerBatch()
{
    QByteArray content;
    for (int i = 0; i < 1000; ++i)
        content += interactionLine("p-" + QByteArray::number(i));
    QVERIFY(writeFile(m_dir->filePath(QStringLiteral("input.jsonl")), content));
    IngestOptions options;
    options.batchLines = 100;
    options.commitIntervalMs = 3600000;
    options.handOverMs = 3600000; // commits by line count only, however slow the machine
    Ingester ingester(*m_store, options);
    QList<qint64> done;
    qint64 total = 0;
    ingester.setProgressCallback([&](const IngestProgress &progress) {
        done.append(progress.bytesDone);
        total = progress.bytesTotal;
    });
    QVERIFY(ingester.ingest({m_dir->filePath(QStringLiteral("input.jsonl"))}));
    QCOMPARE(done.size(), 11); // ten batches and the end of the file
    QCOMPARE(total, qint64(content.size()));
    QCOMPARE(done.last(), qint64(content.size()));
    QVERIFY(std::is_sorted(done.cbegin(), done.cend()));
}

IngestReport TestIngest::ingest(const QByteArray &content, const IngestOptions &options)
{
    const QString path = m_dir->filePath(QStringLiteral("input.jsonl"));
    if (!writeFile(path, content))
        qFatal("cannot write the input file");
    return ingestFiles({path}, options);
}

IngestReport TestIngest::ingestFiles(const QStringList &paths, const IngestOptions &options)
{
    Ingester ingester(*m_store, options);
    auto report = ingester.ingest(paths);
    if (!report)
        qFatal("ingest failed: %s", qPrintable(report.errorMessage()));
    return *report;
}

QTEST_GUILESS_MAIN(TestIngest)
