// Load benchmark of the live collector: a real `flywheel serve` on loopback, driven by a few
// concurrent keep-alive clients.
//
//   collector_bench [--requests N] [--clients C] [--records R] [--protocols LIST] [--flywheel PATH]
//                   [--dir DIR]
//
// For each protocol (default: interactions,otlp-json,otlp-protobuf,otlp-grpc), on a store of its
// own, sends N requests (default 20,000) of R records each (default 5) from C clients (default 4),
// each waiting for its answer before sending again, as an SDK's exporter does: native interactions
// with a thumbs-up (about 600 bytes a record) to /v1/interactions, or the same conversation as an
// OpenInference LLM span in an OTLP trace export, as JSON or protobuf to /v1/traces or over
// OTLP/gRPC. Prints accepted records per second and the latency percentiles of each, and the OTLP
// encodings' throughput relative to JSON, then stops each collector with SIGTERM and checks that
// its store holds exactly the records acknowledged. Exits 1 when they differ.

#include "../common/httpclient.h"

#include "ingest/otlp/otlpjson.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "store/store.h"

#include <grpcpp/grpcpp.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <thread>
#include <vector>

using namespace flywheel;
using namespace flywheel::testing;

namespace {

struct ClientResult {
    std::vector<double> latenciesMs;
    qint64 recordsAcknowledged = 0;
    qint64 retries = 0;
    qint64 failures = 0;
    QString firstError;
};

QByteArray record(int client, qint64 request, int index)
{
    const QByteArray id = "c" + QByteArray::number(client) + "-r" + QByteArray::number(request) + "-" +
                          QByteArray::number(index);
    return R"({"id":")" + id + R"(","timestamp":"2026-11-20T09:30:00Z","session_id":"s-)" +
           QByteArray::number(request % 997) +
           R"(","model":"support-bot","model_version":"2026-11-01","latency_ms":840,)"
           R"("input":[{"role":"system","content":"You answer questions about orders, shipping and returns."},)"
           R"({"role":"user","content":"My parcel has not arrived and the tracking page has not changed in three days. What can I do?"}],)"
           R"("output":"Sorry about the wait. Parcels sometimes sit at the depot over a weekend; if nothing changes by tomorrow, reply here and I will open a trace with the carrier.",)"
           R"("outcome":"accepted","category":"shipping","feedback":[{"kind":"thumbs","value":"up"}]})" +
           "\n";
}

// The same conversation as an OpenInference LLM span, R to an OTLP trace export, ids unique.
QByteArray otlpExportJson(int client, qint64 request, int records)
{
    QByteArray spans;
    for (int i = 0; i < records; ++i) {
        const QByteArray trace = QByteArray::number(client * 1000 + 1, 16).rightJustified(16, '0') +
                                 QByteArray::number(request + 1, 16).rightJustified(16, '0');
        const QByteArray span = QByteArray::number(i + 1, 16).rightJustified(16, '0');
        spans +=
            (i ? "," : "") + QByteArray(R"({"traceId":")") + trace + R"(","spanId":")" + span +
            R"(","name":"ChatCompletion","kind":3,"startTimeUnixNano":"1795000000000000000",)"
            R"("endTimeUnixNano":"1795000000840000000","attributes":[)"
            R"({"key":"openinference.span.kind","value":{"stringValue":"LLM"}},)"
            R"({"key":"llm.model_name","value":{"stringValue":"support-bot"}},)"
            R"({"key":"session.id","value":{"stringValue":"s-)" +
            QByteArray::number(request % 997) +
            R"("}},)"
            R"({"key":"llm.input_messages.0.message.role","value":{"stringValue":"system"}},)"
            R"({"key":"llm.input_messages.0.message.content","value":{"stringValue":"You answer questions about orders, shipping and returns."}},)"
            R"({"key":"llm.input_messages.1.message.role","value":{"stringValue":"user"}},)"
            R"({"key":"llm.input_messages.1.message.content","value":{"stringValue":"My parcel has not arrived and the tracking page has not changed in three days. What can I do?"}},)"
            R"({"key":"llm.output_messages.0.message.role","value":{"stringValue":"assistant"}},)"
            R"({"key":"llm.output_messages.0.message.content","value":{"stringValue":"Sorry about the wait. Parcels sometimes sit at the depot over a weekend; if nothing changes by tomorrow, reply here and I will open a trace with the carrier."}},)"
            R"({"key":"llm.token_count.prompt","value":{"intValue":"48"}},)"
            R"({"key":"llm.token_count.completion","value":{"intValue":"36"}}]})";
    }
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}}]},)"
           R"("scopeSpans":[{"scope":{"name":"openinference"},"spans":[)" +
           spans + "]}]}]}";
}

otlp::TracesRequest otlpExport(int client, qint64 request, int records)
{
    simdjson::dom::parser parser;
    otlp::TracesRequest out;
    std::string reason;
    const std::string json = otlpExportJson(client, request, records).toStdString();
    otlp::readTracesJson(parser.parse(json), out, reason);
    return out;
}

enum class Protocol { Interactions, OtlpJson, OtlpProtobuf, OtlpGrpc };

struct Target {
    quint16 httpPort = 0;
    int grpcPort = 0;
};

// One request's outcome: 200/OK, 503/UNAVAILABLE (retry), or a failure with its text.
struct Sent {
    bool ok = false;
    bool retry = false;
    QString error;
};

class Sender {
public:
    Sender(Protocol protocol, const Target &target)
        : m_protocol(protocol)
        , m_http(QStringLiteral("127.0.0.1"), target.httpPort)
    {
        if (protocol == Protocol::OtlpGrpc)
            m_grpc = opentelemetry::proto::collector::trace::v1::TraceService::NewStub(grpc::CreateChannel(
                "127.0.0.1:" + std::to_string(target.grpcPort), grpc::InsecureChannelCredentials()));
    }

    // The request's body is built before the clock starts: the benchmark times the collector.
    void prepare(int client, qint64 request, int records)
    {
        m_body.clear();
        if (m_protocol == Protocol::Interactions)
            for (int i = 0; i < records; ++i)
                m_body += record(client, request, i);
        else if (m_protocol == Protocol::OtlpJson)
            m_body = otlpExportJson(client, request, records);
        else
            m_export = otlpExport(client, request, records);
        if (m_protocol == Protocol::OtlpProtobuf)
            m_body = QByteArray::fromStdString(m_export.SerializeAsString());
    }

    Sent send()
    {
        if (m_protocol == Protocol::OtlpGrpc) {
            grpc::ClientContext context;
            opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
            const grpc::Status status = m_grpc->Export(&context, m_export, &response);
            return {status.ok(), status.error_code() == grpc::StatusCode::UNAVAILABLE,
                    QString::fromStdString(status.error_message())};
        }
        const bool otlp = m_protocol != Protocol::Interactions;
        const QByteArray type =
            m_protocol == Protocol::OtlpProtobuf ? "application/x-protobuf" : "application/json";
        const HttpResponse response =
            m_http.post(otlp ? "/v1/traces" : "/v1/interactions", m_body, {{"Content-Type", type}});
        return {response.status == 200, response.status == 503,
                QStringLiteral("HTTP %1 %2 %3")
                    .arg(response.status)
                    .arg(QString::fromUtf8(response.body), response.error)};
    }

private:
    Protocol m_protocol;
    HttpClient m_http;
    std::unique_ptr<opentelemetry::proto::collector::trace::v1::TraceService::Stub> m_grpc;
    QByteArray m_body;
    otlp::TracesRequest m_export;
};

ClientResult runClient(Protocol protocol, const Target &target, int client, qint64 requests, int records)
{
    ClientResult result;
    result.latenciesMs.reserve(size_t(requests));
    Sender sender(protocol, target);
    for (qint64 r = 0; r < requests; ++r) {
        sender.prepare(client, r, records);
        for (int attempt = 0;; ++attempt) {
            const auto started = std::chrono::steady_clock::now();
            const Sent sent = sender.send();
            const auto elapsed = std::chrono::steady_clock::now() - started;
            if (sent.ok) {
                result.latenciesMs.push_back(std::chrono::duration<double, std::milli>(elapsed).count());
                result.recordsAcknowledged += records;
                break;
            }
            // "busy, retry"; anything else is a failure of the benchmark.
            if (sent.retry && attempt < 100) {
                ++result.retries;
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                continue;
            }
            ++result.failures;
            if (result.firstError.isEmpty())
                result.firstError = sent.error;
            break;
        }
    }
    return result;
}

double percentile(std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const size_t index = std::min(sorted.size() - 1, size_t(p * double(sorted.size() - 1) + 0.5));
    return sorted[index];
}

struct PhaseResult {
    bool started = false;
    bool match = false;
    double recordsPerSecond = 0;
};

std::optional<Protocol> protocolNamed(const QString &name)
{
    if (name == QStringLiteral("interactions"))
        return Protocol::Interactions;
    if (name == QStringLiteral("otlp-json"))
        return Protocol::OtlpJson;
    if (name == QStringLiteral("otlp-protobuf"))
        return Protocol::OtlpProtobuf;
    if (name == QStringLiteral("otlp-grpc"))
        return Protocol::OtlpGrpc;
    return std::nullopt;
}

// One protocol on a collector and store of its own: load, stop, check, print a row.
PhaseResult runPhase(const QString &flywheel, const QString &dir, const QString &name, Protocol protocol,
                     qint64 requests, int clients, int records)
{
    PhaseResult phase;
    const QString storePath = QDir(dir).filePath(QStringLiteral("collector_bench-%1.flywheel").arg(name));
    QFile::remove(storePath);
    QProcess serve;
    serve.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    serve.start(flywheel,
                {QStringLiteral("--store"), storePath, QStringLiteral("--json"), QStringLiteral("serve"),
                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--grpc-listen"),
                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--quiet")});
    if (!serve.waitForStarted() || !serve.waitForReadyRead(30000)) {
        std::fprintf(stderr, "cannot start %s\n", qPrintable(flywheel));
        return phase;
    }
    phase.started = true;
    const QJsonObject listening = QJsonDocument::fromJson(serve.readLine()).object();
    Target target;
    target.httpPort = quint16(QUrl(listening.value(QStringLiteral("listening")).toString()).port());
    target.grpcPort =
        listening.value(QStringLiteral("grpc")).toString().section(QLatin1Char(':'), -1).toInt();

    std::vector<ClientResult> results(static_cast<size_t>(clients));
    std::vector<std::thread> threads;
    QElapsedTimer timer;
    timer.start();
    const qint64 share = requests / clients;
    for (int c = 0; c < clients; ++c) {
        const qint64 mine = share + (c < requests % clients ? 1 : 0);
        threads.emplace_back(
            [&, c, mine] { results[size_t(c)] = runClient(protocol, target, c, mine, records); });
    }
    for (std::thread &thread : threads)
        thread.join();
    const double seconds = double(timer.nsecsElapsed()) / 1e9;

    std::vector<double> latencies;
    qint64 acknowledged = 0, retries = 0, failures = 0;
    for (ClientResult &result : results) {
        latencies.insert(latencies.end(), result.latenciesMs.begin(), result.latenciesMs.end());
        acknowledged += result.recordsAcknowledged;
        retries += result.retries;
        failures += result.failures;
        if (!result.firstError.isEmpty())
            std::fprintf(stderr, "%s client error: %s\n", qPrintable(name), qPrintable(result.firstError));
    }
    std::sort(latencies.begin(), latencies.end());

    serve.terminate();
    if (!serve.waitForFinished(60000)) {
        std::fprintf(stderr, "the collector did not stop on SIGTERM\n");
        return phase;
    }
    const QJsonObject summary = QJsonDocument::fromJson(serve.readAllStandardOutput().trimmed()).object();
    auto store = Store::open(storePath);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
        return phase;
    }
    const qint64 inStore = store->db().queryInt("SELECT count(*) FROM interactions").value();
    const qint64 feedback = store->db().queryInt("SELECT count(*) FROM feedback_events").value();
    const qint64 expectedFeedback = protocol == Protocol::Interactions ? acknowledged : 0;
    phase.match = inStore == acknowledged && feedback == expectedFeedback && failures == 0;
    phase.recordsPerSecond = double(acknowledged) / seconds;
    std::printf("  %-14s %10.0f %10.0f %9.2f %9.2f %9.2f %13lld  %s (%lld stored of %lld acknowledged, %lld "
                "retries)\n",
                qPrintable(name), phase.recordsPerSecond, double(latencies.size()) / seconds,
                percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies.empty() ? 0.0 : latencies.back(),
                static_cast<long long>(summary.value(QStringLiteral("transactions")).toInteger()),
                phase.match ? "OK" : "MISMATCH", static_cast<long long>(inStore),
                static_cast<long long>(acknowledged), static_cast<long long>(retries));
    return phase;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Load benchmark of flywheel serve on loopback."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("requests"), QStringLiteral("Requests in all (default 20000)."),
                      QStringLiteral("n"), QStringLiteral("20000")});
    parser.addOption({QStringLiteral("clients"), QStringLiteral("Concurrent clients (default 4)."),
                      QStringLiteral("n"), QStringLiteral("4")});
    parser.addOption({QStringLiteral("records"), QStringLiteral("Interactions per request (default 5)."),
                      QStringLiteral("n"), QStringLiteral("5")});
    parser.addOption(
        {QStringLiteral("protocols"),
         QStringLiteral("Comma-separated: interactions, otlp-json, otlp-protobuf, otlp-grpc (default: all)."),
         QStringLiteral("list"), QStringLiteral("interactions,otlp-json,otlp-protobuf,otlp-grpc")});
    parser.addOption({QStringLiteral("flywheel"), QStringLiteral("The flywheel executable."),
                      QStringLiteral("path"), QStringLiteral(FLYWHEEL_CLI)});
    parser.addOption({QStringLiteral("dir"),
                      QStringLiteral("Folder for the store (default: a temporary one)."),
                      QStringLiteral("dir")});
    parser.process(app);
    const qint64 requests = parser.value(QStringLiteral("requests")).toLongLong();
    const int clients = parser.value(QStringLiteral("clients")).toInt();
    const int records = parser.value(QStringLiteral("records")).toInt();
    if (requests < 1 || clients < 1 || records < 1) {
        std::fprintf(stderr, "--requests, --clients and --records take positive numbers\n");
        return 2;
    }
    std::optional<QTemporaryDir> temporary;
    QString dir = parser.value(QStringLiteral("dir"));
    if (dir.isEmpty()) {
        temporary.emplace();
        dir = temporary->path();
    }
    std::vector<std::pair<QString, Protocol>> protocols;
    for (const QString &name : parser.value(QStringLiteral("protocols")).split(QLatin1Char(','))) {
        const auto known = protocolNamed(name.trimmed());
        if (!known) {
            std::fprintf(stderr, "unknown protocol %s (interactions, otlp-json, otlp-protobuf, otlp-grpc)\n",
                         qPrintable(name));
            return 2;
        }
        protocols.emplace_back(name.trimmed(), *known);
    }
    std::printf("collector_bench: %lld requests x %d records from %d clients, per protocol\n",
                static_cast<long long>(requests), records, clients);
    std::printf("  %-14s %10s %10s %9s %9s %9s %13s  %s\n", "protocol", "records/s", "requests/s", "p50 ms",
                "p99 ms", "max ms", "transactions", "store check");
    bool allMatch = true;
    std::map<Protocol, double> throughput;
    for (const auto &[name, protocol] : protocols) {
        const PhaseResult phase = runPhase(parser.value(QStringLiteral("flywheel")), dir, name, protocol,
                                           requests, clients, records);
        if (!phase.started)
            return 2;
        throughput[protocol] = phase.recordsPerSecond;
        allMatch = allMatch && phase.match;
    }
    if (throughput.count(Protocol::OtlpJson)) {
        for (const auto &[protocol, label] :
             {std::pair{Protocol::OtlpProtobuf, "otlp-protobuf"}, std::pair{Protocol::OtlpGrpc, "otlp-grpc"}})
            if (throughput.count(protocol))
                std::printf("  %s / otlp-json throughput: %.2fx\n", label,
                            throughput[protocol] / std::max(1.0, throughput[Protocol::OtlpJson]));
    }
    return allMatch ? 0 : 1;
}
