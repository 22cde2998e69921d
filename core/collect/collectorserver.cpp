#include "collect/collectorserver.h"

#include "collect/connectionguard.h"
#include "collect/otlpreplies.h"
#include "util/gzip.h"
#include "util/jsontext.h"
#include "util/secret.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include <simdjson.h>

namespace flywheel {
namespace {

constexpr int kDrainTimeoutMs = 10000;

QByteArray errorJson(const QString &reason)
{
    std::string json = "{\"error\":";
    appendJsonString(json, reason.toStdString());
    json += '}';
    return QByteArray::fromStdString(json);
}

QByteArray countsJson(const CaptureCounts &c)
{
    return QStringLiteral("{\"read\":%1,\"stored\":%2,\"updated\":%3,\"unchanged\":%4,\"skipped\":%5,"
                          "\"records_skipped\":%6,\"interactions_added\":%7,\"feedback_events_added\":%8,"
                          "\"corrections_added\":%9}")
        .arg(c.read)
        .arg(c.stored)
        .arg(c.updated)
        .arg(c.unchanged)
        .arg(c.skipped)
        .arg(c.recordsSkipped)
        .arg(c.interactionsAdded)
        .arg(c.feedbackAdded)
        .arg(c.correctionsAdded)
        .toUtf8();
}

bool isProtobuf(const QHttpServerRequest &request)
{
    return request.value("content-type").toLower().contains("protobuf");
}

QByteArray errorBody(bool protobuf, int status, const QString &reason)
{
    return protobuf ? otlpStatus(status, reason) : errorJson(reason);
}

QString methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QStringLiteral("GET");
    case QHttpServerRequest::Method::Post:
        return QStringLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QStringLiteral("HEAD");
    case QHttpServerRequest::Method::Put:
        return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QStringLiteral("DELETE");
    default:
        return QStringLiteral("other");
    }
}

} // namespace

Result<std::unique_ptr<CollectorServer>> CollectorServer::start(const QString &storePath,
                                                                CollectorOptions options)
{
    if (!options.address.isLoopback() && options.token.isEmpty())
        return Error{
            QStringLiteral("refusing to listen on %1 without a token: anyone who can reach it could "
                           "write into the store. Set one with --token or FLYWHEEL_COLLECTOR_TOKEN, or "
                           "listen on 127.0.0.1.")
                .arg(options.address.toString())};
    auto *tcp = new GuardedTcpServer(options.maxBodyBytes);
    if (!tcp->listen(options.address, options.port)) {
        const QString reason = tcp->errorString();
        delete tcp;
        return Error{QStringLiteral("cannot listen on %1:%2: %3 (is another collector running there? choose "
                                    "another address with --listen)")
                         .arg(options.address.toString())
                         .arg(options.port)
                         .arg(reason)};
    }
    const quint16 port = tcp->serverPort();
    CommitQueue::Options queueOptions;
    queueOptions.sourceName = options.sourceName;
    queueOptions.maxBatchRecords = options.maxBatchRecords;
    queueOptions.maxQueuedRecords = options.maxQueuedRecords;
    queueOptions.join.waitMs = options.contentWaitMs;
    queueOptions.join.keepMs = options.contentKeepMs;
    queueOptions.sweepIntervalMs = options.sweepIntervalMs;
    queueOptions.runInputsJson =
        "[" +
        jsonString(QStringLiteral("http://%1:%2").arg(options.address.toString()).arg(port).toStdString()) +
        "]";
    auto queue = CommitQueue::start(storePath, std::move(queueOptions));
    if (!queue) {
        delete tcp;
        return queue.error();
    }
    std::unique_ptr<CollectorServer> server(new CollectorServer(std::move(*queue), std::move(options)));
    server->m_port = port;
    server->bind(tcp);
    if (Status grpc = server->startGrpc(); !grpc)
        return grpc.error();
    return server;
}

Status CollectorServer::startGrpc()
{
    if (m_options.grpcAddress.isEmpty())
        return {};
    QString host = m_options.grpcAddress.section(QLatin1Char(':'), 0, -2);
    if (host.startsWith(QLatin1Char('[')))
        host = host.mid(1, host.size() - 2);
    const bool loopback = host == QStringLiteral("localhost") || QHostAddress(host).isLoopback();
    if (!loopback && m_options.token.isEmpty())
        return Error{QStringLiteral("refusing to serve OTLP/gRPC on %1 without a token: set one with --token "
                                    "or FLYWHEEL_COLLECTOR_TOKEN, or listen on 127.0.0.1.")
                         .arg(m_options.grpcAddress)};
    auto grpc =
        GrpcCollector::start(*m_queue, {m_options.grpcAddress, m_options.token, m_options.maxBodyBytes});
    if (!grpc)
        return grpc.error();
    m_grpc = std::move(*grpc);
    return {};
}

int CollectorServer::grpcPort() const
{
    return m_grpc ? m_grpc->port() : 0;
}

CollectorServer::CollectorServer(std::unique_ptr<CommitQueue> queue, CollectorOptions options)
    : m_queue(std::move(queue))
    , m_options(std::move(options))
    , m_parser(size_t(m_options.maxBodyBytes))
{}

CollectorServer::~CollectorServer()
{
    // Joins the writer thread while this object can still receive its queued answers.
    (void)close();
}

QString CollectorServer::url() const
{
    const QString host = m_options.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(m_options.address.toString())
                             : m_options.address.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(m_port);
}

bool CollectorServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (ConnectionGuard *guard = ConnectionGuard::of(socket))
        guard->requestTaken();
    Connection &connection = m_connections[socket];
    if (!connection.socket) {
        connection.socket = socket;
        connect(socket, &QObject::destroyed, this, [this, socket] { m_connections.erase(socket); });
    }
    auto reply = std::make_shared<Reply>();
    reply->socket = socket;
    reply->close = request.value("connection").toLower() == "close";
    reply->headOnly = request.method() == QHttpServerRequest::Method::Head;
    connection.replies.push_back(reply);
    route(request, reply);
    return true;
}

void CollectorServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Never reached: handleRequest answers every request.
    (void)request;
    socket->write(ConnectionGuard::response(500, errorJson(QStringLiteral("unhandled request"))));
}

void CollectorServer::route(const QHttpServerRequest &request, const std::shared_ptr<Reply> &reply)
{
    const QString path = request.url().path();
    const auto method = request.method();
    if (m_draining) {
        reply->close = true;
        refuse(request, reply, 503, QStringLiteral("the collector is shutting down; retry"),
               "Retry-After: 1\r\n");
        return;
    }
    if (path == QStringLiteral("/healthz")) {
        if (method != QHttpServerRequest::Method::Get && method != QHttpServerRequest::Method::Head)
            return refuse(request, reply, 405, QStringLiteral("use GET"), "Allow: GET, HEAD\r\n");
        const CaptureCounts counts = m_queue->committed();
        answer(reply, 200,
               QStringLiteral("{\"status\":\"ok\",\"records_committed\":%1,\"records_queued\":%2,"
                              "\"calls_waiting\":%3}")
                   .arg(counts.read)
                   .arg(m_queue->queuedRecords())
                   .arg(m_queue->waitingCalls())
                   .toUtf8());
        return;
    }
    std::optional<RecordEndpoint> endpoint;
    if (path == QStringLiteral("/v1/traces"))
        endpoint = RecordEndpoint::Traces;
    else if (path == QStringLiteral("/v1/logs"))
        endpoint = RecordEndpoint::Logs;
    else if (path == QStringLiteral("/v1/interactions"))
        endpoint = RecordEndpoint::Interactions;
    else if (path == QStringLiteral("/v1/feedback"))
        endpoint = RecordEndpoint::Feedback;
    if (!endpoint)
        return refuse(request, reply, 404,
                      QStringLiteral("no such endpoint: %1 (the collector takes POST /v1/traces, "
                                     "/v1/logs, /v1/interactions and /v1/feedback, and GET /healthz)")
                          .arg(path));
    if (method != QHttpServerRequest::Method::Post)
        return refuse(request, reply, 405, QStringLiteral("use POST"), "Allow: POST\r\n");
    takeRecords(request, *endpoint, reply);
}

void CollectorServer::takeRecords(const QHttpServerRequest &request, RecordEndpoint endpoint,
                                  const std::shared_ptr<Reply> &reply)
{
    if (!authorized(request))
        return refuse(request, reply, 401,
                      QStringLiteral("missing or wrong \"Authorization: Bearer <token>\""),
                      "WWW-Authenticate: Bearer\r\n");
    reply->protobuf = isProtobuf(request);
    if (reply->protobuf && endpoint != RecordEndpoint::Traces && endpoint != RecordEndpoint::Logs)
        return refuse(request, reply, 415,
                      QStringLiteral("protobuf is OTLP's encoding, read on /v1/traces and /v1/logs; send "
                                     "JSON here"));
    const QByteArray body = request.body();
    const qint64 limit = m_options.maxBodyBytes;
    const QString tooLarge = QStringLiteral("the body is over the limit of %1 bytes").arg(limit);
    if (body.size() > limit)
        return refuse(request, reply, 413, tooLarge);

    const QByteArray encoding = request.value("content-encoding").trimmed().toLower();
    std::string_view text(body.constData(), size_t(body.size()));
    Inflated inflated;
    if (encoding == "gzip") {
        inflated = gunzip(text, size_t(limit));
        if (inflated.status == Inflated::Status::TooLarge)
            return refuse(request, reply, 413, tooLarge + QStringLiteral(" once inflated"));
        if (inflated.status == Inflated::Status::Corrupt)
            return refuse(request, reply, 400, QString::fromStdString(inflated.error));
        text = inflated.text;
    } else if (!encoding.isEmpty() && encoding != "identity") {
        return refuse(request, reply, 415,
                      QStringLiteral("Content-Encoding %1 is not read; send gzip or nothing")
                          .arg(QString::fromLatin1(encoding)));
    }

    CaptureFormat format = CaptureFormat::Auto;
    const QString formatName = QUrlQuery(request.url()).queryItemValue(QStringLiteral("format"));
    if (!formatName.isEmpty()) {
        const auto named = captureFormatFromName(formatName.toStdString());
        if (!named)
            return refuse(request, reply, 400,
                          QStringLiteral("format takes one of %1, not \"%2\"")
                              .arg(QString::fromStdString(captureFormatNames()), formatName));
        format = *named;
    }

    // The parsers read up to 64 bytes past a record: give the body that padding.
    m_body.assign(text);
    m_body.append(simdjson::SIMDJSON_PADDING, '\0');
    const std::string_view padded(m_body.data(), text.size());
    RequestRecords records;
    BodyError error;
    const bool parsed = reply->protobuf ? m_parser.parseOtlpProtobuf(endpoint, padded, records, error)
                                        : m_parser.parse(endpoint, padded, format, records, error);
    if (!parsed && reply->protobuf)
        return refuse(request, reply, 400, QString::fromStdString(error.message()));
    if (!parsed) {
        std::string json = "{\"error\":";
        appendJsonString(json, error.message());
        if (error.line > 0)
            json += ",\"line\":" + std::to_string(error.line);
        if (error.item > 0)
            json += ",\"item\":" + std::to_string(error.item);
        json += '}';
        emit refused(400, methodName(request.method()), request.url().path(),
                     QString::fromStdString(error.message()));
        return answer(reply, 400, QByteArray::fromStdString(json));
    }

    reply->firstRejection = firstRejection(records);
    const auto submitted =
        m_queue->submit(std::move(records), [this, reply, endpoint](const CommitOutcome &outcome) {
            m_answers.post([this, reply, endpoint, outcome] { committed(reply, endpoint, outcome); });
        });
    if (submitted == CommitQueue::Submitted::Queued)
        ++m_inFlight;
    else
        refuse(request, reply, 503, QStringLiteral("the collector is busy writing; retry shortly"),
               "Retry-After: 1\r\n");
}

bool CollectorServer::authorized(const QHttpServerRequest &request) const
{
    if (m_options.token.isEmpty())
        return true;
    const QByteArray given = request.value("authorization").trimmed();
    const QByteArray expected = "Bearer " + m_options.token.toUtf8();
    return sameSecret(std::string_view(given.constData(), size_t(given.size())),
                      std::string_view(expected.constData(), size_t(expected.size())));
}

void CollectorServer::committed(const std::shared_ptr<Reply> &reply, RecordEndpoint endpoint,
                                const CommitOutcome &outcome)
{
    --m_inFlight;
    if (!outcome.committed) {
        emit refused(503, QStringLiteral("POST"), QString(), outcome.error);
        const QString reason =
            QStringLiteral("the store could not be written (%1); nothing of this request was stored, retry")
                .arg(outcome.error);
        answer(reply, 503, errorBody(reply->protobuf, 503, reason), "Retry-After: 1\r\n");
    } else {
        const CaptureCounts &c = outcome.counts;
        const OtlpOutcome otlp{c.rejected, c.recordsSkipped, reply->firstRejection};
        answer(reply, 200,
               endpoint == RecordEndpoint::Traces ? otlpTracesResponse(otlp, reply->protobuf)
               : endpoint == RecordEndpoint::Logs ? otlpLogsResponse(otlp, reply->protobuf)
                                                  : countsJson(c));
    }
    checkDrained();
}

void CollectorServer::refuse(const QHttpServerRequest &request, const std::shared_ptr<Reply> &reply,
                             int status, const QString &reason, const QByteArray &headers)
{
    emit refused(status, methodName(request.method()), request.url().path(), reason);
    // OTLP/HTTP answers a protobuf request's errors with a protobuf google.rpc.Status.
    reply->protobuf = isProtobuf(request);
    answer(reply, status, errorBody(reply->protobuf, status, reason), headers);
}

void CollectorServer::answer(const std::shared_ptr<Reply> &reply, int status, const QByteArray &json,
                             const QByteArray &headers)
{
    reply->ready = true;
    reply->status = status;
    reply->body = json;
    reply->headers = headers;
    flush(reply->socket);
}

// Replies leave in the order their requests came, whatever order their commits finish in.
void CollectorServer::flush(QTcpSocket *socket)
{
    const auto found = m_connections.find(socket);
    if (found == m_connections.end())
        return; // the client went away; what was committed stays committed
    Connection &connection = found->second;
    while (!connection.replies.empty() && connection.replies.front()->ready) {
        const std::shared_ptr<Reply> reply = connection.replies.front();
        connection.replies.pop_front();
        ++m_answered;
        QTcpSocket *live = connection.socket;
        if (!live || live->state() != QAbstractSocket::ConnectedState)
            continue;
        QByteArray response = ConnectionGuard::response(
            reply->status, reply->body, reply->headers + (reply->close ? "Connection: close\r\n" : ""),
            reply->protobuf ? "application/x-protobuf" : "application/json");
        if (reply->headOnly)
            response.chop(reply->body.size());
        live->write(response);
        if (reply->close)
            live->disconnectFromHost();
    }
}

void CollectorServer::drain()
{
    if (m_draining)
        return;
    m_draining = true;
    for (QTcpServer *server : servers())
        server->close();
    // Answers the gRPC calls in flight (their commits go on on the writer's thread), refuses new ones.
    if (m_grpc)
        m_grpc->shutdown();
    checkDrained();
}

void CollectorServer::checkDrained()
{
    if (!m_draining || m_inFlight > 0 || m_drainedSent)
        return;
    m_drainedSent = true;
    // Every taken request is answered: close the connections once their answers are written.
    for (auto &[socket, connection] : m_connections) {
        if (connection.socket)
            connection.socket->disconnectFromHost();
    }
    auto *timer = new QTimer(this);
    auto *waited = new QElapsedTimer;
    waited->start();
    connect(timer, &QTimer::timeout, this, [this, timer, waited] {
        bool open = false;
        for (auto &[socket, connection] : m_connections)
            open |= connection.socket && connection.socket->state() != QAbstractSocket::UnconnectedState;
        if (open && waited->elapsed() < kDrainTimeoutMs)
            return;
        timer->stop();
        delete waited;
        emit drained();
    });
    timer->start(10);
}

Status CollectorServer::close()
{
    if (m_grpc)
        m_grpc->shutdown();
    return m_queue->close();
}

} // namespace flywheel
