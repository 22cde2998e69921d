// OTLP/HTTP in both encodings: protobuf bodies (plain and gzip) answered in protobuf, one stored
// record per span whichever encoding brings it, and OTLP's partial success for unusable spans.
#include "tst_collector.h"

#include "../common/httpclient.h"
#include "google/rpc/status.pb.h"
#include "ingest/otlp/otlpjson.h"
#include "ingesttesting.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <grpcpp/grpcpp.h>

using namespace flywheel;
using namespace flywheel::testing;

namespace {

using TraceResponse = opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;

const QString kData = QStringLiteral(FLYWHEEL_TEST_DATA);
const QList<QPair<QByteArray, QByteArray>> kProtobuf = {{"Content-Type", "application/x-protobuf"}};
const QList<QPair<QByteArray, QByteArray>> kJson = {{"Content-Type", "application/json"}};

// The first export of the test data: two model calls' worth of GenAI spans and an HTTP span.
QByteArray firstExportJson()
{
    QFile file(kData + QStringLiteral("/otlp_traces.jsonl"));
    return file.open(QIODevice::ReadOnly) ? file.readLine().trimmed() : QByteArray();
}

QByteArray asProtobuf(const QByteArray &json)
{
    simdjson::dom::parser parser;
    otlp::TracesRequest request;
    std::string reason;
    const std::string text = json.toStdString();
    if (!otlp::readTracesJson(parser.parse(text), request, reason))
        return {};
    return QByteArray::fromStdString(request.SerializeAsString());
}

TraceResponse traceResponse(const HttpResponse &response)
{
    TraceResponse out;
    out.ParseFromArray(response.body.constData(), int(response.body.size()));
    return out;
}

// A model call, an unusable one (no start time) and an HTTP span in one export.
const char *const kMixedExport = R"({"resourceSpans":[{"scopeSpans":[{"spans":[
 {"traceId":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","spanId":"1000000000000001","name":"chat",
  "startTimeUnixNano":"1790000000000000000","endTimeUnixNano":"1790000000200000000",
  "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
   {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
   {"key":"gen_ai.input.messages","value":{"stringValue":"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hi\"}]}]"}}]},
 {"traceId":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","spanId":"1000000000000002","name":"chat",
  "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}}]},
 {"traceId":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","spanId":"1000000000000003","name":"GET /","startTimeUnixNano":"1790000000000000000"}
]}]}]})";

// A chat span as the official OpenTelemetry instrumentations send it: no messages on the span.
QByteArray bareSpan(const QByteArray &spanId)
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}}]},
      "scopeSpans":[{"scope":{"name":"@opentelemetry/instrumentation-openai"},"spans":[
      {"traceId":"cccccccccccccccccccccccccccccccc","spanId":")" +
           spanId + R"(","name":"chat gpt-4o-mini",
       "kind":3,"startTimeUnixNano":"1790000000000000000","endTimeUnixNano":"1790000000900000000",
       "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
        {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
        {"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}}]}]}]}]})";
}

// Its content events: the user's message and the model's choice, in the log records' bodies.
QByteArray contentEvents(const QByteArray &spanId, const QByteArray &question = "Where is my order?")
{
    const QByteArray ids = R"("traceId":"cccccccccccccccccccccccccccccccc","spanId":")" + spanId + R"(")";
    return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"timeUnixNano":"1790000000000000000","eventName":"gen_ai.user.message",)" +
           ids + R"(,
       "body":{"kvlistValue":{"values":[{"key":"content","value":{"stringValue":")" +
           question + R"("}}]}}},
      {"timeUnixNano":"1790000000900000000",)" +
           ids + R"(,
       "attributes":[{"key":"event.name","value":{"stringValue":"gen_ai.choice"}}],
       "body":{"kvlistValue":{"values":[{"key":"index","value":{"intValue":"0"}},
        {"key":"finish_reason","value":{"stringValue":"stop"}},
        {"key":"message","value":{"kvlistValue":{"values":[{"key":"content","value":{"stringValue":"It ships today."}}]}}}]}}}
    ]}]}]})";
}

namespace grpcapi = opentelemetry::proto::collector;

std::shared_ptr<grpc::Channel> grpcChannel(int port)
{
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
}

otlp::LogsRequest asLogs(const QByteArray &json)
{
    simdjson::dom::parser parser;
    otlp::LogsRequest request;
    std::string reason;
    const std::string text = json.toStdString();
    otlp::readLogsJson(parser.parse(text), request, reason);
    return request;
}

QString interactionText(const QString &storePath, const char *sql)
{
    auto store = Store::open(storePath);
    return store ? queryText(*store, sql) : QString();
}

} // namespace

void TestCollector::protobufTracesAreStoredAndAnsweredInProtobuf()
{
    startServer();
    const QByteArray body = asProtobuf(firstExportJson());
    QVERIFY(!body.isEmpty());
    HttpResponse plain = call([&](HttpClient &c) { return c.post("/v1/traces", body, kProtobuf); });
    QCOMPARE(plain.status, 200);
    QCOMPARE(plain.header("content-type"), QByteArray("application/x-protobuf"));
    const TraceResponse response = traceResponse(plain);
    QCOMPARE(response.partial_success().rejected_spans(), qint64(0));
    QVERIFY(
        QByteArray::fromStdString(response.partial_success().error_message()).contains("not a model call"));
    const qint64 stored = interactions();
    QVERIFY(stored >= 1);

    auto headers = kProtobuf;
    headers.append(qMakePair(QByteArray("Content-Encoding"), QByteArray("gzip")));
    HttpResponse zipped = call([&](HttpClient &c) { return c.post("/v1/traces", gzipped(body), headers); });
    QCOMPARE(zipped.status, 200);
    QCOMPARE(interactions(), stored); // a retry, gzipped this time
    auto store = Store::open(storePath());
    QCOMPARE(queryText(*store,
                       "SELECT json_extract(input, '$[1].content') FROM interactions WHERE external_id "
                       "LIKE '%eee19b7ec3c1b174'"),
             QStringLiteral("Weather in Paris?"));
}

void TestCollector::aSpanIsStoredOnceWhicheverEncodingBringsIt()
{
    startServer();
    const QByteArray json = firstExportJson();
    QCOMPARE(call([&](HttpClient &c) { return c.post("/v1/traces", json, kJson); }).status, 200);
    QCOMPARE(call([&](HttpClient &c) { return c.post("/v1/traces", asProtobuf(json), kProtobuf); }).status,
             200);
    const CaptureCounts counts = m_server->committed();
    QCOMPARE(counts.stored, qint64(1));
    QCOMPARE(counts.unchanged, qint64(1)); // the same spans: not even an update
}

void TestCollector::unusableSpansAreRejectedOneByOne()
{
    startServer();
    HttpResponse json = call([](HttpClient &c) { return c.post("/v1/traces", kMixedExport, kJson); });
    QCOMPARE(json.status, 200);
    const QJsonObject partial =
        QJsonDocument::fromJson(json.body).object().value(QStringLiteral("partialSuccess")).toObject();
    QCOMPARE(partial.value(QStringLiteral("rejectedSpans")).toString(), QStringLiteral("1"));
    const QString message = partial.value(QStringLiteral("errorMessage")).toString();
    QVERIFY2(message.contains(QStringLiteral("startTimeUnixNano")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("1 span is not a model call")), qPrintable(message));
    QCOMPARE(interactions(), qint64(1));

    HttpResponse protobuf =
        call([](HttpClient &c) { return c.post("/v1/traces", asProtobuf(kMixedExport), kProtobuf); });
    QCOMPARE(protobuf.status, 200);
    QCOMPARE(traceResponse(protobuf).partial_success().rejected_spans(), qint64(1));
    QCOMPARE(interactions(), qint64(1));

    // The rejected span is kept with its reason, as OTLP JSON, once however often it is retried.
    auto store = Store::open(storePath());
    QCOMPARE(count(*store, "SELECT count(*) FROM quarantine"), qint64(1));
    QCOMPARE(queryText(*store, "SELECT source_file || ' ' || line_number || ' ' || reason FROM "
                               "quarantine"),
             QStringLiteral("POST /v1/traces 2 span 2: span 1000000000000002 has no \"startTimeUnixNano\""));
    QVERIFY(queryText(*store, "SELECT raw FROM quarantine LIMIT 1")
                .contains(QStringLiteral("\"name\":\"chat\"")));
}

void TestCollector::badProtobufIsAnsweredWithAStatus()
{
    startServer();
    HttpResponse bad = call([](HttpClient &c) { return c.post("/v1/traces", "\x0a\x05\x0a", kProtobuf); });
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.header("content-type"), QByteArray("application/x-protobuf"));
    google::rpc::Status status;
    QVERIFY(status.ParseFromArray(bad.body.constData(), int(bad.body.size())));
    QCOMPARE(status.code(), 3); // INVALID_ARGUMENT
    QVERIFY(QByteArray::fromStdString(status.message()).contains("ExportTraceServiceRequest"));

    HttpResponse elsewhere =
        call([](HttpClient &c) { return c.post("/v1/interactions", "\x0a\x00", kProtobuf); });
    QCOMPARE(elsewhere.status, 415);
    QCOMPARE(interactions(), qint64(0));
}

void TestCollector::spanAndContentEventsAreJoinedInEitherOrder()
{
    startServer();
    // Span first (protobuf), then its events (JSON): the call waits, then is stored whole.
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/traces", asProtobuf(bareSpan("d000000000000001")), kProtobuf);
             }).status,
             200);
    QCOMPARE(interactions(), qint64(0));
    HttpResponse logs =
        call([](HttpClient &c) { return c.post("/v1/logs", contentEvents("d000000000000001"), kJson); });
    QCOMPARE(logs.status, 200);
    QCOMPARE(logs.body, QByteArray("{}"));
    QCOMPARE(interactions(), qint64(1));
    QCOMPARE(interactionText(storePath(),
                             "SELECT json_extract(input, '$[0].content') || '|' || output || '|' || "
                             "finish_reason || '|' || model_name || '|' || prompt_tokens || '|' || "
                             "latency_ms FROM interactions"),
             QStringLiteral("Where is my order?|It ships today.|stop|gpt-4o-mini|12|900"));

    // Events first, then the span.
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/logs", contentEvents("d000000000000002", "Refund?"), kJson);
             }).status,
             200);
    QCOMPARE(interactions(), qint64(1));
    QCOMPARE(
        call([](HttpClient &c) { return c.post("/v1/traces", bareSpan("d000000000000002"), kJson); }).status,
        200);
    QCOMPARE(interactions(), qint64(2));
    QCOMPARE(interactionText(storePath(),
                             "SELECT json_extract(input, '$[0].content') || ' ' || "
                             "coalesce(json_extract(metadata, '$.content_captured'), 'captured') FROM "
                             "interactions WHERE external_id LIKE '%d000000000000002'"),
             QStringLiteral("Refund? 1")); // content_captured: true, from its events

    // A retried logs request changes nothing.
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/logs", contentEvents("d000000000000002", "Refund?"), kJson);
             }).status,
             200);
    QCOMPARE(interactionText(storePath(),
                             "SELECT json_array_length(input) FROM interactions WHERE external_id "
                             "LIKE '%d000000000000002'"),
             QStringLiteral("1"));
}

void TestCollector::aHalfAloneIsStoredWhenItsWaitRunsOut()
{
    CollectorOptions options;
    options.contentWaitMs = 1000;
    options.sweepIntervalMs = 50;
    startServer(options);
    QCOMPARE(
        call([](HttpClient &c) { return c.post("/v1/traces", bareSpan("e000000000000001"), kJson); }).status,
        200);
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/logs", contentEvents("e000000000000002"), kJson);
             }).status,
             200);
    QCOMPARE(interactions(), qint64(0));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->waitingCalls(), qint64(2), 5000);
    const HttpResponse health = call([](HttpClient &c) { return c.get("/healthz"); });
    QVERIFY2(health.body.contains("\"calls_waiting\":2") || interactions() > 0, health.body.constData());
    QTRY_COMPARE_WITH_TIMEOUT(interactions(), qint64(2), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->waitingCalls(), qint64(0), 5000);
    // Never dropped: each is stored with a flag saying what is missing.
    QCOMPARE(interactionText(storePath(),
                             "SELECT group_concat(substr(external_id, 34) || '=' || coalesce("
                             "json_extract(metadata, '$.content_captured'), '-') || '/' || "
                             "coalesce(json_extract(metadata, '$.span_missing'), '-'), ' ') FROM "
                             "(SELECT * FROM interactions ORDER BY external_id)"),
             QStringLiteral("e000000000000001=0/- e000000000000002=-/1"));
    QCOMPARE(interactionText(storePath(), "SELECT output FROM interactions WHERE external_id LIKE '%2'"),
             QStringLiteral("It ships today."));

    // Content that comes late still completes its call.
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/logs", contentEvents("e000000000000001"), kJson);
             }).status,
             200);
    QCOMPARE(interactionText(storePath(), "SELECT output || ' ' || coalesce(json_extract(metadata, "
                                          "'$.content_captured'), 'captured') || ' ' || model_name FROM "
                                          "interactions WHERE external_id LIKE '%1'"),
             QStringLiteral("It ships today. 1 gpt-4o-mini"));
    QCOMPARE(interactions(), qint64(2));
}

void TestCollector::waitingHalvesSurviveARestart()
{
    startServer();
    QCOMPARE(
        call([](HttpClient &c) { return c.post("/v1/traces", bareSpan("f000000000000001"), kJson); }).status,
        200);
    QVERIFY(m_server->close());
    m_server.reset();
    startServer();
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/logs", contentEvents("f000000000000001"), kProtobuf);
             }).status,
             400); // JSON sent as protobuf is not an export
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/logs", contentEvents("f000000000000001"), kJson);
             }).status,
             200);
    QCOMPARE(interactionText(storePath(), "SELECT output FROM interactions"),
             QStringLiteral("It ships today."));
}

void TestCollector::logRecordsThatAreNotContentAreSkippedOrRejected()
{
    startServer();
    const QByteArray body = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"timeUnixNano":"1790000000000000000","severityText":"INFO","body":{"stringValue":"GET /health 200"}},
      {"timeUnixNano":"1790000000000000000","eventName":"gen_ai.user.message",
       "body":{"kvlistValue":{"values":[{"key":"content","value":{"stringValue":"orphan"}}]}}}]}]}]})";
    HttpResponse logs = call([&](HttpClient &c) { return c.post("/v1/logs", body, kJson); });
    QCOMPARE(logs.status, 200);
    const QJsonObject partial =
        QJsonDocument::fromJson(logs.body).object().value(QStringLiteral("partialSuccess")).toObject();
    QCOMPARE(partial.value(QStringLiteral("rejectedLogRecords")).toString(), QStringLiteral("1"));
    const QString message = partial.value(QStringLiteral("errorMessage")).toString();
    QVERIFY2(message.contains(QStringLiteral("no trace and span ids")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("1 log record is not a GenAI content event")),
             qPrintable(message));
    QCOMPARE(interactionText(storePath(), "SELECT source_file || ' ' || line_number FROM quarantine"),
             QStringLiteral("POST /v1/logs 2"));
    QCOMPARE(interactions(), qint64(0));
}

// The gRPC calls block this thread; the collector answers them from its own threads once the
// writer has committed, so no event loop is needed.
void TestCollector::grpcExportsAreCommittedWithPartialSuccess()
{
    CollectorOptions options;
    options.grpcAddress = QStringLiteral("127.0.0.1:0");
    startServer(options);
    QVERIFY(m_server->grpcPort() > 0);
    auto traces = grpcapi::trace::v1::TraceService::NewStub(grpcChannel(m_server->grpcPort()));
    otlp::TracesRequest mixed;
    QVERIFY(mixed.ParseFromString(asProtobuf(kMixedExport).toStdString()));
    for (int attempt = 0; attempt < 2; ++attempt) { // the second is a retry: nothing twice
        grpc::ClientContext context;
        grpcapi::trace::v1::ExportTraceServiceResponse response;
        const grpc::Status status = traces->Export(&context, mixed, &response);
        QVERIFY2(status.ok(), status.error_message().c_str());
        QCOMPARE(response.partial_success().rejected_spans(), qint64(1));
        QVERIFY(QByteArray::fromStdString(response.partial_success().error_message())
                    .contains("startTimeUnixNano"));
        QCOMPARE(interactions(), qint64(1));
    }
    QCOMPARE(interactionText(storePath(), "SELECT source_file FROM quarantine"),
             QStringLiteral("gRPC TraceService/Export"));

    // A content-less span, then its events over LogsService: joined.
    otlp::TracesRequest bare;
    QVERIFY(bare.ParseFromString(asProtobuf(bareSpan("a100000000000001")).toStdString()));
    grpc::ClientContext spanContext;
    grpcapi::trace::v1::ExportTraceServiceResponse spanResponse;
    QVERIFY(traces->Export(&spanContext, bare, &spanResponse).ok());
    auto logs = grpcapi::logs::v1::LogsService::NewStub(grpcChannel(m_server->grpcPort()));
    grpc::ClientContext logsContext;
    grpcapi::logs::v1::ExportLogsServiceResponse logsResponse;
    QVERIFY(logs->Export(&logsContext, asLogs(contentEvents("a100000000000001")), &logsResponse).ok());
    QCOMPARE(logsResponse.partial_success().rejected_log_records(), qint64(0));
    QCOMPARE(interactionText(storePath(),
                             "SELECT output FROM interactions WHERE external_id LIKE '%a100000000000001'"),
             QStringLiteral("It ships today."));
}

void TestCollector::grpcNeedsTheToken()
{
    CollectorOptions options;
    options.grpcAddress = QStringLiteral("127.0.0.1:0");
    options.token = QStringLiteral("grpc-secret");
    startServer(options);
    auto traces = grpcapi::trace::v1::TraceService::NewStub(grpcChannel(m_server->grpcPort()));
    otlp::TracesRequest request;
    QVERIFY(request.ParseFromString(asProtobuf(firstExportJson()).toStdString()));
    grpcapi::trace::v1::ExportTraceServiceResponse response;
    grpc::ClientContext anonymous;
    QCOMPARE(traces->Export(&anonymous, request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    grpc::ClientContext wrong;
    wrong.AddMetadata("authorization", "Bearer guess");
    QCOMPARE(traces->Export(&wrong, request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    QCOMPARE(interactions(), qint64(0));
    grpc::ClientContext right;
    right.AddMetadata("authorization", "Bearer grpc-secret");
    QVERIFY(traces->Export(&right, request, &response).ok());
    QVERIFY(interactions() >= 1);
}

void TestCollector::eventsLaterThanTheKeepWindowStillCompleteTheirCall()
{
    CollectorOptions options;
    options.contentWaitMs = 200;
    options.contentKeepMs = 200;
    options.sweepIntervalMs = 50;
    startServer(options);
    QCOMPARE(
        call([](HttpClient &c) { return c.post("/v1/traces", bareSpan("b100000000000001"), kJson); }).status,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(interactions(), qint64(1), 10000);
    // Stored without content, then forgotten by the join.
    QTRY_COMPARE_WITH_TIMEOUT(interactionText(storePath(), "SELECT count(*) FROM telemetry_held"),
                              QStringLiteral("0"), 10000);
    QCOMPARE(call([](HttpClient &c) {
                 return c.post("/v1/logs", contentEvents("b100000000000001"), kJson);
             }).status,
             200);
    // The events wait, then add their messages to the call; the span's facts stay.
    QTRY_COMPARE_WITH_TIMEOUT(interactionText(storePath(), "SELECT coalesce(output, '-') FROM interactions"),
                              QStringLiteral("It ships today."), 10000);
    QCOMPARE(interactionText(storePath(),
                             "SELECT model_name || '|' || prompt_tokens || '|' || latency_ms || '|' || "
                             "json_extract(metadata, '$.content_captured') || '|' || "
                             "coalesce(json_extract(metadata, '$.span_missing'), '-') FROM interactions"),
             QStringLiteral("gpt-4o-mini|12|900|1|-"));
    QCOMPARE(interactions(), qint64(1));
}
