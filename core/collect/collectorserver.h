#pragma once

#include "collect/commitqueue.h"
#include "collect/grpccollector.h"
#include "collect/requestbody.h"
#include "util/mailbox.h"
#include "util/result.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHostAddress>
#include <QPointer>

#include <deque>
#include <memory>
#include <unordered_map>

class QTcpSocket;

namespace flywheel {

struct CollectorOptions {
    QHostAddress address = QHostAddress::LocalHost;
    /// 0 picks a free port (tests); see port().
    quint16 port = 4318;
    /// When set, record requests need `Authorization: Bearer <token>`. Required off loopback.
    QString token;
    /// Larger bodies (after gzip inflation too) are answered 413.
    qint64 maxBodyBytes = 32ll * 1024 * 1024;
    /// Namespace of the external ids, as `flywheel ingest --source`.
    QString sourceName = QStringLiteral("native");
    /// Passed to the commit queue (group commit sizes).
    qint64 maxBatchRecords = 20000;
    qint64 maxQueuedRecords = 400000;
    /// How long a model call's span and its content events (sent apart by the official GenAI
    /// instrumentations) wait for each other before the call is stored with what came.
    qint64 contentWaitMs = 60'000;
    /// How long a stored call is kept for late content events.
    qint64 contentKeepMs = 3'600'000;
    /// How often the idle writer stores the calls whose wait ran out.
    int sweepIntervalMs = 1000;
    /// OTLP/gRPC's host:port (port 0 picks a free one); empty serves no gRPC.
    QString grpcAddress;
};

/// The live collector behind `flywheel serve`: an HTTP server (Qt HttpServer) taking OTLP/HTTP
/// traces and logs (protobuf or JSON), native interactions and feedback, and writing them through
/// a CommitQueue.
/// docs/collector.md describes the endpoints, status codes and guarantees.
///
/// Bodies are parsed on the server's thread while the queue's thread writes: a request is answered
/// 2xx only once its transaction is committed, 400 when any of its records is bad (nothing of it
/// is written), 503 when the store cannot take it now (retry).
class CollectorServer final : public QAbstractHttpServer {
    Q_OBJECT
public:
    /// Checks the options, opens the store and listens. Refuses an address off loopback without a
    /// token, and says why when the port is taken.
    static Result<std::unique_ptr<CollectorServer>> start(const QString &storePath, CollectorOptions options);
    ~CollectorServer() override;

    quint16 port() const { return m_port; }
    /// The OTLP/gRPC port, 0 when gRPC is off.
    int grpcPort() const;
    QString url() const;

    /// Stops listening and refuses new requests (503), answers every request already taken, then
    /// emits drained(). Connections still sending a body are closed unanswered (nothing of them
    /// was acknowledged, so nothing is lost: the client retries).
    void drain();
    bool draining() const { return m_draining; }
    /// Finishes the ingest run record. Call after drained().
    Status close();

    CaptureCounts committed() const { return m_queue->committed(); }
    qint64 transactions() const { return m_queue->transactions(); }
    /// OTLP model calls whose span or content events wait for the other half.
    qint64 waitingCalls() const { return m_queue->waitingCalls(); }
    qint64 requestsAnswered() const { return m_answered; }
    /// Requests taken and waiting for their commit.
    qint64 requestsInFlight() const { return m_inFlight; }

signals:
    void drained();
    /// A request was refused with a 4xx or 5xx status, for the command's log.
    void refused(int status, const QString &method, const QString &path, const QString &reason);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Reply {
        QTcpSocket *socket = nullptr;
        bool ready = false;
        int status = 0;
        QByteArray body;
        QByteArray headers;
        bool close = false;
        /// HEAD: the status and headers only.
        bool headOnly = false;
        /// The request was OTLP protobuf: so is the answer.
        bool protobuf = false;
        /// The first rejected span's reason, for OTLP's partial success.
        std::string firstRejection;
    };
    struct Connection {
        QPointer<QTcpSocket> socket;
        std::deque<std::shared_ptr<Reply>> replies;
    };

    CollectorServer(std::unique_ptr<CommitQueue> queue, CollectorOptions options);
    void route(const QHttpServerRequest &request, const std::shared_ptr<Reply> &reply);
    void takeRecords(const QHttpServerRequest &request, RecordEndpoint endpoint,
                     const std::shared_ptr<Reply> &reply);
    bool authorized(const QHttpServerRequest &request) const;
    Status startGrpc();
    void answer(const std::shared_ptr<Reply> &reply, int status, const QByteArray &json,
                const QByteArray &headers = {});
    void refuse(const QHttpServerRequest &request, const std::shared_ptr<Reply> &reply, int status,
                const QString &reason, const QByteArray &headers = {});
    void committed(const std::shared_ptr<Reply> &reply, RecordEndpoint endpoint,
                   const CommitOutcome &outcome);
    void flush(QTcpSocket *socket);
    void checkDrained();

    // Before the queue, so it outlives the writer thread that posts the answers.
    Mailbox m_answers;
    std::unique_ptr<CommitQueue> m_queue;
    // After the queue, so its calls are answered and it is gone before the queue closes.
    std::unique_ptr<GrpcCollector> m_grpc;
    CollectorOptions m_options;
    RequestBodyParser m_parser;
    quint16 m_port = 0;
    bool m_draining = false;
    bool m_drainedSent = false;
    qint64 m_inFlight = 0;
    qint64 m_answered = 0;
    std::unordered_map<QTcpSocket *, Connection> m_connections;
    std::string m_body;
};

} // namespace flywheel
