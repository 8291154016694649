#pragma once

#include "hub/hub.h"

#include <QObject>
#include <QThread>
#include <QUrl>

namespace PeerLink {

/// Runs a Hub inside the app, in a worker thread of its own (like Quassel's embedded core): start() creates and
/// starts it there, stop() closes it, waits for the peers to be told, and ends the thread, in that order.
/// All methods are called from the thread that owns the HubHost (the GUI thread).
class HubHost : public QObject
{
    Q_OBJECT
public:
    explicit HubHost(QObject *parent = nullptr);
    ~HubHost() override;

    /// Starts hosting; returns false with errorString() set (port in use, ...). Blocks only for the listen call.
    bool start(const HubConfig &config, const QHostAddress &address, quint16 port);
    /// Stops hosting: every peer gets a close frame, the port is freed, the thread ends. Waits at most 3 s.
    void stop();

    bool isRunning() const { return m_hub != nullptr; }
    QString errorString() const { return m_errorString; }
    HubConfig config() const { return m_config; }
    QHostAddress boundAddress() const { return m_address; }
    quint16 port() const { return m_port; }
    /// The URL this machine uses to join its own hub.
    QUrl localUrl() const;
    /// The SHA-256 fingerprint of the hosted hub's TLS certificate; empty without TLS.
    QString certificateFingerprint() const;
    /// The URLs to give to others (every non-loopback address when bound to all interfaces).
    QList<QUrl> shareableUrls() const;

    /// The hub's joined peers (asks the hub thread and waits for the answer).
    QList<HubPeer> peers() const;
    quint64 routedMessageCount() const { return m_routed; }
    /// Disconnects a peer (close 1008). Returns at once; peerLeft() follows.
    void kick(const QString &id);
    /// Bans a peer's id and address and disconnects it.
    void ban(const QString &id);

Q_SIGNALS:
    void started(const QUrl &localUrl);
    void stopped();
    void peerJoined(const PeerLink::HubPeer &peer);
    void peerLeft(const QString &id, const QString &reason);
    void messageRouted(const QString &from, const QString &to, int recipients);
    void errorOccurred(const QString &message);

private:
    QThread m_thread;
    QObject *m_context = nullptr; // lives in m_thread; invokeMethod target
    Hub *m_hub = nullptr; // lives in m_thread
    HubConfig m_config;
    QHostAddress m_address;
    quint16 m_port = 0;
    QString m_errorString;
    quint64 m_routed = 0;
};

} // namespace PeerLink
