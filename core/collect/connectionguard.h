#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace flywheel {

/// Watches a connection's bytes before the HTTP server buffers them: a request whose
/// Content-Length (or chunked body) passes the limit is answered 413 and the connection closed
/// without reading the body, and `Expect: 100-continue` is answered so curl does not wait.
class ConnectionGuard final : public QObject {
    Q_OBJECT
public:
    ConnectionGuard(QTcpSocket *socket, qint64 maxBodyBytes);

    /// The server has taken a whole request: the next bytes begin a new one.
    void requestTaken();

    /// The guard of @p socket, if it has one.
    static ConnectionGuard *of(QTcpSocket *socket);

    /// An HTTP/1.1 response with a JSON body, as the collector writes them.
    static QByteArray response(int status, const QByteArray &body, const QByteArray &extraHeaders = {},
                               const QByteArray &contentType = "application/json");

private:
    void inspect();
    void readHead();
    void refuse(int status, const QByteArray &json);

    QTcpSocket *m_socket;
    qint64 m_maxBodyBytes;
    bool m_inHead = true;
    bool m_refused = false;
    QByteArray m_head;
    qint64 m_bodyBytes = 0;
};

/// A QTcpServer whose connections get a ConnectionGuard before the HTTP server sees them, so the
/// guard reads every byte first.
class GuardedTcpServer final : public QTcpServer {
    Q_OBJECT
public:
    GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    qint64 m_maxBodyBytes;
};

} // namespace flywheel
