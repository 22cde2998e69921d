#include "ingesttesting.h"

#include "ingest/ingester.h"
#include "ingest/lineparser.h"

#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;
using namespace flywheel::testing;

namespace {

const QString kData = QStringLiteral(FLYWHEEL_TEST_DATA);
const QString kOasst = QStringLiteral(FLYWHEEL_RESOURCES "/demo/oasst_en_100_message.jsonl");

// simdjson reads past the end of a line; give the detector the padding a LineReader provides.
CaptureFormat detect(const QByteArray &line)
{
    QByteArray padded = line;
    padded.append(QByteArray(64, ' '));
    return detectCaptureFormat(std::string_view(padded.constData(), size_t(line.size())));
}

} // namespace

class TestImporters : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir.emplace();
        auto store = Store::open(m_dir->filePath(QStringLiteral("import.flywheel")));
        QVERIFY2(store, qPrintable(store.errorMessage()));
        m_store.emplace(std::move(*store));
    }

    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
    }

    void detectsFormatFromContent_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("format");
        QTest::newRow("native") << interactionLine("a") << int(CaptureFormat::Native);
        QTest::newRow("native feedback")
            << QByteArray(R"({"type":"feedback","interaction_id":"a","kind":"thumbs","value":"up"})")
            << int(CaptureFormat::Native);
        QTest::newRow("openai pair") << QByteArray(R"({"request":{"messages":[]},"response":{"id":"x"}})")
                                     << int(CaptureFormat::OpenAi);
        QTest::newRow("litellm") << QByteArray(
                                        R"({"id":"x","call_type":"completion","messages":[],"startTime":1})")
                                 << int(CaptureFormat::OpenAi);
        QTest::newRow("oasst") << QByteArray(
                                      R"({"message_id":"m","role":"prompter","text":"hi","replies":[]})")
                               << int(CaptureFormat::Oasst);
        QTest::newRow("csv header") << QByteArray("question,answer") << int(CaptureFormat::Csv);
        QTest::newRow("semicolon header") << QByteArray("id;timestamp;input") << int(CaptureFormat::Csv);
        QTest::newRow("plain text") << QByteArray("hello there") << int(CaptureFormat::Native);
        QTest::newRow("otlp export") << QByteArray(R"({"resourceSpans":[]})") << int(CaptureFormat::Otlp);
        QTest::newRow("langfuse trace")
            << QByteArray(R"({"id":"t","observations":[],"scores":[]})") << int(CaptureFormat::Langfuse);
        QTest::newRow("langfuse page")
            << QByteArray(R"({"data":[],"meta":{"page":1}})") << int(CaptureFormat::Langfuse);
        QTest::newRow("langfuse blob row")
            << QByteArray(R"({"id":"o","trace_id":"t","type":"SPAN","start_time":"2026-10-03 08:00:00"})")
            << int(CaptureFormat::Langfuse);
    }

    void detectsFormatFromContent()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, format);
        QCOMPARE(int(detect(line)), format);
    }

    void openAiPairs()
    {
        const IngestReport report = ingest({kData + QStringLiteral("/openai_pairs.jsonl")});
        QCOMPARE(report.inputFormats, QStringList{QStringLiteral("openai")});
        QCOMPARE(report.counts.read, qint64(6));
        QCOMPARE(report.counts.stored, qint64(5));
        QCOMPARE(report.counts.rejected, qint64(1));
        QCOMPARE(report.rejections[0].line, qint64(5));
        QVERIFY2(report.rejections[0].reason.contains(QStringLiteral("request.messages")),
                 qPrintable(report.rejections[0].reason));

        Store &s = *m_store;
        QCOMPARE(queryText(s, "SELECT model_name || ' / ' || model_version || ' / ' || user_id || ' / ' || "
                              "latency_ms || ' / ' || prompt_tokens || '+' || completion_tokens || ' / ' || "
                              "finish_reason FROM interactions WHERE external_id = 'chatcmpl-A1'"),
                 QStringLiteral("gpt-4o / gpt-4o-2024-08-06 / u-1 / 843 / 24+11 / stop"));
        QCOMPARE(count(s, "SELECT ts FROM interactions WHERE external_id = 'chatcmpl-A1'"),
                 qint64(1730462400000));
        QCOMPARE(queryText(s, "SELECT output FROM interactions WHERE external_id = 'chatcmpl-A1'"),
                 QStringLiteral("Open Settings, then Security, then Reset password."));
        QCOMPARE(queryText(s, "SELECT json_extract(metadata, '$.request.temperature') || ' ' || "
                              "json_extract(metadata, '$.tags[0]') || ' ' || json_extract(metadata, "
                              "'$.system_fingerprint') FROM interactions WHERE external_id = 'chatcmpl-A1'"),
                 QStringLiteral("0.2 support fp_50cad350e4"));
        // Tool calls are kept; the time comes from start and end.
        QCOMPARE(queryText(s, "SELECT coalesce(output, '<null>') || ' ' || json_extract(output_tool_calls, "
                              "'$[0].function.name') || ' ' || latency_ms || ' ' || json_extract(metadata, "
                              "'$.request.tools[0].function.name') FROM interactions WHERE external_id = "
                              "'chatcmpl-A2'"),
                 QStringLiteral("<null> get_weather 1250 get_weather"));
        // Multi-part content is kept as given.
        QCOMPARE(queryText(s, "SELECT json_extract(input, '$[0].content[1].type') FROM interactions WHERE "
                              "external_id = 'chatcmpl-A3'"),
                 QStringLiteral("image_url"));
        // A failed call is an interaction without output, with the error kept.
        QCOMPARE(queryText(s, "SELECT coalesce(output, '<null>') || ' ' || finish_reason || ' ' || "
                              "json_extract(metadata, '$.error.type') FROM interactions WHERE external_id = "
                              "'req-failed-1'"),
                 QStringLiteral("<null> error rate_limit_exceeded"));
        QCOMPARE(count(s, "SELECT json_extract(metadata, '$.choices') FROM interactions WHERE external_id = "
                          "'chatcmpl-A6'"),
                 qint64(2));

        const IngestReport again = ingest({kData + QStringLiteral("/openai_pairs.jsonl")});
        QCOMPARE(again.counts.unchanged, qint64(5));
        QCOMPARE(count(s, "SELECT count(*) FROM interactions"), qint64(5));
    }

    void liteLlmPayloads()
    {
        const IngestReport report = ingest({kData + QStringLiteral("/litellm_payloads.jsonl")});
        QCOMPARE(report.inputFormats, QStringList{QStringLiteral("openai")});
        QCOMPARE(report.counts.stored, qint64(2));
        QCOMPARE(report.counts.rejected, qint64(0));
        Store &s = *m_store;
        QCOMPARE(
            queryText(s, "SELECT session_id || ' / ' || model_name || ' / ' || model_version || ' / ' || "
                         "user_id || ' / ' || latency_ms || ' / ' || output || ' / ' || finish_reason "
                         "FROM interactions WHERE external_id = 'chatcmpl-L1'"),
            QStringLiteral("trace-77 / gpt-4o-mini / gpt-4o-mini-2024-07-18 / cust-9 / 1333 / Order 1042 "
                           "ships today. / stop"));
        QCOMPARE(count(s, "SELECT ts FROM interactions WHERE external_id = 'chatcmpl-L1'"),
                 qint64(1730462400123));
        QCOMPARE(queryText(
                     s,
                     "SELECT json_extract(metadata, '$.time_to_first_token_ms') || ' ' || "
                     "json_extract(metadata, '$.request_tags[1]') || ' ' || json_extract(metadata, "
                     "'$.response_cost') || ' ' || json_extract(metadata, '$.metadata.user_api_key_team_id') "
                     "FROM interactions WHERE external_id = 'chatcmpl-L1'"),
                 QStringLiteral("377 beta 0.00012 team-support"));
        QCOMPARE(
            queryText(s,
                      "SELECT model_name || ' / ' || coalesce(output, '<null>') || ' / ' || finish_reason || "
                      "' / ' || json_extract(metadata, '$.error_str') || ' / ' || json_extract(input, "
                      "'$[0].content') FROM interactions WHERE external_id = 'litellm-fail-2'"),
            QStringLiteral(
                "gpt-4o / <null> / error / litellm.RateLimitError: Rate limit reached for gpt-4o / "
                "Translate: bonjour"));
    }

    void openAssistantTrees()
    {
        const IngestReport report = ingest({kOasst});
        QCOMPARE(report.inputFormats, QStringList{QStringLiteral("oasst")});
        QCOMPARE(report.counts.read, qint64(100));
        QCOMPARE(report.counts.rejected, qint64(0));
        Store &s = *m_store;
        // The sample's documented contents: 687 assistant turns, thumbs from the emoji reactions.
        QCOMPARE(report.counts.interactionsAdded, qint64(687));
        QCOMPARE(count(s, "SELECT count(*) FROM interactions"), qint64(687));
        QCOMPARE(count(s, "SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL"), qint64(0));
        QCOMPARE(
            count(s, "SELECT count(*) FROM feedback_events WHERE kind = 'thumbs' AND value = 1 AND "
                     "interaction_id = (SELECT id FROM interactions WHERE external_id = "
                     "'fa783ef0-4f4e-457d-b429-afd89edf8757')"),
            count(s, "SELECT coalesce(json_extract(metadata, '$.emojis.\"+1\"'), 0) FROM interactions WHERE "
                     "external_id = 'fa783ef0-4f4e-457d-b429-afd89edf8757'"));
        // A reply's input is the thread that led to it, alternating user and assistant, ending with a user.
        QCOMPARE(count(s,
                       "SELECT count(*) FROM interactions WHERE json_extract(input, '$[#-1].role') <> 'user' "
                       "OR json_extract(input, '$[0].role') <> 'user'"),
                 qint64(0));
        QVERIFY(count(s, "SELECT max(json_array_length(input)) FROM interactions") >= 3);
        QCOMPARE(
            queryText(s, "SELECT json_extract(metadata, '$.rank') || ' ' || json_extract(metadata, '$.lang') "
                         "|| ' ' || session_id FROM interactions WHERE external_id = "
                         "'fa783ef0-4f4e-457d-b429-afd89edf8757'"),
            QStringLiteral("0 en 054e1df3-35e0-4bb8-a585-607dbdcd24e0"));
        QCOMPARE(queryText(s, "SELECT output FROM interactions WHERE external_id = "
                              "'fa783ef0-4f4e-457d-b429-afd89edf8757'")
                     .left(29),
                 QStringLiteral("The first step is to research"));

        const qint64 feedback = count(s, "SELECT count(*) FROM feedback_events");
        const IngestReport again = ingest({kOasst});
        QCOMPARE(again.counts.unchanged, qint64(100));
        QCOMPARE(count(s, "SELECT count(*) FROM feedback_events"), feedback);
    }

    void csvRows()
    {
        IngestOptions options;
        options.columns = {
            {"id", "ticket"}, {"timestamp", "asked_at"}, {"input", "question"}, {"output", "answer"}};
        const IngestReport report = ingest({kData + QStringLiteral("/support_export.csv")}, options);
        QCOMPARE(report.inputFormats, QStringList{QStringLiteral("csv")});
        QCOMPARE(report.counts.read, qint64(7));
        QCOMPARE(report.counts.stored, qint64(3));
        QCOMPARE(report.counts.rejected, qint64(4));
        // Each rejection names the row's first line and says what is wrong, as for native lines.
        const QList<std::pair<qint64, QString>> expected{
            {7, QStringLiteral("thumbs \"value\" must be")},
            {8, QStringLiteral("not an RFC 3339 time")},
            {9, QStringLiteral("the row has 5 fields, the header 10")},
            {10, QStringLiteral("ends inside a quoted field")}};
        for (int i = 0; i < expected.size(); ++i) {
            QCOMPARE(report.rejections[i].line, expected[i].first);
            QVERIFY2(report.rejections[i].reason.contains(expected[i].second),
                     qPrintable(report.rejections[i].reason));
        }

        Store &s = *m_store;
        // A quoted field holds the delimiter, a newline and doubled quotes.
        QCOMPARE(
            queryText(s, "SELECT json_extract(input, '$[0].content') || ' | ' || output || ' | ' || ts FROM "
                         "interactions WHERE external_id = 'T-2'"),
            QStringLiteral(
                "Can I pay by invoice; monthly? | Yes.\nInvoices are sent on the 1st. | 1790000000000"));
        QCOMPARE(queryText(s, "SELECT corrected_output FROM corrections"),
                 QStringLiteral("Yes: choose \"Invoice\" under Billing; invoices go out on the 1st."));
        QCOMPARE(
            queryText(s,
                      "SELECT group_concat(kind || '=' || coalesce(value, comment), ' ') FROM (SELECT * FROM "
                      "feedback_events f JOIN interactions i ON i.id = f.interaction_id WHERE "
                      "i.external_id = 'T-2' ORDER BY kind)"),
            QStringLiteral("comment=Too short rating=2.0 thumbs=-1.0"));
        QCOMPARE(
            queryText(
                s, "SELECT model_name || ' ' || json_extract(metadata, '$.channel') FROM interactions WHERE "
                   "external_id = 'T-1'"),
            QStringLiteral("helper-v2 web"));
        // The multi-line row's raw text is quarantined whole.
        QVERIFY(queryText(s, "SELECT raw FROM quarantine WHERE line_number = 10")
                    .startsWith(QStringLiteral("T-7;")));

        const IngestReport again = ingest({kData + QStringLiteral("/support_export.csv")}, options);
        QCOMPARE(again.counts.unchanged, qint64(3));
    }

    void csvWithoutIdsUsesRowContent()
    {
        const QString path = m_dir->filePath(QStringLiteral("plain.csv"));
        QVERIFY(writeFile(
            path,
            "timestamp,input,output\n2026-10-01T09:00:00Z,Hi,Hello\n2026-10-01T09:01:00Z,Bye,See you\n"));
        QCOMPARE(ingest({path}).counts.stored, qint64(2));
        QCOMPARE(ingest({path}).counts.unchanged, qint64(2));
        QCOMPARE(count(*m_store, "SELECT count(*) FROM interactions WHERE external_id LIKE 'csv-%'"),
                 qint64(2));

        // Without a timestamp column the header says how to name one, and every row says why it was not read.
        QVERIFY(writeFile(path, "question,answer\nHi,Hello\n"));
        const IngestReport missing = ingest({path});
        QCOMPARE(missing.counts.rejected, qint64(2));
        QVERIFY(missing.rejections[0].reason.contains(QStringLiteral("--map timestamp=COLUMN")));
        QVERIFY(missing.rejections[1].reason.startsWith(QStringLiteral("not read: ")));
    }

    void langfuseTracesAndBlobRows()
    {
        const IngestReport report = ingest({kData + QStringLiteral("/langfuse_traces.jsonl"),
                                            kData + QStringLiteral("/langfuse_blob.jsonl")});
        QCOMPARE(report.inputFormats, (QStringList{QStringLiteral("langfuse"), QStringLiteral("langfuse")}));
        QCOMPARE(report.counts.read, qint64(9));
        QCOMPARE(report.counts.stored, qint64(5));
        QCOMPARE(report.counts.skipped, qint64(2)); // a trace of spans only, and a blob SPAN row
        QCOMPARE(report.counts.rejected, qint64(2));
        QVERIFY(report.rejections[0].reason.contains(QStringLiteral("no \"startTime\"")));
        QVERIFY(report.rejections[1].reason.contains(QStringLiteral("trace-level score in a blob export")));

        Store &s = *m_store;
        QCOMPARE(count(s, "SELECT count(*) FROM interactions"), qint64(5));
        // GENERATIONs are keyed by trace and observation; the trace gives session, user and release.
        QCOMPARE(
            queryText(
                s, "SELECT session_id || ' ' || user_id || ' ' || model_name || ' ' || model_version || ' ' "
                   "|| latency_ms || ' ' || prompt_tokens || '+' || completion_tokens || ' ' || output FROM "
                   "interactions WHERE external_id = 'tr-1:obs-gen-1'"),
            QStringLiteral("sess-9 user-3 gpt-4o 2026.10.1 1250 21+6 It arrives tomorrow."));
        QCOMPARE(
            queryText(s,
                      "SELECT json_extract(metadata, '$.trace_name') || ' ' || json_extract(metadata, "
                      "'$.model_parameters.temperature') || ' ' || json_extract(metadata, '$.tags[0]') FROM "
                      "interactions WHERE external_id = 'tr-1:obs-gen-1'"),
            QStringLiteral("support-chat 0.3 prod"));
        // Scores: BOOLEAN -> thumbs, NUMERIC -> rating, CATEGORICAL -> label, with name, source and comment;
        // the trace-level score goes to the trace's last generation.
        QCOMPARE(
            queryText(
                s,
                "SELECT group_concat(kind || ':' || coalesce(value, label) || ':' || name || ':' || origin "
                "|| ':' || coalesce(comment, '-'), ' ') FROM (SELECT * FROM feedback_events WHERE "
                "interaction_external_id = 'tr-1:obs-gen-1' ORDER BY kind)"),
            QStringLiteral("label:shipping:topic:API:- rating:4.0:quality:EVAL:- "
                           "thumbs:1.0:helpful:ANNOTATION:Correct"));
        QCOMPARE(count(s, "SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL"), qint64(0));
        // {"messages": [...]} input, a failed generation, and the blob export's input held as a JSON string.
        QCOMPARE(queryText(s, "SELECT json_extract(input, '$[0].content') FROM interactions WHERE "
                              "external_id = 'tr-2:g-a'"),
                 QStringLiteral("Translate 'merci'"));
        QCOMPARE(queryText(s,
                           "SELECT finish_reason || ' ' || json_extract(metadata, '$.status_message') FROM "
                           "interactions WHERE external_id = 'tr-2:g-b'"),
                 QStringLiteral("error context length exceeded"));
        QCOMPARE(
            queryText(s, "SELECT json_extract(input, '$[0].content') || ' ' || model_name || ' ' || ts FROM "
                         "interactions WHERE external_id = 'b-tr-1:b-obs-1'"),
            QStringLiteral("Hello claude-3-5-sonnet 1791014400000"));
        QCOMPARE(count(s, "SELECT skipped FROM ingest_runs"), qint64(2));

        const IngestReport again = ingest({kData + QStringLiteral("/langfuse_traces.jsonl"),
                                           kData + QStringLiteral("/langfuse_blob.jsonl")});
        QCOMPARE(again.counts.unchanged, qint64(5));
        QCOMPARE(count(s, "SELECT count(*) FROM feedback_events"), qint64(5));
    }

    void langfuseBlobTraceRowsSayWhyTheyAreNotJoined()
    {
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("traces.jsonl")),
                          R"({"id":"b-tr-1","timestamp":"2026-10-03 08:00:00.000000","name":"chat",)"
                          R"("user_id":"u-1","session_id":"s-1","release":"v2","tags":[],"bookmarked":false})"
                          "\n"));
        IngestOptions options;
        options.format = CaptureFormat::Langfuse;
        const IngestReport report = ingest({m_dir->filePath(QStringLiteral("traces.jsonl"))}, options);
        QCOMPARE(report.counts.rejected, qint64(1));
        QVERIFY2(report.rejections[0].reason.contains(QStringLiteral("a trace row of a blob export")),
                 qPrintable(report.rejections[0].reason));
        QCOMPARE(count(*m_store, "SELECT count(*) FROM quarantine"), qint64(1));
    }

    void otlpGenAiAndOpenInferenceSpans()
    {
        const IngestReport report = ingest({kData + QStringLiteral("/otlp_traces.jsonl")});
        QCOMPARE(report.inputFormats, QStringList{QStringLiteral("otlp")});
        QCOMPARE(report.counts.read, qint64(5));
        QCOMPARE(report.counts.stored, qint64(4));
        QCOMPARE(report.counts.rejected, qint64(1));
        QCOMPARE(report.counts.recordsSkipped, qint64(2)); // an HTTP span and an OpenInference CHAIN span
        QCOMPARE(report.counts.interactionsAdded, qint64(5));
        Store &s = *m_store;
        const auto row = [&](const char *id) {
            const QByteArray sql =
                "SELECT session_id || '|' || coalesce(model_name, '') || '|' || coalesce(model_version, "
                "'') || '|' || coalesce(latency_ms, '') || '|' || coalesce(prompt_tokens, '') || '+' "
                "|| coalesce(completion_tokens, '') || '|' || coalesce(finish_reason, '') || '|' || "
                "input || '|' || coalesce(output, '-') FROM interactions WHERE external_id = '" +
                QByteArray(id) + "'";
            return queryText(s, sql.constData());
        };
        // Current conventions: parts, system instructions, a tool call, response model, conversation id.
        QCOMPARE(row("5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174"),
                 QStringLiteral(
                     R"(conv-1|gpt-4o|gpt-4o-2024-08-06|1300|12+5|tool_call|[{"role":"system","content":)"
                     R"("Be brief."},{"role":"user","content":"Weather in Paris?"}]|-)"));
        QCOMPARE(
            queryText(s, "SELECT json_extract(output_tool_calls, '$[0].function.arguments') || ' ' || "
                         "json_extract(metadata, '$.service_name') FROM interactions WHERE external_id LIKE "
                         "'%eee19b7ec3c1b174'"),
            QStringLiteral(R"({"city":"Paris"} support-api)"));
        // 1.26: prompt and completion events; the trace is the session; numbers as 64-bit JSON numbers.
        QCOMPARE(row("5b8efff798038103d269b633813fc60c:bbbb000000000002"),
                 QStringLiteral(R"(5b8efff798038103d269b633813fc60c|gpt-3.5-turbo||400|7+3||[{"role":"user",)"
                                R"("content":"Say hi"}]|Hi!)"));
        // Flattened gen_ai.prompt.{i} attributes, with base64 ids made hex.
        QCOMPARE(
            row("0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331"),
            QStringLiteral(R"(0af7651916cd43dd8448eb211c80319c|claude-3-haiku||500|+|stop|[{"role":"user",)"
                           R"("content":"Capital of France?"}]|Paris.)"));
        // OpenInference: flattened messages, token counts, session and user, annotations as feedback.
        QCOMPARE(row("1111111111111111aaaaaaaaaaaaaaaa:2222222222222222"),
                 QStringLiteral(R"(sess-oi|gpt-4o-mini||250|9+1||[{"role":"system","content":"You help."},)"
                                R"({"role":"user","content":"2+2?"}]|4)"));
        QCOMPARE(
            queryText(s,
                      "SELECT kind || ' ' || value || ' ' || label || ' ' || name || ' ' || origin || ' ' || "
                      "comment FROM feedback_events"),
            QStringLiteral("rating 1.0 correct correctness HUMAN Right"));
        // A failed call (status 2) with messages given as a structured AnyValue.
        QCOMPARE(row("4444444444444444bbbbbbbbbbbbbbbb:5555555555555555"),
                 QStringLiteral(R"(4444444444444444bbbbbbbbbbbbbbbb|gpt-4o|||+|error|[{"role":"user",)"
                                R"("content":"Long report please"}]|-)"));
        QCOMPARE(ingest({kData + QStringLiteral("/otlp_traces.jsonl")}).counts.unchanged, qint64(4));
    }

    // Recorded from the OpenTelemetry JavaScript SDK's JSON exporters with the official OpenAI
    // instrumentation (tests/otel/app.cjs): the span carries no messages, the logs do.
    void otlpSpansAndContentEventsAreJoinedAcrossFiles()
    {
        const QString traces = kData + QStringLiteral("/otlp_genai_traces.jsonl");
        const QString logs = kData + QStringLiteral("/otlp_genai_logs.jsonl");
        const IngestReport report = ingest({logs, traces});
        QCOMPARE(report.inputFormats, (QStringList{QStringLiteral("otlp"), QStringLiteral("otlp")}));
        QCOMPARE(report.counts.read, qint64(2));
        QCOMPARE(report.counts.rejected, qint64(0));
        QCOMPARE(report.counts.interactionsAdded, qint64(1));
        QCOMPARE(queryText(*m_store,
                           "SELECT json_extract(input, '$[0].content') || '|' || json_extract(input, "
                           "'$[1].content') || '|' || output || '|' || model_name || '|' || "
                           "prompt_tokens || '|' || json_extract(metadata, '$.content_captured') FROM "
                           "interactions"),
                 QStringLiteral(
                     "Answer briefly.|Where is order 34?|Answer to: Where is order 34?|gpt-4o-mini|21|1"));
        QCOMPARE(count(*m_store, "SELECT count(*) FROM telemetry_held WHERE kind IN ('span', 'event')"),
                 qint64(0));
    }

    // The OpenTelemetry Collector's file exporter with `format: proto`: length-prefixed messages,
    // here the JavaScript SDK's requests with the official instrumentation and OpenInference.
    void otlpProtobufFilesOfTracesAndLogs()
    {
        const IngestReport report = ingest({kData + QStringLiteral("/otlp_genai_traces.binpb"),
                                            kData + QStringLiteral("/otlp_genai_logs.binpb")});
        QCOMPARE(report.inputFormats,
                 (QStringList{QStringLiteral("otlp-protobuf"), QStringLiteral("otlp-protobuf")}));
        QCOMPARE(report.counts.read, qint64(3));
        QCOMPARE(report.counts.interactionsAdded, qint64(2));
        QVERIFY(report.inputErrors.isEmpty());
        QCOMPARE(queryText(*m_store,
                           "SELECT group_concat(json_extract(input, '$[1].content') || '=' || output, ' ') "
                           "FROM (SELECT * FROM interactions ORDER BY input)"),
                 QStringLiteral("Where is order 31?=Answer to: Where is order 31? "
                                "Where is order 32?=Answer to: Where is order 32?"));

        // A file cut inside its last message keeps what came before and says where it broke.
        QFile whole(kData + QStringLiteral("/otlp_genai_traces.binpb"));
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        const QString cut = m_dir->filePath(QStringLiteral("cut.binpb"));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() - 10));
        out.close();
        const IngestReport broken = ingest({cut});
        QCOMPARE(broken.counts.read, qint64(1));
        QCOMPARE(broken.inputErrors.size(), 1);
        QVERIFY2(broken.inputErrors[0].contains(QStringLiteral("message 2: the file is cut")),
                 qPrintable(broken.inputErrors[0]));
    }

    void otlpHalvesAloneAreStoredAtTheEndOfTheIngest()
    {
        // The span alone: the call, flagged as captured without content.
        ingest({kData + QStringLiteral("/otlp_genai_traces.jsonl")});
        QCOMPARE(queryText(*m_store, "SELECT input || '|' || model_name || '|' || json_extract(metadata, "
                                     "'$.content_captured') FROM interactions"),
                 QStringLiteral("[]|gpt-4o-mini|0"));
        // Its events in a later ingest complete it.
        const IngestReport late = ingest({kData + QStringLiteral("/otlp_genai_logs.jsonl")});
        QCOMPARE(late.counts.updated, qint64(1));
        QCOMPARE(queryText(*m_store, "SELECT output || '|' || model_name || '|' || json_extract(metadata, "
                                     "'$.content_captured') FROM interactions"),
                 QStringLiteral("Answer to: Where is order 34?|gpt-4o-mini|1"));
        QCOMPARE(count(*m_store, "SELECT count(*) FROM interactions"), qint64(1));
    }

    void otlpExportOverSeveralLines()
    {
        // One pretty-printed export request a file, as `curl ... | jq .` or a hand-written example.
        const IngestReport pretty = ingest({kData + QStringLiteral("/otlp_export_pretty.json")});
        QCOMPARE(pretty.inputFormats, QStringList{QStringLiteral("otlp")});
        QCOMPARE(pretty.counts.read, qint64(1));
        QCOMPARE(pretty.counts.stored, qint64(1));
        QCOMPARE(pretty.counts.recordsSkipped, qint64(1));
        QCOMPARE(pretty.counts.rejected, qint64(0));
        // The same export on one line is the same record.
        const IngestReport oneLine = ingest({kData + QStringLiteral("/otlp_traces.jsonl")});
        QCOMPARE(oneLine.counts.unchanged, qint64(1));
        QCOMPARE(oneLine.counts.stored, qint64(3));
    }

    void prettyDocumentsAmongLines()
    {
        const auto pretty = [](const QByteArray &line) {
            return QJsonDocument::fromJson(line).toJson(QJsonDocument::Indented);
        };
        const QByteArray a = pretty(interactionLine("a"));
        const QByteArray bad = pretty(R"({"id": "c", "input": "no timestamp"})");
        const QByteArray content = a + interactionLine("b") + bad + "{\n  \"id\": \"d\",\n";
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("mixed.jsonl")), content));
        const IngestReport report = ingest({m_dir->filePath(QStringLiteral("mixed.jsonl"))});
        QCOMPARE(report.counts.read, qint64(4));
        QCOMPARE(report.counts.stored, qint64(2));
        QCOMPARE(report.counts.rejected, qint64(2));
        const qint64 badLine = a.count('\n') + 2;
        QCOMPARE(report.rejections[0].line, badLine);
        QVERIFY2(report.rejections[0].reason.contains(QStringLiteral("missing required field")),
                 qPrintable(report.rejections[0].reason));
        const qint64 openLine = badLine + bad.count('\n');
        QCOMPARE(report.rejections[1].line, openLine);
        QVERIFY2(report.rejections[1].reason.contains(
                     QStringLiteral("ends inside the JSON document that begins on line %1").arg(openLine)),
                 qPrintable(report.rejections[1].reason));
        // The quarantine keeps each rejected document whole.
        QCOMPARE(queryText(*m_store, "SELECT raw FROM quarantine ORDER BY line_number LIMIT 1"),
                 QString::fromUtf8(bad.trimmed()));
    }

    void truncatedLinesDoNotSwallowTheNextOnes()
    {
        // A writer killed mid-line leaves an opening bracket that never closes; the lines after it
        // start in the first column, so they are records of their own.
        const QByteArray content = interactionLine("t1") + R"({"id":"t2","timestamp":)" + "\n" +
                                   interactionLine("t3") + "{\n  \"id\": \"t4\",\n" + interactionLine("t5");
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("cut.jsonl")), content));
        const IngestReport report = ingest({m_dir->filePath(QStringLiteral("cut.jsonl"))});
        QCOMPARE(report.counts.stored, qint64(3));
        QCOMPARE(report.counts.rejected, qint64(2));
        QCOMPARE(report.rejections[0].line, qint64(2));
        QVERIFY2(report.rejections[0].reason.contains(QStringLiteral("invalid JSON")),
                 qPrintable(report.rejections[0].reason));
        QCOMPARE(report.rejections[1].line, qint64(4));
        QVERIFY2(report.rejections[1].reason.contains(QStringLiteral(
                     "the JSON document that begins on line 4 is cut short: line 6 starts a new record")),
                 qPrintable(report.rejections[1].reason));
    }

    void documentOverTheLimitIsQuarantined()
    {
        const QByteArray big = "{\n" +
                               QByteArray("  \"padding\": \"" + QByteArray(100, 'x') + "\",\n").repeated(30) +
                               "  \"id\": \"big\"\n}\n";
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("big.jsonl")), big + interactionLine("after")));
        IngestOptions options;
        options.maxLineBytes = 1024;
        const IngestReport report = ingest({m_dir->filePath(QStringLiteral("big.jsonl"))}, options);
        QCOMPARE(report.counts.rejected, qint64(1));
        QCOMPARE(report.counts.stored, qint64(1));
        QCOMPARE(report.rejections[0].line, qint64(1));
        QVERIFY2(report.rejections[0].reason.contains(
                     QStringLiteral("JSON document is %1 bytes").arg(big.size() - 1)),
                 qPrintable(report.rejections[0].reason));
    }

    void absurdTimesAreNotTimes()
    {
        // Found by fuzz_openai: a start time of 10^34 seconds overflowed the conversion to milliseconds.
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("huge.jsonl")),
                          R"({"id":"x","messages":"hi","startTime":1.7e34,"endTime":1730462500.25})"
                          "\n"));
        const IngestReport report = ingest({m_dir->filePath(QStringLiteral("huge.jsonl"))});
        QCOMPARE(report.counts.rejected, qint64(1));
        QVERIFY2(report.rejections[0].reason.contains(QStringLiteral("no time")),
                 qPrintable(report.rejections[0].reason));
        // The minimised input the fuzzer found, as it was.
        QCOMPARE(ingest({kData + QStringLiteral("/fuzz-openai-huge-start-time.jsonl")}).counts.read,
                 qint64(1));
    }

    void forcedFormatOverridesDetection()
    {
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("native.jsonl")), interactionLine("a")));
        IngestOptions options;
        options.format = CaptureFormat::OpenAi;
        const IngestReport report = ingest({m_dir->filePath(QStringLiteral("native.jsonl"))}, options);
        QCOMPARE(report.inputFormats, QStringList{QStringLiteral("openai")});
        QCOMPARE(report.counts.rejected, qint64(1));
        QVERIFY(
            report.rejections[0].reason.contains(QStringLiteral("neither an OpenAI request/response pair")));
    }

    void eachInputHasItsOwnFormat()
    {
        QVERIFY(writeFile(m_dir->filePath(QStringLiteral("native.jsonl")), interactionLine("a")));
        const IngestReport report = ingest({m_dir->filePath(QStringLiteral("native.jsonl")),
                                            kData + QStringLiteral("/litellm_payloads.jsonl")});
        QCOMPARE(report.inputFormats, (QStringList{QStringLiteral("native"), QStringLiteral("openai")}));
        QCOMPARE(report.counts.stored, qint64(3));
    }

private:
    IngestReport ingest(const QStringList &inputs, const IngestOptions &options = {})
    {
        auto report = Ingester(*m_store, options).ingest(inputs);
        if (!report)
            qFatal("ingest failed: %s", qPrintable(report.errorMessage()));
        return *report;
    }

    std::optional<QTemporaryDir> m_dir;
    std::optional<Store> m_store;
};

QTEST_GUILESS_MAIN(TestImporters)
#include "tst_importers.moc"
