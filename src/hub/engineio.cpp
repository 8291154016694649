#include "engineio.h"

#include "core/secrets.h"
#include "core/jsonwriter.h"
#include "core/socketio.h"
#include "core/utf8validator.h"
#include "core/wsframe.h"
#include "hub/httpconnection.h"
#include "hub/hubtransport.h"
#include "hub/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QUrl>
#include <QUrlQuery>

namespace PeerLink {

using namespace Qt::StringLiterals;
using namespace SocketIo;

namespace {


QByteArray newSid()
{
    // 20 characters, like Engine.IO's own ids; from the system's cryptographic random source.
    return randomHex(10).toLatin1();
}

QJsonObject objectOf(QByteArrayView json)
{
    return QJsonDocument::fromJson(json.toByteArray()).object();
}

} // namespace

// ---- EngineWebSocket --------------------------------------------------------------------------------------------

EngineWebSocket::EngineWebSocket(QTcpSocket *transport, qint64 maxMessageBytes, QObject *parent)
    : QObject(parent)
    , m_connection(new WsConnection(transport, maxMessageBytes, *this, this))
    , m_address(clientAddress(transport))
    , m_port(clientPort(transport))
{
    transport->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

EngineWebSocket::~EngineWebSocket()
{
    delete m_connection; // with its socket, without telling this object
}

void EngineWebSocket::start()
{
    m_connection->start();
}

void EngineWebSocket::send(const QByteArray &text)
{
    m_connection->write(WsFrame::frame(WsFrame::Text, text));
}

void EngineWebSocket::sendFrames(const QByteArray &frames)
{
    m_connection->write(frames);
}

void EngineWebSocket::close(uint16_t code, const QString &reason)
{
    m_connection->close(code, reason);
}

void EngineWebSocket::abort()
{
    m_connection->abort();
}

bool EngineWebSocket::isOpen() const
{
    return m_connection->isOpen();
}

qint64 EngineWebSocket::bytesToWrite() const
{
    return m_connection->socket() ? m_connection->socket()->bytesToWrite() : 0;
}

void EngineWebSocket::messageReceived(bool text, QByteArray &payload)
{
    if (text)
        Q_EMIT textReceived(payload);
    else
        Q_EMIT binaryReceived();
}

void EngineWebSocket::connectionEnded()
{
    m_lost = m_connection->lost();
    if (!m_ended) {
        m_ended = true;
        Q_EMIT ended();
    }
}

// ---- EngineSocket -----------------------------------------------------------------------------------------------

EngineSocket::EngineSocket(const QByteArray &sid, const QHostAddress &address, quint16 port, const HubConfig &config,
                           QObject *parent)
    : QObject(parent)
    , m_sid(sid)
    , m_address(unmappedAddress(address))
    , m_port(port)
    , m_config(config)
{
    m_clock.start();
}

EngineSocket::~EngineSocket() = default;

void EngineSocket::open(EngineWebSocket *ws)
{
    m_openedAtMs = m_clock.elapsed();
    m_lastPollMs = m_openedAtMs;
    const QByteArray packet = openPacket(m_sid, ws == nullptr, m_config.pingIntervalMs, m_config.pingTimeoutMs,
                                         m_config.effectiveHardFrameBytes());
    if (ws) {
        upgradeTo(ws);
        ws->start();
    }
    queuePacket(packet);
    flush();
}

void EngineSocket::upgradeTo(EngineWebSocket *ws)
{
    disconnect(ws, nullptr, this, nullptr);
    ws->setParent(this);
    m_ws = ws;
    m_probe = nullptr;
    connect(ws, &EngineWebSocket::textReceived, this, [this](const QByteArray &utf8) {
        receivePacket(utf8, true);
        scheduleFlush();
    });
    connect(ws, &EngineWebSocket::binaryReceived, this, [this] {
        if (m_listener && !m_ended)
            m_listener->engineBinary();
    });
    connect(ws, &EngineWebSocket::ended, this, [this, ws] {
        if (ws == m_ws)
            end(ws->lost() && !m_closing);
    });
    // The polling GET still waiting ends with a noop, and what was queued for it goes over the WebSocket.
    if (m_get) {
        HttpConnection *get = std::exchange(m_get, nullptr);
        get->respond(200, "text/plain; charset=UTF-8", QByteArray(1, char(EngineType::Noop)));
    }
}

void EngineSocket::probe(EngineWebSocket *ws)
{
    if (m_probe || m_ws || m_closing) {
        ws->close(1008, u"upgrade not possible"_s);
        ws->deleteLater();
        return;
    }
    m_probe = ws;
    ws->setParent(this);
    connect(ws, &EngineWebSocket::textReceived, this, [this, ws](const QByteArray &utf8) {
        if (ws != m_probe)
            return;
        if (utf8 == "2probe") {
            ws->send(QByteArrayLiteral("3probe"));
            m_probeAnswered = true;
            // Lets the client's waiting GET return, so that it can pause polling and send the upgrade.
            if (m_get) {
                HttpConnection *get = std::exchange(m_get, nullptr);
                get->respond(200, "text/plain; charset=UTF-8", QByteArray(1, char(EngineType::Noop)));
                m_lastPollMs = m_clock.elapsed();
            }
        } else if (utf8 == "5") {
            upgradeTo(ws);
            flush();
        } else {
            ws->close(1002, u"expected the Engine.IO probe"_s);
        }
    });
    connect(ws, &EngineWebSocket::binaryReceived, this, [ws] { ws->close(1003, u"expected the Engine.IO probe"_s); });
    connect(ws, &EngineWebSocket::ended, this, [this, ws] {
        if (ws == m_probe) {
            m_probe = nullptr; // the client stays on polling
            m_probeAnswered = false;
        }
        ws->deleteLater();
    });
    ws->start();
}

qint64 EngineSocket::pollingIdleMs(qint64 nowMs) const
{
    Q_UNUSED(nowMs)
    if (m_ws || m_probe || m_get)
        return -1;
    return m_clock.elapsed() - m_lastPollMs;
}

bool EngineSocket::poll(HttpConnection *get)
{
    m_lastPollMs = m_clock.elapsed();
    if (m_get)
        return false;
    if (m_probe && m_probeAnswered) {
        // The client is upgrading: its polling ends with a noop, and the upgrade follows on the WebSocket.
        get->respond(200, "text/plain; charset=UTF-8", QByteArray(1, char(EngineType::Noop)), m_getHeaders);
        return true;
    }
    m_get = get;
    connect(get, &HttpConnection::ended, this, [this, get] {
        if (m_get == get) {
            m_get = nullptr;
            m_lastPollMs = m_clock.elapsed();
        }
    });
    answerGet();
    return true;
}

void EngineSocket::receivePayload(QByteArrayView body)
{
    m_lastPollMs = m_clock.elapsed();
    if (!Utf8Validator::isValid(body)) {
        // Engine.IO's polling bodies are text; a WebSocket's text frames were checked by its reader.
        if (m_listener && !m_ended)
            m_listener->engineInvalid(ErrorCode::BadMessage, u"A polling body is UTF-8 text."_s, QString());
        return;
    }
    for (QByteArrayView packet : splitPayload(body)) {
        if (m_ended)
            return;
        receivePacket(packet, false);
    }
    scheduleFlush();
}

void EngineSocket::receivePacket(QByteArrayView packet, bool fromWebSocket)
{
    if (m_ended || !m_listener)
        return;
    bool binary = false;
    const std::optional<EnginePacket> p = parseEnginePacket(packet, &binary);
    if (!p) {
        if (binary)
            m_listener->engineBinary();
        else
            m_listener->engineInvalid(ErrorCode::BadMessage, u"Not an Engine.IO packet."_s, QString());
        return;
    }
    switch (p->type) {
    case EngineType::Ping:
        queuePacket(QByteArray(1, char(EngineType::Pong)) + p->data.toByteArray());
        break;
    case EngineType::Pong:
        m_listener->enginePong();
        break;
    case EngineType::Message:
        receiveSocketIo(p->data);
        break;
    case EngineType::Close:
        // The client closes the session: as a WebSocket's close, not a loss.
        m_sendDisconnect = false;
        end(false);
        break;
    case EngineType::Noop:
        break;
    case EngineType::Upgrade:
        if (!fromWebSocket)
            m_listener->engineInvalid(ErrorCode::BadMessage, u"An upgrade comes on the WebSocket."_s, QString());
        break;
    case EngineType::Open:
        m_listener->engineInvalid(ErrorCode::BadMessage, u"Only the hub opens an Engine.IO session."_s, QString());
        break;
    }
}

void EngineSocket::receiveSocketIo(QByteArrayView bytes)
{
    QString error;
    const std::optional<Packet> packet = parsePacket(bytes, &error);
    if (!packet) {
        m_listener->engineInvalid(ErrorCode::BadMessage, error, QString());
        return;
    }
    switch (packet->type) {
    case PacketType::Connect:
        if (packet->nsp != "/") {
            queuePacket(connectErrorPacket(packet->nsp, u"Invalid namespace"_s, QByteArray()));
            return;
        }
        connectNamespace();
        return;
    case PacketType::Disconnect:
        if (!m_connected || packet->nsp != "/")
            return;
        m_sendDisconnect = false;
        feed(QByteArrayLiteral("{\"type\":\"leave\"}"));
        return;
    case PacketType::Event:
        if (!m_connected || packet->nsp != "/") {
            m_listener->engineInvalid(ErrorCode::BadMessage, u"Connect the main namespace before emitting events."_s,
                                      QString());
            return;
        }
        receiveEvent(packet->ackId, packet->data);
        return;
    case PacketType::Ack:
        return; // the hub asks for no acknowledgements
    case PacketType::BinaryEvent:
    case PacketType::BinaryAck:
        m_listener->engineInvalid(ErrorCode::BadMessage,
                                  u"Binary attachments are not supported by this hub; send JSON."_s, QString());
        return;
    case PacketType::ConnectError:
        m_listener->engineInvalid(ErrorCode::BadMessage, u"Only the hub sends CONNECT_ERROR."_s, QString());
        return;
    }
}

void EngineSocket::connectNamespace()
{
    if (m_connected)
        return;
    if (m_closing) {
        // Refused by the hub before the client got this far: the refusal is the answer to its CONNECT.
        const QJsonObject refusal = objectOf(m_refusal);
        const QString message = refusal.value("message"_L1).toString(m_closeReason);
        queuePacket(connectErrorPacket("/", message.isEmpty() ? u"refused"_s : message,
                                       refusal.value("code"_L1).toString().toUtf8()));
        if (m_ws) {
            finishClose();
            return;
        }
        // socket.io-client gives up on a connect_error by itself: the session ends with the answer that carries it,
        // so that a refused session does not hold its place (connections per address) until the sweep.
        queuePacket(QByteArray(1, char(EngineType::Close)));
        m_endAfterAnswer = true;
        flush();
        return;
    }
    m_connected = true;
    m_socketIoSid = newSid();
    queuePacket(connectPacket(m_socketIoSid));
    const QList<QByteArray> early = std::exchange(m_beforeConnect, {});
    for (const QByteArray &frame : early)
        sendNative(frame);
}

void EngineSocket::receiveEvent(qint64 ackId, QByteArrayView data)
{
    if (ackId < 0) {
        // The common case, a plain message without a callback: spliced, not parsed and written again.
        const QByteArray native = plainMessageToNative(data);
        if (!native.isEmpty()) {
            feed(native);
            return;
        }
    }
    ErrorCode code = ErrorCode::BadMessage;
    QString error;
    const std::optional<Event> event = parseEvent(data, &code, &error);
    if (!event) {
        m_listener->engineInvalid(code, error, QString());
        return;
    }
    QString madeUp;
    if (ackId >= 0 && event->name == "message"_L1)
        madeUp = u"sio.%1.%2"_s.arg(QString::fromLatin1(m_sid.left(8))).arg(++m_madeUpMids);
    const Inbound in = toNative(*event, madeUp);
    if (in.native.isEmpty()) {
        m_listener->engineInvalid(in.code, in.error, event->name.left(64));
        return;
    }
    if (ackId < 0) {
        feed(in.native);
        return;
    }
    if (event->name == "message"_L1 && !in.mid.isEmpty()) {
        if (m_pendingAcks.size() >= m_config.socketIoMaxPendingAcks && !m_pendingAcks.contains(in.mid)) {
            JsonWriter w;
            w.string("code"_L1, u"rate_limited")
                .string("message"_L1, u"Too many messages wait for the hub's answer."_s)
                .string("ref"_L1, in.mid)
                .string("type"_L1, u"error");
            queuePacket(ackPacket(ackId, w.take()));
            return;
        }
        m_pendingAcks.insert(in.mid, ackId);
        feed(in.native);
        return;
    }
    m_syncAck = ackId;
    feed(in.native);
    if (m_syncAck >= 0 && !m_ended) {
        // The hub answers this request with nothing (an introduction handed on, say): it was accepted.
        queuePacket(ackPacket(m_syncAck, "{\"type\":\"ok\"}"));
    }
    m_syncAck = -1;
}

void EngineSocket::feed(const QByteArray &native)
{
    if (m_listener && !m_ended)
        m_listener->engineText(native);
}

namespace {

/// The last frame of the hub's that was mapped, and what it became: a broadcast or a presence change goes to many
/// sessions as the same bytes, and each of them then takes the same packet (shared, not copied).
struct Mapped
{
    QByteArray native;
    QByteArray type;
    QByteArray packet; // empty when the type is answered specially (see sendNative)
};
thread_local Mapped t_lastMapped;

} // namespace

void EngineSocket::sendNative(QByteArrayView utf8)
{
    if (m_ended)
        return;
    Mapped &last = t_lastMapped;
    // Only presence and chat messages are kept, which are never an answer to a callback: mapped the same always.
    if (m_connected && !last.packet.isEmpty() && utf8.size() == last.native.size() && utf8 == last.native) {
        queuePacket(last.packet);
        return;
    }
    const QByteArray type = topLevelType(utf8);
    if (!m_connected) {
        if (type == "error")
            m_refusal = utf8.toByteArray();
        m_beforeConnect.append(utf8.toByteArray());
        return;
    }
    if (m_syncAck >= 0 && (type == "welcome" || type == "challenge" || type == "error")) {
        queuePacket(ackPacket(std::exchange(m_syncAck, -1), utf8));
        return;
    }
    if (type == "error" && utf8.contains("\"connect_declined\"")
        && objectOf(utf8).value("code"_L1).toString() == "connect_declined"_L1)
        return; // a socket.io peer makes no direct links: that no link comes is no news to it
    if (!m_pendingAcks.isEmpty() && (type == "ack" || type == "stored" || type == "error")) {
        const QJsonObject o = objectOf(utf8);
        const QString key = o.value(type == "error" ? "ref"_L1 : "mid"_L1).toString();
        const auto it = m_pendingAcks.constFind(key);
        if (it != m_pendingAcks.cend()) {
            const qint64 ackId = it.value();
            m_pendingAcks.erase(it);
            queuePacket(ackPacket(ackId, utf8));
            return;
        }
    }
    if (type == "connect_to_peer") {
        declineLink(utf8);
        queuePacket(eventFromNative(utf8, type));
        return;
    }
    const QByteArray packet = eventFromNative(utf8, type);
    if (type == "message" || type == "peer_connect" || type == "peer_disconnect") {
        last.native = utf8.toByteArray();
        last.type = type;
        last.packet = packet;
    }
    queuePacket(packet);
}

void EngineSocket::declineLink(QByteArrayView utf8)
{
    // A socket.io peer cannot make a direct link: the hub's own decline tells the asker, whose messages stay relayed.
    const QJsonObject offer = objectOf(utf8);
    JsonWriter w;
    w.string("link"_L1, offer.value("link"_L1).toString())
        .string("peer"_L1, offer.value("from"_L1).toString())
        .string("reason"_L1, u"a socket.io peer makes no direct links; messages go through the hub"_s)
        .string("type"_L1, u"connect_decline");
    const QByteArray decline = w.take();
    QMetaObject::invokeMethod(
        this,
        [this, decline] {
            if (m_connected && !m_closing)
                feed(decline);
        },
        Qt::QueuedConnection);
}

void EngineSocket::queuePacket(const QByteArray &packet)
{
    if (m_ended)
        return;
    m_queueBytes += packet.size();
    m_queue.push_back(packet);
}

void EngineSocket::flush()
{
    m_flushScheduled = false;
    if (m_ended || m_queue.empty())
        return;
    if (m_ws) {
        if (!m_ws->isOpen()) {
            m_queue.clear();
            m_queueBytes = 0;
            return;
        }
        // Every packet is a text frame of its own; all of this turn's go to the kernel in one write.
        QByteArray frames(m_queueBytes + qsizetype(m_queue.size()) * 10, Qt::Uninitialized);
        char *out = frames.data();
        for (const QByteArray &packet : m_queue) {
            out = WsFrame::writeHeader(out, WsFrame::Text, quint64(packet.size()));
            out = std::copy(packet.cbegin(), packet.cend(), out);
        }
        frames.truncate(out - frames.data());
        m_queue.clear();
        m_queueBytes = 0;
        m_ws->sendFrames(frames);
        return;
    }
    answerGet();
}

void EngineSocket::scheduleFlush()
{
    if (m_flushScheduled || m_ended)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(this, &EngineSocket::flush, Qt::QueuedConnection);
}

void EngineSocket::answerGet()
{
    if (!m_get)
        return;
    if (m_queue.empty()) {
        if (!m_closePending)
            return;
        // Closing: what was queued went with the last GET (a DISCONNECT among it is read first), and this one
        // closes the session, as Engine.IO's own server does.
        HttpConnection *get = std::exchange(m_get, nullptr);
        get->respond(200, "text/plain; charset=UTF-8",
                     QByteArray(1, char(EngineType::Noop)) + RecordSeparator + char(EngineType::Close), m_getHeaders);
        end(false);
        return;
    }
    QByteArray body;
    body.reserve(m_queueBytes + qsizetype(m_queue.size()));
    for (const QByteArray &packet : m_queue) {
        if (!body.isEmpty())
            body.append(RecordSeparator);
        body.append(packet);
    }
    m_queue.clear();
    m_queueBytes = 0;
    HttpConnection *get = std::exchange(m_get, nullptr);
    get->respond(200, "text/plain; charset=UTF-8", body, m_getHeaders);
    m_lastPollMs = m_clock.elapsed();
    if (m_endAfterAnswer)
        end(false);
}

void EngineSocket::ping()
{
    queuePacket(QByteArray(1, char(EngineType::Ping)));
    flush();
}

qint64 EngineSocket::queuedBytes() const
{
    qint64 n = m_queueBytes;
    if (m_ws)
        n += m_ws->bytesToWrite();
    return n;
}

void EngineSocket::close(int code, const QString &reason)
{
    if (m_closing || m_ended)
        return;
    m_closing = true;
    m_closeReason = reason;
    if (m_syncAck >= 0 && m_connected) {
        // The request being handled ends the session (`leave`, say): its callback is answered before the end.
        queuePacket(ackPacket(std::exchange(m_syncAck, -1), "{\"type\":\"ok\"}"));
    }
    if (!m_connected) {
        // The client learns it from a CONNECT_ERROR when it connects its namespace (connectNamespace); a hub going
        // away, or a refusal without a word, ends the session at once.
        if (code == 1001 || m_refusal.isEmpty())
            finishClose();
        return;
    }
    if (code != 1001 && m_sendDisconnect)
        queuePacket(QByteArrayLiteral("41"));
    if (m_ws) {
        flush();
        m_ws->close(uint16_t(code), reason);
        return;
    }
    m_closePending = true;
    flush();
}

void EngineSocket::finishClose()
{
    if (m_ws) {
        flush();
        m_ws->close(1000, m_closeReason);
        return;
    }
    // The next GET takes what is queued, and the one after it the Engine.IO close (or the sweep ends the session
    // when the client polls no more).
    m_closePending = true;
    flush();
}

void EngineSocket::abort()
{
    if (m_ws)
        m_ws->abort();
    if (m_probe)
        m_probe->abort();
    end(false); // a GET still waiting is answered there: the HTTP connection itself is not the session's to drop
}

void EngineSocket::abortLost()
{
    if (m_get)
        std::exchange(m_get, nullptr)->abort();
    end(true);
}

void EngineSocket::end(bool lost)
{
    if (m_ended)
        return;
    m_ended = true;
    m_lost = lost;
    m_queue.clear();
    m_queueBytes = 0;
    // A GET still waiting learns that the session is over the way Engine.IO says it: the close packet.
    if (m_get)
        std::exchange(m_get, nullptr)->respond(200, "text/plain; charset=UTF-8", QByteArray(1, char(EngineType::Close)),
                                               m_getHeaders);
    if (m_ws && m_ws->isOpen())
        m_ws->close(1000, m_closeReason);
    if (m_probe)
        m_probe->abort();
    if (Listener *l = std::exchange(m_listener, nullptr))
        l->engineEnded();
    Q_EMIT ended(this);
    deleteLater();
}

// ---- EngineIoServer ---------------------------------------------------------------------------------------------

EngineIoServer::EngineIoServer(const HubConfig &config, Owner &owner, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_owner(owner)
    , m_trusted(config.trustedProxies)
{
    m_clock.start();
    m_sweep.setInterval(std::clamp(m_config.pingTimeoutMs / 4, 50, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &EngineIoServer::sweep);
}

EngineIoServer::~EngineIoServer()
{
    closeAll();
}

void EngineIoServer::closeAll()
{
    const auto sessions = m_sessions;
    for (EngineSocket *s : sessions)
        s->abort();
    const auto connections = m_http;
    for (HttpConnection *c : connections)
        c->abort();
}

bool EngineIoServer::originAllowed(const QByteArray &origin) const
{
    if (origin.isEmpty())
        return m_config.allowNoOrigin;
    return m_config.allowedOrigins.contains(QString::fromUtf8(origin));
}

QList<QPair<QByteArray, QByteArray>> EngineIoServer::corsHeaders(const QByteArray &origin) const
{
    if (origin.isEmpty())
        return {};
    // Only an allowed Origin gets here: the browser may read the answer, with its cookies.
    return { { "Access-Control-Allow-Origin", origin }, { "Access-Control-Allow-Credentials", "true" }, { "Vary", "Origin" } };
}

void EngineIoServer::takeHttpConnection(QTcpSocket *socket, const QByteArray &early)
{
    const QHostAddress address = clientAddress(socket);
    int &count = m_httpPerAddress[address];
    // A long-polling client uses two connections at a time (a waiting GET, a POST) per session.
    const int limit = m_config.maxConnectionsPerAddress > 0 ? 2 * m_config.maxConnectionsPerAddress : 0;
    auto *c = new HttpConnection(socket, early, m_config.maxRequestHeadBytes, m_config.effectiveHardFrameBytes(),
                                 std::max(m_config.handshakeTimeoutMs, m_config.pingIntervalMs + m_config.pingTimeoutMs),
                                 this);
    ++count;
    m_http.insert(c);
    connect(c, &HttpConnection::ended, this, [this, address](HttpConnection *ended) {
        if (m_http.remove(ended)) {
            auto it = m_httpPerAddress.find(address);
            if (it != m_httpPerAddress.end() && --it.value() <= 0)
                m_httpPerAddress.erase(it);
        }
    });
    connect(c, &HttpConnection::requestReceived, this, &EngineIoServer::onRequest);
    if (!m_sweep.isActive())
        m_sweep.start();
    if (limit > 0 && count > limit) {
        qCInfo(lcHub).noquote() << "refused a socket.io HTTP connection from" << address.toString()
                                << "- too many from that address";
        c->refuse(503, "Too many connections from your address");
    }
    c->start();
}

void EngineIoServer::onRequest(HttpConnection *c)
{
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    const HttpConnection::Request &r = c->request();
    auto fail = [c](int status, EngineError error, const Headers &headers = {}) {
        c->respond(status, "application/json", engineErrorBody(error), headers);
    };
    const QUrl url = QUrl::fromEncoded("http://hub" + r.url);
    const QString path = url.path();
    if (path != "/socket.io/"_L1 && path != "/socket.io"_L1) {
        c->respond(404, "text/plain; charset=utf-8", "Not found\n");
        return;
    }
    const QByteArray origin = r.header("origin");
    if (!originAllowed(origin)) {
        qCInfo(lcHub).noquote() << "refused a socket.io request with Origin" << QString::fromUtf8(origin.left(200));
        fail(403, EngineError::Forbidden);
        return;
    }
    Headers cors = corsHeaders(origin);
    if (r.tooLarge) {
        // A body over maxPayload ends the session it was for, as on Engine.IO's own server.
        if (EngineSocket *s = m_sessions.value(QUrlQuery(url).queryItemValue(u"sid"_s).toUtf8()))
            s->abort();
        c->respond(413, "text/plain; charset=utf-8", "Payload Too Large\n", cors, true);
        return;
    }
    if (r.method == "OPTIONS") {
        Headers h = cors;
        h.append(qMakePair(QByteArray("Access-Control-Allow-Methods"), QByteArray("GET, POST")));
        h.append(qMakePair(QByteArray("Access-Control-Allow-Headers"), QByteArray("content-type")));
        c->respond(204, QByteArray(), QByteArray(), h);
        return;
    }
    const QUrlQuery query(url);
    const QString transport = query.queryItemValue(u"transport"_s);
    if (transport != "polling"_L1 && transport != "websocket"_L1) {
        fail(400, EngineError::UnknownTransport, cors);
        return;
    }
    const QByteArray sid = query.queryItemValue(u"sid"_s).toUtf8();
    if (!sid.isEmpty()) {
        EngineSocket *s = m_sessions.value(sid);
        if (!s || s->hasEnded()) {
            fail(400, EngineError::UnknownSid, cors);
            return;
        }
        if (transport != "polling"_L1 || s->transport() != EngineSocket::Transport::Polling) {
            fail(400, EngineError::BadRequest, cors);
            return;
        }
        if (r.method == "GET") {
            s->setGetHeaders(cors);
            if (!s->poll(c)) {
                // Two GETs at once: Engine.IO closes the session.
                fail(400, EngineError::BadRequest, cors);
                s->abort();
            }
            return;
        }
        if (r.method == "POST") {
            if (r.body.isEmpty()) {
                // No packet at all: Engine.IO ends the session (a payload it cannot parse).
                fail(400, EngineError::BadRequest, cors);
                s->abort();
                return;
            }
            const QByteArray body = r.body;
            Headers h = cors;
            c->respond(200, "text/html", "ok", h);
            s->receivePayload(body);
            return;
        }
        fail(400, EngineError::BadRequest, cors);
        return;
    }
    if (r.method != "GET") {
        fail(400, EngineError::BadHandshakeMethod, cors);
        return;
    }
    if (transport == "websocket"_L1) {
        fail(400, EngineError::BadRequest, cors);
        return;
    }
    if (query.queryItemValue(u"EIO"_s) != "4"_L1) {
        fail(400, EngineError::UnsupportedProtocolVersion, cors);
        return;
    }
    // The session is known by the connection of its handshake (later requests may come on others), and belongs to
    // the client this request is for: a proxy may carry several clients' requests on one connection.
    const QHostAddress client = m_trusted.clientOf(c->connectionAddress(), r.header("x-forwarded-for"));
    EngineSocket *s = newSession(client, client == c->connectionAddress() ? c->connectionPort() : 0);
    s->open(nullptr);
    s->setGetHeaders(cors);
    s->poll(c);
    if (!s->hasEnded())
        m_owner.engineSessionOpened(s);
}

EngineSocket *EngineIoServer::newSession(const QHostAddress &address, quint16 port)
{
    QByteArray sid = newSid();
    while (m_sessions.contains(sid))
        sid = newSid();
    auto *s = new EngineSocket(sid, address, port, m_config, this);
    m_sessions.insert(sid, s);
    connect(s, &EngineSocket::ended, this, [this](EngineSocket *ended) {
        const auto it = m_sessions.constFind(ended->sid());
        if (it != m_sessions.cend() && it.value() == ended)
            m_sessions.erase(it);
    });
    if (!m_sweep.isActive())
        m_sweep.start();
    return s;
}

void EngineIoServer::takeWebSocket(QTcpSocket *transport, const QByteArray &target)
{
    auto *ws = new EngineWebSocket(transport, m_config.effectiveHardFrameBytes(), this);
    const QUrlQuery query(QUrl::fromEncoded(target));
    if (query.queryItemValue(u"EIO"_s) != "4"_L1 || query.queryItemValue(u"transport"_s) != "websocket"_L1) {
        ws->start();
        ws->close(1008, query.queryItemValue(u"EIO"_s) != "4"_L1 ? u"Unsupported protocol version"_s
                                                                 : u"Transport unknown"_s);
        connect(ws, &EngineWebSocket::ended, ws, &QObject::deleteLater);
        return;
    }
    const QByteArray sid = query.queryItemValue(u"sid"_s).toUtf8();
    if (!sid.isEmpty()) {
        EngineSocket *s = m_sessions.value(sid);
        if (!s || s->hasEnded() || ws->peerAddress() != s->address()) {
            ws->start();
            ws->close(1008, u"Session ID unknown"_s);
            connect(ws, &EngineWebSocket::ended, ws, &QObject::deleteLater);
            return;
        }
        s->probe(ws);
        return;
    }
    EngineSocket *s = newSession(ws->peerAddress(), ws->peerPort());
    s->open(ws);
    if (!s->hasEnded())
        m_owner.engineSessionOpened(s);
}

void EngineIoServer::sweep()
{
    const qint64 now = m_clock.elapsed();
    const auto sessions = m_sessions;
    for (EngineSocket *s : sessions) {
        if (s->hasEnded())
            continue;
        // A polling client that stopped asking: gone, as if its connection had dropped.
        const qint64 idle = s->pollingIdleMs(now);
        if (idle > m_config.pingTimeoutMs) {
            if (s->isClosing())
                s->abort(); // it was told to go; it did not come for the close
            else
                s->abortLost();
            continue;
        }
        // Refused, and the client never connected its namespace to hear why.
        if (!s->isConnected() && !s->isOpen() && s->ageMs() > m_config.handshakeTimeoutMs)
            s->abort();
    }
    if (m_sessions.isEmpty() && m_http.isEmpty())
        m_sweep.stop();
}

} // namespace PeerLink
