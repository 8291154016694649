#include "directlinks.h"

#include "client/logging.h"
#include "client/lowdelay.h"
#include "core/base64url.h"
#include "core/fileprotocol.h"
#include "core/rules.h"
#include "core/secrets.h"
#include "crypto/sodium.h"

#include <QNetworkInterface>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

// How long an introduction we were told of may be used.
constexpr int kExpectedMs = 60000;

QString endpoint(const QHostAddress &address, quint16 port)
{
    return hostPort(address.toString(), port, true); // no scope: endpoints are handed to other machines
}

/// A base64url field of a handshake frame: @p size bytes, or empty when absent; @p ok false when malformed.
QByteArray decodeField(const QString &text, int size, bool *ok)
{
    if (text.isEmpty())
        return QByteArray();
    bool good = false;
    const QByteArray bytes = Crypto::fromBase64(text.toLatin1(), &good);
    if (!good || bytes.size() != size)
        *ok = false;
    return bytes;
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(Crypto::toBase64(bytes));
}

} // namespace

DirectLinks::DirectLinks(QObject *parent)
    : QObject(parent)
    , m_keepalive(new QTimer(this))
{
    connect(m_keepalive, &QTimer::timeout, this, &DirectLinks::onKeepalive);
    m_keepalive->start(m_keepaliveIntervalMs);
}

DirectLinks::~DirectLinks()
{
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets) {
        s->disconnect(this);
        s->abort();
        delete s;
    }
}

void DirectLinks::setKeepalive(int intervalMs, int timeoutMs)
{
    m_keepaliveIntervalMs = std::max(10, intervalMs);
    m_keepaliveTimeoutMs = std::max(10, timeoutMs);
    m_keepalive->start(m_keepaliveIntervalMs);
}

void DirectLinks::onKeepalive()
{
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets) {
        const auto it = m_conns.constFind(s);
        if (it == m_conns.cend() || it->stage != Stage::Up)
            continue;
        if (it->lastSeen.hasExpired(m_keepaliveIntervalMs + m_keepaliveTimeoutMs))
            fail(s, tr("no answer to keepalives"));
        else
            s->ping();
    }
}

int DirectLinks::pendingListenerConnections() const
{
    return int(std::count_if(m_conns.cbegin(), m_conns.cend(),
        [](const Conn &c) { return c.role == Role::Listener && c.stage != Stage::Up; }));
}

bool DirectLinks::listen(const QHostAddress &address, quint16 port)
{
    stopListening();
    m_server = new QWebSocketServer(u"PeerLink direct link"_s, QWebSocketServer::NonSecureMode, this);
    m_server->setHandshakeTimeout(m_timeoutMs);
    connect(m_server, &QWebSocketServer::newConnection, this, &DirectLinks::onNewConnection);
    if (!m_server->listen(address, port)) {
        m_errorString = tr("Cannot listen for direct links on %1: %2")
                            .arg(endpoint(address, port), m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    return true;
}

void DirectLinks::stopListening()
{
    delete m_server;
    m_server = nullptr;
}

bool DirectLinks::isListening() const
{
    return m_server && m_server->isListening();
}

QStringList DirectLinks::endpoints() const
{
    if (!isListening())
        return {};
    const QHostAddress bound = m_server->serverAddress();
    const quint16 port = m_server->serverPort();
    QStringList list;
    const bool any = bound == QHostAddress(QHostAddress::Any) || bound == QHostAddress(QHostAddress::AnyIPv4)
        || bound == QHostAddress(QHostAddress::AnyIPv6);
    if (!any)
        return { endpoint(bound, port) };
    // Every usable address of this machine: LAN addresses first, loopback last (for peers on the same
    // machine).
    QStringList loopback;
    for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
        if (a.isLinkLocal() || a.isNull())
            continue;
        const bool v4 = a.protocol() == QAbstractSocket::IPv4Protocol;
        if (bound == QHostAddress(QHostAddress::AnyIPv4) && !v4)
            continue;
        if (bound == QHostAddress(QHostAddress::AnyIPv6) && v4)
            continue;
        (a.isLoopback() ? loopback : list).append(endpoint(a, port));
    }
    list += loopback;
    return list.mid(0, Rules::MaxEndpoints);
}

bool DirectLinks::hasLink(const QString &peer) const
{
    const auto it = m_peers.constFind(peer);
    return it != m_peers.cend() && it->link;
}

DirectLinks::Peer *DirectLinks::expecting(const QString &link)
{
    for (auto it = m_peers.begin(); it != m_peers.end(); ++it) {
        if (it->expected && it->expected->link == link)
            return &*it;
    }
    return nullptr;
}

void DirectLinks::prune(const QString &peer)
{
    const auto it = m_peers.constFind(peer);
    if (it != m_peers.cend() && !it->link && it->dialsInFlight == 0 && !it->expected)
        m_peers.erase(it);
}

void DirectLinks::expect(const QString &peer, const QString &link, const QString &secret)
{
    // Bounded: expired introductions go, a peer has one at a time, and at most MaxExpected are kept.
    int count = 0;
    for (auto it = m_peers.begin(); it != m_peers.end(); ++it) {
        if (it->expected && it->expected->deadline.hasExpired())
            it->expected.reset();
        count += it->expected ? 1 : 0;
    }
    Peer &record = m_peers[peer];
    count -= record.expected ? 1 : 0;
    while (count >= MaxExpected) {
        Peer *oldest = nullptr;
        for (auto it = m_peers.begin(); it != m_peers.end(); ++it) {
            if (it->expected && &*it != &record
                && (!oldest || it->expected->deadline < oldest->expected->deadline))
                oldest = &*it;
        }
        if (!oldest)
            break;
        oldest->expected.reset();
        --count;
    }
    record.expected = Expected { link, secret, QDeadlineTimer(kExpectedMs) };
    // A dial may have come before we learnt of the link (the other side can be quicker than the hub).
    for (auto it = m_conns.begin(); it != m_conns.end(); ++it) {
        if (it->role == Role::Listener && it->stage == Stage::AwaitLink && it->link == link) {
            answerHello(it.key(), *it);
            break;
        }
    }
}

void DirectLinks::dial(
    const QString &peer, const QString &link, const QString &secret, const QStringList &candidates)
{
    int started = 0;
    for (const QString &candidate : candidates) {
        if (!Rules::isValidEndpoint(candidate))
            continue;
        const QUrl url(u"ws://"_s + candidate + u'/');
        if (!url.isValid())
            continue;
        auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        // Counted before open(): a connect that fails at once reports inside open().
        ++m_peers[peer].dialsInFlight;
        ++started;
        adopt(socket,
            Conn { Role::Dialer, Stage::Connecting, peer, link, secret, randomHex(LinkNonceLength / 2),
                QString(), nullptr, QElapsedTimer(), std::nullopt, QByteArray(), QByteArray(), false, std::nullopt });
        connect(socket, &QWebSocket::connected, this, [this, socket] {
            auto it = m_conns.find(socket);
            if (it == m_conns.end())
                return;
            it->stage = Stage::AwaitWelcome;
            setLowDelay(socket);
            LinkHello hello { m_selfId, it->link, it->myNonce, QString(), QString() };
            hello.binary = true;
            if (m_identity) {
                it->ephemeral = Crypto::EphemeralKey::generate();
                hello.key = base64(m_identity->publicKey());
                hello.eph = base64(it->ephemeral->publicKey());
            }
            socket->sendTextMessage(QString::fromUtf8(encode(hello)));
        });
        socket->open(url);
    }
    if (started == 0) {
        prune(peer);
        Q_EMIT dialFailed(peer, tr("%1 gave no address to dial").arg(peer));
    }
}

void DirectLinks::onNewConnection()
{
    // TCP_NODELAY (see setLowDelay) for what the WebSocket server accepted: it keeps those TCP sockets as children of
    // its own TCP server, not of the QWebSocket it hands out (setting it again on earlier ones does nothing).
    if (m_server) {
        for (QTcpSocket *tcp : m_server->findChildren<QTcpSocket *>()) {
            if (tcp->state() == QAbstractSocket::ConnectedState)
                tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        }
    }
    while (m_server && m_server->hasPendingConnections()) {
        QWebSocket *socket = m_server->nextPendingConnection();
        socket->setParent(this);
        if (pendingListenerConnections() >= MaxPendingConnections) {
            socket->close(
                QWebSocketProtocol::CloseCodePolicyViolated, u"too many unauthenticated connections"_s);
            socket->deleteLater();
            continue;
        }
        adopt(socket,
            Conn { Role::Listener, Stage::AwaitHello, QString(), QString(), QString(),
                randomHex(LinkNonceLength / 2), QString(), nullptr, QElapsedTimer(), std::nullopt, QByteArray(),
                QByteArray(), false, std::nullopt });
    }
}

void DirectLinks::adopt(QWebSocket *socket, const Conn &conn)
{
    // Small frames until the other side has proved who it is; the full size after.
    socket->setMaxAllowedIncomingFrameSize(quint64(MaxHandshakeFrameBytes));
    socket->setMaxAllowedIncomingMessageSize(quint64(MaxHandshakeFrameBytes));
    Conn c = conn;
    c.timer = new QTimer(socket);
    c.timer->setSingleShot(true);
    connect(c.timer, &QTimer::timeout, this, [this, socket] { fail(socket, tr("timed out")); });
    c.timer->start(m_timeoutMs);
    m_conns.insert(socket, c);
    connect(socket, &QWebSocket::textMessageReceived, this,
        [this, socket](const QString &t) { onText(socket, t); });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
        [this, socket](const QByteArray &bytes) { onBinary(socket, bytes); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { onClosed(socket); });
    connect(socket, &QWebSocket::pong, this, [this, socket] {
        auto it = m_conns.find(socket);
        if (it != m_conns.end())
            it->lastSeen.start();
    });
}

void DirectLinks::onBinary(QWebSocket *socket, const QByteArray &bytes)
{
    auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    // Only file chunks, only once the link is up: each chunk is sealed end to end, so it is not sealed again.
    const std::optional<BinaryFileFrame> frame
        = it->stage == Stage::Up ? decodeBinaryFileFrame(bytes) : std::nullopt;
    if (!frame || !frame->peer.isEmpty()) {
        fail(socket, tr("a binary frame that is not a file chunk"));
        return;
    }
    it->lastSeen.start();
    Q_EMIT chunkReceived(it->peer, frame->tid, frame->chunk);
}

void DirectLinks::onText(QWebSocket *socket, const QString &text)
{
    auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    const Decoded<LinkEnvelope> decoded = decodeLinkMessage(text.toUtf8());
    if (it->stage != Stage::Up) {
        if (!decoded.ok())
            fail(socket, tr("a bad frame during authentication"));
        else
            handshake(socket, *it, decoded.envelope());
        return;
    }
    it->lastSeen.start();
    if (it->cipher) {
        // A sealed link: nothing but the next sealed frame counts; anything else means someone else is
        // talking.
        const auto *sealed = decoded.ok() ? std::get_if<LinkSealed>(&decoded.envelope()) : nullptr;
        bool ok = false;
        const QByteArray box = sealed ? fromBase64Url(sealed->box.toLatin1(), &ok) : QByteArray();
        const std::optional<QByteArray> inner = ok ? it->cipher->open(box) : std::nullopt;
        const Decoded<LinkEnvelope> frame = inner ? decodeLinkMessage(*inner) : decoded;
        if (!inner || !frame.ok()
            || (!std::holds_alternative<LinkMessage>(frame.envelope())
                && !std::holds_alternative<LinkAck>(frame.envelope())
                && !std::holds_alternative<LinkFile>(frame.envelope()))) {
            fail(socket, tr("a frame on the link failed verification"));
            return;
        }
        dispatch(it->peer, frame.envelope());
        return;
    }
    if (!decoded.ok()) {
        qCWarning(lcClient).noquote()
            << "ignoring a bad frame on the link to" << it->peer << "-" << decoded.error().message;
        return;
    }
    dispatch(it->peer, decoded.envelope());
}

void DirectLinks::dispatch(const QString &peer, const LinkEnvelope &frame)
{
    if (const auto *m = std::get_if<LinkMessage>(&frame))
        Q_EMIT messageReceived(peer, *m);
    else if (const auto *a = std::get_if<LinkAck>(&frame))
        Q_EMIT ackReceived(peer, a->mid);
    else if (const auto *f = std::get_if<LinkFile>(&frame))
        Q_EMIT fileReceived(peer, *f);
    else
        qCWarning(lcClient) << "ignoring a" << typeName(frame) << "frame on the link to" << peer;
}

void DirectLinks::handshake(QWebSocket *socket, Conn &conn, const LinkEnvelope &frame)
{
    if (const auto *hello = std::get_if<LinkHello>(&frame);
        hello && conn.role == Role::Listener && conn.stage == Stage::AwaitHello) {
        conn.peer = hello->from;
        conn.link = hello->link;
        conn.theirNonce = hello->nonce;
        conn.theirBinary = hello->binary;
        bool ok = true;
        conn.theirKey = decodeField(hello->key, Crypto::PublicKeyBytes, &ok);
        conn.theirEphemeral = decodeField(hello->eph, Crypto::EphemeralKeyBytes, &ok);
        if (!ok) {
            fail(socket, tr("a bad key during authentication"));
            return;
        }
        conn.stage = Stage::AwaitLink;
        if (expecting(conn.link))
            answerHello(socket, conn);
        // else: wait (within the time-out) for the hub's word about this link.
        return;
    }
    if (const auto *welcome = std::get_if<LinkWelcome>(&frame);
        welcome && conn.role == Role::Dialer && conn.stage == Stage::AwaitWelcome) {
        conn.theirNonce = welcome->nonce;
        conn.theirBinary = welcome->binary;
        if (welcome->from != conn.peer
            || !constantTimeEquals(
                welcome->proof, linkProof(conn.secret, u"listener", conn.link, conn.myNonce))) {
            fail(socket, tr("the other side could not prove it is %1").arg(conn.peer));
            return;
        }
        LinkProof answer { linkProof(conn.secret, u"dialer", conn.link, conn.theirNonce), QString() };
        const QByteArray expected = expectedKey(conn.peer);
        bool ok = true;
        const QByteArray theirKey = decodeField(welcome->key, Crypto::PublicKeyBytes, &ok);
        conn.theirEphemeral = decodeField(welcome->eph, Crypto::EphemeralKeyBytes, &ok);
        const QByteArray signature = decodeField(welcome->sig, Crypto::SignatureBytes, &ok);
        if (m_identity && conn.ephemeral && !expected.isEmpty()) {
            // The hub says it has an identity: it must prove it here (no downgrade to an HMAC-only link).
            conn.theirKey = theirKey;
            const Crypto::LinkTranscript t = transcript(conn);
            if (!ok || signature.isEmpty() || conn.theirEphemeral.isEmpty()
                || !Crypto::equal(expected, theirKey)
                || !Crypto::verifyLinkTranscript(theirKey, t, false, signature)) {
                fail(socket, tr("%1 could not prove the key it joined the hub with").arg(conn.peer));
                return;
            }
            conn.cipher = Crypto::LinkCipher::create(
                true, conn.ephemeral->secretKey(), conn.ephemeral->publicKey(), conn.theirEphemeral);
            if (!conn.cipher) {
                fail(socket, tr("a bad key during authentication"));
                return;
            }
            conn.sealing = true;
            answer.sig = base64(Crypto::signLinkTranscript(*m_identity, t, true));
        }
        socket->sendTextMessage(QString::fromUtf8(encode(answer)));
        authenticated(socket, conn);
        return;
    }
    if (const auto *proof = std::get_if<LinkProof>(&frame);
        proof && conn.role == Role::Listener && conn.stage == Stage::AwaitProof) {
        if (!constantTimeEquals(proof->proof, linkProof(conn.secret, u"dialer", conn.link, conn.myNonce))) {
            fail(socket, tr("%1 could not prove the introduction").arg(conn.peer));
            return;
        }
        if (conn.sealing) {
            bool ok = true;
            const QByteArray signature = decodeField(proof->sig, Crypto::SignatureBytes, &ok);
            if (!ok || signature.isEmpty()
                || !Crypto::verifyLinkTranscript(conn.theirKey, transcript(conn), true, signature)) {
                fail(socket, tr("%1 could not prove the key it joined the hub with").arg(conn.peer));
                return;
            }
            conn.cipher = Crypto::LinkCipher::create(
                false, conn.ephemeral->secretKey(), conn.ephemeral->publicKey(), conn.theirEphemeral);
            if (!conn.cipher) {
                fail(socket, tr("a bad key during authentication"));
                return;
            }
        }
        if (Peer *p = expecting(conn.link))
            p->expected.reset(); // one time only
        authenticated(socket, conn);
        return;
    }
    fail(socket, tr("unexpected \"%1\" during authentication").arg(typeName(frame)));
}

void DirectLinks::answerHello(QWebSocket *socket, Conn &conn)
{
    const auto p = m_peers.constFind(conn.peer);
    if (p == m_peers.cend() || !p->expected || p->expected->link != conn.link
        || p->expected->deadline.hasExpired()) {
        fail(socket, tr("no introduction %1 for %2").arg(conn.link, conn.peer));
        return;
    }
    conn.secret = p->expected->secret;
    LinkWelcome welcome { m_selfId, conn.myNonce,
        linkProof(conn.secret, u"listener", conn.link, conn.theirNonce), QString(), QString(), QString() };
    welcome.binary = true;
    // Sealed exactly when both sides have identities and the hub announced the dialer's key (then the dialer
    // knows ours too); a hub that announces no keys gets HMAC-only links, as before.
    const QByteArray expected = expectedKey(conn.peer);
    if (m_identity && !expected.isEmpty()) {
        if (conn.theirKey.isEmpty() || conn.theirEphemeral.isEmpty()
            || !Crypto::equal(expected, conn.theirKey)) {
            fail(socket, tr("%1 did not prove the key it joined the hub with").arg(conn.peer));
            return;
        }
        conn.ephemeral = Crypto::EphemeralKey::generate();
        conn.sealing = true;
        welcome.key = base64(m_identity->publicKey());
        welcome.eph = base64(conn.ephemeral->publicKey());
        welcome.sig = base64(Crypto::signLinkTranscript(*m_identity, transcript(conn), false));
    } else {
        conn.theirKey.clear(); // not part of this link
        conn.theirEphemeral.clear();
    }
    conn.stage = Stage::AwaitProof;
    socket->sendTextMessage(QString::fromUtf8(encode(welcome)));
}

void DirectLinks::authenticated(QWebSocket *socket, Conn &conn)
{
    conn.stage = Stage::Up;
    conn.timer->stop();
    conn.secret.clear();
    conn.lastSeen.start();
    socket->setMaxAllowedIncomingFrameSize(quint64(m_maxFrameBytes));
    socket->setMaxAllowedIncomingMessageSize(quint64(m_maxFrameBytes));
    socket->setObjectName(u"link:"_s + conn.peer);
    const QString peer = conn.peer;
    // Other attempts for this peer lose; an older link is replaced.
    const auto sockets = m_conns.keys();
    for (QWebSocket *other : sockets) {
        const auto it = m_conns.constFind(other);
        if (other != socket && it->peer == peer && it->stage != Stage::Up) {
            m_conns.erase(it);
            other->abort();
            other->deleteLater();
        }
    }
    Peer &record = m_peers[peer];
    if (QWebSocket *old = std::exchange(record.link, nullptr)) {
        // Tell the owner the old link is gone, so that what it did not confirm is sent again.
        m_conns.remove(old);
        old->disconnect(this);
        old->close(QWebSocketProtocol::CloseCodeNormal, u"replaced"_s);
        old->deleteLater();
        Q_EMIT linkDown(peer, tr("replaced by a new link"));
    }
    Peer &now = m_peers[peer]; // (the owner may have dropped the record in between)
    now.dialsInFlight = 0;
    now.link = socket;
    qCInfo(lcClient).noquote() << "direct link up with" << peer;
    Q_EMIT linkUp(peer);
}

DirectLinks::Conn *DirectLinks::upLink(const QString &peer, QWebSocket **socket)
{
    *socket = m_peers.value(peer).link;
    const auto it = m_conns.find(*socket);
    if (!*socket || it == m_conns.end() || (*socket)->state() != QAbstractSocket::ConnectedState)
        return nullptr;
    return &*it;
}

bool DirectLinks::send(const QString &peer, const QByteArray &frame)
{
    QWebSocket *socket = nullptr;
    Conn *conn = upLink(peer, &socket);
    if (conn)
        sendFrame(socket, *conn, frame);
    return conn;
}

bool DirectLinks::sendChunk(const QString &peer, const QString &tid, const QByteArray &chunk)
{
    QWebSocket *socket = nullptr;
    Conn *conn = upLink(peer, &socket);
    if (!conn)
        return false;
    if (conn->theirBinary)
        socket->sendBinaryMessage(encodeBinaryFileFrame(QStringView(), tid, chunk));
    else
        sendFrame(socket, *conn, encode(LinkFile { tid, u"chunk"_s, QString::fromLatin1(toBase64Url(chunk)) }));
    return true;
}

void DirectLinks::sendFrame(QWebSocket *socket, Conn &conn, const QByteArray &frame)
{
    if (conn.cipher)
        // A sealed frame is ciphertext: the fast codec (a file's chunks make most of what links carry).
        socket->sendTextMessage(
            QString::fromUtf8(encode(LinkSealed { QString::fromLatin1(toBase64Url(conn.cipher->seal(frame))) })));
    else
        socket->sendTextMessage(QString::fromUtf8(frame));
}

bool DirectLinks::isSealed(const QString &peer) const
{
    const auto it = m_conns.constFind(m_peers.value(peer).link);
    return it != m_conns.cend() && it->cipher.has_value();
}

Crypto::LinkTranscript DirectLinks::transcript(const Conn &c) const
{
    const bool dialer = c.role == Role::Dialer;
    const QByteArray own = m_identity ? m_identity->publicKey() : QByteArray();
    const QByteArray ownEphemeral = c.ephemeral ? c.ephemeral->publicKey() : QByteArray();
    Crypto::LinkTranscript t;
    t.link = c.link;
    t.dialerId = dialer ? m_selfId : c.peer;
    t.listenerId = dialer ? c.peer : m_selfId;
    t.dialerNonce = dialer ? c.myNonce : c.theirNonce;
    t.listenerNonce = dialer ? c.theirNonce : c.myNonce;
    t.dialerKey = dialer ? own : c.theirKey;
    t.listenerKey = dialer ? c.theirKey : own;
    t.dialerEphemeral = dialer ? ownEphemeral : c.theirEphemeral;
    t.listenerEphemeral = dialer ? c.theirEphemeral : ownEphemeral;
    return t;
}

void DirectLinks::drop(const QString &peer, const QString &reason)
{
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets) {
        const auto it = m_conns.constFind(s);
        if (it != m_conns.cend() && it->peer == peer)
            fail(s, reason);
    }
}

void DirectLinks::dropAll(const QString &reason)
{
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets)
        fail(s, reason);
    m_peers.clear();
}

void DirectLinks::fail(QWebSocket *socket, const QString &reason)
{
    const auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    const Conn conn = *it;
    m_conns.erase(it);
    socket->disconnect(this);
    if (socket->state() == QAbstractSocket::ConnectedState)
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason.left(100));
    else
        socket->abort();
    socket->deleteLater();
    if (conn.stage == Stage::Up) {
        const auto p = m_peers.find(conn.peer);
        if (p != m_peers.end() && p->link == socket)
            p->link = nullptr;
        prune(conn.peer);
        Q_EMIT linkDown(conn.peer, reason);
    } else if (conn.role == Role::Dialer) {
        finishDialIfLost(conn.peer, reason);
    } else {
        qCInfo(lcClient).noquote() << "refused a direct link attempt:" << reason;
    }
}

void DirectLinks::onClosed(QWebSocket *socket)
{
    const QString reason = socket->closeReason().isEmpty() ? tr("the link closed") : socket->closeReason();
    fail(socket, reason);
}

void DirectLinks::finishDialIfLost(const QString &peer, const QString &reason)
{
    const auto it = m_peers.find(peer);
    if (it == m_peers.end() || it->dialsInFlight == 0)
        return;
    if (--it->dialsInFlight > 0 || it->link)
        return;
    prune(peer);
    Q_EMIT dialFailed(peer, reason);
}

} // namespace PeerLink
