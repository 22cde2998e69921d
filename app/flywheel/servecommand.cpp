#include "commands.h"
#include "interrupt.h"

#include "collect/collectorserver.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QLocale>
#include <QTimer>

#include <cstdio>

namespace flywheel::cli {
namespace {

// "127.0.0.1:4318", "[::1]:4318", "localhost:4318" or a bare port; returns the error to report.
QString parseListen(const QString &text, QHostAddress &address, quint16 &port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    QString host = colon < 0 ? QStringLiteral("127.0.0.1") : text.left(colon);
    const QString portText = colon < 0 ? text : text.mid(colon + 1);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint number = portText.toUInt(&ok);
    if (!ok || number > 65535)
        return QStringLiteral("--listen takes HOST:PORT with a port from 0 to 65535, not \"%1\"").arg(text);
    port = quint16(number);
    if (host == QStringLiteral("localhost"))
        host = QStringLiteral("127.0.0.1");
    if (!address.setAddress(host))
        return QStringLiteral("--listen: \"%1\" is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)")
            .arg(host);
    return {};
}

class ServeCommand final : public Command {
public:
    ServeCommand()
        : Command(
              QStringLiteral("serve"),
              QStringLiteral("Collect live traffic over HTTP and OTLP/gRPC into the store"),
              QStringLiteral(
                  "Run the live collector: POST /v1/traces and /v1/logs (OTLP/HTTP, protobuf or "
                  "JSON), /v1/interactions and /v1/feedback write into the store; GET /healthz. A request is "
                  "answered only once its records are committed. Ctrl-C or SIGTERM stops "
                  "after answering the requests already received. See docs/collector.md."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOption({QStringLiteral("listen"),
                          QStringLiteral("Address and port to listen on (default: 127.0.0.1:4318)."),
                          QStringLiteral("host:port"), QStringLiteral("127.0.0.1:4318")});
        parser.addOption({QStringLiteral("token"),
                          QStringLiteral("Require \"Authorization: Bearer TOKEN\" on record requests; needed "
                                         "to listen off loopback (default: $FLYWHEEL_COLLECTOR_TOKEN)."),
                          QStringLiteral("token")});
        parser.addOption({QStringLiteral("source"),
                          QStringLiteral("Namespace of the ids received (default: native, as ingest)."),
                          QStringLiteral("name"), QStringLiteral("native")});
        parser.addOption({QStringLiteral("max-body-bytes"),
                          QStringLiteral("Answer 413 to larger bodies (default: 33554432)."),
                          QStringLiteral("bytes")});
        parser.addOption({QStringLiteral("grpc-listen"),
                          QStringLiteral("Address and port for OTLP/gRPC (TraceService and LogsService), or "
                                         "\"off\" (default: 127.0.0.1:4317)."),
                          QStringLiteral("host:port"), QStringLiteral("127.0.0.1:4317")});
        parser.addOption(
            {QStringLiteral("content-wait"),
             QStringLiteral("Seconds a model call's span and its content events (sent apart by "
                            "the OpenTelemetry GenAI instrumentations) wait for each other before "
                            "the call is stored with what came (default: 60)."),
             QStringLiteral("seconds")});
        parser.addOption({QStringLiteral("quiet"), QStringLiteral("Do not log refused requests.")});
    }

    int run(QCommandLineParser &parser) override
    {
        CollectorOptions options;
        if (QString error =
                parseListen(parser.value(QStringLiteral("listen")), options.address, options.port);
            !error.isEmpty())
            return fail(error);
        options.token = parser.isSet(QStringLiteral("token"))
                            ? parser.value(QStringLiteral("token"))
                            : qEnvironmentVariable("FLYWHEEL_COLLECTOR_TOKEN");
        options.sourceName = parser.value(QStringLiteral("source"));
        if (options.sourceName.isEmpty())
            return fail(QStringLiteral("--source must not be empty"));
        if (QString error = parseCount(parser, QStringLiteral("max-body-bytes"), options.maxBodyBytes, 1024);
            !error.isEmpty())
            return fail(error);
        qint64 waitSeconds = options.contentWaitMs / 1000;
        if (QString error = parseCount(parser, QStringLiteral("content-wait"), waitSeconds, 0);
            !error.isEmpty())
            return fail(error);
        options.contentWaitMs = waitSeconds * 1000;
        const QString grpc = parser.value(QStringLiteral("grpc-listen"));
        if (grpc != QStringLiteral("off")) {
            QHostAddress grpcHost;
            quint16 grpcPort = 0;
            if (QString error = parseListen(grpc, grpcHost, grpcPort); !error.isEmpty())
                return fail(QStringLiteral("--grpc-listen: %1").arg(error));
            const QString host = grpcHost.protocol() == QAbstractSocket::IPv6Protocol
                                     ? QStringLiteral("[%1]").arg(grpcHost.toString())
                                     : grpcHost.toString();
            options.grpcAddress = QStringLiteral("%1:%2").arg(host).arg(grpcPort);
        }

        const std::atomic_bool &interrupted = installInterruptFlag();
        auto server = CollectorServer::start(storePath(), options);
        if (!server)
            return fail(server.errorMessage());
        CollectorServer &collector = **server;
        if (!parser.isSet(QStringLiteral("quiet"))) {
            QObject::connect(
                &collector, &CollectorServer::refused,
                [](int status, const QString &method, const QString &path, const QString &reason) {
                    printError(QStringLiteral("%1 %2 %3: %4").arg(status).arg(method, path, reason));
                });
        }
        announce(collector, options);

        QTimer signalPoll;
        QObject::connect(&signalPoll, &QTimer::timeout, [&] {
            if (interrupted.load())
                collector.drain();
        });
        signalPoll.start(50);
        QObject::connect(&collector, &CollectorServer::drained, qApp, &QCoreApplication::quit);
        QCoreApplication::exec();

        const Status closed = collector.close();
        report(collector);
        if (!closed)
            return fail(closed.errorMessage());
        return Success;
    }

private:
    void announce(const CollectorServer &collector, const CollectorOptions &options) const
    {
        const QString grpc = collector.grpcPort() == 0
                                 ? QString()
                                 : options.grpcAddress.section(QLatin1Char(':'), 0, -2) +
                                       QStringLiteral(":%1").arg(collector.grpcPort());
        if (json()) {
            printJsonLine({{QStringLiteral("listening"), collector.url()},
                           {QStringLiteral("grpc"), grpc.isEmpty() ? QJsonValue() : QJsonValue(grpc)},
                           {QStringLiteral("store"), storeName()}});
        } else {
            print(QStringLiteral("Collecting on %1%2 into %3%4. Ctrl-C stops after answering the requests "
                                 "received.")
                      .arg(collector.url(),
                           grpc.isEmpty() ? QString() : QStringLiteral(" and %1 (OTLP/gRPC)").arg(grpc),
                           storeName(),
                           options.token.isEmpty() ? QString() : QStringLiteral(" (token required)")));
        }
        std::fflush(stdout);
    }

    void report(const CollectorServer &collector) const
    {
        const CaptureCounts c = collector.committed();
        if (json()) {
            printJsonLine({{QStringLiteral("requests_answered"), collector.requestsAnswered()},
                           {QStringLiteral("transactions"), collector.transactions()},
                           {QStringLiteral("read"), c.read},
                           {QStringLiteral("stored"), c.stored},
                           {QStringLiteral("updated"), c.updated},
                           {QStringLiteral("unchanged"), c.unchanged},
                           {QStringLiteral("skipped"), c.skipped},
                           {QStringLiteral("records_skipped"), c.recordsSkipped},
                           {QStringLiteral("interactions_added"), c.interactionsAdded},
                           {QStringLiteral("feedback_events_added"), c.feedbackAdded},
                           {QStringLiteral("corrections_added"), c.correctionsAdded}});
            return;
        }
        const QLocale en(QLocale::English);
        print(QStringLiteral(
                  "Stopped. Answered %1 requests; committed %2 records in %3 transactions: %4 stored, "
                  "%5 updated, %6 unchanged, %7 skipped.\nAdded %8 interactions, %9 feedback events, "
                  "%10 corrections.")
                  .arg(en.toString(collector.requestsAnswered()), en.toString(c.read),
                       en.toString(collector.transactions()), en.toString(c.stored), en.toString(c.updated),
                       en.toString(c.unchanged), en.toString(c.skipped), en.toString(c.interactionsAdded),
                       en.toString(c.feedbackAdded))
                  .arg(en.toString(c.correctionsAdded)));
    }
};

} // namespace

std::unique_ptr<Command> makeServeCommand()
{
    return std::make_unique<ServeCommand>();
}

} // namespace flywheel::cli
