// Load benchmark of the live collector: a real `flywheel serve` on loopback, driven by a few
// concurrent keep-alive clients.
//
//   collector_bench [--requests N] [--clients C] [--records R] [--flywheel PATH] [--dir DIR]
//
// Sends N requests (default 20,000) of R native interactions each (default 5, about 600 bytes
// a record) from C clients (default 4), each waiting for its answer before sending again, as an
// SDK's exporter does. Prints accepted records per second and the latency percentiles, then stops
// the collector with SIGTERM and checks that the store holds exactly the records acknowledged.
// Exits 1 when they differ.

#include "../common/httpclient.h"

#include "store/store.h"

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

ClientResult runClient(quint16 port, int client, qint64 firstRequest, qint64 requests, int records)
{
    ClientResult result;
    result.latenciesMs.reserve(size_t(requests));
    HttpClient http(QStringLiteral("127.0.0.1"), port);
    for (qint64 r = firstRequest; r < firstRequest + requests; ++r) {
        QByteArray body;
        for (int i = 0; i < records; ++i)
            body += record(client, r, i);
        for (int attempt = 0;; ++attempt) {
            const auto started = std::chrono::steady_clock::now();
            const HttpResponse response = http.post("/v1/interactions", body);
            const auto elapsed = std::chrono::steady_clock::now() - started;
            if (response.status == 200) {
                result.latenciesMs.push_back(std::chrono::duration<double, std::milli>(elapsed).count());
                result.recordsAcknowledged += records;
                break;
            }
            // 503 says "busy, retry"; anything else is a failure of the benchmark.
            if (response.status == 503 && attempt < 100) {
                ++result.retries;
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                continue;
            }
            ++result.failures;
            if (result.firstError.isEmpty())
                result.firstError = QStringLiteral("HTTP %1 %2 %3")
                                        .arg(response.status)
                                        .arg(QString::fromUtf8(response.body), response.error);
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
    const QString storePath = QDir(dir).filePath(QStringLiteral("collector_bench.flywheel"));
    QFile::remove(storePath);

    QProcess serve;
    serve.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    serve.start(parser.value(QStringLiteral("flywheel")),
                {QStringLiteral("--store"), storePath, QStringLiteral("--json"), QStringLiteral("serve"),
                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--grpc-listen"),
                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--quiet")});
    if (!serve.waitForStarted() || !serve.waitForReadyRead(30000)) {
        std::fprintf(stderr, "cannot start %s\n", qPrintable(parser.value(QStringLiteral("flywheel"))));
        return 2;
    }
    const QUrl url(
        QJsonDocument::fromJson(serve.readLine()).object().value(QStringLiteral("listening")).toString());
    const quint16 port = quint16(url.port());

    std::printf("collector_bench: %lld requests x %d interactions from %d clients to %s\n",
                static_cast<long long>(requests), records, clients, qPrintable(url.toString()));
    std::vector<ClientResult> results(static_cast<size_t>(clients));
    std::vector<std::thread> threads;
    QElapsedTimer timer;
    timer.start();
    const qint64 share = requests / clients;
    for (int c = 0; c < clients; ++c) {
        const qint64 mine = share + (c < requests % clients ? 1 : 0);
        threads.emplace_back([&, c, mine] { results[size_t(c)] = runClient(port, c, 0, mine, records); });
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
            std::fprintf(stderr, "client error: %s\n", qPrintable(result.firstError));
    }
    std::sort(latencies.begin(), latencies.end());

    serve.terminate();
    if (!serve.waitForFinished(60000)) {
        std::fprintf(stderr, "the collector did not stop on SIGTERM\n");
        return 1;
    }
    const QJsonObject summary = QJsonDocument::fromJson(serve.readAllStandardOutput().trimmed()).object();

    auto store = Store::open(storePath);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
        return 1;
    }
    const qint64 inStore = store->db().queryInt("SELECT count(*) FROM interactions").value();
    const qint64 feedback = store->db().queryInt("SELECT count(*) FROM feedback_events").value();

    std::printf("  wall time            %.2f s\n", seconds);
    std::printf("  accepted records/s   %.0f  (%.0f requests/s)\n", double(acknowledged) / seconds,
                double(latencies.size()) / seconds);
    std::printf("  latency ms           p50 %.2f   p99 %.2f   max %.2f\n", percentile(latencies, 0.50),
                percentile(latencies, 0.99), latencies.empty() ? 0.0 : latencies.back());
    std::printf("  transactions         %lld  (%.1f requests each)\n",
                static_cast<long long>(summary.value(QStringLiteral("transactions")).toInteger()),
                double(latencies.size()) /
                    double(std::max<qint64>(1, summary.value(QStringLiteral("transactions")).toInteger())));
    std::printf("  retries after 503    %lld, failed requests %lld\n", static_cast<long long>(retries),
                static_cast<long long>(failures));
    const bool match = inStore == acknowledged && feedback == acknowledged && failures == 0;
    std::printf(
        "  store check          %lld interactions and %lld feedback events for %lld acknowledged: %s\n",
        static_cast<long long>(inStore), static_cast<long long>(feedback),
        static_cast<long long>(acknowledged), match ? "OK" : "MISMATCH");
    return match ? 0 : 1;
}
