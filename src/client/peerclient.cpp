#include "peerclient.h"

#include "client/logging.h"
#include "core/rules.h"
#include "crypto/sodium.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>

namespace PeerLink {

using namespace Qt::StringLiterals;

PeerClient::PeerClient(QObject *parent)
    : QObject(parent)
    , m_hub(new HubConnection(this))
    , m_paths(new DirectPaths(this))
    , m_midPrefix(QString::number(QRandomGenerator::global()->generate(), 36))
    , m_resendTimer(new QTimer(this))
    , m_parkTimer(new QTimer(this))
    , m_previousPrekeyTimer(new QTimer(this))
{
    qRegisterMetaType<PeerLink::ChatMessage>();
    qRegisterMetaType<PeerLink::ClientError>();
    m_clock.start();
    m_resendTimer->setInterval(100);
    connect(m_resendTimer, &QTimer::timeout, this, &PeerClient::drainOutbox);
    m_parkTimer->setSingleShot(true);
    connect(m_parkTimer, &QTimer::timeout, this, &PeerClient::onParkTimeout);
    m_previousPrekeyTimer->setSingleShot(true);
    m_previousPrekeyTimer->setInterval(PreviousPrekeyMs);
    connect(m_previousPrekeyTimer, &QTimer::timeout, this, [this] { m_secure.forgetPreviousPrekey(); });

    connect(m_hub, &HubConnection::opened, this, &PeerClient::onOpened);
    connect(m_hub, &HubConnection::closed, this, &PeerClient::onClosed);
    connect(m_hub, &HubConnection::received, this,
        [this](const HubEnvelope &envelope) { std::visit([this](const auto &m) { handle(m); }, envelope); });
    connect(m_hub, &HubConnection::reconnecting, this, &PeerClient::reconnecting);
    connect(m_hub, &HubConnection::reopening, this, [this] { setState(State::Connecting); });
    connect(m_hub, &HubConnection::certificateUntrusted, this, &PeerClient::certificateUntrusted);

    m_paths->setPresence(
        [this](const QString &peer) { return isJoined() && (peer.isEmpty() || hasPeer(peer)); });
    connect(m_paths, &DirectPaths::hubFrameReady, m_hub, &HubConnection::send);
    connect(m_paths, &DirectPaths::pathChanged, this,
        [this](const QString &peer, DirectPaths::Path path) { Q_EMIT pathChanged(peer, Path(int(path))); });
    connect(m_paths, &DirectPaths::connectRequested, this, &PeerClient::connectRequested);
    connect(m_paths, &DirectPaths::messageArrived, this, [this](const ChatMessage &m) { receive(m, false); });
    // A link is sealed with the key the peer joined with (the hub's word, checked against what we remember).
    m_paths->setPeerKeys([this](const QString &peer) { return m_secure.peerKey(peer); });
    connect(m_paths, &DirectPaths::messageAcked, this, &PeerClient::messageAcked);
    connect(m_paths, &DirectPaths::linkLost, this, &PeerClient::resendUnacked);
    connect(m_paths, &DirectPaths::errorOccurred, this, &PeerClient::errorOccurred);
}

PeerClient::~PeerClient() = default;

static_assert(int(PeerClient::Path::Direct) == int(DirectPaths::Path::Direct));
static_assert(int(PeerClient::ConnectPolicy::DeclineAll) == int(DirectPaths::Policy::DeclineAll));

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

qint64 PeerClient::maxOutgoingMessageBytes() const
{
    const qint64 own = m_maxOutgoingBytes > 0 ? m_maxOutgoingBytes : 0;
    if (m_limits.maxMessageBytes > 0)
        return own > 0 ? std::min(own, m_limits.maxMessageBytes) : m_limits.maxMessageBytes;
    return own > 0 ? own : qint64(64 * 1024);
}

void PeerClient::setIdentity(const std::optional<Crypto::Identity> &identity)
{
    m_secure.setIdentity(identity);
    m_paths->setIdentity(identity);
}

bool PeerClient::setKnownKeysFile(const QString &path, QString *error)
{
    m_knownKeysError.clear();
    const bool ok = m_secure.keyStore().setFile(path, &m_knownKeysError);
    if (error)
        *error = m_knownKeysError;
    return ok;
}

bool PeerClient::trustKey(const QString &peer)
{
    if (!m_secure.trustKey(peer))
        return false;
    // What it sent meanwhile was checked against the key now trusted: it is delivered, in order.
    const QList<ChatMessage> held = m_held.take(peer);
    for (const ChatMessage &m : held)
        Q_EMIT messageReceived(m);
    return true;
}

void PeerClient::setResendRate(int perSecond)
{
    m_resendPerSecond = std::max(1, perSecond);
    applyLimits(m_limits);
}

void PeerClient::applyLimits(const HubLimits &limits)
{
    m_limits = limits;
    // Resends stay below half the hub's rate, so that a burst of them is not refused as a flood.
    int rate = m_resendPerSecond;
    if (limits.messagesPerSecond > 0)
        rate = std::min(rate, std::max(1, int(limits.messagesPerSecond / 2)));
    m_outbox.setResendRate(rate);
}

bool PeerClient::connectToHub(const QUrl &url, const QString &id, const JoinOptions &options)
{
    if (m_state != State::Disconnected)
        return failLocally(
            ErrorCode::AlreadyJoined, tr("Already connected to %1.").arg(m_hub->url().toString()));
    if (!Rules::isValidId(id))
        return failLocally(ErrorCode::InvalidId, tr("An id is 1 to 64 characters of A-Z a-z 0-9 . _ -"));
    if (!options.name.isEmpty() && !Rules::isValidName(options.name))
        return failLocally(ErrorCode::BadMessage, tr("A display name is at most 64 printable characters."));
    if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty())
        return failLocally(ErrorCode::BadMessage,
            tr("A hub address looks like ws://host:port (got \"%1\").").arg(url.toString()));
    m_id = id;
    m_options = options;
    m_outbox.clear();
    m_resendTimer->stop();
    m_parkTimer->stop();
    applyLimits({});
    m_paths->start(id);
    setState(State::Connecting);
    m_hub->open(url, JoinRequest { id, options.name, options.password, QString(), QString() });
    return true;
}

QString PeerClient::sendMessage(const QString &text)
{
    return sendMessage(QString(), text);
}

QString PeerClient::sendMessage(const QString &to, const QString &text)
{
    const QString mid = nextMid();
    const MessageRequest request { text, to, mid };
    if (!to.isEmpty() && m_secure.trust(to) == SecureChannel::Trust::Changed) {
        Q_EMIT errorOccurred(ClientError::local(ClientError::KeyChanged,
            tr("The key of %1 changed; nothing is sent to it until you trust the new key.").arg(to),
            u"message"_s));
        return QString();
    }
    // The size of what goes on the wire: sealed, it is larger than the text (it is sealed again when it
    // goes).
    const SecureChannel::Outbound out = m_secure.outbound(to, mid, text);
    MessageRequest wire = request;
    if (out.kind == SecureChannel::Outbound::Kind::Sealed)
        wire = MessageRequest { QString(), to, mid, out.e2e };
    wire.sig = out.sig;
    if (!mayQueue(to, encode(wire).size()))
        return QString();
    // Over a link only what may go now (plain to a peer without key, or sealed); the rest is the outbox's to
    // report or park (prepare()).
    const bool mayGo = out.kind == SecureChannel::Outbound::Kind::Plain
        || out.kind == SecureChannel::Outbound::Kind::Sealed;
    if (!to.isEmpty() && mayGo
        && m_paths->send(to, text, mid, QDateTime::currentMSecsSinceEpoch(),
            out.kind == SecureChannel::Outbound::Kind::Sealed ? out.e2e : QString()))
        return mid;
    // The outbox keeps the text; it is sealed (again) each time it goes, for the peer's prekey of then.
    if (m_outbox.add(request, m_state == State::Joined)) {
        if (const auto frame = prepare(request))
            m_hub->send(encode(*frame));
    }
    drainOutbox();
    return mid;
}

std::optional<MessageRequest> PeerClient::prepare(const MessageRequest &r)
{
    const SecureChannel::Outbound out = m_secure.outbound(r.to, r.mid, r.text);
    using Kind = SecureChannel::Outbound::Kind;
    switch (out.kind) {
    case Kind::Plain: {
        MessageRequest signed_ = r;
        signed_.sig = out.sig;
        return signed_;
    }
    case Kind::Sealed:
        return MessageRequest { QString(), r.to, r.mid, out.e2e };
    case Kind::Absent:
        // Not sent in the clear to a peer known by a key: it waits for it like for a peer the hub says is not
        // back (or fails like one).
        if (m_outbox.park(r.mid, m_clock.elapsed())) {
            armParkTimer();
            return std::nullopt;
        }
        m_outbox.settle(r.mid);
        Q_EMIT errorOccurred(ClientError::fromCode(
            ErrorCode::PeerUnavailable, tr("No peer %1 is joined to this hub.").arg(r.to), r.mid));
        return std::nullopt;
    case Kind::KeyChanged:
        m_outbox.settle(r.mid);
        m_paths->forgetUnacked(r.mid);
        Q_EMIT errorOccurred(ClientError::local(ClientError::KeyChanged,
            tr("The key of %1 changed; nothing is sent to it until you trust the new key.").arg(r.to),
            r.mid));
        return std::nullopt;
    case Kind::NoPrekey:
        break;
    }
    m_outbox.settle(r.mid);
    Q_EMIT errorOccurred(ClientError::local(ClientError::E2eFailed,
        tr("%1 announced no valid key to encrypt to; the message was not sent.").arg(r.to), r.mid));
    return std::nullopt;
}

bool PeerClient::mayQueue(const QString &to, qsizetype bytes)
{
    // Joined, or on the way back after a drop: messages wait in the outbox.
    if (m_state != State::Joined && (m_state == State::Disconnected || !m_hub->isResuming()))
        return failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."), u"message"_s);
    if (m_outbox.isFull())
        return failLocally(ErrorCode::RateLimited,
            tr("%1 messages are waiting for the hub already.").arg(MaxOutbox), u"message"_s);
    if (!to.isEmpty() && !Rules::isValidId(to))
        return failLocally(ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(to), u"message"_s);
    if (bytes > maxOutgoingMessageBytes())
        return failLocally(ErrorCode::TooLarge,
            tr("The message is %1 bytes; at most %2 can be sent.").arg(bytes).arg(maxOutgoingMessageBytes()),
            u"message"_s);
    return true;
}

bool PeerClient::connectToPeer(const QString &peer)
{
    if (m_state != State::Joined)
        return failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."), u"connect_to_peer"_s);
    if (!Rules::isValidId(peer))
        return failLocally(
            ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(peer), u"connect_to_peer"_s);
    if (!hasPeer(peer))
        return failLocally(ErrorCode::PeerUnavailable, tr("No peer %1 is joined to this hub.").arg(peer),
            u"connect_to_peer"_s);
    m_paths->want(peer);
    return true;
}

void PeerClient::disconnectFromHub()
{
    if (m_state == State::Disconnected)
        return;
    if (!m_hub->leave(m_state == State::Joined)) {
        // It was only waiting to reconnect: nothing to close, so it ends here.
        m_outbox.clear();
        m_paths->reset(false);
        m_parkTimer->stop();
        setState(State::Disconnected);
        Q_EMIT disconnected(m_hub->lastReason());
    }
}

void PeerClient::onOpened()
{
    // Every connection gets a new prekey: what was sealed for the last one cannot be opened with this one's
    // secret, nor that one's any more (forward secrecy).
    m_secure.startConnection(
        m_hub->url().adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash).toString(), m_id);
    m_held.clear();
    JoinRequest join { m_id, m_options.name, m_options.password, QString(), QString() };
    if (const auto &identity = m_secure.identity()) {
        join.key = QString::fromLatin1(Crypto::toBase64(identity->publicKey()));
        join.prekey = QString::fromLatin1(Crypto::toBase64(m_secure.prekey()));
        join.prekeySig = QString::fromLatin1(Crypto::toBase64(m_secure.prekeySignature()));
    }
    m_hub->setJoin(join);
    m_previousPrekeyTimer->start();
    setState(State::Joining);
    Q_EMIT connected();
}

void PeerClient::onClosed(const QString &reason, bool willReconnect)
{
    if (willReconnect) {
        QStringList ids;
        for (const PeerInfo &p : std::as_const(m_peers))
            ids.append(p.id);
        m_outbox.setReturning(ids);
    }
    m_peers.clear();
    m_resendTimer->stop();
    m_paths->reset(willReconnect);
    if (!willReconnect) {
        m_outbox.clear();
        m_parkTimer->stop();
    }
    setState(willReconnect ? State::Reconnecting : State::Disconnected);
    Q_EMIT disconnected(reason);
}

void PeerClient::handle(const Challenge &m)
{
    bool hubOk = false;
    bool nonceOk = false;
    const QByteArray hub = Crypto::fromBase64(m.hub.toLatin1(), &hubOk);
    const QByteArray nonce = Crypto::fromBase64(m.nonce.toLatin1(), &nonceOk);
    if (!m_secure.hasIdentity() || m_state != State::Joining || !hubOk || !nonceOk) {
        qCWarning(lcClient) << "ignoring a challenge the join did not ask for";
        return;
    }
    m_hub->answerChallenge(QString::fromLatin1(Crypto::toBase64(m_secure.joinSignature(hub, nonce))));
}

void PeerClient::present(
    const QString &peer, const QString &key, const QString &prekey, const QString &prekeySig)
{
    bool ok[3] = { true, true, true };
    const QByteArray k = key.isEmpty() ? QByteArray() : Crypto::fromBase64(key.toLatin1(), &ok[0]);
    const QByteArray p = prekey.isEmpty() ? QByteArray() : Crypto::fromBase64(prekey.toLatin1(), &ok[1]);
    const QByteArray s
        = prekeySig.isEmpty() ? QByteArray() : Crypto::fromBase64(prekeySig.toLatin1(), &ok[2]);
    const auto presence = m_secure.peerPresent(
        peer, ok[0] ? k : QByteArray(), ok[1] ? p : QByteArray(), ok[2] ? s : QByteArray());
    using Kind = SecureChannel::Presence::Kind;
    if (presence.kind == Kind::BadPrekey)
        qCWarning(lcClient).noquote()
            << peer << "announced a prekey its key did not sign; nothing is sealed for it";
    else if (presence.kind == Kind::Changed)
        Q_EMIT keyChanged(peer, presence.oldFingerprint, presence.newFingerprint);
}

void PeerClient::handle(const PeerUpdate &m)
{
    for (PeerInfo &p : m_peers) {
        if (p.id == m.id) {
            p.key = m.key;
            p.prekey = m.prekey;
            p.prekeySig = m.prekeySig;
            present(m.id, m.key, m.prekey, m.prekeySig);
            return;
        }
    }
}

void PeerClient::handle(const Welcome &m)
{
    m_hubName = m.hub;
    m_peers = m.peers;
    // Keys first: what goes again below is sealed for the prekeys of now.
    for (const PeerInfo &p : m.peers)
        present(p.id, p.key, p.prekey, p.prekeySig);
    m_hub->welcomed(m.resume);
    applyLimits(m.limits);
    // Back after a reconnect: everything the old connection did not get acked goes again, in order, with the
    // same mids, then what direct links did not confirm (receivers drop what they already have). Queued
    // before joined() is announced, so that what its handlers send goes behind.
    m_outbox.resendAll();
    for (const MessageRequest &r : m_paths->takeAllUnacked())
        m_outbox.add(r, false);
    setState(State::Joined);
    drainOutbox();
    Q_EMIT joined(m.id, m.hub);
    // Wanted links to peers not back yet are asked for when they join (handle(PeerConnected)).
    m_paths->rejoined();
}

void PeerClient::handle(const PeerConnected &m)
{
    if (hasPeer(m.id))
        return;
    m_peers.append(PeerInfo { m.id, m.name, m.host, m.key, m.prekey, m.prekeySig });
    present(m.id, m.key, m.prekey, m.prekeySig);
    Q_EMIT peerConnected(m.id, m.name);
    m_paths->peerJoined(m.id);
    m_outbox.peerBack(m.id); // what waited for it goes now, in order
    drainOutbox();
}

void PeerClient::handle(const PeerDisconnected &m)
{
    const auto removed = m_peers.removeIf([&m](const PeerInfo &p) { return p.id == m.id; });
    m_outbox.peerGone(m.id); // it left for real
    m_paths->peerLeft(m.id);
    m_secure.peerGone(m.id);
    m_held.remove(m.id);
    if (removed > 0)
        Q_EMIT peerDisconnected(m.id);
}

void PeerClient::handle(const ChatMessage &m)
{
    receive(m, true);
}

void PeerClient::receive(ChatMessage m, bool viaHub)
{
    const SecureChannel::Inbound in = m_secure.inbound(m.from, m.to, m.mid, m.text, m.e2e, m.sig);
    if (in.kind == SecureChannel::Inbound::Kind::Reject) {
        // Not marked as seen: a forgery must not keep the real message with this mid out.
        qCWarning(lcClient).noquote() << "dropped a message from" << m.from << "-" << in.problem;
        Q_EMIT errorOccurred(ClientError::local(ClientError::E2eFailed,
            tr("A message from %1 could not be verified or decrypted and was not delivered.").arg(m.from),
            m.mid));
        return;
    }
    // Through the hub without a mid there is nothing to compare; over a link there always is one.
    if ((!viaHub || !m.mid.isEmpty()) && !m_seen.firstTime(m.from, m.mid))
        return; // already delivered (over a direct link, or through the hub)
    m.text = in.text;
    m.encrypted = in.encrypted;
    m.signedByKey = in.signedByKey;
    if (in.kind == SecureChannel::Inbound::Kind::Hold) {
        QList<ChatMessage> &held = m_held[m.from];
        if (held.size() < MaxHeldMessages)
            held.append(m);
        return;
    }
    Q_EMIT messageReceived(m);
}

void PeerClient::handle(const Ack &m)
{
    m_paths->forgetUnacked(m.mid);
    m_outbox.settle(m.mid);
    Q_EMIT messageAcked(m.mid);
}

void PeerClient::handle(const ConnectOffer &m)
{
    if (m.link.isEmpty()) // a hub without direct links: just the core protocol's notice
        Q_EMIT connectRequested(m.from);
    else
        m_paths->offered(m);
}

void PeerClient::handle(const ConnectAccepted &m)
{
    m_paths->accepted(m);
}

void PeerClient::handle(const ErrorReply &m)
{
    const ClientError error = ClientError::fromWire(m.code, m.message, m.ref);
    // The hub names the refused message by its mid in `ref`. Refused for speed, not for content: it stays in
    // the outbox and goes again, paced below the hub's rate.
    if (error.is(ErrorCode::RateLimited) && m_outbox.retry(m.ref)) {
        drainOutbox();
        return;
    }
    // Its peer is not back yet after the hub's restart: it waits for it.
    if (error.is(ErrorCode::PeerUnavailable) && m_outbox.park(m.ref, m_clock.elapsed())) {
        armParkTimer();
        return;
    }
    m_outbox.settle(m.ref); // any other refusal is final for that message
    if (error.is(ErrorCode::ConnectDeclined))
        m_paths->declined(m.ref);
    Q_EMIT errorOccurred(error);
}

void PeerClient::resendUnacked(const QString &peer)
{
    if (!isJoined())
        return; // they wait in DirectPaths and go after the next welcome
    for (const MessageRequest &r : m_paths->takeUnacked(peer))
        m_outbox.add(r, false);
    drainOutbox();
}

void PeerClient::drainOutbox()
{
    if (isJoined()) {
        for (const MessageRequest &r : m_outbox.takeDue(m_clock.elapsed())) {
            if (const auto frame = prepare(r))
                m_hub->send(encode(*frame));
        }
    }
    if (m_outbox.waiting() == 0 || !isJoined())
        m_resendTimer->stop();
    else if (!m_resendTimer->isActive())
        m_resendTimer->start();
}

void PeerClient::armParkTimer()
{
    if (m_outbox.parkDeadline() >= 0 && !m_parkTimer->isActive())
        m_parkTimer->start(int(std::max<qint64>(0, m_outbox.parkDeadline() - m_clock.elapsed())));
}

void PeerClient::onParkTimeout()
{
    // They did not come back: the messages that waited for them fail now.
    const auto failed = m_outbox.expireParked(m_clock.elapsed());
    for (const auto &[peer, mid] : failed) {
        Q_EMIT errorOccurred(ClientError::fromCode(
            ErrorCode::PeerUnavailable, tr("%1 did not come back after the hub restarted.").arg(peer), mid));
    }
    armParkTimer(); // (a timer that fired early goes on)
}

void PeerClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QString PeerClient::nextMid()
{
    return m_midPrefix + u'-' + QString::number(++m_midCounter);
}

bool PeerClient::failLocally(ErrorCode code, const QString &message, const QString &ref)
{
    Q_EMIT errorOccurred(ClientError::fromCode(code, message, ref));
    return false;
}

} // namespace PeerLink
