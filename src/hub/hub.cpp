#include "hub.h"

#include "core/rules.h"
#include "hub/hubsession.h"
#include "hub/hubtransport.h"
#include "hub/logging.h"

#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QWebSocket>
#include <QWebSocketCorsAuthenticator>
#include <QWebSocketServer>
#include <QTcpServer>
#include <QTcpSocket>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

#include <algorithm>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// @p words 32-bit words of the system's cryptographic randomness, as lower-case hex.
template<int words>
QString randomHex()
{
    quint32 data[words];
    QRandomGenerator::system()->fillRange(data);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(data), sizeof(data)).toHex());
}

QString newResumeToken()
{
    return randomHex<6>();
}

/// Compares secrets in time independent of where they differ (the length may leak; the content does not).
bool sameSecret(const QString &given, const QString &expected)
{
    const QByteArray x = given.toUtf8();
    const QByteArray y = expected.toUtf8();
    if (y.isEmpty() || x.size() != y.size())
        return false;
    unsigned diff = 0;
    for (qsizetype i = 0; i < x.size(); ++i)
        diff |= unsigned(uchar(x[i]) ^ uchar(y[i]));
    return diff == 0;
}

QString describe(const QHostAddress &address, quint16 port)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol
        ? u"[%1]:%2"_s.arg(address.toString()).arg(port)
        : u"%1:%2"_s.arg(address.toString()).arg(port);
}

} // namespace

namespace {

void tuneAllocator()
{
#if defined(__GLIBC__)
    // The hub gives free memory back itself (releaseFreeMemory), after a burst. Left to itself glibc shrinks the
    // top of its heap whenever 128 KiB lie free there, so a peer sending 1 MiB messages had every buffer of every
    // message returned to the kernel and faulted in again (half the throughput went to page faults). Fixing the
    // trim threshold also fixes the mmap threshold, which would otherwise adapt: large buffers (up to 16 MiB)
    // come from the heap, where the hub's own trim returns them.
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    });
#endif
}

} // namespace

Hub::Hub(const HubConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    tuneAllocator();
    m_clock.start();
    m_housekeeping.setInterval(std::clamp(std::min(m_config.pingIntervalMs, m_config.joinTimeoutMs) / 4, 50, 1000));
    connect(&m_housekeeping, &QTimer::timeout, this, &Hub::onHousekeeping);
    m_settled.setSingleShot(true);
    m_settled.setInterval(kSettleMs);
    connect(&m_settled, &QTimer::timeout, this, [this] { releaseFreeMemory(nowMs(), true); });
}

Hub::~Hub()
{
    // A hub that goes away tells its peers why (close 1001), like close(); then the sessions, which are children,
    // are deleted before the registry they point into.
    const auto sessions = m_sessions;
    m_sessions.clear();
    m_peers.clear();
    for (HubSession *s : sessions) {
        s->closeWith(QWebSocketProtocol::CloseCodeGoingAway, tr("hub shutting down"));
    }
    qDeleteAll(sessions);
}

bool Hub::listen(const QHostAddress &address, quint16 port)
{
    if (m_server && m_server->isListening()) {
        m_errorString = tr("The hub is already listening on %1.").arg(serverUrl().toString());
        return false;
    }
    delete m_server;
    const bool tls = m_config.useTls();
    if (tls && !QSslSocket::supportsSsl()) {
        m_errorString = tr("TLS is not available: Qt found no TLS library (install libssl3).");
        Q_EMIT errorOccurred(m_errorString);
        return false;
    }
    m_tcpServer = nullptr;
    m_ownListener = false;
    m_server = new QWebSocketServer(m_config.name, tls ? QWebSocketServer::SecureMode : QWebSocketServer::NonSecureMode,
                                    this);
    if (tls) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(m_config.tlsCertificate);
        ssl.setPrivateKey(m_config.tlsKey);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone); // peers authenticate with join, not client certificates
        m_server->setSslConfiguration(ssl);
        connect(m_server, &QWebSocketServer::sslErrors, this, [](const QList<QSslError> &errors) {
            qCDebug(lcHub) << "TLS handshake errors:" << errors;
        });
    }
    m_server->setMaxPendingConnections(m_config.maxPendingConnections);
    m_server->setHandshakeTimeout(m_config.handshakeTimeoutMs);
    connect(m_server, &QWebSocketServer::newConnection, this, &Hub::onNewConnection);
    connect(m_server, &QWebSocketServer::originAuthenticationRequired, this,
            [this](QWebSocketCorsAuthenticator *auth) {
                const QString origin = auth->origin();
                const bool allowed = origin.isEmpty() ? m_config.allowNoOrigin : m_config.allowedOrigins.contains(origin);
                if (!allowed)
                    qCInfo(lcHub).noquote() << "refused a connection with Origin" << origin.left(200);
                auth->setAllowed(allowed);
            });
    connect(m_server, &QWebSocketServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        const QString message = tr("Accepting a connection failed: %1").arg(m_server->errorString());
        qCWarning(lcHub).noquote() << message;
        Q_EMIT errorOccurred(message);
    });
    connect(m_server, &QWebSocketServer::serverError, this, [this](QWebSocketProtocol::CloseCode) {
        const QString message = tr("A WebSocket handshake failed: %1").arg(m_server->errorString());
        qCDebug(lcHub).noquote() << message;
    });
    bool listening = false;
    QString listenError;
    if (tls) {
        // wss://: QWebSocketServer's own TLS server does the TLS handshake; its sockets are found by transportOf.
        listening = m_server->listen(address, port);
        listenError = m_server->errorString();
#ifdef Q_OS_UNIX
        // QWebSocketServer listens with Qt's fixed queue of 50 and does not expose QTcpServer::setListenBacklogSize;
        // listen() again on the listening socket sets the queue length (POSIX).
        if (listening && ::listen(int(m_server->socketDescriptor()), m_config.listenBacklog) != 0)
            qCWarning(lcHub) << "could not set the listen backlog to" << m_config.listenBacklog;
#endif
    } else {
        // ws://: the hub accepts the connections itself (HubTcpSocket: no 32 KiB write buffer kept per peer, writes
        // straight to the kernel) and hands each to QWebSocketServer for the WebSocket handshake.
        auto *listener = new HubTcpServer(m_server);
        listener->setListenBacklogSize(m_config.listenBacklog);
        listener->setMaxPendingConnections(m_config.maxPendingConnections);
        listener->setHandshakeTimeout(m_config.handshakeTimeoutMs);
        listener->setMaxHandshakes(m_config.maxHandshakes);
        listener->setMaxHandshakesPerAddress(m_config.maxConnectionsPerAddress);
        connect(listener, &HubTcpServer::refused, this, [this](const QHostAddress &address, const QString &reason) {
            // Under a flood this would be a line per connection: the first, then at most one per 10 s with a count.
            ++m_refusedHandshakes;
            const qint64 now = nowMs();
            if (m_lastRefusalLogMs == 0 || now - m_lastRefusalLogMs >= 10000) {
                qCWarning(lcHub).noquote() << "refused" << m_refusedHandshakes << "connection(s) before their handshake;"
                                           << "latest from" << address.toString() << "-" << reason;
                m_lastRefusalLogMs = std::max<qint64>(now, 1);
                m_refusedHandshakes = 0;
            }
        });
        connect(listener, &QTcpServer::newConnection, this, [this, listener] {
            while (listener->hasPendingConnections())
                m_server->handleConnection(listener->nextPendingConnection());
        });
        connect(listener, &QTcpServer::acceptError, this, [this, listener](QAbstractSocket::SocketError) {
            const QString message = tr("Accepting a connection failed: %1").arg(listener->errorString());
            qCWarning(lcHub).noquote() << message;
            Q_EMIT errorOccurred(message);
        });
        listening = listener->listen(address, port);
        listenError = listener->errorString();
        m_tcpServer = listener;
        m_ownListener = true;
    }
    if (!listening) {
        m_errorString = tr("Cannot listen on %1: %2").arg(describe(address, port), listenError);
        qCWarning(lcHub).noquote() << m_errorString;
        Q_EMIT errorOccurred(m_errorString);
        delete m_server;
        m_server = nullptr;
        m_tcpServer = nullptr;
        m_ownListener = false;
        return false;
    }
    m_closing = false;
    m_closedAnnounced = false;
    m_errorString.clear();
    m_lastPingMs = nowMs();
    m_housekeeping.start();
    qCInfo(lcHub).noquote() << "listening on" << serverUrl().toString();
    return true;
}

void Hub::close()
{
    m_closing = true;
    m_ghosts.clear();
    if (m_server)
        m_server->close();
    if (m_ownListener && m_tcpServer)
        m_tcpServer->close();
    m_housekeeping.stop();
    const auto sessions = m_sessions;
    for (HubSession *s : sessions) {
        unregister(s, tr("hub shutting down"), false);
        s->closeWith(QWebSocketProtocol::CloseCodeGoingAway, tr("hub shutting down"));
    }
    checkClosed();
}

void Hub::checkClosed()
{
    if (m_closing && !m_closedAnnounced && m_sessions.isEmpty()) {
        m_closedAnnounced = true;
        QMetaObject::invokeMethod(this, &Hub::closed, Qt::QueuedConnection);
    }
}

bool Hub::isListening() const
{
    if (m_ownListener)
        return m_server && m_tcpServer && m_tcpServer->isListening();
    return m_server && m_server->isListening();
}

quint16 Hub::serverPort() const
{
    if (!isListening())
        return 0;
    return m_ownListener ? m_tcpServer->serverPort() : m_server->serverPort();
}

QHostAddress Hub::serverAddress() const
{
    if (!isListening())
        return QHostAddress();
    return m_ownListener ? m_tcpServer->serverAddress() : m_server->serverAddress();
}

QUrl Hub::serverUrl() const
{
    if (!isListening())
        return QUrl();
    return QUrl((m_config.useTls() ? u"wss://"_s : u"ws://"_s) + describe(serverAddress(), serverPort()));
}

QString Hub::certificateFingerprint() const
{
    return m_config.useTls() ? Rules::certificateFingerprint(m_config.tlsCertificate.toDer()) : QString();
}

QList<HubPeer> Hub::peers() const
{
    QList<HubPeer> list;
    list.reserve(m_peers.size());
    for (const HubSession *s : m_peers)
        list.append(describePeer(s));
    std::sort(list.begin(), list.end(), [](const HubPeer &a, const HubPeer &b) {
        return a.joinedAt < b.joinedAt || (a.joinedAt == b.joinedAt && a.id < b.id);
    });
    return list;
}

HubPeer Hub::describePeer(const HubSession *s)
{
    return HubPeer { s->id(), s->name(), s->address(), s->port(), s->joinedAt(), s->sentCount(), s->isHost() };
}

bool Hub::kick(const QString &id, const QString &reason)
{
    if (m_ghosts.contains(id)) {
        bury(id, reason.isEmpty() ? tr("kicked by the hub") : tr("kicked by the hub: %1").arg(reason));
        return true;
    }
    HubSession *s = m_peers.value(id);
    if (!s)
        return false;
    const QString why = reason.isEmpty() ? tr("kicked by the hub") : tr("kicked by the hub: %1").arg(reason);
    unregister(s, why);
    s->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, why);
    return true;
}

bool Hub::ban(const QString &id)
{
    if (!Rules::isValidId(id))
        return false;
    if (!m_config.bannedIds.contains(id))
        m_config.bannedIds.append(id);
    bury(id, tr("banned"));
    if (HubSession *s = m_peers.value(id)) {
        if (!m_config.bannedAddresses.contains(s->address()))
            m_config.bannedAddresses.append(s->address());
        unregister(s, tr("banned"));
        sendError(s, ErrorCode::Banned, tr("You are banned from this hub."));
        s->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, tr("banned"));
    }
    return true;
}

void Hub::setBans(const QStringList &ids, const QList<QHostAddress> &addresses)
{
    m_config.bannedIds = ids;
    m_config.bannedAddresses = addresses;
    const auto peers = m_peers;
    for (HubSession *s : peers) {
        if (isBanned(s->id(), s->address())) {
            unregister(s, tr("banned"));
            sendError(s, ErrorCode::Banned, tr("You are banned from this hub."));
            s->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, tr("banned"));
        }
    }
}

bool Hub::isBanned(const QString &id, const QHostAddress &address) const
{
    if (!id.isEmpty() && m_config.bannedIds.contains(id))
        return true;
    for (const QHostAddress &banned : m_config.bannedAddresses) {
        if (banned.isEqual(address, QHostAddress::TolerantConversion))
            return true;
    }
    return false;
}

void Hub::bury(const QString &id, const QString &reason)
{
    const auto it = m_ghosts.constFind(id);
    if (it == m_ghosts.cend())
        return;
    const Ghost ghost = *it;
    m_ghosts.erase(it);
    m_introductions.removeIf([&id](const auto &i) { return i.value().initiator == id || i.value().target == id; });
    for (const Ghost::Queued &q : ghost.queue) {
        if (HubSession *sender = m_peers.value(q.sender); sender && !q.mid.isEmpty())
            sendError(sender, ErrorCode::PeerUnavailable, tr("%1 lost its connection.").arg(id), q.mid);
    }
    qCInfo(lcHub).noquote() << "peer left:" << id << "-" << reason;
    broadcast(encode(PeerDisconnected { id }), nullptr);
    Q_EMIT peerLeft(id, reason);
}

QString Hub::addressKey(const QHostAddress &address)
{
    return unmappedAddress(address).toString();
}

bool Hub::autobanned(const QHostAddress &address)
{
    if (m_config.autobanConnections <= 0)
        return false;
    const QString key = addressKey(address); // as the per-address count: ::ffff:a.b.c.d is a.b.c.d
    const qint64 now = nowMs();
    if (m_autobannedUntil.value(key) > now)
        return true;
    QList<qint64> &times = m_connectTimes[key];
    times.removeIf([&](qint64 t) { return now - t > m_config.autobanWindowMs; });
    times.append(now);
    if (times.size() <= m_config.autobanConnections)
        return false;
    m_autobannedUntil.insert(key, now + m_config.autobanDurationMs);
    times.clear();
    qCWarning(lcHub).noquote() << "autoban:" << key << "for" << m_config.autobanDurationMs / 1000 << "s";
    return true;
}

// ---- Connections ----------------------------------------------------------------------------------------------

QTcpSocket *Hub::transportOf(const QWebSocket *socket)
{
    // QWebSocketServer accepts with a QTcpServer of its own (a QSslServer for wss://) and leaves each accepted
    // QTcpSocket that server's child under the QWebSocket made from it. Qt does not document this, so it is looked
    // up, not assumed: the newest children first (the socket was accepted moments ago), a bounded number of them,
    // matched by the peer's address and port. Not found: the session sends through QWebSocket as usual.
    // For ws:// the hub accepted the connection itself (HubTcpServer) and knows it.
    if (m_ownListener)
        return m_tcpServer ? static_cast<HubTcpServer *>(m_tcpServer.data())->takeUpgraded(socket->peerAddress(), socket->peerPort())
                           : nullptr;
    if (!m_tcpServer)
        m_tcpServer = m_server->findChild<QTcpServer *>();
    if (!m_tcpServer)
        return nullptr;
    const QObjectList &children = m_tcpServer->children();
    int looked = 0;
    for (auto it = children.crbegin(); it != children.crend() && looked < 4096; ++it, ++looked) {
        auto *tcp = qobject_cast<QTcpSocket *>(*it);
        if (tcp && tcp->peerPort() == socket->peerPort() && tcp->peerAddress() == socket->peerAddress()
            && tcp->state() == QAbstractSocket::ConnectedState)
            return tcp;
    }
    return nullptr;
}

void Hub::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        QWebSocket *socket = m_server->nextPendingConnection();
        if (!socket)
            break;
        const qint64 hard = m_config.effectiveHardFrameBytes();
        socket->setMaxAllowedIncomingFrameSize(quint64(hard));
        socket->setMaxAllowedIncomingMessageSize(quint64(hard));

        auto *session = new HubSession(socket, transportOf(socket), &m_output, TokenBucket(m_config.messagesPerSecond, m_config.messageBurst),
                                       nowMs(), this);
        session->setByteBucket(TokenBucket(m_config.bytesPerSecond, m_config.byteBurst));
        m_sessions.insert(session);
        connect(socket, &QWebSocket::textMessageReceived, session,
                [this, session](const QString &message) { onTextMessage(session, message); });
        connect(socket, &QWebSocket::binaryMessageReceived, session,
                [this, session](const QByteArray &) { onBinaryMessage(session); });
        connect(socket, &QWebSocket::pong, session,
                [this, session](quint64, const QByteArray &) { session->touch(nowMs()); });
        connect(socket, &QWebSocket::disconnected, session, [this, session] { onDisconnected(session); });

        const int fromSameAddress = ++m_connectionsPerAddress[addressKey(session->address())];
        if (m_closing) {
            session->closeWith(QWebSocketProtocol::CloseCodeGoingAway, tr("hub shutting down"));
        } else if (isBanned(QString(), session->address())) {
            refuseAndClose(session, ErrorCode::Banned, tr("Your address is banned from this hub."));
        } else if (autobanned(session->address())) {
            refuseAndClose(session, ErrorCode::Banned,
                           tr("Too many connections from your address in a short time; try again later."));
        } else if (m_config.maxConnectionsPerAddress > 0 && fromSameAddress > m_config.maxConnectionsPerAddress) {
            refuseAndClose(session, ErrorCode::HubFull,
                           tr("Too many connections from your address (at most %1).").arg(m_config.maxConnectionsPerAddress));
        }
    }
}

void Hub::onDisconnected(HubSession *session)
{
    m_settled.start();
    if (!m_sessions.remove(session))
        return;
    const QString key = addressKey(session->address());
    if (--m_connectionsPerAddress[key] <= 0)
        m_connectionsPerAddress.remove(key);
    QString reason = session->closeReason();
    if (reason.isEmpty()) {
        const QString peerReason = session->socket()->closeReason();
        reason = peerReason.isEmpty() ? tr("connection closed") : peerReason;
    }
    if (session->lostConnection() && m_config.reconnectGraceMs > 0 && session->isJoined()
        && m_peers.value(session->id()) == session) {
        // Dropped, not closed: maybe it is on its way back. Keep its place for a moment, and tell nobody yet.
        m_peers.remove(session->id());
        m_ghosts.insert(session->id(), Ghost { session->name(), session->resumeToken(), session->joinedAt(),
                                               session->isHost(), nowMs() + m_config.reconnectGraceMs, {} });
        qCInfo(lcHub).noquote() << "peer lost its connection:" << session->id() << "- waiting"
                                << m_config.reconnectGraceMs << "ms";
        session->deleteLater();
        checkClosed();
        return;
    }
    unregister(session, reason);
    session->deleteLater();
    checkClosed();
}

void Hub::unregister(HubSession *session, const QString &reason, bool announce)
{
    if (!session->isJoined() || m_peers.value(session->id()) != session)
        return;
    const QString id = session->id();
    m_peers.remove(id);
    // A peer that really leaves takes its introductions along; a resumed one keeps them.
    if (announce)
        m_introductions.removeIf([&id](const auto &it) { return it.value().initiator == id || it.value().target == id; });
    qCInfo(lcHub).noquote() << "peer left:" << id << "-" << reason;
    if (announce)
        broadcast(encode(PeerDisconnected { id }), session);
    Q_EMIT peerLeft(id, reason);
}

void Hub::releaseFreeMemory(qint64 now, bool settled)
{
#if defined(__GLIBC__)
    // A crowd joining, or a burst of broadcasts, fills every peer's pending frames for a moment. glibc keeps the
    // freed memory in the middle of its heap, so the hub's resident size would stay at its peak for good. When
    // more than kTrimFreeBytes lie free and the heap has changed since the last time, the pages of free chunks
    // are given back to the system (malloc_trim: madvise). That is a pause (about 12 ms after a crowd of 10 000
    // joined, 110 MiB given back), so it is done when joins and leaves have stopped for kSettleMs (@p settled),
    // before the peers get busy, and otherwise at most every kTrimIntervalMs; an idle hub does not trim again.
    constexpr qint64 kTrimIntervalMs = 10000;
    constexpr size_t kTrimFreeBytes = 4 * 1024 * 1024;
    constexpr size_t kTrimChangedBytes = 1024 * 1024;
    if (!settled && now - m_lastTrimMs < kTrimIntervalMs)
        return;
    m_lastTrimMs = now;
    QElapsedTimer took;
    took.start();
    const struct mallinfo2 heap = mallinfo2();
    const auto distance = [](size_t a, size_t b) { return a > b ? a - b : b - a; };
    const size_t changed = distance(heap.fordblks, m_heapFreeAtTrim) + distance(heap.uordblks, m_heapUsedAtTrim);
    if (heap.fordblks <= kTrimFreeBytes || changed <= kTrimChangedBytes)
        return;
    malloc_trim(0);
    m_heapFreeAtTrim = heap.fordblks;
    m_heapUsedAtTrim = heap.uordblks;
    qCDebug(lcHub) << "gave back free memory:" << heap.fordblks / 1024 << "KiB free in the heap, took"
                   << took.nsecsElapsed() / 1000 << "µs";
#else
    Q_UNUSED(now);
    Q_UNUSED(settled);
#endif
}

void Hub::onHousekeeping()
{
    const qint64 now = nowMs();
    releaseFreeMemory(now, false);
    const bool pingNow = m_config.pingIntervalMs > 0 && now - m_lastPingMs >= m_config.pingIntervalMs;
    if (pingNow)
        m_lastPingMs = now;
    const qint64 silenceLimit = qint64(m_config.pingIntervalMs) + m_config.pingTimeoutMs;
    m_introductions.removeIf([now](const auto &it) { return it.value().expiresMs < now; });
    m_autobannedUntil.removeIf([now](const auto &it) { return it.value() < now; });
    const auto ghosts = m_ghosts.keys();
    for (const QString &id : ghosts) {
        if (m_ghosts.value(id).expiresMs < now)
            bury(id, tr("connection lost"));
    }
    m_connectTimes.removeIf([this, now](const auto &it) {
        return it.value().isEmpty() || now - it.value().constLast() > m_config.autobanWindowMs;
    });
    const auto sessions = m_sessions;
    for (HubSession *s : sessions) {
        if (s->isClosing())
            continue;
        if (!s->isJoined()) {
            if (m_config.joinTimeoutMs > 0 && now - s->connectedAtMs() > m_config.joinTimeoutMs)
                refuseAndClose(s, ErrorCode::NotJoined, tr("No join within %1 ms.").arg(m_config.joinTimeoutMs));
            continue;
        }
        if (m_config.pingIntervalMs > 0 && now - s->lastSeenMs() > silenceLimit) {
            const QString why = tr("heartbeat timeout");
            unregister(s, why);
            s->closeWith(QWebSocketProtocol::CloseCodeGoingAway, why);
        } else if (pingNow) {
            s->socket()->ping();
        }
    }
}

// ---- Input ----------------------------------------------------------------------------------------------------

void Hub::onTextMessage(HubSession *session, const QString &message)
{
    if (session->isClosing())
        return;
    session->touch(nowMs());
    const QByteArray utf8 = message.toUtf8();
    if (utf8.size() > m_config.maxMessageBytes) {
        refuseAndClose(session, ErrorCode::TooLarge,
                       tr("A message is at most %1 bytes; this one has %2.")
                           .arg(m_config.maxMessageBytes)
                           .arg(utf8.size()),
                       QWebSocketProtocol::CloseCodeTooMuchData);
        return;
    }
    if (!session->byteBucket().tryTake(nowMs(), double(utf8.size()))) {
        sendError(session, ErrorCode::RateLimited,
                  tr("Too many bytes: at most %1 per second.").arg(qint64(m_config.bytesPerSecond)), QString());
        return;
    }
    const Decoded<ClientEnvelope> decoded = decodeClientMessage(utf8);
    if (!decoded.ok()) {
        const DecodeError &e = decoded.error();
        rejectInvalid(session, e.code, e.message, e.ref);
        return;
    }
    std::visit([this, session](const auto &envelope) { handle(session, envelope); }, decoded.envelope());
}

void Hub::onBinaryMessage(HubSession *session)
{
    if (session->isClosing())
        return;
    session->touch(nowMs());
    rejectInvalid(session, ErrorCode::BadMessage, tr("Binary frames are not part of the protocol; send JSON text."),
                  QString());
}

void Hub::handle(HubSession *session, const JoinRequest &join)
{
    m_settled.start(); // memory is given back once the crowd has settled
    if (session->isJoined()) {
        rejectInvalid(session, ErrorCode::AlreadyJoined, tr("This connection has already joined as %1.").arg(session->id()),
                      u"join"_s);
        return;
    }
    if (isBanned(join.id, session->address())) {
        refuseAndClose(session, ErrorCode::Banned, tr("You are banned from this hub."));
        return;
    }
    if (!m_config.password.isEmpty() && !sameSecret(join.password, m_config.password)) {
        refuseAndClose(session, ErrorCode::AuthFailed, tr("Wrong hub password."));
        return;
    }
    if (m_ghosts.contains(join.id)) {
        const Ghost ghost = m_ghosts.value(join.id);
        if (join.resume.isEmpty() || !sameSecret(join.resume, ghost.resumeToken)) {
            sendError(session, ErrorCode::IdTaken, tr("The id %1 is already in use on this hub.").arg(join.id), u"join"_s);
            return;
        }
        // Back within its grace: nobody was told it had gone; what waited for it is delivered now, and acked.
        m_ghosts.remove(join.id);
        session->setJoined(join.id, join.name.isEmpty() ? ghost.name : join.name, newResumeToken(), ghost.joinedAt);
        session->setHost(ghost.host);
        m_peers.insert(join.id, session);
        session->send(welcomeBytes(session));
        for (const Ghost::Queued &q : ghost.queue) {
            deliver(session, q.frame);
            if (HubSession *sender = m_peers.value(q.sender); sender && !q.mid.isEmpty())
                sender->send(encode(Ack { q.mid }));
        }
        qCInfo(lcHub).noquote() << "peer resumed:" << join.id;
        return;
    }
    HubSession *previous = m_peers.value(join.id);
    if (previous) {
        if (join.resume.isEmpty() || !sameSecret(join.resume, previous->resumeToken())) {
            sendError(session, ErrorCode::IdTaken, tr("The id %1 is already in use on this hub.").arg(join.id), u"join"_s);
            return;
        }
        // The same peer, back on a new connection: hand the id over without telling the others it left.
        unregister(previous, tr("resumed on a new connection"), false);
        previous->closeWith(QWebSocketProtocol::CloseCodeNormal, tr("resumed on a new connection"));
    } else if (m_peers.size() + m_ghosts.size() >= m_config.maxPeers) {
        refuseAndClose(session, ErrorCode::HubFull, tr("The hub is full (%1 peers).").arg(m_config.maxPeers));
        return;
    }

    const QString name = join.name.isEmpty() && previous ? previous->name() : join.name;
    session->setJoined(join.id, name, newResumeToken(),
                       previous ? previous->joinedAt() : QDateTime::currentDateTimeUtc());
    session->setHost(!m_config.hostId.isEmpty() && join.id == m_config.hostId && session->address().isLoopback());

    const QByteArray welcome = welcomeBytes(session);
    m_peers.insert(join.id, session);
    session->send(welcome);

    if (!previous) {
        broadcast(encode(PeerConnected { join.id, name, session->isHost() }), session);
        qCInfo(lcHub).noquote() << "peer joined:" << join.id << "from" << describe(session->address(), session->port());
        Q_EMIT peerJoined(describePeer(session));
    }
}

QByteArray Hub::welcomeBytes(const HubSession *session) const
{
    // Each peer's entry is made once (HubSession::peerEntry); a welcome copies them (encode(Welcome) is built from
    // the same encodePeerEntry and encodeWelcome).
    QByteArray peers;
    peers.reserve(2 + (m_peers.size() + m_ghosts.size()) * 16);
    peers.append('[');
    bool first = true;
    for (const HubSession *other : std::as_const(m_peers)) {
        if (other == session)
            continue;
        if (!first)
            peers.append(',');
        first = false;
        peers.append(other->peerEntry());
    }
    for (auto it = m_ghosts.cbegin(); it != m_ghosts.cend(); ++it) { // still there, as far as anyone knows
        if (!first)
            peers.append(',');
        first = false;
        peers.append(encodePeerEntry(PeerInfo { it.key(), it->name, it->host }));
    }
    peers.append(']');
    Welcome head;
    head.id = session->id();
    head.hub = m_config.name;
    head.resume = session->resumeToken();
    return encodeWelcome(head, peers);
}

void Hub::handle(HubSession *session, const MessageRequest &message)
{
    const QString ref = message.mid.isEmpty() ? u"message"_s : message.mid;
    if (!session->isJoined()) {
        rejectInvalid(session, ErrorCode::NotJoined, tr("Join before sending messages."), ref);
        return;
    }
    if (!session->messageBucket().tryTake(nowMs())) {
        sendError(session, ErrorCode::RateLimited,
                  tr("Too many messages: at most %1 per second.").arg(m_config.messagesPerSecond), ref);
        return;
    }

    ChatMessage out { session->id(), message.text, message.to, message.mid, QDateTime::currentMSecsSinceEpoch() };
    int recipients = 0;
    if (!message.to.isEmpty() && m_ghosts.contains(message.to)) {
        Ghost &ghost = m_ghosts[message.to];
        if (ghost.queue.size() >= m_config.maxGhostQueue) {
            sendError(session, ErrorCode::PeerUnavailable, tr("%1 lost its connection.").arg(message.to), ref);
            return;
        }
        // Held for it; the ack comes when it is back and the message handed on.
        ghost.queue.append(Ghost::Queued { encode(out), session->id(), message.mid });
        session->countSent();
        ++m_routed;
        Q_EMIT messageRouted(session->id(), message.to, 0);
        return;
    }
    if (!message.to.isEmpty()) {
        HubSession *target = m_peers.value(message.to);
        if (!target) {
            sendError(session, ErrorCode::PeerUnavailable, tr("No peer %1 is joined to this hub.").arg(message.to), ref);
            return;
        }
        deliver(target, encode(out));
        recipients = 1;
    } else {
        // One encode and one WebSocket frame for every recipient.
        const QByteArray utf8 = encode(out);
        const QByteArray frame = HubSession::textFrame(utf8);
        const auto peers = m_peers; // deliver() may drop a slow reader from m_peers
        for (HubSession *other : peers) {
            if (other != session) {
                deliver(other, frame, utf8);
                ++recipients;
            }
        }
        for (Ghost &ghost : m_ghosts) {
            if (ghost.queue.size() < m_config.maxGhostQueue)
                ghost.queue.append(Ghost::Queued { utf8, QString(), QString() });
        }
    }
    session->countSent();
    ++m_routed;
    m_delivered += quint64(recipients);
    if (!message.mid.isEmpty())
        session->send(encode(Ack { message.mid }));
    Q_EMIT messageRouted(session->id(), message.to, recipients);
}

void Hub::handle(HubSession *session, const ConnectRequest &request)
{
    const QString ref = u"connect_to_peer"_s;
    if (!session->isJoined()) {
        rejectInvalid(session, ErrorCode::NotJoined, tr("Join before asking to connect to a peer."), ref);
        return;
    }
    if (request.peer == session->id()) {
        rejectInvalid(session, ErrorCode::BadMessage, tr("A peer cannot connect to itself."), ref);
        return;
    }
    // Introductions cost the same as messages: they make the target do work (answer, maybe dial).
    if (!session->messageBucket().tryTake(nowMs())) {
        sendError(session, ErrorCode::RateLimited,
                  tr("Too many requests: at most %1 per second.").arg(m_config.messagesPerSecond), ref);
        return;
    }
    HubSession *target = m_peers.value(request.peer);
    if (!target) {
        sendError(session, ErrorCode::PeerUnavailable, tr("No peer %1 is joined to this hub.").arg(request.peer), ref);
        return;
    }
    const QString initiator = session->id();
    const auto pending = std::count_if(m_introductions.cbegin(), m_introductions.cend(),
                                       [&initiator](const Introduction &i) { return i.initiator == initiator; });
    if (pending >= m_config.maxPendingIntroductions) {
        sendError(session, ErrorCode::RateLimited,
                  tr("At most %1 introductions may wait for an answer at once.").arg(m_config.maxPendingIntroductions), ref);
        return;
    }
    // A fresh link id and one-time secret for this pair: the target gets the secret now (to check a dialer),
    // the initiator only if the target accepts.
    ConnectOffer offer;
    offer.from = initiator;
    offer.link = randomHex<4>();
    offer.secret = randomHex<8>();
    offer.addrs = request.listen;
    offer.observed = addressKey(session->address());
    m_introductions.insert(offer.link,
                           Introduction { initiator, target->id(), offer.secret, nowMs() + m_config.introductionTimeoutMs });
    target->send(encode(offer));
}

void Hub::handle(HubSession *session, const ConnectAnswer &answer)
{
    const QString ref = answer.accept ? u"connect_accept"_s : u"connect_decline"_s;
    if (!session->isJoined()) {
        rejectInvalid(session, ErrorCode::NotJoined, tr("Join before answering an introduction."), ref);
        return;
    }
    if (!session->messageBucket().tryTake(nowMs())) {
        sendError(session, ErrorCode::RateLimited,
                  tr("Too many requests: at most %1 per second.").arg(m_config.messagesPerSecond), ref);
        return;
    }
    const auto it = m_introductions.constFind(answer.link);
    if (it == m_introductions.cend() || it->target != session->id() || it->initiator != answer.peer
        || it->expiresMs < nowMs()) {
        sendError(session, ErrorCode::UnknownLink, tr("No introduction %1 from %2 is waiting for you.").arg(answer.link, answer.peer),
                  ref);
        return;
    }
    const Introduction intro = *it;
    m_introductions.erase(it);
    HubSession *initiator = m_peers.value(intro.initiator);
    if (!initiator) {
        sendError(session, ErrorCode::PeerUnavailable, tr("%1 has left the hub.").arg(intro.initiator), ref);
        return;
    }
    if (!answer.accept) {
        const QString why = answer.reason.isEmpty() ? tr("%1 declined to connect.").arg(session->id())
                                                    : tr("%1 declined to connect: %2").arg(session->id(), answer.reason);
        // ref names the peer that declined, so the initiator knows which of its requests this answers.
        sendError(initiator, ErrorCode::ConnectDeclined, why, session->id());
        return;
    }
    ConnectAccepted accepted;
    accepted.from = session->id();
    accepted.link = answer.link;
    accepted.secret = intro.secret;
    accepted.addrs = answer.listen;
    accepted.observed = addressKey(session->address());
    initiator->send(encode(accepted));
}

void Hub::handle(HubSession *session, const LeaveRequest &)
{
    if (!session->isJoined()) {
        rejectInvalid(session, ErrorCode::NotJoined, tr("Join before leaving."), u"leave"_s);
        return;
    }
    unregister(session, tr("left"));
    session->closeWith(QWebSocketProtocol::CloseCodeNormal, tr("left"));
}

// ---- Output ---------------------------------------------------------------------------------------------------

void Hub::sendError(HubSession *session, ErrorCode code, const QString &message, const QString &ref)
{
    session->send(encode(makeError(code, message, ref)));
}

void Hub::rejectInvalid(HubSession *session, ErrorCode code, const QString &message, const QString &ref)
{
    sendError(session, code, message, ref);
    if (session->addInvalid() > m_config.maxInvalidMessages) {
        const QString why = tr("too many invalid messages");
        unregister(session, why);
        session->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, why);
    }
}

void Hub::refuseAndClose(HubSession *session, ErrorCode code, const QString &message,
                         QWebSocketProtocol::CloseCode closeCode)
{
    sendError(session, code, message);
    unregister(session, message);
    session->closeWith(closeCode, errorCodeName(code));
}

void Hub::broadcast(const QByteArray &utf8, const HubSession *except)
{
    const QByteArray frame = HubSession::textFrame(utf8);
    const auto peers = m_peers; // deliver() may drop a slow reader from m_peers
    for (HubSession *other : peers) {
        if (other != except)
            deliver(other, frame, utf8);
    }
}

void Hub::deliver(HubSession *session, const QByteArray &utf8)
{
    deliver(session, HubSession::textFrame(utf8), utf8);
}

void Hub::deliver(HubSession *session, const QByteArray &frame, const QByteArray &utf8)
{
    if (session->isClosing())
        return;
    if (session->queuedBytes() + frame.size() > m_config.maxQueuedBytes) {
        // It has stopped reading: drop it at once (no close frame could get through) rather than buffer more.
        const QString why = tr("not reading (over %1 bytes queued)").arg(m_config.maxQueuedBytes);
        unregister(session, why);
        session->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, why);
        session->socket()->abort();
        return;
    }
    session->sendFrame(frame, utf8);
}

} // namespace PeerLink
