#include "directpaths.h"

#include "client/directlinks.h"
#include "client/logging.h"
#include "core/rules.h"
#include "core/secrets.h"

#include <QTimer>

namespace PeerLink {

using namespace Qt::StringLiterals;

DirectPaths::DirectPaths(QObject *parent)
    : QObject(parent)
    , m_links(new DirectLinks(this))
{
    connect(m_links, &DirectLinks::linkUp, this, [this](const QString &peer) {
        PeerPath &p = record(peer);
        if (p.timer)
            p.timer->stop();
        p.retry->reset();
        setPath(peer, Path::Direct);
    });
    connect(m_links, &DirectLinks::linkDown, this, [this](const QString &peer) { onLinkDown(peer); });
    connect(m_links, &DirectLinks::dialFailed, this, [this](const QString &peer, const QString &reason) {
        qCInfo(lcClient).noquote() << "no direct link to" << peer << "-" << reason;
        setPath(peer, Path::Relayed);
        scheduleRetry(peer);
    });
    connect(m_links, &DirectLinks::messageReceived, this, &DirectPaths::onLinkMessage);
    connect(m_links, &DirectLinks::ackReceived, this, &DirectPaths::onLinkAck);
    connect(m_links, &DirectLinks::fileReceived, this, &DirectPaths::fileArrived);
    connect(m_links, &DirectLinks::chunkReceived, this, &DirectPaths::chunkArrived);
}

DirectPaths::~DirectPaths() = default;

DirectPaths::PeerPath &DirectPaths::record(const QString &peer)
{
    PeerPath &p = m_peers[peer];
    if (!p.retry)
        p.retry.emplace(m_retryInitialMs, m_retryMaxMs);
    return p;
}

void DirectPaths::prune(const QString &peer)
{
    const auto it = m_peers.find(peer);
    if (it == m_peers.end())
        return;
    const PeerPath &p = *it;
    if (p.path != Path::Relayed || p.offer || p.accepted || p.wanted || !p.unacked.isEmpty()
        || (p.timer && p.timer->isActive()))
        return;
    delete p.timer;
    m_peers.erase(it);
}

void DirectPaths::setListening(bool enabled, const QHostAddress &address, quint16 port)
{
    m_listenEnabled = enabled;
    m_listenAddress = address;
    m_listenPort = port;
}

void DirectPaths::start(const QString &selfId)
{
    reset(false);
    m_selfId = selfId;
    m_links->setSelfId(selfId);
    m_links->stopListening();
    if (m_listenEnabled && !m_links->listen(m_listenAddress, m_listenPort))
        qCWarning(lcClient).noquote() << m_links->errorString() << "- messages go through the hub only";
}

bool DirectPaths::isListening() const
{
    return m_links->isListening();
}

QStringList DirectPaths::endpoints() const
{
    return m_links->endpoints();
}

void DirectPaths::setTimeouts(int dialMs, int answerMs)
{
    m_dialTimeoutMs = std::max(100, dialMs);
    m_answerTimeoutMs = std::max(100, answerMs);
    m_links->setTimeout(m_dialTimeoutMs);
}

void DirectPaths::setKeepalive(int intervalMs, int timeoutMs)
{
    m_links->setKeepalive(intervalMs, timeoutMs);
}

void DirectPaths::setRetryDelays(int initialMs, int maximumMs)
{
    m_retryInitialMs = std::max(10, initialMs);
    m_retryMaxMs = std::max(m_retryInitialMs, maximumMs);
    for (PeerPath &p : m_peers)
        p.retry->setDelays(m_retryInitialMs, m_retryMaxMs);
}

DirectPaths::Path DirectPaths::pathTo(const QString &peer) const
{
    const auto it = m_peers.constFind(peer);
    return it == m_peers.cend() ? Path::Relayed : it->path;
}

void DirectPaths::setIdentity(const std::optional<Crypto::Identity> &identity)
{
    m_links->setIdentity(identity);
}

void DirectPaths::setPeerKeys(std::function<QByteArray(const QString &peer)> lookup)
{
    m_links->setPeerKeys(std::move(lookup));
}

bool DirectPaths::isSealed(const QString &peer) const
{
    return m_links->isSealed(peer);
}

bool DirectPaths::send(const MessageRequest &message, qint64 ts, const QString &e2e)
{
    LinkMessage link { e2e.isEmpty() ? message.text : QString(), message.to, message.mid, ts, e2e };
    link.seq = message.seq;
    link.run = message.run;
    if (!m_links->send(message.to, encode(link)))
        return false;
    MessageRequest kept { message.text, message.to, message.mid };
    kept.seq = message.seq;
    kept.run = message.run;
    record(message.to).unacked.append(kept);
    return true;
}

bool DirectPaths::sendFile(const QString &peer, const LinkFile &frame)
{
    return m_links->send(peer, encode(frame));
}

void DirectPaths::dropLink(const QString &peer, const QString &reason)
{
    m_links->drop(peer, reason);
}

bool DirectPaths::sendChunk(const QString &peer, const QString &tid, const QByteArray &chunk)
{
    return m_links->sendChunk(peer, tid, chunk);
}

QList<MessageRequest> DirectPaths::takeUnacked(const QString &peer)
{
    const auto it = m_peers.find(peer);
    if (it == m_peers.end())
        return {};
    const QList<MessageRequest> list = std::exchange(it->unacked, {});
    prune(peer);
    return list;
}

QList<MessageRequest> DirectPaths::takeAllUnacked()
{
    QList<MessageRequest> all;
    const auto peers = m_peers.keys();
    for (const QString &peer : peers)
        all += takeUnacked(peer);
    return all;
}

void DirectPaths::forgetUnacked(const QString &mid)
{
    for (PeerPath &p : m_peers)
        p.unacked.removeIf([&mid](const MessageRequest &r) { return r.mid == mid; });
}

void DirectPaths::want(const QString &peer)
{
    record(peer).wanted = true;
    if (pathTo(peer) != Path::Direct)
        requestIntroduction(peer);
}

void DirectPaths::offered(const ConnectOffer &offer)
{
    PeerPath &p = record(offer.from);
    p.offer = offer;
    if (p.accepted || m_policy == Policy::AcceptAll) {
        Q_EMIT connectRequested(offer.from);
        accept(offer.from);
    } else if (m_policy == Policy::DeclineAll) {
        decline(offer.from, tr("not accepting direct connections"));
    } else {
        Q_EMIT connectRequested(offer.from);
    }
}

void DirectPaths::accepted(const ConnectAccepted &m)
{
    const auto it = m_peers.constFind(m.from);
    if (it == m_peers.cend() || !it->wanted || it->path == Path::Direct)
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
                scheduleRetry(peer);
            }
        });
    } else {
        setPath(m.from, Path::Relayed); // neither side can be dialled: the hub relays
    }
}

bool DirectPaths::accept(const QString &from)
{
    const auto it = m_peers.find(from);
    if (it == m_peers.end() || !it->offer || !present(QString()))
        return false;
    const ConnectOffer offer = *std::exchange(it->offer, std::nullopt);
    it->accepted = true;
    if (m_links->isListening())
        m_links->expect(from, offer.link, offer.secret);
    Q_EMIT hubFrameReady(encode(ConnectAnswer { from, offer.link, true, m_links->endpoints(), QString() }));
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

bool DirectPaths::decline(const QString &from, const QString &reason)
{
    const auto it = m_peers.find(from);
    if (it == m_peers.end() || !it->offer || !present(QString()))
        return false;
    Q_EMIT hubFrameReady(encode(ConnectAnswer { from, it->offer->link, false, {}, reason }));
    it->offer.reset();
    prune(from);
    return true;
}

void DirectPaths::declined(const QString &peer)
{
    const auto it = m_peers.find(peer);
    if (it == m_peers.end())
        return;
    it->wanted = false;
    if (it->timer)
        it->timer->stop();
    setPath(peer, Path::Relayed);
    prune(peer);
}

void DirectPaths::peerJoined(const QString &peer)
{
    const auto it = m_peers.constFind(peer);
    if (it != m_peers.cend() && it->wanted && it->path != Path::Direct)
        requestIntroduction(peer); // a link we asked for before a reconnect, to a peer that is back now
}

void DirectPaths::peerLeft(const QString &peer)
{
    const auto it = m_peers.find(peer);
    if (it != m_peers.end()) {
        if (it->path == Path::Connecting && it->wanted) {
            Q_EMIT errorOccurred(ClientError::fromCode(ErrorCode::PeerUnavailable,
                tr("%1 left before the direct link was made.").arg(peer), u"connect_to_peer"_s));
        }
        PeerPath &p = record(peer); // (looked up again: a slot of errorOccurred may have changed the hash)
        if (p.timer)
            p.timer->stop();
        p.retry->reset();
        p.wanted = false;
        p.offer.reset();
        p.accepted = false; // whoever joins under this id next is asked again
    }
    // Also an attempt that has no record yet: a dial from it that came before the hub's word.
    m_links->drop(peer, tr("%1 left the hub").arg(peer));
    setPath(peer, Path::Relayed);
    prune(peer);
}

void DirectPaths::rejoined()
{
    const auto peers = m_peers.keys();
    for (const QString &peer : peers) {
        if (m_peers.value(peer).wanted && present(peer))
            requestIntroduction(peer);
    }
}

void DirectPaths::reset(bool keepPending)
{
    m_links->blockSignals(true);
    m_links->dropAll(tr("left the hub"));
    m_links->blockSignals(false);
    QStringList wasOff;
    for (auto it = m_peers.begin(); it != m_peers.end(); ++it) {
        delete std::exchange(it->timer, nullptr);
        it->retry->reset();
        it->offer.reset();
        it->accepted = false;
        if (!keepPending) {
            it->wanted = false;
            it->unacked.clear();
        }
        if (it->path != Path::Relayed)
            wasOff.append(it.key());
        it->path = Path::Relayed;
    }
    const auto peers = m_peers.keys();
    for (const QString &peer : peers)
        prune(peer);
    for (const QString &peer : std::as_const(wasOff))
        Q_EMIT pathChanged(peer, Path::Relayed);
}

void DirectPaths::requestIntroduction(const QString &peer)
{
    Q_EMIT hubFrameReady(encode(ConnectRequest { peer, QJsonObject(), m_links->endpoints() }));
    setPath(peer, Path::Connecting);
    // No answer in time: the hub relays. No retry: the other side has not accepted (its user may not have
    // decided), and asking again and again would nag it; retries follow only failed dials and dropped links.
    armTimer(peer, m_answerTimeoutMs, [this, peer] {
        if (pathTo(peer) == Path::Connecting)
            setPath(peer, Path::Relayed);
    });
}

void DirectPaths::setPath(const QString &peer, Path path)
{
    if (pathTo(peer) == path)
        return;
    record(peer).path = path;
    Q_EMIT pathChanged(peer, path);
}

void DirectPaths::armTimer(const QString &peer, int ms, std::function<void()> action)
{
    QTimer *&timer = record(peer).timer;
    if (!timer) {
        timer = new QTimer(this);
        timer->setSingleShot(true);
    }
    timer->disconnect(this);
    connect(timer, &QTimer::timeout, this, std::move(action));
    timer->start(ms);
}

void DirectPaths::scheduleRetry(const QString &peer)
{
    const auto it = m_peers.find(peer);
    if (it == m_peers.end() || !it->wanted || !present(peer))
        return;
    const int delay = it->retry->next();
    armTimer(peer, delay, [this, peer] {
        if (present(peer) && pathTo(peer) != Path::Direct)
            requestIntroduction(peer);
    });
}

void DirectPaths::onLinkMessage(const QString &peer, const LinkMessage &m)
{
    // The authenticated link says who sent it; a "from" in the frame is not trusted.
    m_links->send(peer, encode(LinkAck { m.mid }));
    ChatMessage delivered { peer, m.text, m_selfId, m.mid, m.ts };
    delivered.e2e = m.e2e;
    delivered.seq = m.seq;
    delivered.run = m.run;
    Q_EMIT messageArrived(delivered);
}

void DirectPaths::onLinkAck(const QString &peer, const QString &mid)
{
    // Only the peer a message went to can ack it: another linked peer guessing mids gets nowhere.
    const auto it = m_peers.find(peer);
    if (it == m_peers.end())
        return;
    const auto removed = it->unacked.removeIf([&mid](const MessageRequest &r) { return r.mid == mid; });
    if (removed > 0)
        Q_EMIT messageAcked(mid);
}

void DirectPaths::onLinkDown(const QString &peer)
{
    setPath(peer, Path::Relayed);
    Q_EMIT linkLost(peer);
    scheduleRetry(peer);
    prune(peer);
}

QStringList DirectPaths::candidates(const QStringList &addrs, const QString &observed)
{
    QStringList list = addrs;
    if (!observed.isEmpty()) {
        // The address the hub sees, with each advertised port: the way in through a NAT that forwards the
        // port.
        for (const QString &a : addrs) {
            const QString e = hostPort(observed, a.section(u':', -1).toUShort());
            if (!list.contains(e))
                list.append(e);
        }
    }
    return list.mid(0, 2 * Rules::MaxEndpoints);
}

} // namespace PeerLink
