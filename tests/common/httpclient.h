#pragma once

// A small blocking HTTP/1.1 client for the collector's tests and load benchmark: one keep-alive
// connection, used from the thread that made it (QTcpSocket's blocking calls need no event loop).

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QTcpSocket>

namespace flywheel::testing {

struct HttpResponse {
    /// 0 when no response came (see error).
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString error;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers)
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        return {};
    }
};

class HttpClient {
public:
    HttpClient(QString host, quint16 port)
        : m_host(std::move(host))
        , m_port(port)
    {}

    using Headers = QList<QPair<QByteArray, QByteArray>>;

    HttpResponse post(const QByteArray &path, const QByteArray &body, const Headers &headers = {})
    {
        return request("POST", path, body, headers);
    }
    HttpResponse get(const QByteArray &path) { return request("GET", path, {}, {}); }

    /// Sends one request and reads its response, reconnecting when the server closed the connection.
    HttpResponse request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                         const Headers &headers, int timeoutMs = 60000)
    {
        HttpResponse response;
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_socket.abort();
            m_buffer.clear();
            m_socket.connectToHost(m_host, m_port);
            if (!m_socket.waitForConnected(timeoutMs)) {
                response.error = m_socket.errorString();
                return response;
            }
        }
        QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: " + m_host.toUtf8() + "\r\n";
        for (const auto &[key, value] : headers)
            out += key + ": " + value + "\r\n";
        if (method != "GET")
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        out += "\r\n" + body;
        m_socket.write(out);
        while (m_socket.bytesToWrite() > 0) {
            if (!m_socket.waitForBytesWritten(timeoutMs))
                break;
        }
        // Interim 1xx responses (100 Continue) come before the final one.
        while (readResponse(response, timeoutMs) && response.status >= 100 && response.status < 200)
            response = HttpResponse{};
        if (response.header("connection").toLower() == "close")
            m_socket.disconnectFromHost();
        return response;
    }

    QTcpSocket &socket() { return m_socket; }

private:
    bool fill(int timeoutMs)
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs))
            return false;
        m_buffer += m_socket.readAll();
        return true;
    }

    bool readResponse(HttpResponse &response, int timeoutMs)
    {
        qsizetype end = -1;
        while ((end = m_buffer.indexOf("\r\n\r\n")) < 0) {
            if (!fill(timeoutMs)) {
                response.error = QStringLiteral("no response: %1").arg(m_socket.errorString());
                return false;
            }
        }
        const QList<QByteArray> lines = m_buffer.first(end).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        response.status = statusLine.size() > 1 ? statusLine[1].toInt() : 0;
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray key = lines[i].first(colon).trimmed();
            const QByteArray value = lines[i].mid(colon + 1).trimmed();
            response.headers.append({key, value});
            if (key.compare("content-length", Qt::CaseInsensitive) == 0)
                length = value.toLongLong();
        }
        m_buffer.remove(0, end + 4);
        while (m_buffer.size() < length) {
            if (!fill(timeoutMs)) {
                response.error = QStringLiteral("truncated response body");
                return false;
            }
        }
        response.body = m_buffer.first(length);
        m_buffer.remove(0, length);
        return true;
    }

    QString m_host;
    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

} // namespace flywheel::testing
