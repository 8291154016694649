#pragma once
// Plain HTTP requests and a socket.io client on Engine.IO's long-polling transport, written by hand over loopback
// sockets (so that hostile requests can be sent too): tst_engineio, tst_proxies.

#include "core/socketio.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QSslSocket>
#include <QTest>

#include <algorithm>

namespace PeerLink::Test {

using namespace Qt::StringLiterals;

struct HttpAnswer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    bool closed = false;
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return QByteArray();
    }
};

/// One HTTP request on its own connection (Connection: close), answered or not within @p timeoutMs; the event loop
/// runs meanwhile (the hub lives in this thread).
inline HttpAnswer http(quint16 port, const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 5000, bool tls = false)
{
    QSslSocket socket;
    if (tls) {
        // The test certificate is self-signed: accepted here (tst_tls checks pinning).
        QObject::connect(&socket, &QSslSocket::sslErrors, &socket, [&socket] { socket.ignoreSslErrors(); });
        socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
        if (!QTest::qWaitFor([&] { return socket.isEncrypted(); }, timeoutMs))
            return {};
    } else {
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs))
            return {};
    }
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (method == "POST")
        request += "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    QByteArray received;
    HttpAnswer answer;
    auto complete = [&] {
        received += socket.readAll();
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0)
            return socket.state() != QAbstractSocket::ConnectedState;
        answer.head = received.left(end);
        answer.status = received.mid(9, 3).toInt();
        const qsizetype length = answer.header("content-length").toLongLong();
        answer.body = received.mid(end + 4);
        return answer.body.size() >= length || socket.state() != QAbstractSocket::ConnectedState;
    };
    [[maybe_unused]] const bool done = QTest::qWaitFor(complete, timeoutMs);
    answer.closed = socket.state() != QAbstractSocket::ConnectedState;
    return answer;
}

inline QByteArray target(const QByteArray &sid = {}, const QByteArray &transport = "polling")
{
    QByteArray t = "/socket.io/?EIO=4&transport=" + transport;
    if (!sid.isEmpty())
        t += "&sid=" + sid;
    return t;
}

/// A socket.io client on the long-polling transport, packet by packet.
class PollingClient
{
public:
    explicit PollingClient(quint16 port, bool tls = false)
        : m_port(port)
        , m_tls(tls)
    {
    }
    /// Headers sent with every request from now on (X-Forwarded-For, say).
    void setHeaders(const QList<QPair<QByteArray, QByteArray>> &headers) { m_headers = headers; }

    /// The handshake; the open packet's object (empty on failure).
    QJsonObject handshake()
    {
        const HttpAnswer a = http(m_port, "GET", target(), {}, m_headers, 5000, m_tls);
        if (a.status != 200 || !a.body.startsWith('0'))
            return {};
        const QJsonObject open = QJsonDocument::fromJson(a.body.mid(1)).object();
        m_sid = open.value("sid"_L1).toString().toUtf8();
        return open;
    }
    HttpAnswer post(const QByteArray &payload) { return http(m_port, "POST", target(m_sid), payload, m_headers, 5000, m_tls); }
    /// One GET: the packets it brought (none after @p timeoutMs).
    QList<QByteArray> get(int timeoutMs = 5000)
    {
        const HttpAnswer a = http(m_port, "GET", target(m_sid), {}, m_headers, timeoutMs, m_tls);
        m_lastStatus = a.status;
        QList<QByteArray> packets;
        if (a.status == 200) {
            for (QByteArrayView p : SocketIo::splitPayload(a.body))
                packets.append(p.toByteArray());
        }
        return packets;
    }
    /// Polls until a packet starting with @p prefix comes (others are kept); returns it, or empty.
    QByteArray waitFor(const QByteArray &prefix, int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            for (qsizetype i = 0; i < m_kept.size(); ++i) {
                if (m_kept[i].startsWith(prefix))
                    return m_kept.takeAt(i);
            }
            const QList<QByteArray> packets = get(int(std::max<qint64>(100, timeoutMs - t.elapsed())));
            if (m_lastStatus != 200)
                return {};
            for (const QByteArray &p : packets) {
                if (p == "2")
                    post("3"); // Engine.IO's heartbeat, as a client answers it
                else
                    m_kept.append(p);
            }
        }
        return {};
    }
    /// The argument of the next event @p name (found by its packet's start).
    QJsonValue waitForEvent(const QByteArray &name, int timeoutMs = 5000)
    {
        const QByteArray p = waitFor("42[\"" + name + "\"", timeoutMs);
        if (p.isEmpty())
            return QJsonValue(QJsonValue::Undefined);
        return QJsonDocument::fromJson(p.mid(2)).array().at(1);
    }
    /// Connects the main namespace; true when the hub answered `40{sid}`.
    bool connectNamespace()
    {
        if (post("40").status != 200)
            return false;
        return !waitFor("40{").isEmpty();
    }
    bool join(const QString &id)
    {
        post("42" + QJsonDocument(QJsonArray { u"join"_s, id }).toJson(QJsonDocument::Compact));
        return waitForEvent("welcome").toObject().value("id"_L1).toString() == id;
    }
    /// Handshake, namespace, and `join` as @p id when not empty.
    bool start(const QString &id = QString())
    {
        return !handshake().isEmpty() && connectNamespace() && (id.isEmpty() || join(id));
    }
    QByteArray sid() const { return m_sid; }
    int lastStatus() const { return m_lastStatus; }

private:
    quint16 m_port;
    bool m_tls = false;
    QByteArray m_sid;
    QList<QByteArray> m_kept;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    int m_lastStatus = 0;
};


} // namespace PeerLink::Test
