#include "peerclient.h"

#include "client/directlinks.h"
#include "client/logging.h"
#include "core/rules.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QWebSocket>

namespace PeerLink {

using namespace Qt::StringLiterals;

// How long messages wait for a peer that was there before a reconnect to come back.
constexpr int kParkMs = 30000;

PeerClient::PeerClient(QObject *parent)
    : QObject(parent)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_midPrefix(QString::number(QRandomGenerator::global()->generate(), 36))
    , m_reconnectTimer(new QTimer(this))
    , m_links(new DirectLinks(this))
    , m_parkTimer(new QTimer(this))
    , m_resendTimer(new QTimer(this))
{
    m_parkTimer->setSingleShot(true);
    connect(m_parkTimer, &QTimer::timeout, this, &PeerClient::onParkTimeout);
    m_resendTimer->setInterval(100);
    connect(m_resendTimer, &QTimer::timeout, this, &PeerClient::drainResends);
    connect(m_links, &DirectLinks::linkUp, this, [this](const QString &peer) {
        if (QTimer *t = m_directTimers.value(peer))
            t->stop();
        m_directAttempts.remove(peer);
        setPath(peer, Path::Direct);
    });
    connect(m_links, &DirectLinks::linkDown, this, [this](const QString &peer) { onLinkDown(peer); });
    connect(m_links, &DirectLinks::dialFailed, this, [this](const QString &peer, const QString &reason) {
        qCInfo(lcClient).noquote() << "no direct link to" << peer << "-" << reason;
        setPath(peer, Path::Relayed);
        if (m_wantDirect.contains(peer))
            scheduleDirectRetry(peer);
    });
    connect(m_links, &DirectLinks::frameReceived, this, &PeerClient::onLinkFrame);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, [this] {
        setState(State::Connecting);
        m_socketError.clear();
        m_socket->open(m_url);
    });
    setMaxIncomingMessageBytes(16 * 1024 * 1024);
    connect(m_socket, &QWebSocket::connected, this, &PeerClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &PeerClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &PeerClient::onTextMessage);
    connect(m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        const QSslCertificate certificate = m_socket->sslConfiguration().peerCertificate();
        m_hubFingerprint = certificate.isNull() ? QString() : Rules::certificateFingerprint(certificate.toDer());
        if (!m_pinnedFingerprint.isEmpty() && Rules::sameFingerprint(m_hubFingerprint, m_pinnedFingerprint)) {
            m_socket->ignoreSslErrors(); // the user's pin stands in for a certificate authority
            return;
        }
        QStringList why;
        for (const QSslError &e : errors)
            why.append(e.errorString());
        m_untrusted = true;
        m_socketError = tr("The hub's certificate is not trusted: %1").arg(why.join(u"; "_s));
        Q_EMIT certificateUntrusted(m_hubFingerprint, why.join(u"; "_s));
    });
    connect(m_socket, &QWebSocket::connected, this, [this] {
        const QSslCertificate certificate = m_socket->sslConfiguration().peerCertificate();
        if (!certificate.isNull())
            m_hubFingerprint = Rules::certificateFingerprint(certificate.toDer());
    });
    // Qt 6.4 names this signal error(); errorOccurred() arrived in 6.5.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this](QAbstractSocket::SocketError) {
        m_socketError = m_socket->errorString();
        qCDebug(lcClient).noquote() << "socket error:" << m_socketError;
    });
}

PeerClient::~PeerClient()
{
    // Leave quietly: no signals into a half-destroyed owner.
    m_socket->disconnect(this);
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"client closed"_s);
}

void PeerClient::setMaxIncomingMessageBytes(qint64 bytes)
{
    m_socket->setMaxAllowedIncomingMessageSize(quint64(bytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(bytes));
}

bool PeerClient::hasPeer(const QString &id) const
{
    return std::any_of(m_peers.cbegin(), m_peers.cend(), [&id](const PeerInfo &p) { return p.id == id; });
}

QString PeerClient::peerName(const QString &id) const
{
    for (const PeerInfo &p : m_peers) {
        if (p.id == id)
            return p.name;
    }
    return QString();
}

bool PeerClient::connectToHub(const QUrl &url, const QString &id, const JoinOptions &options)
{
    if (m_state != State::Disconnected) {
        failLocally(ErrorCode::AlreadyJoined, tr("Already connected to %1.").arg(m_url.toString()));
        return false;
    }
    if (!Rules::isValidId(id)) {
        failLocally(ErrorCode::InvalidId, tr("An id is 1 to 64 characters of A-Z a-z 0-9 . _ -"));
        return false;
    }
    if (!options.name.isEmpty() && !Rules::isValidName(options.name)) {
        failLocally(ErrorCode::BadMessage, tr("A display name is at most 64 printable characters."));
        return false;
    }
    if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty()) {
        failLocally(ErrorCode::BadMessage, tr("A hub address looks like ws://host:port (got \"%1\").").arg(url.toString()));
        return false;
    }
    m_url = url;
    m_id = id;
    m_options = options;
    resetDirect();
    m_links->setSelfId(id);
    m_links->stopListening();
    if (m_listenEnabled && !m_links->listen(m_listenAddress, m_listenPort))
        qCWarning(lcClient).noquote() << m_links->errorString() << "- messages go through the hub only";
    m_socketError.clear();
    m_resumeToken.clear();
    m_leaving = false;
    m_untrusted = false;
    m_hubFingerprint.clear();
    m_everJoined = false;
    m_attempt = 0;
    setState(State::Connecting);
    m_socket->open(url);
    return true;
}

QString PeerClient::sendMessage(const QString &text)
{
    return sendMessage(QString(), text);
}

bool PeerClient::canQueue() const
{
    // Joined, or on the way back after a drop: messages wait in the outbox.
    return m_state == State::Joined || (m_everJoined && !m_leaving && m_state != State::Disconnected);
}

QString PeerClient::sendMessage(const QString &to, const QString &text)
{
    if (!canQueue()) {
        failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."), u"message"_s);
        return QString();
    }
    if (m_outbox.size() >= MaxOutbox) {
        failLocally(ErrorCode::RateLimited, tr("%1 messages are waiting for the hub already.").arg(MaxOutbox), u"message"_s);
        return QString();
    }
    if (!to.isEmpty() && !Rules::isValidId(to)) {
        failLocally(ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(to), u"message"_s);
        return QString();
    }
    const QString mid = nextMid();
    const QByteArray frame = encode(MessageRequest { text, to, mid });
    if (frame.size() > m_maxOutgoingBytes) {
        failLocally(ErrorCode::TooLarge,
                    tr("The message is %1 bytes; at most %2 can be sent.").arg(frame.size()).arg(m_maxOutgoingBytes),
                    u"message"_s);
        return QString();
    }
    if (!to.isEmpty() && m_links->hasLink(to)) {
        m_links->send(to, encode(ChatMessage { m_id, text, to, mid, QDateTime::currentMSecsSinceEpoch() }));
        m_unackedDirect.insert(mid, Unacked { to, text });
        return mid;
    }
    m_outbox.append(MessageRequest { text, to, mid });
    if (m_state == State::Joined && m_resendQueue.isEmpty())
        send(frame);
    else
        m_resendQueue.append(m_outbox.constLast()); // behind what waits, to keep the order
    drainResends();
    return mid;
}

void PeerClient::onParkTimeout()
{
    // They did not come back: the messages that waited for them fail now.
    const auto parked = std::exchange(m_parked, {});
    m_returning.clear();
    for (auto it = parked.cbegin(); it != parked.cend(); ++it) {
        for (const QString &mid : it.value()) {
            settleOutbox(mid);
            Q_EMIT errorOccurred(errorCodeName(ErrorCode::PeerUnavailable),
                                 tr("%1 did not come back after the hub restarted.").arg(it.key()), mid);
        }
    }
}

bool PeerClient::settleOutbox(const QString &mid)
{
    // Acks come in order, so the entry is almost always the first.
    for (qsizetype i = 0; i < m_outbox.size(); ++i) {
        if (m_outbox.at(i).mid == mid) {
            m_outbox.removeAt(i);
            return true;
        }
    }
    return false;
}

bool PeerClient::connectToPeer(const QString &peer)
{
    if (m_state != State::Joined) {
        failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."), u"connect_to_peer"_s);
        return false;
    }
    if (!Rules::isValidId(peer)) {
        failLocally(ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(peer), u"connect_to_peer"_s);
        return false;
    }
    if (!hasPeer(peer)) {
        failLocally(ErrorCode::PeerUnavailable, tr("No peer %1 is joined to this hub.").arg(peer), u"connect_to_peer"_s);
        return false;
    }
    m_wantDirect.insert(peer);
    if (pathTo(peer) != Path::Direct)
        requestIntroduction(peer);
    return true;
}

bool PeerClient::acceptConnection(const QString &from)
{
    const auto it = m_offers.constFind(from);
    if (it == m_offers.cend() || !isJoined())
        return false;
    const ConnectOffer offer = *it;
    m_offers.erase(it);
    m_accepted.insert(from);
    if (m_links->isListening())
        m_links->expect(from, offer.link, offer.secret);
    send(encode(ConnectAnswer { from, offer.link, true, m_links->endpoints(), QString() }));
    if (pathTo(from) == Path::Direct)
        return true;
    setPath(from, Path::Connecting);
    const QStringList theirs = candidates(offer.addrs, offer.observed);
    if (!m_links->isListening() && !theirs.isEmpty()) {
        // We cannot be dialled, but they can: we dial.
        m_links->dial(from, offer.link, offer.secret, theirs);
    } else if (m_links->isListening()) {
        // They dial us; if nothing authenticates in time, messages keep going through the hub.
        armTimer(from, m_dialTimeoutMs * 2, [this, from] {
            if (pathTo(from) == Path::Connecting)
                setPath(from, Path::Relayed);
        });
    } else {
        setPath(from, Path::Relayed); // neither side listens
    }
    return true;
}

bool PeerClient::declineConnection(const QString &from, const QString &reason)
{
    const auto it = m_offers.constFind(from);
    if (it == m_offers.cend() || !isJoined())
        return false;
    send(encode(ConnectAnswer { from, it->link, false, {}, reason }));
    m_offers.erase(it);
    return true;
}

void PeerClient::setReconnectDelays(int initialMs, int maximumMs)
{
    m_initialDelayMs = std::max(1, initialMs);
    m_maxDelayMs = std::max(m_initialDelayMs, maximumMs);
}

void PeerClient::setDirectListening(bool enabled, const QHostAddress &address, quint16 port)
{
    m_listenEnabled = enabled;
    m_listenAddress = address;
    m_listenPort = port;
}

bool PeerClient::isDirectListening() const
{
    return m_links->isListening();
}

QStringList PeerClient::directEndpoints() const
{
    return m_links->endpoints();
}

void PeerClient::setDirectTimeouts(int dialMs, int answerMs)
{
    m_dialTimeoutMs = std::max(100, dialMs);
    m_answerTimeoutMs = std::max(100, answerMs);
    m_links->setTimeout(m_dialTimeoutMs);
}

void PeerClient::setDirectKeepalive(int intervalMs, int timeoutMs)
{
    m_links->setKeepalive(intervalMs, timeoutMs);
}

void PeerClient::setDirectRetryDelays(int initialMs, int maximumMs)
{
    m_retryInitialMs = std::max(10, initialMs);
    m_retryMaxMs = std::max(m_retryInitialMs, maximumMs);
}

void PeerClient::disconnectFromHub()
{
    if (m_state == State::Disconnected)
        return;
    m_leaving = true;
    if (m_state == State::Reconnecting) {
        m_reconnectTimer->stop();
        m_attempt = 0;
        m_lastReason = tr("left");
        setState(State::Disconnected);
        Q_EMIT disconnected(m_lastReason);
        return;
    }
    if (m_state == State::Joined)
        send(encode(LeaveRequest {}));
    m_socket->close(QWebSocketProtocol::CloseCodeNormal, u"leave"_s);
}

void PeerClient::onConnected()
{
    setState(State::Joining);
    Q_EMIT connected();
    send(encode(JoinRequest { m_id, m_options.name, m_options.password, m_resumeToken, u"peerlink/" PEERLINK_VERSION ""_s }));
}

void PeerClient::onDisconnected()
{
    if (m_state == State::Disconnected)
        return;
    m_lastCloseCode = m_socket->closeCode();
    QString reason = m_socket->closeReason();
    if (reason.isEmpty())
        reason = m_socketError.isEmpty() ? tr("connection closed") : m_socketError;
    m_lastReason = reason;
    const bool reconnect = shouldReconnect();
    if (reconnect) {
        for (const PeerInfo &p : std::as_const(m_peers))
            m_returning.insert(p.id);
    } else {
        m_returning.clear();
        m_parked.clear();
        m_parkTimer->stop();
    }
    m_peers.clear();
    resetDirect(reconnect);
    if (reconnect) {
        setState(State::Reconnecting);
        Q_EMIT disconnected(reason);
        scheduleReconnect();
        return;
    }
    m_attempt = 0;
    setState(State::Disconnected);
    Q_EMIT disconnected(reason);
}

bool PeerClient::shouldReconnect() const
{
    if (!m_autoReconnect || m_leaving || !m_everJoined || m_untrusted)
        return false;
    // The hub refused us on purpose (kick, ban, password, too large): trying again would not help.
    return m_lastCloseCode != QWebSocketProtocol::CloseCodePolicyViolated
        && m_lastCloseCode != QWebSocketProtocol::CloseCodeTooMuchData;
}

void PeerClient::scheduleReconnect()
{
    ++m_attempt;
    // Exponential backoff with "equal jitter": half the delay fixed, half random, so that many peers that lost the
    // same hub do not all come back at the same moment (and stay below a hub's reconnect-rate autoban).
    const int shift = std::min(m_attempt - 1, 16);
    const qint64 base = std::min<qint64>(m_maxDelayMs, qint64(m_initialDelayMs) << shift);
    const int delay = int(base / 2 + QRandomGenerator::global()->bounded(base / 2 + 1));
    qCDebug(lcClient) << "reconnecting in" << delay << "ms, attempt" << m_attempt;
    Q_EMIT reconnecting(m_attempt, delay);
    m_reconnectTimer->start(delay);
}

void PeerClient::onTextMessage(const QString &message)
{
    const Decoded<HubEnvelope> decoded = decodeHubMessage(message.toUtf8());
    if (!decoded.ok()) {
        qCWarning(lcClient).noquote() << "ignoring a hub message:" << decoded.error().message;
        return;
    }
    std::visit([this](const auto &m) { handle(m); }, decoded.envelope());
}

void PeerClient::handle(const Welcome &m)
{
    m_hubName = m.hub;
    m_resumeToken = m.resume;
    m_peers = m.peers;
    m_everJoined = true;
    m_attempt = 0;
    setState(State::Joined);
    Q_EMIT joined(m.id, m.hub);
    // Back after a reconnect: what direct links did not confirm goes through the hub, and wanted links are asked
    // for again (the same mids: receivers drop what they already have).
    const auto pendingTo = [this] {
        QSet<QString> peers;
        for (const Unacked &u : std::as_const(m_unackedDirect))
            peers.insert(u.to);
        return peers;
    }();
    // Everything the old connection did not get acked goes again, in order, with the same mids.
    m_resendQueue = m_outbox;
    for (const QString &peer : pendingTo)
        resendUnacked(peer);
    drainResends();
    m_unackedDirect.clear(); // for peers that are gone, the hub's answer (peer_unavailable) was the last word
    // Wanted links to peers not back yet are asked for when they join (handle(PeerConnected)).
    for (const QString &peer : std::as_const(m_wantDirect)) {
        if (hasPeer(peer))
            requestIntroduction(peer);
    }
}

void PeerClient::handle(const PeerConnected &m)
{
    if (hasPeer(m.id))
        return;
    m_peers.append(PeerInfo { m.id, m.name, m.host });
    Q_EMIT peerConnected(m.id, m.name);
    if (m_wantDirect.contains(m.id) && pathTo(m.id) != Path::Direct)
        requestIntroduction(m.id); // a link we asked for before a reconnect, to a peer that is back now
    m_returning.remove(m.id);
    const QStringList parked = m_parked.take(m.id);
    for (const MessageRequest &r : std::as_const(m_outbox)) {
        if (parked.contains(r.mid))
            m_resendQueue.append(r); // it is back: what waited for it goes now, in order
    }
    drainResends();
}

void PeerClient::handle(const PeerDisconnected &m)
{
    const auto removed = m_peers.removeIf([&m](const PeerInfo &p) { return p.id == m.id; });
    m_returning.remove(m.id); // it left for real
    if (pathTo(m.id) == Path::Connecting && m_wantDirect.contains(m.id)) {
        Q_EMIT errorOccurred(errorCodeName(ErrorCode::PeerUnavailable),
                             tr("%1 left before the direct link was made.").arg(m.id), u"connect_to_peer"_s);
    }
    forgetPeer(m.id);
    if (removed > 0)
        Q_EMIT peerDisconnected(m.id);
}

void PeerClient::handle(const ChatMessage &m)
{
    if (!m.mid.isEmpty() && !firstTime(m.from, m.mid))
        return; // already delivered over a direct link
    Q_EMIT messageReceived(m.from, m.text, m.to, m.mid, m.ts);
}

void PeerClient::handle(const Ack &m)
{
    m_unackedDirect.remove(m.mid);
    settleOutbox(m.mid);
    Q_EMIT messageAcked(m.mid);
}

void PeerClient::handle(const ConnectOffer &m)
{
    if (m.link.isEmpty()) { // a hub without direct links: just the core protocol's notice
        Q_EMIT connectRequested(m.from);
        return;
    }
    m_offers.insert(m.from, m);
    if (m_accepted.contains(m.from) || m_policy == ConnectPolicy::AcceptAll) {
        Q_EMIT connectRequested(m.from);
        acceptConnection(m.from);
    } else if (m_policy == ConnectPolicy::DeclineAll) {
        declineConnection(m.from, tr("not accepting direct connections"));
    } else {
        Q_EMIT connectRequested(m.from);
    }
}

void PeerClient::handle(const ConnectAccepted &m)
{
    if (!m_wantDirect.contains(m.from) || pathTo(m.from) == Path::Direct)
        return;
    const QStringList theirs = candidates(m.addrs, m.observed);
    if (!theirs.isEmpty()) {
        setPath(m.from, Path::Connecting);
        m_links->dial(m.from, m.link, m.secret, theirs);
    } else if (m_links->isListening()) {
        m_links->expect(m.from, m.link, m.secret);
        armTimer(m.from, m_dialTimeoutMs * 2, [this, peer = m.from] {
            if (pathTo(peer) == Path::Connecting) {
                setPath(peer, Path::Relayed);
                scheduleDirectRetry(peer);
            }
        });
    } else {
        setPath(m.from, Path::Relayed); // neither side can be dialled: the hub relays
    }
}

void PeerClient::handle(const ErrorReply &m)
{
    if (m.code == errorCodeName(ErrorCode::RateLimited)) {
        // Refused for speed, not for content: it stays in the outbox and goes again, paced below the hub's rate.
        for (const MessageRequest &r : std::as_const(m_outbox)) {
            if (r.mid == m.ref) {
                m_resendQueue.append(r);
                drainResends();
                return;
            }
        }
    }
    if (m.code == errorCodeName(ErrorCode::PeerUnavailable)) {
        for (const MessageRequest &r : std::as_const(m_outbox)) {
            if (r.mid == m.ref && m_returning.contains(r.to)) {
                m_parked[r.to].append(r.mid); // not back yet after the hub's restart: wait for it
                if (!m_parkTimer->isActive())
                    m_parkTimer->start(kParkMs);
                return;
            }
        }
    }
    settleOutbox(m.ref); // any other refusal is final for that message
    if (m.code == errorCodeName(ErrorCode::ConnectDeclined)) {
        m_wantDirect.remove(m.ref);
        if (QTimer *t = m_directTimers.value(m.ref))
            t->stop();
        setPath(m.ref, Path::Relayed);
    }
    Q_EMIT errorOccurred(m.code, m.message, m.ref);
}

// ---- Direct links ---------------------------------------------------------------------------------------------

void PeerClient::requestIntroduction(const QString &peer)
{
    send(encode(ConnectRequest { peer, QJsonObject(), m_links->endpoints() }));
    setPath(peer, Path::Connecting);
    // No answer in time: the hub relays. No retry: the other side has not accepted (its user may not have decided),
    // and asking again and again would nag it; retries follow only failed dials and dropped links.
    armTimer(peer, m_answerTimeoutMs, [this, peer] {
        if (pathTo(peer) == Path::Connecting)
            setPath(peer, Path::Relayed);
    });
}

void PeerClient::setPath(const QString &peer, Path path)
{
    if (pathTo(peer) == path)
        return;
    if (path == Path::Relayed)
        m_paths.remove(peer);
    else
        m_paths.insert(peer, path);
    Q_EMIT pathChanged(peer, path);
}

void PeerClient::armTimer(const QString &peer, int ms, std::function<void()> action)
{
    QTimer *&timer = m_directTimers[peer];
    if (!timer) {
        timer = new QTimer(this);
        timer->setSingleShot(true);
    }
    timer->disconnect(this);
    connect(timer, &QTimer::timeout, this, std::move(action));
    timer->start(ms);
}

void PeerClient::scheduleDirectRetry(const QString &peer)
{
    if (!m_wantDirect.contains(peer) || !isJoined() || !hasPeer(peer))
        return;
    const int attempt = ++m_directAttempts[peer];
    const qint64 base = std::min<qint64>(m_retryMaxMs, qint64(m_retryInitialMs) << std::min(attempt - 1, 16));
    const int delay = int(base / 2 + QRandomGenerator::global()->bounded(base / 2 + 1));
    armTimer(peer, delay, [this, peer] {
        if (isJoined() && hasPeer(peer) && pathTo(peer) != Path::Direct)
            requestIntroduction(peer);
    });
}

void PeerClient::onLinkFrame(const QString &peer, const QJsonObject &frame)
{
    const QString type = frame.value("type"_L1).toString();
    const QString mid = frame.value("mid"_L1).toString();
    if (type == u"message") {
        const QJsonValue text = frame.value("text"_L1);
        if (!text.isString() || !Rules::isValidMid(mid)) {
            qCWarning(lcClient) << "ignoring a malformed message on the link to" << peer;
            return;
        }
        // The authenticated link says who sent it; a "from" in the frame is not trusted.
        m_links->send(peer, QJsonDocument(QJsonObject { { u"type"_s, u"ack"_s }, { u"mid"_s, mid } }).toJson(QJsonDocument::Compact));
        if (firstTime(peer, mid))
            Q_EMIT messageReceived(peer, text.toString(), m_id, mid, frame.value("ts"_L1).toInteger());
    } else if (type == u"ack") {
        // Only the peer a message went to can ack it: another linked peer guessing mids gets nowhere.
        const auto it = m_unackedDirect.constFind(mid);
        if (it != m_unackedDirect.cend() && it->to == peer) {
            m_unackedDirect.erase(it);
            Q_EMIT messageAcked(mid);
        }
    } else {
        qCWarning(lcClient) << "ignoring a" << type.left(32) << "frame on the link to" << peer;
    }
}

void PeerClient::onLinkDown(const QString &peer)
{
    setPath(peer, Path::Relayed);
    resendUnacked(peer);
    scheduleDirectRetry(peer);
}

void PeerClient::resendUnacked(const QString &peer)
{
    if (!isJoined())
        return;
    // What the link did not confirm goes through the hub with the same mid; the receiver drops it if the link had
    // delivered it after all. Oldest first, so the order holds.
    QList<QString> mids;
    for (auto it = m_unackedDirect.cbegin(); it != m_unackedDirect.cend(); ++it) {
        if (it->to == peer)
            mids.append(it.key());
    }
    std::sort(mids.begin(), mids.end(), [](const QString &a, const QString &b) {
        return a.section(u'-', -1).toULongLong() < b.section(u'-', -1).toULongLong();
    });
    for (const QString &mid : std::as_const(mids)) {
        const Unacked u = m_unackedDirect.take(mid);
        m_outbox.append(MessageRequest { u.text, u.to, mid });
        m_resendQueue.append(m_outbox.constLast());
    }
    drainResends();
}

void PeerClient::drainResends()
{
    // Paced: a tenth of the per-second rate each 100 ms tick.
    const int perTick = std::max(1, m_resendPerSecond / 10);
    for (int i = 0; i < perTick && !m_resendQueue.isEmpty() && isJoined(); ++i)
        send(encode(m_resendQueue.takeFirst()));
    if (m_resendQueue.isEmpty() || !isJoined())
        m_resendTimer->stop();
    else if (!m_resendTimer->isActive())
        m_resendTimer->start();
}

void PeerClient::forgetPeer(const QString &peer)
{
    if (QTimer *t = m_directTimers.take(peer))
        t->deleteLater();
    m_directAttempts.remove(peer);
    m_wantDirect.remove(peer);
    m_offers.remove(peer);
    m_accepted.remove(peer); // whoever joins under this id next is asked again
    m_links->drop(peer, tr("%1 left the hub").arg(peer));
    setPath(peer, Path::Relayed);
}

void PeerClient::resetDirect(bool keepPending)
{
    m_links->blockSignals(true);
    m_links->dropAll(tr("left the hub"));
    m_links->blockSignals(false);
    qDeleteAll(m_directTimers);
    m_directTimers.clear();
    m_directAttempts.clear();
    m_offers.clear();
    m_accepted.clear();
    m_resendTimer->stop();
    if (!keepPending) {
        m_wantDirect.clear();
        m_unackedDirect.clear();
        m_resendQueue.clear();
        m_outbox.clear();
    }
    const auto peers = m_paths.keys();
    m_paths.clear();
    for (const QString &peer : peers)
        Q_EMIT pathChanged(peer, Path::Relayed);
}

bool PeerClient::firstTime(const QString &from, const QString &mid)
{
    const QString key = from + QChar(0x1f) + mid;
    if (m_seen.contains(key))
        return false;
    m_seen.insert(key);
    m_seenOrder.append(key);
    // Remember the last 10 000 messages: far more than can be in flight when a link drops.
    if (m_seenOrder.size() > 10000)
        m_seen.remove(m_seenOrder.takeFirst());
    return true;
}

QStringList PeerClient::candidates(const QStringList &addrs, const QString &observed)
{
    QStringList list = addrs;
    if (!observed.isEmpty()) {
        // The address the hub sees, with each advertised port: the way in through a NAT that forwards the port.
        const QString host = observed.contains(u':') ? u'[' + observed + u']' : observed;
        for (const QString &a : addrs) {
            const QString e = host + u':' + a.section(u':', -1);
            if (!list.contains(e))
                list.append(e);
        }
    }
    return list.mid(0, 2 * Rules::MaxEndpoints);
}

void PeerClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void PeerClient::send(const QByteArray &utf8)
{
    m_socket->sendTextMessage(QString::fromUtf8(utf8));
}

QString PeerClient::nextMid()
{
    return m_midPrefix + u'-' + QString::number(++m_midCounter);
}

void PeerClient::failLocally(ErrorCode code, const QString &message, const QString &ref)
{
    Q_EMIT errorOccurred(errorCodeName(code), message, ref);
}

} // namespace PeerLink
