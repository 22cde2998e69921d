// OTLP/HTTP JSON read into the protobuf messages: ids, 64-bit integers, attributes and log bodies
// arrive as the protobuf encoding would give them, and the value helpers read them back.
#include "ingest/otlp/otlpjson.h"
#include "ingest/otlp/otlpvalues.h"

#include <QTest>

using namespace flywheel::otlp;

class TestOtlpJson : public QObject {
    Q_OBJECT

private slots:
    void readsSpansWithIdsIntegersAndAttributes();
    void acceptsSnakeCaseAndBase64Ids();
    void refusesADocumentWithoutResourceSpans();
    void readsLogRecordsWithEventNamesAndBodies();
    void writesStructuredValuesAsJson();
};

namespace {

simdjson::dom::element parse(simdjson::dom::parser &parser, const std::string &json)
{
    return parser.parse(json);
}

const char *const tracesJson = R"({"resourceSpans":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"support-bot"}}]},
  "scopeSpans":[{"scope":{"name":"openai-instr","version":"0.22.0"},"spans":[{
    "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
    "name":"chat gpt-4o","kind":3,
    "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000001500000000,
    "attributes":[
      {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
      {"key":"gen_ai.usage.input_tokens","value":{"intValue":"42"}},
      {"key":"gen_ai.usage.output_tokens","value":{"intValue":7}},
      {"key":"stream","value":{"boolValue":true}}],
    "status":{"code":2,"message":"timeout"}}]}]}]})";

} // namespace

void TestOtlpJson::readsSpansWithIdsIntegersAndAttributes()
{
    simdjson::dom::parser parser;
    TracesRequest request;
    std::string reason;
    QVERIFY(readTracesJson(parse(parser, tracesJson), request, reason));
    QCOMPARE(request.resource_spans_size(), 1);
    const auto &resourceSpans = request.resource_spans(0);
    QCOMPARE(anyText(attributesOf(resourceSpans.resource().attributes()), "service.name"), "support-bot");
    QCOMPARE(resourceSpans.scope_spans(0).scope().version(), "0.22.0");
    const auto &span = resourceSpans.scope_spans(0).spans(0);
    QCOMPARE(hexId(span.trace_id()), "5b8efff798038103d269b633813fc60c");
    QCOMPARE(span.span_id().size(), size_t(8));
    QCOMPARE(hexId(span.span_id()), "eee19b7ec3c1b174");
    QCOMPARE(span.start_time_unix_nano(), quint64(1700000000000000000ULL));
    QCOMPARE(span.end_time_unix_nano(), quint64(1700000001500000000ULL));
    QCOMPARE(int(span.kind()), 3);
    QCOMPARE(int(span.status().code()), 2);
    QCOMPARE(span.status().message(), "timeout");
    const Attributes attributes = attributesOf(span.attributes());
    QCOMPARE(anyText(attributes, "gen_ai.request.model"), "gpt-4o");
    QCOMPARE(anyInt(attributes, "gen_ai.usage.input_tokens"), std::optional<qint64>(42));
    QCOMPARE(anyInt(attributes, "gen_ai.usage.output_tokens"), std::optional<qint64>(7));
    QVERIFY(!anyInt(attributes, "gen_ai.response.model"));
    QVERIFY(attributes.at("stream")->bool_value());
}

void TestOtlpJson::acceptsSnakeCaseAndBase64Ids()
{
    // 0x5b8e... as base64, the way some exporters write bytes fields.
    const std::string json = R"({"resource_spans":[{"scope_spans":[{"spans":[{
        "trace_id":"W47/95gDgQPSabYzgT/GDA==","span_id":"7uGbfsPBsXQ=","name":"llm"}]}]}]})";
    simdjson::dom::parser parser;
    TracesRequest request;
    std::string reason;
    QVERIFY(readTracesJson(parse(parser, json), request, reason));
    const auto &span = request.resource_spans(0).scope_spans(0).spans(0);
    QCOMPARE(hexId(span.trace_id()), "5b8efff798038103d269b633813fc60c");
    QCOMPARE(hexId(span.span_id()), "eee19b7ec3c1b174");
    QCOMPARE(span.name(), "llm");
}

void TestOtlpJson::refusesADocumentWithoutResourceSpans()
{
    simdjson::dom::parser parser;
    TracesRequest request;
    std::string reason;
    QVERIFY(!readTracesJson(parse(parser, R"({"resourceLogs":[]})"), request, reason));
    QVERIFY(!reason.empty());
}

void TestOtlpJson::readsLogRecordsWithEventNamesAndBodies()
{
    const std::string json = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{
        "timeUnixNano":"1700000000500000000","eventName":"gen_ai.user.message",
        "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
        "body":{"kvlistValue":{"values":[{"key":"content","value":{"stringValue":"Where is my refund?"}}]}},
        "attributes":[{"key":"gen_ai.system","value":{"stringValue":"openai"}}]}]}]}]})";
    simdjson::dom::parser parser;
    LogsRequest request;
    std::string reason;
    QVERIFY(readLogsJson(parse(parser, json), request, reason));
    const auto &record = request.resource_logs(0).scope_logs(0).log_records(0);
    QCOMPARE(record.event_name(), "gen_ai.user.message");
    QCOMPARE(record.time_unix_nano(), quint64(1700000000500000000ULL));
    QCOMPARE(hexId(record.span_id()), "eee19b7ec3c1b174");
    std::string body;
    appendAny(body, record.body());
    QCOMPARE(body, R"({"content":"Where is my refund?"})");
}

void TestOtlpJson::writesStructuredValuesAsJson()
{
    const std::string json = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[
        {"key":"messages","value":{"arrayValue":{"values":[{"stringValue":"a\"b"},{"intValue":"3"},
            {"doubleValue":0.5},{"boolValue":false}]}}},
        {"key":"payload","value":{"stringValue":"{\"role\":\"user\"}"}}]}]}]}]})";
    simdjson::dom::parser parser;
    TracesRequest request;
    std::string reason;
    QVERIFY(readTracesJson(parse(parser, json), request, reason));
    const Attributes attributes =
        attributesOf(request.resource_spans(0).scope_spans(0).spans(0).attributes());
    std::string text;
    QVERIFY(anyJson(attributes, "messages", text));
    QCOMPARE(text, R"(["a\"b",3,0.5,false])");
    text.clear();
    QVERIFY(anyJson(attributes, "payload", text));
    QCOMPARE(text, R"({"role":"user"})");
    text.clear();
    QVERIFY(!anyJson(attributes, "absent", text));
}

QTEST_GUILESS_MAIN(TestOtlpJson)
#include "tst_otlpjson.moc"
