#pragma once

#include "core/protocol.h"
#include "hub/hubconfig.h"
#include "hub/hubsession.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QWebSocketProtocol>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace PeerLink {

class HubSession;

/// A joined peer as the hub's operator sees it.
struct HubPeer
{
    QString id;
    QString name;
    QHostAddress address;
    quint16 port = 0;
    QDateTime joinedAt;
    quint64 messagesSent = 0;
    bool host = false;
};

/// The PeerLink hub: accepts WebSocket connections, keeps the registry of joined peers, routes messages and
/// introductions, and enforces the limits of its HubConfig. Lives in one thread (any thread).
class Hub : public QObject
{
    Q_OBJECT
public:
    explicit Hub(const HubConfig &config = HubConfig(), QObject *parent = nullptr);
    ~Hub() override;

    /// Starts listening; port 0 picks a free port (see serverPort()). Returns false with errorString() set.
    bool listen(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost), quint16 port = 0);
    /// Stops listening and closes every connection with 1001 (going away). Emits closed() when all are gone.
    void close();

    bool isListening() const;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    /// ws://ADDRESS:PORT of the listening hub (IPv6 addresses in brackets).
    QUrl serverUrl() const;
    QString errorString() const { return m_errorString; }
    /// The SHA-256 fingerprint of the hub's TLS certificate ("AB:CD:…"); empty without TLS.
    QString certificateFingerprint() const;

    const HubConfig &config() const { return m_config; }

    /// The joined peers, in join order.
    QList<HubPeer> peers() const;
    int peerCount() const { return int(m_peers.size()); }
    /// Connections, joined or not.
    int connectionCount() const { return int(m_sessions.size()); }
    /// Messages accepted and handed on since start (one per `message`, however many recipients).
    quint64 routedMessageCount() const { return m_routed; }
    /// Deliveries since start (a broadcast to N peers counts N).
    quint64 deliveryCount() const { return m_delivered; }

    /// Disconnects a joined peer (close 1008); returns false if no such peer.
    bool kick(const QString &id, const QString &reason = QString());
    /// Bans an id (and, if it is joined, its address) and kicks it; returns false for an invalid id.
    bool ban(const QString &id);
    /// Replaces the ban lists; joined peers that are now banned are kicked.
    void setBans(const QStringList &ids, const QList<QHostAddress> &addresses);

Q_SIGNALS:
    void peerJoined(const PeerLink::HubPeer &peer);
    void peerLeft(const QString &id, const QString &reason);
    /// A message was handed on: @p to is empty for a broadcast; @p recipients is how many got it.
    void messageRouted(const QString &from, const QString &to, int recipients);
    /// A problem of the hub itself (listening, accepting), not of one peer's input.
    void errorOccurred(const QString &message);
    /// close() finished: not listening and no connection left.
    void closed();

private:
    void onNewConnection();
    void onTextMessage(HubSession *session, const QString &message);
    void onBinaryMessage(HubSession *session);
    void onDisconnected(HubSession *session);
    void onHousekeeping();
    /// Gives memory freed after a burst back to the system (glibc keeps it otherwise).
    void releaseFreeMemory(qint64 now, bool settled);
    static constexpr int kSettleMs = 200; // joins and leaves stopped this long: a crowd has settled

    void handle(HubSession *session, const JoinRequest &join);
    void handle(HubSession *session, const MessageRequest &message);
    void handle(HubSession *session, const ConnectRequest &request);
    void handle(HubSession *session, const LeaveRequest &leave);
    void handle(HubSession *session, const ConnectAnswer &answer);

    void sendError(HubSession *session, ErrorCode code, const QString &message, const QString &ref = QString());
    /// Answers a bad input and closes the peer with 1008 once its budget of invalid messages is spent.
    void rejectInvalid(HubSession *session, ErrorCode code, const QString &message, const QString &ref);
    /// Sends an error, then closes with @p closeCode.
    void refuseAndClose(HubSession *session, ErrorCode code, const QString &message,
                        QWebSocketProtocol::CloseCode closeCode = QWebSocketProtocol::CloseCodePolicyViolated);
    /// Takes a joined session out of the registry and tells the others; idempotent.
    void unregister(HubSession *session, const QString &reason, bool announce = true);
    void broadcast(const QByteArray &utf8, const HubSession *except);
    bool isBanned(const QString &id, const QHostAddress &address) const;
    /// Counts a connection attempt from @p address; true when it is to be refused by the autoban.
    bool autobanned(const QHostAddress &address);
    static QString addressKey(const QHostAddress &address);
    QTcpSocket *transportOf(const QWebSocket *socket);
    /// Sends one frame to @p session, dropping the session if it has stopped reading.
    void deliver(HubSession *session, const QByteArray &utf8);
    void deliver(HubSession *session, const QByteArray &frame, const QByteArray &utf8);
    /// Ends a ghost's grace: the others are told it left; what waited for it is refused to its senders.
    void bury(const QString &id, const QString &reason);
    static HubPeer describePeer(const HubSession *session);
    QByteArray welcomeBytes(const HubSession *session) const;
    qint64 nowMs() const { return m_clock.elapsed(); }
    void checkClosed();

    HubConfig m_config;
    QWebSocketServer *m_server = nullptr;
    QPointer<QTcpServer> m_tcpServer; // accepts ws:// connections (see listen), or the one inside m_server (wss://)
    bool m_ownListener = false;       // m_tcpServer is ours, not m_server's
    OutputBatch m_output; // frames are written once a turn per peer
    QTimer m_housekeeping;
    QTimer m_settled; // restarted by every join and leave (releaseFreeMemory)
    QElapsedTimer m_clock;
    qint64 m_lastPingMs = 0;
    qint64 m_lastTrimMs = 0;
    int m_refusedHandshakes = 0; // since the last log line about them
    qint64 m_lastRefusalLogMs = 0;
    size_t m_heapFreeAtTrim = 0; // glibc's figures at the last trim (releaseFreeMemory)
    size_t m_heapUsedAtTrim = 0;
    QString m_errorString;
    bool m_closing = false;
    bool m_closedAnnounced = false;

    QSet<HubSession *> m_sessions;
    QHash<QString, int> m_connectionsPerAddress; // open connections (m_sessions) by addressKey()
    QHash<QString, HubSession *> m_peers;
    /// A direct-link introduction waiting for the target's answer.
    struct Introduction
    {
        QString initiator;
        QString target;
        QString secret;
        qint64 expiresMs = 0;
    };
    QHash<QString, Introduction> m_introductions; // by link id
    QHash<QString, QList<qint64>> m_connectTimes; // recent connection attempts, by address
    QHash<QString, qint64> m_autobannedUntil; // by address

    /// A peer whose connection dropped, within its grace: still "there" for the others.
    struct Ghost
    {
        struct Queued
        {
            QByteArray frame; // the JSON, UTF-8
            QString sender; // for a direct message: who gets the ack, or the error
            QString mid;
        };
        QString name;
        QString resumeToken;
        QDateTime joinedAt;
        bool host = false;
        qint64 expiresMs = 0;
        QList<Queued> queue;
    };
    QHash<QString, Ghost> m_ghosts; // by id
    quint64 m_routed = 0;
    quint64 m_delivered = 0;
};

} // namespace PeerLink

Q_DECLARE_METATYPE(PeerLink::HubPeer)
