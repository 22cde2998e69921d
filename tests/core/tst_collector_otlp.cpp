// OTLP/HTTP in both encodings: protobuf bodies (plain and gzip) answered in protobuf, one stored
// record per span whichever encoding brings it, and OTLP's partial success for unusable spans.
#include "tst_collector.h"

#include "../common/httpclient.h"
#include "google/rpc/status.pb.h"
#include "ingest/otlp/otlpjson.h"
#include "ingesttesting.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

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
