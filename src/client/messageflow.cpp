#include "messageflow.h"

#include "client/logging.h"
#include "client/securechannel.h"
#include "core/rules.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// @p r as it goes on the wire: its place in the stream kept, with this body (the text, or "" and the envelope).
MessageRequest withBody(const MessageRequest &r, const QString &text, const QString &e2e, const QString &sig = {})
{
    MessageRequest out = r;
    out.text = text;
    out.e2e = e2e;
    out.sig = sig;
    return out;
}

} // namespace

MessageFlow::MessageFlow(SecureChannel &secure, QObject *parent)
    : QObject(parent)
    , m_secure(secure)
    , m_midPrefix(QString::number(QRandomGenerator::global()->generate(), 36))
    , m_run(QDateTime::currentMSecsSinceEpoch())
    , m_resendTimer(new QTimer(this))
    , m_parkTimer(new QTimer(this))
    , m_orderTimer(new QTimer(this))
{
    m_elapsed.start();
    m_resendTimer->setInterval(100);
    connect(m_resendTimer, &QTimer::timeout, this, &MessageFlow::drain);
    m_parkTimer->setSingleShot(true);
    connect(m_parkTimer, &QTimer::timeout, this, &MessageFlow::expireParked);
    m_orderTimer->setSingleShot(true);
    connect(m_orderTimer, &QTimer::timeout, this, &MessageFlow::expireOrder);
}

MessageFlow::~MessageFlow() = default;

qint64 MessageFlow::maxOutgoingMessageBytes() const
{
    const qint64 own = m_maxOutgoingBytes > 0 ? m_maxOutgoingBytes : 0;
    if (m_limits.maxMessageBytes > 0)
        return own > 0 ? std::min(own, m_limits.maxMessageBytes) : m_limits.maxMessageBytes;
    return own > 0 ? own : qint64(64 * 1024);
}

void MessageFlow::setResendRate(int perSecond)
{
    m_resendPerSecond = std::max(1, perSecond);
    applyLimits(m_limits);
}

void MessageFlow::applyLimits(const HubLimits &limits)
{
    m_limits = limits;
    // Resends stay below half the hub's rate, so that a burst of them is not refused as a flood.
    int rate = m_resendPerSecond;
    if (limits.messagesPerSecond > 0)
        rate = std::min(rate, std::max(1, int(limits.messagesPerSecond / 2)));
    m_outbox.setResendRate(rate);
}

QString MessageFlow::send(const QString &to, const QString &text)
{
    const QString mid = m_midPrefix + u'-' + QString::number(++m_midCounter);
    MessageRequest request { text, to, mid };
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
    if (out.kind == SecureChannel::Outbound::Kind::Sealed
        || (out.kind == SecureChannel::Outbound::Kind::Absent && !out.e2e.isEmpty()))
        wire = withBody(request, QString(), out.e2e);
    wire.sig = out.sig;
    if (!to.isEmpty()) {
        // Its place in what we send this peer in this run (numbered once it may go: refusals leave no gap).
        wire.seq = m_lastSeq.value(to) + 1;
        wire.run = m_run;
    }
    if (!mayQueue(to, encode(wire).size()))
        return QString();
    if (!to.isEmpty()) {
        request.seq = m_lastSeq[to] = wire.seq;
        request.run = m_run;
    }
    // Over a link only what may go now (plain to a peer without key, or sealed), and only when nothing to that
    // peer still waits for the hub (it would overtake it); the rest is the outbox's to report or park
    // (prepare()).
    const bool mayGo = out.kind == SecureChannel::Outbound::Kind::Plain
        || out.kind == SecureChannel::Outbound::Kind::Sealed;
    if (!to.isEmpty() && mayGo && m_links.send && !m_outbox.hasMessagesTo(to)
        && m_links.send(request, out.kind == SecureChannel::Outbound::Kind::Sealed ? out.e2e : QString()))
        return mid;
    // The outbox keeps the text; it is sealed (again) each time it goes, for the peer's prekey of then.
    if (m_outbox.add(request, m_joined)) {
        if (const auto frame = prepare(request))
            Q_EMIT hubFrameReady(encode(*frame));
    }
    drain();
    return mid;
}

std::optional<MessageRequest> MessageFlow::prepare(const MessageRequest &r)
{
    const SecureChannel::Outbound out = m_secure.outbound(r.to, r.mid, r.text);
    using Kind = SecureChannel::Outbound::Kind;
    switch (out.kind) {
    case Kind::Plain:
        return withBody(r, r.text, QString(), out.sig);
    case Kind::Sealed:
        return withBody(r, QString(), out.e2e);
    case Kind::Absent:
        // Not sent in the clear to a peer known by a key: it waits for it like for a peer the hub says is not
        // back (or fails like one).
        if (m_outbox.park(r.mid, now())) {
            armParkTimer();
            return std::nullopt;
        }
        // Not expected back soon: sealed to its identity, for the hub to keep until it joins (`stored`); a hub
        // without a mailbox answers peer_unavailable.
        if (!out.e2e.isEmpty())
            return withBody(r, QString(), out.e2e);
        m_outbox.settle(r.mid);
        Q_EMIT errorOccurred(ClientError::fromCode(
            ErrorCode::PeerUnavailable, tr("No peer %1 is joined to this hub.").arg(r.to), r.mid));
        return std::nullopt;
    case Kind::KeyChanged:
        m_outbox.settle(r.mid);
        if (m_links.forgetUnacked)
            m_links.forgetUnacked(r.mid);
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

bool MessageFlow::mayQueue(const QString &to, qsizetype bytes)
{
    // Joined, or on the way back after a drop: messages wait in the outbox.
    if (!m_joined && !(m_resuming && m_resuming()))
        return failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."));
    if (m_outbox.isFull())
        return failLocally(
            ErrorCode::RateLimited, tr("%1 messages are waiting for the hub already.").arg(Outbox::MaxSize));
    if (!to.isEmpty() && !Rules::isValidId(to))
        return failLocally(ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(to));
    if (bytes > maxOutgoingMessageBytes())
        return failLocally(ErrorCode::TooLarge,
            tr("The message is %1 bytes; at most %2 can be sent.").arg(bytes).arg(maxOutgoingMessageBytes()));
    return true;
}

void MessageFlow::clear()
{
    m_outbox.clear();
    m_resendTimer->stop();
    m_parkTimer->stop();
}

void MessageFlow::connectionLost(const QStringList &returning)
{
    m_outbox.setReturning(returning);
    m_resendTimer->stop(); // what waits goes after the welcome
}

void MessageFlow::welcomed(const HubLimits &limits, const QList<MessageRequest> &linkUnacked)
{
    applyLimits(limits);
    m_outbox.resendAll();
    for (const MessageRequest &r : linkUnacked)
        m_outbox.add(r, false);
}

void MessageFlow::drain()
{
    if (m_joined) {
        for (const MessageRequest &r : m_outbox.takeDue(now())) {
            if (const auto frame = prepare(r))
                Q_EMIT hubFrameReady(encode(*frame));
        }
    }
    if (m_outbox.waiting() == 0 || !m_joined)
        m_resendTimer->stop();
    else if (!m_resendTimer->isActive())
        m_resendTimer->start();
}

void MessageFlow::peerBack(const QString &peer)
{
    m_outbox.peerBack(peer);
    drain();
}

void MessageFlow::peerGone(const QString &peer)
{
    m_outbox.peerGone(peer);
    m_held.remove(peer);
}

void MessageFlow::linkLost(const QString &peer)
{
    if (!m_joined || !m_links.takeUnacked)
        return; // they wait with the links and go after the next welcome
    for (const MessageRequest &r : m_links.takeUnacked(peer))
        m_outbox.add(r, false);
    drain();
}

void MessageFlow::receive(ChatMessage m, bool viaHub)
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
    deliverInOrder(m);
}

void MessageFlow::deliverInOrder(const ChatMessage &m)
{
    for (const ChatMessage &ready : m_order.accept(m, now()))
        Q_EMIT messageReceived(ready);
    if (m_order.deadline() >= 0 && !m_orderTimer->isActive())
        m_orderTimer->start(int(std::max<qint64>(0, m_order.deadline() - now())));
}

void MessageFlow::expireOrder()
{
    for (const ChatMessage &ready : m_order.expire(now()))
        Q_EMIT messageReceived(ready);
    if (m_order.deadline() >= 0)
        m_orderTimer->start(int(std::max<qint64>(1, m_order.deadline() - now())));
}

void MessageFlow::releaseHeld(const QString &peer)
{
    // What it sent meanwhile was checked against the key now trusted: it is delivered, in order.
    const QList<ChatMessage> held = m_held.take(peer);
    for (const ChatMessage &m : held)
        deliverInOrder(m);
}

void MessageFlow::acked(const QString &mid)
{
    if (m_links.forgetUnacked)
        m_links.forgetUnacked(mid);
    m_outbox.settle(mid);
    Q_EMIT messageAcked(mid);
}

void MessageFlow::stored(const QString &mid)
{
    // The hub keeps it now: nothing goes again after a reconnect (the hub delivers it when the peer joins).
    if (m_links.forgetUnacked)
        m_links.forgetUnacked(mid);
    m_outbox.settle(mid);
    Q_EMIT messageStored(mid);
}

bool MessageFlow::refused(const ClientError &error)
{
    // The hub names the refused message by its mid in `ref`. Refused for speed, not for content: it stays in
    // the outbox and goes again, paced below the hub's rate.
    if (error.is(ErrorCode::RateLimited) && m_outbox.retry(error.ref)) {
        drain();
        return true;
    }
    // Its peer is not back yet after the hub's restart: it waits for it.
    if (error.is(ErrorCode::PeerUnavailable) && m_outbox.park(error.ref, now())) {
        armParkTimer();
        return true;
    }
    m_outbox.settle(error.ref); // any other refusal is final for that message
    return false;
}

void MessageFlow::armParkTimer()
{
    if (m_outbox.parkDeadline() >= 0 && !m_parkTimer->isActive())
        m_parkTimer->start(int(std::max<qint64>(0, m_outbox.parkDeadline() - now())));
}

void MessageFlow::expireParked()
{
    // They did not come back: the messages that waited for them fail now.
    const auto failed = m_outbox.expireParked(now());
    for (const auto &[peer, mid] : failed) {
        Q_EMIT errorOccurred(ClientError::fromCode(
            ErrorCode::PeerUnavailable, tr("%1 did not come back after the hub restarted.").arg(peer), mid));
    }
    armParkTimer(); // (a timer that fired early goes on)
}

bool MessageFlow::failLocally(ErrorCode code, const QString &message)
{
    Q_EMIT errorOccurred(ClientError::fromCode(code, message, u"message"_s));
    return false;
}

} // namespace PeerLink
