#pragma once

#include "hub/hub.h"

#include <QObject>
#include <QThread>
#include <QTimer>
#include <QUrl>

namespace PeerLink {

class HubRunner;

/// Runs a Hub inside the app, in a worker thread of its own (like Quassel's embedded core). Nothing here blocks the
/// calling (GUI) thread: start() and stop() return at once and report through signals, as a chain of queued steps.
/// All methods are called from the thread that owns the HubHost.
class HubHost : public QObject
{
    Q_OBJECT
public:
    /// Stopped -> Starting -> Running -> Stopping -> Stopped; a failed start goes from Starting to Stopped.
    enum class State { Stopped, Starting, Running, Stopping };
    Q_ENUM(State)

    explicit HubHost(QObject *parent = nullptr);
    /// Stops a hub still running; only here does the calling thread wait (bounded by the hub's own deadline).
    ~HubHost() override;

    /// Starts hosting and returns at once: started() or errorOccurred() follows. Returns false (errorString() says
    /// why, no signal) when a hub is already starting or running, or while a stop is under way.
    bool start(const HubConfig &config, const QHostAddress &address, quint16 port);
    /// Stops hosting and returns at once. In order: the hub sees @p leavingPeerId (the app's own client, already
    /// told to leave) go (bounded at 2 s), the hub closes in its thread (every peer gets 1001, bounded at 3 s), the
    /// thread ends; then stopped(). Does nothing when stopped or stopping.
    void stop(const QString &leavingPeerId = QString());

    State state() const { return m_state; }
    /// Hosting or about to: from start() until stop() or a failed start.
    bool isRunning() const { return m_state == State::Starting || m_state == State::Running; }
    /// A stop is under way (stopped() has not come yet); start() refuses meanwhile.
    bool isStopping() const { return m_state == State::Stopping; }
    QString errorString() const { return m_errorString; }
    HubConfig config() const { return m_config; }
    QHostAddress boundAddress() const { return m_address; }
    /// The port the hub listens on once started (0 before).
    quint16 port() const { return m_port; }
    /// The URL this machine uses to join its own hub; empty until started.
    QUrl localUrl() const { return m_localUrl; }
    /// The SHA-256 fingerprint of the hosted hub's TLS certificate; empty without TLS. Computed once per start.
    QString certificateFingerprint() const { return m_fingerprint; }
    /// The URLs to give to others (every non-loopback address when bound to all interfaces). Found once per start,
    /// in the hub's thread.
    QList<QUrl> shareableUrls() const { return m_shareableUrls; }

    /// The hub's joined peers as its peerJoined/peerLeft signals told this thread (no call into the hub's thread);
    /// messagesSent is as at the join (messageRouted() counts the rest).
    QList<HubPeer> peers() const { return m_peers; }
    quint64 routedMessageCount() const { return m_routed; }
    /// Disconnects a peer (close 1008). Returns at once; peerLeft() follows.
    void kick(const QString &id);
    /// Bans a peer's id, and its address unless it is a loopback one (a peer on this computer shares it with the own
    /// client), and disconnects it. Returns at once; banDone() follows.
    void ban(const QString &id);
    /// Replaces the running hub's ban lists (Hub::setBans): joined peers now banned are disconnected.
    void setBans(const QStringList &ids, const QList<QHostAddress> &addresses);
    /// Releases the key bound to @p id (Hub::forgetId), so that the next peer to join as @p id binds its own key.
    /// Returns at once; idForgetDone() follows. False when no hub is running.
    bool forgetId(const QString &id);

Q_SIGNALS:
    void stateChanged(PeerLink::HubHost::State state);
    void started(const QUrl &localUrl);
    void stopped();
    void peerJoined(const PeerLink::HubPeer &peer);
    void peerLeft(const QString &id, const QString &reason);
    void messageRouted(const QString &from, const QString &to, int recipients);
    /// The answer to forgetId(): @p wasBound says whether a key was bound to @p id; @p error is empty when the binding
    /// is gone (or there was none), else the hub's reason (say, its data-dir could not be written).
    void idForgetDone(const QString &id, bool wasBound, const QString &error);
    /// The answer to ban(): @p id is banned, and so is @p address; an empty @p address: by id only.
    void banDone(const QString &id, const QString &address);
    /// A start failed (then the host is stopped again), or the running hub reported a problem of its own.
    void errorOccurred(const QString &message);

private:
    friend class HubRunner;
    struct Started
    {
        bool ok = false;
        quint16 port = 0;
        QString error;
        QList<QUrl> shareableUrls;
    };
    void setState(State state);
    /// The hub thread's answer to listen (queued here). @p generation tells answers of an earlier start apart.
    void onListened(quint64 generation, const Started &result);
    void onPeerJoined(quint64 generation, const HubPeer &peer);
    void onPeerLeft(quint64 generation, const QString &id, const QString &reason);
    void onMessageRouted(quint64 generation, const QString &from, const QString &to, int recipients);
    void onHubError(quint64 generation, const QString &message);
    void onIdForgetDone(quint64 generation, const QString &id, bool wasBound, const QString &error);
    void onBanDone(quint64 generation, const QString &id, const QString &address);
    /// Second step of stop(): the hub closes in its thread.
    void closeHub();
    /// Last step: the hub's thread has ended.
    void onThreadFinished();

    static constexpr int kLeaveDeadlineMs = 2000; // a client that never finishes leaving does not hold the hub up

    QThread m_thread;
    HubRunner *m_runner = nullptr; // lives in m_thread while it runs; deleted here once it has finished
    State m_state = State::Stopped;
    quint64 m_generation = 0;
    bool m_closeRequested = false;
    QString m_leavingPeer; // stop() waits for the hub to see it go
    QTimer m_leaveDeadline;
    HubConfig m_config;
    QHostAddress m_address;
    quint16 m_port = 0;
    QUrl m_localUrl;
    QString m_fingerprint;
    QList<QUrl> m_shareableUrls;
    QString m_errorString;
    QList<HubPeer> m_peers;
    quint64 m_routed = 0;
};

} // namespace PeerLink
