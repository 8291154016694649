#include "directlinks.h"

#include "client/logging.h"
#include "core/rules.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkInterface>
#include <QRandomGenerator>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

QString nonce()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toHex());
}

QByteArray toBytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString endpoint(const QHostAddress &address, quint16 port)
{
    QHostAddress a = address;
    a.setScopeId(QString());
    return a.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]:%2"_s.arg(a.toString()).arg(port)
                                                         : u"%1:%2"_s.arg(a.toString()).arg(port);
}

/// Constant-time comparison of two proofs.
bool sameProof(const QString &a, const QString &b)
{
    if (a.size() != b.size() || a.isEmpty())
        return false;
    unsigned diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= unsigned(a[i].unicode() ^ b[i].unicode());
    return diff == 0;
}

} // namespace

DirectLinks::DirectLinks(QObject *parent)
    : QObject(parent)
    , m_keepalive(new QTimer(this))
{
    connect(m_keepalive, &QTimer::timeout, this, &DirectLinks::onKeepalive);
    m_keepalive->start(m_keepaliveIntervalMs);
}

void DirectLinks::setKeepalive(int intervalMs, int timeoutMs)
{
    m_keepaliveIntervalMs = std::max(10, intervalMs);
    m_keepaliveTimeoutMs = std::max(10, timeoutMs);
    m_keepalive->start(m_keepaliveIntervalMs);
}

void DirectLinks::onKeepalive()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets) {
        const Conn c = m_conns.value(s);
        if (c.stage != Stage::Up)
            continue;
        if (now - c.lastSeenMs > m_keepaliveIntervalMs + m_keepaliveTimeoutMs)
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

DirectLinks::~DirectLinks()
{
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets) {
        s->disconnect(this);
        s->abort();
        delete s;
    }
}

bool DirectLinks::listen(const QHostAddress &address, quint16 port)
{
    stopListening();
    m_server = new QWebSocketServer(u"PeerLink direct link"_s, QWebSocketServer::NonSecureMode, this);
    m_server->setHandshakeTimeout(m_timeoutMs);
    connect(m_server, &QWebSocketServer::newConnection, this, &DirectLinks::onNewConnection);
    if (!m_server->listen(address, port)) {
        m_errorString = tr("Cannot listen for direct links on %1: %2").arg(endpoint(address, port), m_server->errorString());
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
    // Every usable address of this machine: LAN addresses first, loopback last (for peers on the same machine).
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

void DirectLinks::expect(const QString &peer, const QString &link, const QString &secret)
{
    // Bounded: expired introductions go, a peer has one at a time, and at most MaxExpected are kept.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_expected.removeIf([now, &peer](const auto &it) { return it.value().expiresMs < now || it.value().peer == peer; });
    while (m_expected.size() >= MaxExpected) {
        auto oldest = std::min_element(m_expected.begin(), m_expected.end(),
                                       [](const Expected &a, const Expected &b) { return a.expiresMs < b.expiresMs; });
        m_expected.erase(oldest);
    }
    m_expected.insert(link, Expected { peer, secret, now + 60000 });
    // A dial may have come before we learnt of the link (the other side can be quicker than the hub).
    for (auto it = m_conns.begin(); it != m_conns.end(); ++it) {
        if (it->role == Role::Listener && it->stage == Stage::AwaitLink && it->link == link) {
            answerHello(it.key(), *it);
            break;
        }
    }
}

void DirectLinks::dial(const QString &peer, const QString &link, const QString &secret, const QStringList &candidates)
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
        ++m_dialsInFlight[peer];
        ++started;
        adopt(socket, Conn { Role::Dialer, Stage::Connecting, peer, link, secret, nonce(), QString() });
        connect(socket, &QWebSocket::connected, this, [this, socket] {
            auto it = m_conns.find(socket);
            if (it == m_conns.end())
                return;
            it->stage = Stage::AwaitWelcome;
            socket->sendTextMessage(QString::fromUtf8(toBytes({ { u"type"_s, u"link_hello"_s },
                                                                { u"from"_s, m_selfId },
                                                                { u"link"_s, it->link },
                                                                { u"nonce"_s, it->myNonce } })));
        });
        socket->open(url);
    }
    if (started == 0) {
        m_dialsInFlight.remove(peer);
        Q_EMIT dialFailed(peer, tr("%1 gave no address to dial").arg(peer));
    }
}

void DirectLinks::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        QWebSocket *socket = m_server->nextPendingConnection();
        socket->setParent(this);
        if (pendingListenerConnections() >= MaxPendingConnections) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"too many unauthenticated connections"_s);
            socket->deleteLater();
            continue;
        }
        adopt(socket, Conn { Role::Listener, Stage::AwaitHello, QString(), QString(), QString(), nonce(), QString() });
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
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &t) { onText(socket, t); });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this, socket] { fail(socket, tr("binary frames are not part of the link protocol")); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { onClosed(socket); });
    connect(socket, &QWebSocket::pong, this, [this, socket] {
        auto it = m_conns.find(socket);
        if (it != m_conns.end())
            it->lastSeenMs = QDateTime::currentMSecsSinceEpoch();
    });
}

void DirectLinks::onText(QWebSocket *socket, const QString &text)
{
    auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    if (frame.isEmpty() || !frame.value("type"_L1).isString()) {
        if (it->stage != Stage::Up)
            fail(socket, tr("a bad frame during authentication"));
        else
            qCWarning(lcClient) << "ignoring a bad frame on the link to" << it->peer;
        return;
    }
    if (it->stage == Stage::Up) {
        it->lastSeenMs = QDateTime::currentMSecsSinceEpoch();
        Q_EMIT frameReceived(it->peer, frame);
        return;
    }
    handshake(socket, *it, frame);
}

void DirectLinks::handshake(QWebSocket *socket, Conn &conn, const QJsonObject &frame)
{
    const QString type = frame.value("type"_L1).toString();
    if (conn.role == Role::Listener && conn.stage == Stage::AwaitHello && type == u"link_hello") {
        conn.peer = frame.value("from"_L1).toString();
        conn.link = frame.value("link"_L1).toString();
        conn.theirNonce = frame.value("nonce"_L1).toString();
        if (!Rules::isValidId(conn.peer) || !Rules::isValidToken(conn.link) || conn.theirNonce.size() != 32
            || !Rules::isValidToken(conn.theirNonce)) {
            fail(socket, tr("a malformed hello"));
            return;
        }
        conn.stage = Stage::AwaitLink;
        if (m_expected.contains(conn.link))
            answerHello(socket, conn);
        // else: wait (within the time-out) for the hub's word about this link.
        return;
    }
    if (conn.role == Role::Dialer && conn.stage == Stage::AwaitWelcome && type == u"link_welcome") {
        conn.theirNonce = frame.value("nonce"_L1).toString();
        if (frame.value("from"_L1).toString() != conn.peer || conn.theirNonce.size() != 32
            || !Rules::isValidToken(conn.theirNonce)
            || !sameProof(frame.value("proof"_L1).toString(), proof(conn.secret, u"listener"_s, conn.link, conn.myNonce))) {
            fail(socket, tr("the other side could not prove it is %1").arg(conn.peer));
            return;
        }
        socket->sendTextMessage(QString::fromUtf8(
            toBytes({ { u"type"_s, u"link_proof"_s },
                      { u"proof"_s, proof(conn.secret, u"dialer"_s, conn.link, conn.theirNonce) } })));
        authenticated(socket, conn);
        return;
    }
    if (conn.role == Role::Listener && conn.stage == Stage::AwaitProof && type == u"link_proof") {
        if (!sameProof(frame.value("proof"_L1).toString(), proof(conn.secret, u"dialer"_s, conn.link, conn.myNonce))) {
            fail(socket, tr("%1 could not prove the introduction").arg(conn.peer));
            return;
        }
        m_expected.remove(conn.link); // one time only
        authenticated(socket, conn);
        return;
    }
    fail(socket, tr("unexpected \"%1\" during authentication").arg(type.left(32)));
}

void DirectLinks::answerHello(QWebSocket *socket, Conn &conn)
{
    const auto it = m_expected.constFind(conn.link);
    if (it == m_expected.cend() || it->peer != conn.peer || it->expiresMs < QDateTime::currentMSecsSinceEpoch()) {
        fail(socket, tr("no introduction %1 for %2").arg(conn.link, conn.peer));
        return;
    }
    conn.secret = it->secret;
    conn.stage = Stage::AwaitProof;
    socket->sendTextMessage(QString::fromUtf8(toBytes({ { u"type"_s, u"link_welcome"_s },
                                                        { u"from"_s, m_selfId },
                                                        { u"nonce"_s, conn.myNonce },
                                                        { u"proof"_s, proof(conn.secret, u"listener"_s, conn.link,
                                                                            conn.theirNonce) } })));
}

void DirectLinks::authenticated(QWebSocket *socket, Conn &conn)
{
    conn.stage = Stage::Up;
    conn.timer->stop();
    conn.secret.clear();
    conn.lastSeenMs = QDateTime::currentMSecsSinceEpoch();
    socket->setMaxAllowedIncomingFrameSize(quint64(m_maxFrameBytes));
    socket->setMaxAllowedIncomingMessageSize(quint64(m_maxFrameBytes));
    socket->setObjectName(u"link:"_s + conn.peer);
    const QString peer = conn.peer;
    // Other attempts for this peer lose; an older link is replaced.
    const auto sockets = m_conns.keys();
    for (QWebSocket *other : sockets) {
        if (other != socket && m_conns.value(other).peer == peer && m_conns.value(other).stage != Stage::Up) {
            m_conns.remove(other);
            other->abort();
            other->deleteLater();
        }
    }
    if (QWebSocket *old = m_links.value(peer)) {
        // Tell the owner the old link is gone, so that what it did not confirm is sent again.
        m_conns.remove(old);
        m_links.remove(peer);
        old->disconnect(this);
        old->close(QWebSocketProtocol::CloseCodeNormal, u"replaced"_s);
        old->deleteLater();
        Q_EMIT linkDown(peer, tr("replaced by a new link"));
    }
    m_dialsInFlight.remove(peer);
    m_links.insert(peer, socket);
    qCInfo(lcClient).noquote() << "direct link up with" << peer;
    Q_EMIT linkUp(peer);
}

bool DirectLinks::send(const QString &peer, const QByteArray &frame)
{
    QWebSocket *socket = m_links.value(peer);
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return false;
    socket->sendTextMessage(QString::fromUtf8(frame));
    return true;
}

void DirectLinks::drop(const QString &peer, const QString &reason)
{
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets) {
        if (m_conns.value(s).peer == peer)
            fail(s, reason);
    }
}

void DirectLinks::dropAll(const QString &reason)
{
    const auto sockets = m_conns.keys();
    for (QWebSocket *s : sockets)
        fail(s, reason);
    m_expected.clear();
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
        m_links.remove(conn.peer);
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
    auto it = m_dialsInFlight.find(peer);
    if (it == m_dialsInFlight.end())
        return;
    if (--*it > 0 || m_links.contains(peer))
        return;
    m_dialsInFlight.erase(it);
    Q_EMIT dialFailed(peer, reason);
}

QString DirectLinks::proof(const QString &secret, const QString &role, const QString &link, const QString &nonce)
{
    return QString::fromLatin1(QMessageAuthenticationCode::hash((role + u'|' + link + u'|' + nonce).toUtf8(),
                                                                secret.toUtf8(), QCryptographicHash::Sha256)
                                   .toHex());
}

} // namespace PeerLink
