#include "hubhost.h"

#ifdef Q_OS_LINUX
#include "runtime/epolleventdispatcher.h"
#endif

#include "hubtext.h"
#include "networkaddresses.h"

#include "core/rules.h"

#include <algorithm>
#include <memory>

namespace PeerLink {

using namespace Qt::StringLiterals;

/// The hub thread's side of a HubHost: owns the Hub there, and runs listen and the close chain in that thread.
/// Every method but the constructor runs in the hub's thread; it answers the host with queued calls only.
class HubRunner : public QObject
{
public:
    explicit HubRunner(HubHost *host)
        : m_host(host)
    {
    }
    ~HubRunner() override { delete m_hub; } // normally gone already, deleted in its own thread by finish()

    void open(quint64 generation, const HubConfig &config, const QHostAddress &address, quint16 port)
    {
        HubHost *host = m_host;
        auto hub = std::make_unique<Hub>(config);
        hub->setReleaseFreeMemory(true); // the hub's thread gives memory back after bursts, as peerlink-hub does
        // The hub's own words are English; what the user reads is worded here from the typed error.
        HubError listenError = HubError::CannotListen;
        QString listenDetail;
        const QMetaObject::Connection watch = connect(hub.get(), &Hub::errorOccurred, this,
                                                      [&](const QString &, HubError error, const QString &detail) {
                                                          listenError = error;
                                                          listenDetail = detail;
                                                      });
        HubHost::Started result;
        result.ok = hub->listen(address, port);
        disconnect(watch);
        if (!result.ok) {
            result.error = describeHostingError(listenError, listenDetail);
            hub.reset();
            report(generation, result);
            thread()->quit(); // the host reports the error once this thread has ended, and can start again
            return;
        }
        m_hub = hub.release();
        result.port = m_hub->serverPort();
        // Enumerating the interfaces takes a while: done here, once per start, not in the window's thread.
        result.shareableUrls = shareableHubUrls(address, result.port);
        // Queued into the host's thread. The generation tells a previous start's late signals apart.
        connect(m_hub, &Hub::peerJoined, host,
                [host, generation](const HubPeer &peer) { host->onPeerJoined(generation, peer); });
        connect(m_hub, &Hub::peerLeft, host, [host, generation](const QString &id, const QString &, LeaveReason why) {
            host->onPeerLeft(generation, id, describeLeaveReason(why));
        });
        connect(m_hub, &Hub::messageRouted, host,
                [host, generation](const QString &from, const QString &to, int recipients) {
                    host->onMessageRouted(generation, from, to, recipients);
                });
        connect(m_hub, &Hub::errorOccurred, host,
                [host, generation](const QString &, HubError error, const QString &detail) {
                    host->onHubError(generation, describeHostingError(error, detail));
                });
        report(generation, result);
    }

    void kick(const QString &id)
    {
        if (m_hub && !m_closing)
            m_hub->kick(id, QString());
    }

    /// Bans @p id, and its address unless that is a loopback one: a peer on this computer shares 127.0.0.1 with the
    /// host's own client, which a ban of the address would shut out too.
    void ban(quint64 generation, const QString &id)
    {
        if (!m_hub || m_closing || !Rules::isValidId(id))
            return;
        QHostAddress address;
        for (const HubPeer &p : m_hub->peers()) {
            if (p.id == id)
                address = p.address;
        }
        bool v4 = false;
        const QHostAddress plain(address.toIPv4Address(&v4));
        if (v4)
            address = plain; // ::ffff:127.0.0.1 is loopback too
        // The hub's configuration holds its bans (Hub::setBans keeps it in step).
        QStringList ids = m_hub->config().bannedIds;
        QList<QHostAddress> addresses = m_hub->config().bannedAddresses;
        if (!ids.contains(id))
            ids.append(id);
        const bool byAddress = !address.isNull() && !address.isLoopback();
        if (byAddress && !addresses.contains(address))
            addresses.append(address);
        m_hub->setBans(ids, addresses); // kicks the peer now banned
        HubHost *host = m_host;
        const QString shown = byAddress ? address.toString() : QString();
        QMetaObject::invokeMethod(host, [host, generation, id, shown] { host->onBanDone(generation, id, shown); });
    }

    void setBans(const QStringList &ids, const QList<QHostAddress> &addresses)
    {
        if (m_hub && !m_closing)
            m_hub->setBans(ids, addresses);
    }

    void forgetId(quint64 generation, const QString &id)
    {
        if (!m_hub || m_closing)
            return;
        const bool wasBound = !m_hub->boundKey(id).isEmpty();
        QString error;
        if (wasBound && !m_hub->forgetId(id, &error) && error.isEmpty())
            error = u"the binding could not be released"_s;
        HubHost *host = m_host;
        QMetaObject::invokeMethod(host, [host, generation, id, wasBound, error] {
            host->onIdForgetDone(generation, id, wasBound, error);
        });
    }

    /// Tells every peer (close 1001), waits for Hub::closed or the deadline, deletes the hub and ends the thread.
    void close()
    {
        if (m_closing)
            return;
        m_closing = true;
        if (!m_hub) {
            finish();
            return;
        }
        connect(m_hub, &Hub::closed, this, &HubRunner::finish);
        // Peers that never answer the close do not hold the thread up: a timer of this thread, no nested loop.
        QTimer::singleShot(kCloseDeadlineMs, this, &HubRunner::finish);
        m_hub->close();
    }

private:
    static constexpr int kCloseDeadlineMs = 3000;

    void report(quint64 generation, const HubHost::Started &result)
    {
        HubHost *host = m_host;
        QMetaObject::invokeMethod(host, [host, generation, result] { host->onListened(generation, result); });
    }

    void finish()
    {
        if (m_finished)
            return;
        m_finished = true;
        // Hub::closed comes from the hub's own event handling: delete it on a clean stack, then end the thread
        // (QThread::finished takes the chain on in the host's thread).
        QMetaObject::invokeMethod(
            this,
            [this] {
                delete std::exchange(m_hub, nullptr);
                thread()->quit();
            },
            Qt::QueuedConnection);
    }

    HubHost *m_host; // outlives this thread: ~HubHost waits for it
    Hub *m_hub = nullptr;
    bool m_closing = false;
    bool m_finished = false;
};

HubHost::HubHost(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(u"PeerLink hub"_s);
    // Emitted in the hub's thread as it ends; queued here.
    connect(&m_thread, &QThread::finished, this, &HubHost::onThreadFinished);
    m_leaveDeadline.setSingleShot(true);
    connect(&m_leaveDeadline, &QTimer::timeout, this, &HubHost::closeHub);
}

HubHost::~HubHost()
{
    if (!m_runner)
        return;
    // Last resort, for an owner that goes away without waiting for stopped(): the hub still closes in its own
    // thread, bounded there by its 3 s deadline, and only here does this thread block, on QThread::wait() (no
    // event loop runs meanwhile, so peers in this thread cannot answer and the deadline may be spent).
    disconnect(&m_thread, nullptr, this, nullptr);
    if (!m_closeRequested) {
        m_closeRequested = true;
        HubRunner *runner = m_runner;
        QMetaObject::invokeMethod(runner, [runner] { runner->close(); });
    }
    m_thread.wait();
    delete m_runner;
}

void HubHost::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

bool HubHost::start(const HubConfig &config, const QHostAddress &address, quint16 port)
{
    if (m_state == State::Stopping) {
        m_errorString = tr("The hub is still stopping; start it again once it has stopped.");
        return false;
    }
    if (m_state != State::Stopped) {
        m_errorString = tr("A hub is already running.");
        return false;
    }
#ifdef Q_OS_LINUX
    // The hub's thread runs on epoll (runtime/epolleventdispatcher.h); the window's thread keeps Qt's dispatcher.
    // QThread deletes the dispatcher when the thread ends, so each start makes one.
    if (!m_thread.eventDispatcher()) {
        if (QAbstractEventDispatcher *dispatcher = EpollEventDispatcher::create())
            m_thread.setEventDispatcher(dispatcher);
    }
#endif
    m_runner = new HubRunner(this);
    m_runner->moveToThread(&m_thread);
    m_thread.start();

    ++m_generation;
    m_config = config;
    m_address = address;
    m_port = 0;
    m_localUrl.clear();
    m_shareableUrls.clear();
    m_fingerprint = config.useTls() ? Rules::certificateFingerprint(config.tlsCertificate.toDer()) : QString();
    m_peers.clear();
    m_routed = 0;
    m_errorString.clear();
    m_closeRequested = false;
    setState(State::Starting);
    HubRunner *runner = m_runner;
    QMetaObject::invokeMethod(runner, [runner, generation = m_generation, config, address, port] {
        runner->open(generation, config, address, port);
    });
    return true;
}

void HubHost::onListened(quint64 generation, const Started &result)
{
    if (generation != m_generation || m_state != State::Starting)
        return; // stopped meanwhile: stopped() ends that story
    if (!result.ok) {
        m_errorString = result.error; // errorOccurred() once the thread has ended, so that start() works again
        return;
    }
    m_port = result.port;
    m_localUrl = localHubUrl(m_address, m_port);
    m_shareableUrls = result.shareableUrls;
    if (m_config.useTls()) {
        m_localUrl.setScheme(u"wss"_s);
        for (QUrl &url : m_shareableUrls)
            url.setScheme(u"wss"_s);
    }
    setState(State::Running);
    Q_EMIT started(m_localUrl);
}

void HubHost::stop(const QString &leavingPeerId)
{
    if (m_state == State::Stopped || m_state == State::Stopping)
        return;
    const bool running = m_state == State::Running;
    setState(State::Stopping);
    const bool joined = std::any_of(m_peers.cbegin(), m_peers.cend(),
                                    [&leavingPeerId](const HubPeer &p) { return p.id == leavingPeerId; });
    if (running && !leavingPeerId.isEmpty() && joined) {
        // First step: the hub sees the app's own client leave, so that its peers hear it left, not that the hub
        // shut down. Its socket closing is not enough: the hub may not have read its `leave` yet (onPeerLeft).
        m_leavingPeer = leavingPeerId;
        m_leaveDeadline.start(kLeaveDeadlineMs);
        return;
    }
    closeHub();
}

void HubHost::closeHub()
{
    if (m_state != State::Stopping || m_closeRequested)
        return;
    m_closeRequested = true;
    m_leaveDeadline.stop();
    m_leavingPeer.clear();
    HubRunner *runner = m_runner;
    QMetaObject::invokeMethod(runner, [runner] { runner->close(); });
}

void HubHost::onThreadFinished()
{
    m_thread.wait(); // QThread::finished has been emitted: the thread is at its very end
    delete std::exchange(m_runner, nullptr);
    const State was = m_state;
    m_port = 0;
    m_localUrl.clear();
    m_shareableUrls.clear();
    m_fingerprint.clear();
    m_peers.clear();
    m_leaveDeadline.stop();
    m_leavingPeer.clear();
    setState(State::Stopped);
    if (was == State::Starting)
        Q_EMIT errorOccurred(m_errorString); // listen failed
    else
        Q_EMIT stopped();
}

void HubHost::onPeerJoined(quint64 generation, const HubPeer &peer)
{
    if (generation != m_generation || m_state != State::Running)
        return;
    // A peer that resumes is announced again: keep one row per id.
    auto it = std::find_if(m_peers.begin(), m_peers.end(), [&peer](const HubPeer &p) { return p.id == peer.id; });
    if (it != m_peers.end())
        *it = peer;
    else
        m_peers.append(peer);
    Q_EMIT peerJoined(peer);
}

void HubHost::onPeerLeft(quint64 generation, const QString &id, const QString &reason)
{
    const bool waitingForLeave = m_state == State::Stopping && !m_leavingPeer.isEmpty();
    if (generation != m_generation || (m_state != State::Running && !waitingForLeave))
        return;
    m_peers.removeIf([&id](const HubPeer &p) { return p.id == id; });
    Q_EMIT peerLeft(id, reason);
    if (waitingForLeave && id == m_leavingPeer)
        closeHub(); // the own client is gone: next step of stop()
}

void HubHost::onMessageRouted(quint64 generation, const QString &from, const QString &to, int recipients)
{
    if (generation != m_generation || m_state != State::Running)
        return;
    ++m_routed;
    Q_EMIT messageRouted(from, to, recipients);
}

void HubHost::onHubError(quint64 generation, const QString &message)
{
    if (generation != m_generation || m_state != State::Running)
        return;
    Q_EMIT errorOccurred(message);
}

void HubHost::kick(const QString &id)
{
    if (m_state != State::Running)
        return;
    HubRunner *runner = m_runner;
    QMetaObject::invokeMethod(runner, [runner, id] { runner->kick(id); });
}

bool HubHost::forgetId(const QString &id)
{
    if (m_state != State::Running)
        return false;
    HubRunner *runner = m_runner;
    QMetaObject::invokeMethod(runner, [runner, generation = m_generation, id] { runner->forgetId(generation, id); });
    return true;
}

void HubHost::onIdForgetDone(quint64 generation, const QString &id, bool wasBound, const QString &error)
{
    if (generation != m_generation || m_state != State::Running)
        return;
    Q_EMIT idForgetDone(id, wasBound, error);
}

void HubHost::ban(const QString &id)
{
    if (m_state != State::Running)
        return;
    HubRunner *runner = m_runner;
    QMetaObject::invokeMethod(runner, [runner, generation = m_generation, id] { runner->ban(generation, id); });
}

void HubHost::onBanDone(quint64 generation, const QString &id, const QString &address)
{
    if (generation != m_generation || m_state != State::Running)
        return;
    Q_EMIT banDone(id, address);
}

void HubHost::setBans(const QStringList &ids, const QList<QHostAddress> &addresses)
{
    if (m_state != State::Running)
        return;
    HubRunner *runner = m_runner;
    QMetaObject::invokeMethod(runner, [runner, ids, addresses] { runner->setBans(ids, addresses); });
}

} // namespace PeerLink
