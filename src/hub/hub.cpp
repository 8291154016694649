#include "hub.h"

#include "core/messagescan.h"
#include "core/rules.h"
#include "core/secrets.h"
#include "hub/engineio.h"
#include "hub/hublistener.h"
#include "hub/hubsession.h"
#include "hub/hubtransport.h"
#include "hub/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QUrl>

#include <algorithm>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

QString kickedText(const QString &reason)
{
    return reason.isEmpty() ? u"kicked by the hub"_s : u"kicked by the hub: %1"_s.arg(reason);
}

const QString kShuttingDown = QStringLiteral("hub shutting down");
const QString kBanned = QStringLiteral("banned");
const QString kYouAreBanned = QStringLiteral("You are banned from this hub.");

} // namespace

Hub::Hub(const HubConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_listener(new HubListener(config, this))
    , m_admission(config)
    , m_registry(config.maxGhostQueue)
    , m_introductions(config.introductionTimeoutMs, config.maxPendingIntroductions)
    , m_mailbox(Mailbox::Limits { config.mailboxTtlMs, config.mailboxMessages, config.mailboxBytes,
                                  config.mailboxTotalBytes })
    , m_wallClock([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_requests(m_config, m_admission, m_registry, m_introductions, m_bindings, m_mailbox, m_rooms, m_output, m_clock,
                 m_wallClock, *this)
{
    qRegisterMetaType<PeerLink::HubPeer>();
    qRegisterMetaType<PeerLink::LeaveReason>();
    qRegisterMetaType<PeerLink::HubError>();
    m_clock.start();
    m_housekeeping.setInterval(std::clamp(std::min(m_config.pingIntervalMs, m_config.joinTimeoutMs) / 4, 50, 1000));
    connect(&m_housekeeping, &QTimer::timeout, this, &Hub::onHousekeeping);
    // Group commit: what was stored in one turn of the event loop is synced once, then answered.
    m_mailboxCommit.setSingleShot(true);
    m_mailboxCommit.setInterval(0);
    connect(&m_mailboxCommit, &QTimer::timeout, this, [this] { m_requests.commitMailbox(); });
    m_mailboxDrain.setSingleShot(true);
    m_mailboxDrain.setInterval(MailboxDrainMs);
    connect(&m_mailboxDrain, &QTimer::timeout, this, &Hub::drainMailboxes);
    m_settled.setSingleShot(true);
    m_settled.setInterval(kSettleMs);
    connect(&m_settled, &QTimer::timeout, this, [this] { releaseFreeMemory(nowMs(), true); });
    // A peer that cannot take the turn's shared frames (it stopped reading) is dropped like in deliver().
    m_output.setQueueLimit(m_config.maxQueuedBytes, [this](HubSession *session) {
        if (!session->isClosing())
            dropNotReading(session);
    });
    connect(m_listener, &HubListener::newConnection, this, &Hub::onNewConnection);
    if (m_config.socketIo) {
        m_engine = new EngineIoServer(m_config, *this, this);
        connect(m_listener, &HubListener::httpConnection, m_engine, &EngineIoServer::takeHttpConnection);
    }
    connect(m_listener, &HubListener::errorOccurred, this, &Hub::errorOccurred);
}

Hub::~Hub()
{
    // A hub that goes away tells its peers why (close 1001), like close(); then the sessions, which are children,
    // are deleted before the registry they point into.
    const auto sessions = m_sessions;
    m_sessions.clear();
    m_registry.clear();
    for (HubSession *s : sessions)
        s->closeWith(QWebSocketProtocol::CloseCodeGoingAway, kShuttingDown);
    qDeleteAll(sessions);
}

bool Hub::listen(const QHostAddress &address, quint16 port)
{
    m_error.clear();
    if (!loadBindings())
        return false;
    if (m_config.mailboxMessages > 0 && !m_mailbox.isOpen()) {
        // A mailbox that cannot be read stops the hub: starting without it would drop what it promised to keep.
        if (!m_mailbox.open(m_config.dataDir, &m_error))
            return false;
        if (m_mailbox.totalCount() > 0)
            qCInfo(lcHub).noquote() << "mailbox:" << m_mailbox.totalCount() << "messages kept in" << m_mailbox.path();
    }
    if (!m_rooms.isLoaded()) {
        // Like the mailbox: a rooms file that cannot be read stops the hub rather than lose who is in which room.
        if (!m_rooms.load(m_config.dataDir, &m_error))
            return false;
        if (m_rooms.count() > 0)
            qCInfo(lcHub).noquote() << "rooms:" << m_rooms.count() << "from" << m_config.dataDir;
    }
    if (!m_config.metrics.isEmpty() && !m_metrics) {
        QHostAddress metricsAddress;
        quint16 metricsPort = 0;
        if (!parseMetricsEndpoint(m_config.metrics, &metricsAddress, &metricsPort, &m_error))
            return false;
        m_metrics = new MetricsServer([this] { return metricsText(); }, this);
        if (!m_metrics->listen(metricsAddress, metricsPort, &m_error)) {
            delete m_metrics;
            m_metrics = nullptr;
            qCWarning(lcHub).noquote() << m_error;
            return false;
        }
        qCInfo(lcHub).noquote() << "metrics at" << u"http://%1/metrics"_s.arg(hostPort(metricsAddress.toString(), m_metrics->port()));
    }
    if (!m_config.redis.isEmpty() && !m_cluster) {
        RedisEndpoint endpoint;
        if (!RedisEndpoint::parse(m_config.redis, &endpoint, &m_error))
            return false;
        m_cluster = new Cluster(endpoint, m_config.clusterTimeoutMs, *this, this);
        m_cluster->setLocalHubId(m_bindings.hubId());
        m_requests.setCluster(m_cluster);
    }
    if (!m_listener->listen(address, port))
        return false;
    if (m_cluster)
        m_cluster->start(); // joins wait for it (cluster_unavailable until it is in sync)
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_closing = false;
    m_closedAnnounced = false;
    m_lastPingMs = nowMs();
    m_housekeeping.start();
    qCInfo(lcHub).noquote() << "listening on" << serverUrl().toString();
    return true;
}

void Hub::close()
{
    m_closing = true;
    if (m_cluster)
        m_cluster->stop(); // the other hubs hear that this hub's peers are gone
    // Nobody is told about the peers in grace: every peer is closed anyway.
    m_registry.dropGraces();
    m_listener->close();
    m_housekeeping.stop();
    const auto sessions = m_sessions;
    for (HubSession *s : sessions)
        dropPeer(s, kShuttingDown, LeaveReason::HubShuttingDown, QWebSocketProtocol::CloseCodeGoingAway, Tell::OwnerOnly);
    if (m_engine)
        m_engine->closeAll(); // polling connections and sessions not made HubSessions yet
    checkClosed();
}

void Hub::checkClosed()
{
    if (m_closing && !m_closedAnnounced && m_sessions.isEmpty()) {
        m_closedAnnounced = true;
        QMetaObject::invokeMethod(this, &Hub::closed, Qt::QueuedConnection);
    }
}

bool Hub::isListening() const { return m_listener->isListening(); }
quint16 Hub::serverPort() const { return m_listener->serverPort(); }
QHostAddress Hub::serverAddress() const { return m_listener->serverAddress(); }
QUrl Hub::serverUrl() const { return m_listener->serverUrl(); }
QString Hub::errorString() const { return m_error.isEmpty() ? m_listener->errorString() : m_error; }

bool Hub::loadBindings()
{
    if (m_bindings.isLoaded())
        return true;
    if (!m_bindings.load(m_config.dataDir, &m_error))
        return false;
    if (!m_config.dataDir.isEmpty())
        qCInfo(lcHub).noquote() << "id bindings:" << m_bindings.size() << "from" << m_config.dataDir;
    return true;
}

bool Hub::forgetId(const QString &id, QString *error)
{
    QString why;
    const bool done = loadBindings() ? m_bindings.forget(id, &why) : (why = m_error, false);
    if (done) {
        qCInfo(lcHub).noquote() << "id binding released:" << id;
        if (m_cluster) {
            m_cluster->publishBinding(id, QString());
            m_cluster->publishRoomOp(u"forget"_s, u"-"_s, { id });
        }
        // What was kept for the id was sealed to the old key; a new owner could not open it.
        QString mailboxError;
        if (m_config.mailboxMessages > 0 && !m_mailbox.isOpen() && !m_mailbox.open(m_config.dataDir, &mailboxError))
            qCWarning(lcHub).noquote() << "mailbox:" << mailboxError;
        else if (m_mailbox.isOpen() && m_mailbox.count(id) > 0 && !m_mailbox.forget(id))
            qCWarning(lcHub).noquote() << "mailbox:" << m_mailbox.errorString();
        // Its rooms were the old key's too: a new owner of the id starts outside them.
        QString roomsError;
        if (!m_rooms.isLoaded() && !m_rooms.load(m_config.dataDir, &roomsError))
            qCWarning(lcHub).noquote() << "rooms:" << roomsError;
        else if (!m_rooms.forgetPeer(id, &roomsError))
            qCWarning(lcHub).noquote() << "rooms:" << roomsError;
    }
    else if (error)
        *error = why;
    return done;
}

QString Hub::boundKey(const QString &id)
{
    return loadBindings() ? m_bindings.keyOf(id) : QString();
}

QString Hub::certificateFingerprint() const
{
    return m_config.useTls() ? Rules::certificateFingerprint(m_config.tlsCertificate.toDer()) : QString();
}

QList<HubPeer> Hub::peers() const
{
    QList<HubPeer> list;
    list.reserve(m_registry.liveCount());
    for (const Registry::Entry &e : m_registry.entries()) {
        if (e.session)
            list.append(describePeer(e.session));
    }
    std::sort(list.begin(), list.end(), [](const HubPeer &a, const HubPeer &b) {
        return a.joinedAt < b.joinedAt || (a.joinedAt == b.joinedAt && a.id < b.id);
    });
    return list;
}

HubPeer Hub::describePeer(const HubSession *s)
{
    return HubPeer { s->id(),        s->name(),      s->address(), s->port(),
                     s->joinedAt(),  s->sentCount(), s->isHost(),  s->key() };
}

bool Hub::kick(const QString &id, const QString &reason)
{
    if (m_registry.isInGrace(id)) {
        bury(id, kickedText(reason), LeaveReason::Kicked);
        return true;
    }
    HubSession *s = m_registry.live(id);
    if (!s)
        return false;
    dropPeer(s, kickedText(reason), LeaveReason::Kicked, QWebSocketProtocol::CloseCodePolicyViolated);
    return true;
}

bool Hub::ban(const QString &id)
{
    if (!m_admission.banId(id))
        return false;
    ++m_counters.bansIssued;
    bury(id, kBanned, LeaveReason::Banned);
    if (HubSession *s = m_registry.live(id)) {
        m_admission.banAddress(s->address());
        unregister(s, kBanned, LeaveReason::Banned);
        HubRequests::sendError(s, ErrorCode::Banned, kYouAreBanned);
        s->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, kBanned);
    }
    m_config.bannedIds = m_admission.bannedIds();
    m_config.bannedAddresses = m_admission.bannedAddresses();
    return true;
}

void Hub::setBans(const QStringList &ids, const QList<QHostAddress> &addresses)
{
    m_admission.setBans(ids, addresses);
    m_config.bannedIds = ids;
    m_config.bannedAddresses = addresses;
    const Registry::Entries entries = m_registry.entries();
    for (const Registry::Entry &e : entries) {
        HubSession *s = e.session;
        if (s && m_admission.isBanned(s->id(), s->address())) {
            unregister(s, kBanned, LeaveReason::Banned);
            HubRequests::sendError(s, ErrorCode::Banned, kYouAreBanned);
            s->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, kBanned);
        }
    }
}

void Hub::bury(const QString &id, const QString &reason, LeaveReason why)
{
    const std::optional<Registry::Grace> grace = m_registry.endGrace(id);
    if (!grace)
        return;
    m_introductions.forget(id);
    for (const Registry::Held &held : grace->held) {
        if (HubSession *sender = m_registry.live(held.sender); sender && !held.mid.isEmpty())
            HubRequests::sendError(sender, ErrorCode::PeerUnavailable, u"%1 lost its connection."_s.arg(id), held.mid);
    }
    qCInfo(lcHub).noquote() << "peer left:" << id << "-" << reason;
    broadcast(encode(PeerDisconnected { id }), nullptr, false);
    if (m_cluster)
        m_cluster->release(id, grace->resumeToken);
    Q_EMIT peerLeft(id, reason, why);
}

void Hub::expireMailbox()
{
    if (!m_mailbox.isOpen())
        return;
    for (const Mailbox::Letter &letter : m_mailbox.expire(m_wallClock())) {
        qCInfo(lcHub).noquote() << "mailbox: a message from" << letter.sender << "to" << letter.recipient << "expired";
        if (letter.mid.isEmpty())
            continue; // nothing to name it by
        if (HubSession *sender = m_registry.live(letter.sender)) {
            HubRequests::sendError(sender, ErrorCode::Expired,
                                   u"%1 did not come back in time; the hub dropped the message it kept."_s.arg(
                                       letter.recipient),
                                   letter.mid);
        } else if (!m_mailbox.addNotice(letter.sender, letter.mid, letter.recipient, m_wallClock())) {
            qCWarning(lcHub).noquote() << "mailbox: expiry notice not kept:" << m_mailbox.errorString();
        }
    }
}

// ---- Connections ----------------------------------------------------------------------------------------------

void Hub::onNewConnection()
{
    for (;;) {
        const HubListener::Upgraded next = m_listener->nextPendingConnection();
        if (!next.socket)
            return;
        if (m_engine && QUrl::fromEncoded(next.target).path().startsWith(u"/socket.io"_s)) {
            m_engine->takeWebSocket(next.socket, next.target);
            continue;
        }
        admit(new HubSession(next.socket, m_config.effectiveHardFrameBytes(), *this, &m_output,
                             TokenBucket(m_config.messagesPerSecond, m_config.messageBurst), nowMs(), this));
    }
}

void Hub::engineSessionOpened(EngineSocket *engine)
{
    admit(new HubSession(engine, *this, &m_output, TokenBucket(m_config.messagesPerSecond, m_config.messageBurst),
                         nowMs(), this));
}

void Hub::admit(HubSession *session)
{
    session->setByteBucket(TokenBucket(m_config.bytesPerSecond, m_config.byteBurst));
    session->setFileBucket(TokenBucket(m_config.fileRelayBytesPerSecond,
                                       std::max(m_config.fileRelayBytesPerSecond, double(m_config.maxMessageBytes))));
    session->setCounters(&m_counters);
    m_sessions.insert(session);
    session->start();

    // Counted even when refused: onDisconnected() uncounts every session.
    const Admission::Verdict verdict = m_admission.admit(session->address(), nowMs());
    if (m_closing) {
        ++m_counters.connectionsRefused["shutting_down"];
        session->closeWith(QWebSocketProtocol::CloseCodeGoingAway, kShuttingDown);
        return;
    }
    switch (verdict) {
    case Admission::Verdict::Admitted:
        ++m_counters.connectionsAccepted;
        break;
    case Admission::Verdict::Banned:
        ++m_counters.connectionsRefused["banned"];
        m_requests.refuseAndClose(session, ErrorCode::Banned, u"Your address is banned from this hub."_s,
                                  LeaveReason::Banned);
        break;
    case Admission::Verdict::Autobanned:
        ++m_counters.connectionsRefused["autobanned"];
        m_requests.refuseAndClose(session, ErrorCode::Banned,
                                  u"Too many connections from your address in a short time; try again later."_s,
                                  LeaveReason::Banned);
        break;
    case Admission::Verdict::TooManyConnections:
        ++m_counters.connectionsRefused["too_many_from_address"];
        m_requests.refuseAndClose(
            session, ErrorCode::HubFull,
            u"Too many connections from your address (at most %1)."_s.arg(m_config.maxConnectionsPerAddress),
            LeaveReason::Refused);
        break;
    }
}

void Hub::invalidReceived(HubSession *session, ErrorCode code, const QString &message, const QString &ref)
{
    if (session->isClosing())
        return;
    session->touch(nowMs());
    m_requests.rejectInvalid(session, code, message, ref);
}

void Hub::textReceived(HubSession *session, const QByteArray &utf8)
{
    m_requests.onTextMessage(session, utf8);
}

void Hub::readingStarts()
{
    m_requests.readingStarts();
}

void Hub::readingEnds()
{
    m_requests.readingEnds();
}

void Hub::binaryReceived(HubSession *session, const QByteArray &bytes)
{
    m_requests.onBinaryMessage(session, bytes);
}

void Hub::pongReceived(HubSession *session)
{
    session->touch(nowMs());
}

void Hub::onDisconnected(HubSession *session)
{
    m_settled.start();
    if (!m_sessions.remove(session))
        return;
    m_admission.connectionClosed(session->address());
    if (session->lostConnection() && m_config.reconnectGraceMs > 0
        && m_registry.startGrace(session, nowMs() + m_config.reconnectGraceMs)) {
        // Dropped, not closed: maybe it is on its way back. Keep its place for a moment, and tell nobody yet.
        qCInfo(lcHub).noquote() << "peer lost its connection:" << session->id() << "- waiting"
                                << m_config.reconnectGraceMs << "ms";
    } else {
        QString reason = session->closeReason();
        if (reason.isEmpty()) {
            const QString peerReason = session->frameCloseReason();
            reason = peerReason.isEmpty() ? u"connection closed"_s : peerReason;
        }
        unregister(session, reason, session->lostConnection() ? LeaveReason::ConnectionLost : LeaveReason::Closed);
    }
    session->deleteLater();
    checkClosed();
}

void Hub::unregister(HubSession *session, const QString &reason, LeaveReason why, Tell tell)
{
    if (!m_registry.remove(session) || tell == Tell::Nobody)
        return;
    const QString id = session->id();
    qCInfo(lcHub).noquote() << "peer left:" << id << "-" << reason;
    if (tell == Tell::Everyone) {
        // A peer that really leaves takes its introductions along; a resumed one keeps them.
        m_introductions.forget(id);
        broadcast(encode(PeerDisconnected { id }), session, false);
        if (m_cluster)
            m_cluster->release(id, session->resumeToken());
    }
    Q_EMIT peerLeft(id, reason, why);
}

void Hub::dropPeer(HubSession *session, const QString &reason, LeaveReason why, QWebSocketProtocol::CloseCode code,
                   Tell tell)
{
    unregister(session, reason, why, tell);
    session->closeWith(code, reason);
}

void Hub::releaseFreeMemory(qint64 now, bool settled)
{
    // A crowd joining, or a burst of broadcasts, fills every peer's pending frames for a moment, and glibc keeps
    // the freed memory. Trimming is a pause (about 12 ms after a crowd of 10 000 joined, 110 MiB given back), so it
    // is done when joins and leaves have stopped for kSettleMs (@p settled), before the peers get busy, and
    // otherwise at most every kTrimIntervalMs; HeapTrimmer skips it when little is free or nothing changed.
    constexpr qint64 kTrimIntervalMs = 10000;
    if (!m_releaseFreeMemory || (!settled && now - m_lastTrimMs < kTrimIntervalMs))
        return;
    m_lastTrimMs = now;
    m_trimmer.trim();
}

void Hub::drainMailboxes()
{
    // Only the peers whose delivery did not fit their queue: looked at again soon while letters remain for them.
    const QSet<QString> backlog = std::exchange(m_mailboxBacklog, {});
    for (const QString &id : backlog) {
        if (HubSession *s = m_registry.live(id); s && !s->isClosing())
            m_requests.deliverMailbox(s); // says mailboxBacklog() again while some remain
    }
}

void Hub::mailboxWritten()
{
    if (!m_mailboxCommit.isActive())
        m_mailboxCommit.start();
}

void Hub::mailboxBacklog(const QString &id)
{
    m_mailboxBacklog.insert(id);
    if (!m_mailboxDrain.isActive())
        m_mailboxDrain.start();
}

void Hub::onHousekeeping()
{
    const qint64 now = nowMs();
    releaseFreeMemory(now, false);
    const bool pingNow = m_config.pingIntervalMs > 0 && now - m_lastPingMs >= m_config.pingIntervalMs;
    if (pingNow)
        m_lastPingMs = now;
    const qint64 silenceLimit = qint64(m_config.pingIntervalMs) + m_config.pingTimeoutMs;
    m_introductions.expire(now);
    m_admission.expire(now);
    for (const QString &id : m_registry.graceEnded(now))
        bury(id, u"connection lost"_s, LeaveReason::ConnectionLost);
    expireMailbox();
    if (m_mailbox.isOpen() && m_mailbox.totalCount() > 0) {
        // A safety net once a tick: any joined peer with letters left (a delivery the database refused, say).
        for (const QString &id : m_mailbox.recipients()) {
            if (m_registry.live(id))
                m_mailboxBacklog.insert(id);
            else if (m_cluster && m_cluster->isRemote(id))
                m_requests.forwardMailbox(id); // joined another hub: what is left goes there, a queue's worth a turn
        }
        drainMailboxes();
    }
    const auto sessions = m_sessions;
    for (HubSession *s : sessions) {
        if (s->isClosing())
            continue;
        if (!s->isJoined()) {
            if (m_config.joinTimeoutMs > 0 && now - s->connectedAtMs() > m_config.joinTimeoutMs)
                m_requests.refuseAndClose(s, ErrorCode::NotJoined, u"No join within %1 ms."_s.arg(m_config.joinTimeoutMs),
                               LeaveReason::Refused);
            continue;
        }
        if (m_config.pingIntervalMs > 0 && now - s->lastSeenMs() > silenceLimit)
            dropPeer(s, u"heartbeat timeout"_s, LeaveReason::HeartbeatTimeout, QWebSocketProtocol::CloseCodeGoingAway);
        else if (pingNow)
            s->ping();
    }
}

// ---- Metrics (issue 19) ---------------------------------------------------------------------------------------

quint16 Hub::metricsPort() const
{
    return m_metrics ? m_metrics->port() : 0;
}

QByteArray Hub::metricsText() const
{
    MetricsWriter w;
    w.gauge("peerlink_peers", "Peers joined to this hub now.", m_registry.liveCount());
    w.gauge("peerlink_peers_in_grace", "Peers whose connection dropped, kept for their reconnect grace.",
            double(m_registry.entries().size()) - m_registry.liveCount());
    w.gauge("peerlink_connections", "Connections open now, joined or not (socket.io sessions included).",
            double(m_sessions.size()));
    w.gauge("peerlink_handshakes", "Connections in their handshake now (before the hub takes them).",
            m_listener->handshakesInProgress());
    w.counter("peerlink_connections_accepted_total", "Connections let in (after bans and per-address limits).",
              double(m_counters.connectionsAccepted));
    QList<std::pair<QByteArray, double>> refused;
    for (auto it = m_counters.connectionsRefused.cbegin(); it != m_counters.connectionsRefused.cend(); ++it)
        refused.append({ it.key(), double(it.value()) });
    refused.append({ "handshake_limits", double(m_listener->refusedHandshakes()) });
    refused.append({ "proxy_header", double(m_listener->refusedProxyHeaders()) });
    std::sort(refused.begin(), refused.end());
    w.labelled("peerlink_connections_refused_total", "counter", "Connections refused, by reason.", "reason", refused);
    w.counter("peerlink_messages_routed_total", "Messages accepted and handed on (direct and broadcast).",
              double(m_requests.routedCount()));
    w.counter("peerlink_message_bytes_routed_total", "UTF-8 bytes of the messages routed, as received.",
              double(m_counters.messageBytesRouted));
    w.counter("peerlink_deliveries_total", "Messages handed to a recipient's connection.",
              double(m_requests.deliveredCount()));
    w.counter("peerlink_received_bytes_total", "UTF-8 bytes of every text message read.",
              double(m_counters.bytesReceived));
    QList<std::pair<QByteArray, double>> errors;
    for (auto it = m_counters.errors.cbegin(); it != m_counters.errors.cend(); ++it)
        errors.append({ errorCodeName(it.key()).toUtf8(), double(it.value()) });
    std::sort(errors.begin(), errors.end());
    w.labelled("peerlink_errors_total", "counter", "Errors sent to peers, by protocol error code.", "code", errors);
    w.counter("peerlink_rate_limited_total", "Requests refused for going over a message or byte rate.",
              double(m_counters.errors.value(ErrorCode::RateLimited)));
    w.gauge("peerlink_bans", "Ids and addresses banned now.",
            double(m_admission.bannedIds().size() + m_admission.bannedAddresses().size()));
    w.counter("peerlink_bans_issued_total", "Bans of joined peers by the operator.", double(m_counters.bansIssued));
    qint64 queued = 0;
    for (const HubSession *s : m_sessions)
        queued += s->queuedBytes();
    w.gauge("peerlink_queued_bytes", "Outgoing bytes waiting for peers that have not read them yet.", double(queued));
    w.gauge("peerlink_mailbox_messages", "Messages kept for absent peers (store-and-forward).",
            m_mailbox.isOpen() ? m_mailbox.totalCount() : 0);
    w.gauge("peerlink_mailbox_bytes", "Bytes of the messages kept for absent peers.",
            m_mailbox.isOpen() ? double(m_mailbox.totalBytes()) : 0);
    w.gauge("peerlink_rooms", "Rooms on this hub.", m_rooms.count());
    w.gauge("peerlink_socketio_sessions", "socket.io (Engine.IO) sessions open now.",
            m_engine ? m_engine->sessionCount() : 0);
    w.gauge("peerlink_cluster_up", "Cluster mode: 1 while this hub is in sync with the cluster's Redis, else 0.",
            isClusterUp() ? 1 : 0);
    w.gauge("peerlink_cluster_hubs", "Cluster mode: hubs of the cluster alive at the last check (this one included).",
            m_cluster ? m_cluster->hubCount() : 0);
    w.gauge("peerlink_cluster_remote_peers", "Cluster mode: peers joined to the other hubs of the cluster.",
            remotePeerCount());
    w.counter("peerlink_cluster_published_total", "Cluster mode: messages this hub published on the Redis bus.",
              m_cluster ? double(m_cluster->published()) : 0);
    w.counter("peerlink_cluster_received_total", "Cluster mode: messages this hub received from the Redis bus.",
              m_cluster ? double(m_cluster->received()) : 0);
    w.gauge("peerlink_cluster_bus_lag_seconds",
            "Cluster mode: round trip of the last probe over the Redis bus (published, then received back).",
            m_cluster ? m_cluster->busLagSeconds() : 0);
    w.gauge("peerlink_cluster_redis_pending_commands", "Cluster mode: Redis commands sent and not answered yet.",
            m_cluster ? m_cluster->pendingCommands() : 0);
    w.counter("peerlink_cluster_reconnects_total", "Cluster mode: times this hub got back in sync after losing Redis.",
              m_cluster ? double(m_cluster->reconnects()) : 0);
    w.gauge("peerlink_start_time_seconds", "When this hub started listening, seconds since the Unix epoch.",
            double(m_startedAtMs) / 1000.0);
    return w.take();
}

// ---- Cluster (issue 19) ---------------------------------------------------------------------------------------

namespace {

/// The peer_connect frame of a welcome entry: the entry is that frame without its `type`, which sorts last.
QByteArray peerConnectFrame(const QByteArray &entry)
{
    return entry.chopped(1) + R"(,"type":"peer_connect"})";
}

} // namespace

void Hub::clusterPeerJoined(const QString &id, const QByteArray &entry)
{
    if (m_registry.find(id) || !entry.endsWith('}'))
        return;
    broadcast(peerConnectFrame(entry), nullptr, false);
    m_requests.forwardMailbox(id); // what this hub kept for it goes to its hub
}

void Hub::clusterPeerMoved(const QString &id, const QByteArray &entry, const QByteArray &previous)
{
    // A resume on another hub: nobody is told it left; the peers with a key learn its new prekey.
    const QJsonObject now = QJsonDocument::fromJson(entry).object();
    const QJsonObject before = QJsonDocument::fromJson(previous).object();
    const QString prekey = now.value(u"prekey").toString();
    if (!prekey.isEmpty() && prekey != before.value(u"prekey").toString()) {
        const QByteArray utf8 = encode(PeerUpdate { id, now.value(u"key").toString(), prekey,
                                                    now.value(u"prekey_sig").toString() });
        const Registry::Entries entries = m_registry.entries();
        for (const Registry::Entry &e : entries) {
            if (e.session && !e.session->key().isEmpty())
                deliver(e.session, utf8);
        }
    }
    m_requests.forwardMailbox(id);
}

void Hub::clusterPeerLeft(const QString &id)
{
    if (m_registry.find(id))
        return; // it is this hub's now
    m_introductions.forget(id);
    broadcast(encode(PeerDisconnected { id }), nullptr, false);
}

void Hub::clusterBroadcast(const QByteArray &utf8)
{
    m_requests.countDeliveries(broadcast(utf8, nullptr, true));
}

void Hub::clusterFrame(const QString &to, const QByteArray &senderHub, const QString &sender, const QString &mid,
                       const QByteArray &utf8)
{
    Q_UNUSED(senderHub)
    const Registry::Entry *target = m_registry.find(to);
    if (target && target->session) {
        deliver(target->session, utf8);
        m_requests.countDeliveries(1);
    } else if (target && m_registry.hold(*target->grace, Registry::Held { utf8, QString(), QString() })) {
        // held for its grace (its sender had the ack from its own hub)
    } else if (!target && m_cluster->isRemote(to)) {
        m_cluster->sendTo(to, sender, mid, utf8); // it moved to another hub meanwhile
    } else if (!target && m_mailbox.isOpen() && !m_bindings.keyOf(to).isEmpty()
               && m_mailbox.store(to, sender, mid, utf8, m_wallClock()) == Mailbox::StoreResult::Stored) {
        mailboxWritten(); // it left meanwhile, bound to a key: kept here until it joins again
    } else if (!mid.isEmpty() && !sender.isEmpty()) {
        m_cluster->sendTo(sender, QString(), QString(),
                          encode(makeError(ErrorCode::PeerUnavailable, u"%1 left before the message came."_s.arg(to), mid)));
    }
}

QByteArray Hub::clusterTakeover(const QString &id, const QByteArray &hub)
{
    const Registry::Entry *entry = m_registry.find(id);
    if (!entry)
        return {};
    qCInfo(lcHub).noquote() << "peer resumed on hub" << hub << ":" << id;
    if (HubSession *s = entry->session) {
        const QByteArray peerEntry = s->peerEntry();
        unregister(s, u"resumed on another hub"_s, LeaveReason::Closed, Tell::OwnerOnly);
        s->closeWith(QWebSocketProtocol::CloseCodeNormal, u"resumed on a new connection"_s);
        return peerEntry;
    }
    const std::optional<Registry::Grace> grace = m_registry.endGrace(id);
    const QByteArray peerEntry =
        encodePeerEntry(PeerInfo { id, grace->name, grace->host, grace->key, grace->prekey, grace->prekeySig });
    // What was held for it goes after it, and its senders here are told it arrived.
    for (const Registry::Held &held : grace->held) {
        m_cluster->sendToHub(hub, id, QString(), QString(), held.frame);
        if (HubSession *sender = m_registry.live(held.sender); sender && !held.mid.isEmpty())
            sender->send(encode(Ack { held.mid }));
    }
    Q_EMIT peerLeft(id, u"resumed on another hub"_s, LeaveReason::Closed);
    return peerEntry;
}

void Hub::clusterIntroductionAnswer(const QByteArray &answererHub, const QString &answerer, const QString &observed,
                                    const QByteArray &utf8)
{
    Q_UNUSED(answererHub)
    m_requests.remoteIntroductionAnswer(answerer, observed, utf8);
}

void Hub::clusterBinding(const QString &id, const QString &key)
{
    QString error;
    if (key.isEmpty()) {
        if (!m_bindings.keyOf(id).isEmpty() && !m_bindings.forget(id, &error))
            qCWarning(lcHub).noquote() << "id binding release from the cluster not saved:" << error;
    } else if (m_bindings.keyOf(id) != key && !m_bindings.bind(id, key, &error)) {
        qCWarning(lcHub).noquote() << "id binding from the cluster not saved:" << error;
    }
}

void Hub::clusterHubId(const QByteArray &hubId)
{
    if (hubId != m_bindings.hubId()) {
        qCInfo(lcHub).noquote() << "cluster: using the cluster's hub id";
        m_bindings.setHubId(hubId);
    }
}

QList<Cluster::LocalPeer> Hub::clusterLocalPeers() const
{
    QList<Cluster::LocalPeer> peers;
    peers.reserve(m_registry.size());
    for (auto it = m_registry.entries().cbegin(); it != m_registry.entries().cend(); ++it) {
        if (it->session) {
            peers.append({ it.key(), it->session->resumeToken(), it->session->peerEntry() });
        } else {
            const Registry::Grace &g = *it->grace;
            peers.append({ it.key(), g.resumeToken,
                           encodePeerEntry(PeerInfo { it.key(), g.name, g.host, g.key, g.prekey, g.prekeySig }) });
        }
    }
    return peers;
}

void Hub::clusterLostId(const QString &id)
{
    // Another hub let a peer in under this id while this hub could not reach Redis: that one keeps it.
    qCWarning(lcHub).noquote() << "cluster: id" << id << "is another hub's now; closing it here";
    if (HubSession *s = m_registry.live(id)) {
        HubRequests::sendError(s, ErrorCode::IdTaken, u"The id %1 is already in use on this hub."_s.arg(id));
        dropPeer(s, u"id taken on another hub"_s, LeaveReason::Refused, QWebSocketProtocol::CloseCodePolicyViolated,
                 Tell::OwnerOnly);
    } else if (m_registry.endGrace(id)) {
        Q_EMIT peerLeft(id, u"id taken on another hub"_s, LeaveReason::Refused);
    }
}

void Hub::clusterRoomFrame(const QString &to, const QByteArray &utf8)
{
    const Registry::Entry *target = m_registry.find(to);
    if (target && target->session) {
        if (target->session->wantsRooms())
            deliver(target->session, utf8);
    } else if (target) {
        m_registry.hold(*target->grace, Registry::Held { utf8, QString(), QString() });
    }
}

void Hub::clusterRoomOp(const QString &op, const QString &name, const QStringList &args)
{
    // The same change as the hub where it was made (each hub keeps the rooms in its own rooms.sqlite as well).
    QString error;
    bool ok = true;
    const QString arg = args.value(0);
    if (op == u"create" && args.size() == 4) {
        Rooms::Room room;
        room.name = name;
        room.inviteOnly = args.at(0) == u"1";
        room.creator = args.at(1);
        room.members = args.at(2).split(u',', Qt::SkipEmptyParts);
        room.topic = args.at(3);
        ok = m_rooms.put(room, &error);
    } else if (op == u"forget") {
        ok = m_rooms.forgetPeer(arg, &error);
    } else if (!m_rooms.find(name)) {
        return; // (a change to a room this hub never heard of: the next sync brings it whole)
    } else if (op == u"add") {
        ok = m_rooms.addMember(name, arg, &error);
    } else if (op == u"remove") {
        ok = m_rooms.removeMember(name, arg, &error);
    } else if (op == u"invite") {
        ok = m_rooms.invite(name, arg, &error);
    } else if (op == u"manager") {
        ok = m_rooms.addManager(name, arg, &error);
    } else if (op == u"topic") {
        ok = m_rooms.setTopic(name, arg, &error);
    } else if (op == u"close") {
        ok = m_rooms.close(name, &error);
    }
    if (!ok)
        qCWarning(lcHub).noquote() << "rooms: a change from the cluster not saved:" << error;
}

void Hub::clusterRooms(const QList<Rooms::Room> &rooms)
{
    QString error;
    if (!m_rooms.replaceAll(rooms, &error))
        qCWarning(lcHub).noquote() << "rooms: the cluster's rooms not saved:" << error;
}

QList<Rooms::Room> Hub::clusterLocalRooms() const
{
    QList<Rooms::Room> rooms;
    for (const Rooms::Room *room : m_rooms.all())
        rooms.append(*room);
    return rooms;
}

void Hub::clusterStateChanged(bool up)
{
    Q_EMIT clusterUpChanged(up);
}

// ---- Output ---------------------------------------------------------------------------------------------------

void Hub::dropPeer(HubSession *session, const QString &reason, LeaveReason why, QWebSocketProtocol::CloseCode code)
{
    dropPeer(session, reason, why, code, Tell::Everyone);
}

void Hub::membershipChanged()
{
    m_settled.start();
}

void Hub::joined(HubSession *session)
{
    Q_EMIT peerJoined(describePeer(session));
}

void Hub::routed(const QString &from, const QString &to, int recipients)
{
    Q_EMIT messageRouted(from, to, recipients);
}

int Hub::broadcast(const QByteArray &utf8, HubSession *except, bool hold)
{
    // One WebSocket frame for every recipient, kept once for all the peers whose frames the hub writes itself.
    const QByteArray frame = HubSession::textFrame(utf8);
    int recipients = m_output.share(frame, utf8, except);
    // The others (socket.io) get it one by one; peers in their grace have it held. With none of either (a ws:// or
    // wss:// hub's usual state), no peer is visited.
    const bool others = m_registry.liveCount() > m_output.attachedCount();
    const bool graces = hold && m_registry.size() > m_registry.liveCount();
    if (!others && !graces)
        return recipients;
    const Registry::Entries entries = m_registry.entries(); // deliver() may drop a slow reader from the registry
    for (const Registry::Entry &e : entries) {
        if (e.session) {
            if (e.session != except && !e.session->isBroadcastTarget()) {
                deliver(e.session, frame, utf8);
                ++recipients;
            }
        } else if (hold) {
            m_registry.hold(*e.grace, Registry::Held { utf8, QString(), QString() });
        }
    }
    return recipients;
}

void Hub::deliver(HubSession *session, const QByteArray &utf8)
{
    deliver(session, HubSession::textFrame(utf8), utf8);
}

bool Hub::admitOutput(HubSession *session, qsizetype bytes)
{
    if (session->isClosing())
        return false;
    if (session->queuedBytes() + bytes > m_config.maxQueuedBytes) {
        dropNotReading(session);
        return false;
    }
    return true;
}

void Hub::dropNotReading(HubSession *session)
{
    // It has stopped reading: drop it at once (no close frame could get through) rather than buffer more.
    dropPeer(session, u"not reading (over %1 bytes queued)"_s.arg(m_config.maxQueuedBytes), LeaveReason::NotReading,
             QWebSocketProtocol::CloseCodePolicyViolated);
    session->abort();
}

void Hub::deliver(HubSession *session, const QByteArray &frame, QByteArrayView utf8)
{
    if (admitOutput(session, frame.size()))
        session->sendFrame(frame, utf8);
}

void Hub::deliverSplice(HubSession *session, const ChatSplice &splice)
{
    const qsizetype size = splice.frameSize();
    if (!admitOutput(session, size))
        return;
    if (char *space = session->frameSpace(size)) {
        const char *end = splice.writeFrame(space);
        if (Q_UNLIKELY(bool(m_output.observer())))
            m_output.observer()(false, QByteArrayView(end - splice.messageSize(), splice.messageSize()));
        return;
    }
    QByteArray frame(size, Qt::Uninitialized);
    splice.writeFrame(frame.data());
    session->sendFrame(frame, chatFramePayload(frame));
}

} // namespace PeerLink
