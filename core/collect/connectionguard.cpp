#include "collect/connectionguard.h"

#include <QTcpSocket>

namespace flywheel {
namespace {

// A head longer than this is refused: no client of the collector needs one.
constexpr qsizetype kMaxHeadBytes = 64 * 1024;
// Chunked bodies carry framing besides their data; allow for it before refusing.
constexpr qint64 kChunkFramingAllowance = 64 * 1024;

QByteArray statusText(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

// The value of header @p name (lower case) in a request head, trimmed; empty when absent.
QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().toLower() == name)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

} // namespace

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, qint64 maxBodyBytes)
    : QObject(socket)
    , m_socket(socket)
    , m_maxBodyBytes(maxBodyBytes)
{
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::inspect);
}

ConnectionGuard *ConnectionGuard::of(QTcpSocket *socket)
{
    return socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly);
}

QByteArray ConnectionGuard::response(int status, const QByteArray &body, const QByteArray &extraHeaders,
                                     const QByteArray &contentType)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + statusText(status) + "\r\n";
    if (status != 100)
        out += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) +
               "\r\n";
    out += extraHeaders;
    out += "\r\n";
    out += body;
    return out;
}

void ConnectionGuard::requestTaken()
{
    m_inHead = true;
    m_head.clear();
    m_bodyBytes = 0;
}

// Runs before the HTTP server's own readyRead handler, so it sees bytes the server has not read.
void ConnectionGuard::inspect()
{
    if (m_refused) {
        // Drop what the refused client still sends; the server must not parse it.
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        m_socket->readAll();
        return;
    }
    if (m_inHead) {
        readHead();
        return;
    }
    m_bodyBytes += m_socket->bytesAvailable();
    if (m_bodyBytes > m_maxBodyBytes + kChunkFramingAllowance)
        refuse(413, "{\"error\":\"the body is over the limit of " + QByteArray::number(m_maxBodyBytes) +
                        " bytes\"}");
}

void ConnectionGuard::readHead()
{
    const QByteArray fresh = m_socket->peek(m_socket->bytesAvailable());
    m_head += fresh;
    const qsizetype end = m_head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_head.size() > kMaxHeadBytes)
            refuse(431, "{\"error\":\"the request head is over 65536 bytes\"}");
        return;
    }
    const QByteArray head = m_head.first(end);
    m_inHead = false;
    m_bodyBytes = m_head.size() - (end + 4);
    m_head.clear();
    bool known = false;
    const qint64 length = headerValue(head, "content-length").toLongLong(&known);
    if ((known && length > m_maxBodyBytes) || m_bodyBytes > m_maxBodyBytes + kChunkFramingAllowance) {
        refuse(413, "{\"error\":\"the body is over the limit of " + QByteArray::number(m_maxBodyBytes) +
                        " bytes\"}");
        return;
    }
    if (headerValue(head, "expect").toLower() == "100-continue")
        m_socket->write(response(100, {}));
}

void ConnectionGuard::refuse(int status, const QByteArray &json)
{
    m_refused = true;
    m_socket->write(response(status, json, "Connection: close\r\n"));
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->readAll();
    m_socket->disconnectFromHost();
}

GuardedTcpServer::GuardedTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    // Connected before the HTTP server connects its own handler, so the guard reads first.
    new ConnectionGuard(socket, m_maxBodyBytes);
    addPendingConnection(socket);
}

} // namespace flywheel
