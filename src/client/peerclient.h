#pragma once

#include "core/protocol.h"

#include <QObject>
#include <QUrl>
#include <QWebSocketProtocol>

class QTimer;
class QWebSocket;

#include <QHash>
#include <QHostAddress>
#include <QSet>

#include <functional>

namespace PeerLink {

class DirectLinks;

/// A peer's connection to a hub. Its signals mirror the events of the original tutorial: connected, joined
/// (welcome), messages, peers that come and go, and requests to connect.
class PeerClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Joining, Joined, Reconnecting };
    Q_ENUM(State)
    /// How messages to one peer travel: through the hub, being connected directly, or over a direct link.
    enum class Path { Relayed, Connecting, Direct };
    Q_ENUM(Path)
    /// What to do when a peer asks to connect: accept at once, ask (connectRequested, then accept/decline), refuse.
    enum class ConnectPolicy { AcceptAll, Ask, DeclineAll };
    Q_ENUM(ConnectPolicy)

    /// Optional fields of `join`.
    struct JoinOptions
    {
        QString name;
        QString password;
    };

    explicit PeerClient(QObject *parent = nullptr);
    ~PeerClient() override;

    State state() const { return m_state; }
    bool isJoined() const { return m_state == State::Joined; }
    /// The id this client joins (or joined) as.
    QString id() const { return m_id; }
    QString displayName() const { return m_options.name; }
    QUrl hubUrl() const { return m_url; }
    /// The hub's name from `welcome`.
    QString hubName() const { return m_hubName; }
    /// The resume token from the last `welcome`.
    QString resumeToken() const { return m_resumeToken; }

    /// The other joined peers, in the order the hub announced them; empty when not joined.
    QList<PeerInfo> peers() const { return m_peers; }
    bool hasPeer(const QString &id) const;
    /// The display name of a joined peer (empty if it has none or is not joined).
    QString peerName(const QString &id) const;

    /// Largest message accepted from the hub (bytes); larger ones close the connection with 1009.
    void setMaxIncomingMessageBytes(qint64 bytes);
    /// Largest message this client sends (bytes of JSON; default 65 536, the hub's default). Larger ones are
    /// refused here with `too_large`, on a direct link too, so that a fallback to the hub never carries a message
    /// the hub would refuse.
    void setMaxOutgoingMessageBytes(qint64 bytes) { m_maxOutgoingBytes = bytes; }
    /// Messages sent again through the hub after a link dropped, per second at most (default 50: half the hub's
    /// default rate, so a burst of resends is not refused as a flood).
    void setResendRate(int perSecond) { m_resendPerSecond = std::max(1, perSecond); }

    /// After losing a joined connection (not after leaving, a kick, a ban or a refused join), connect and join
    /// again by itself, with exponential backoff and jitter, resuming the session with its resume token.
    void setAutoReconnect(bool enabled) { m_autoReconnect = enabled; }
    bool autoReconnect() const { return m_autoReconnect; }
    /// The first delay before reconnecting and the most it grows to (milliseconds; defaults 500 and 30 000).
    void setReconnectDelays(int initialMs, int maximumMs);
    /// The number of the reconnect attempt under way (0 when not reconnecting).
    int reconnectAttempt() const { return m_attempt; }

    /// Listen for direct links (on by default: 127.0.0.1, port 0; the programs use 0.0.0.0). Takes effect at the next
    /// connectToHub().
    void setDirectListening(bool enabled, const QHostAddress &address = QHostAddress(QHostAddress::LocalHost),
                            quint16 port = 0);
    bool isDirectListening() const;
    /// The endpoints others can dial ("ip:port"); empty when not listening.
    QStringList directEndpoints() const;
    void setConnectPolicy(ConnectPolicy policy) { m_policy = policy; }
    ConnectPolicy connectPolicy() const { return m_policy; }
    /// Time allowed to dial a peer (or to be dialled), and to wait for a peer's answer to an introduction.
    void setDirectTimeouts(int dialMs, int answerMs);
    /// Keepalive pings on direct links: interval, and the silence after it that drops a link (defaults 15 s, 15 s).
    void setDirectKeepalive(int intervalMs, int timeoutMs);
    /// Delays between attempts to (re)make a direct link that failed or dropped: first and largest (ms).
    void setDirectRetryDelays(int initialMs, int maximumMs);
    /// How messages to @p peer travel now.
    Path pathTo(const QString &peer) const { return m_paths.value(peer, Path::Relayed); }

    /// For wss:// hubs: trust a certificate with this SHA-256 fingerprint ("AB:CD:…", as the hub prints it) even when
    /// no certificate authority vouches for it (a self-signed hub), like an SSH host key.
    void setPinnedFingerprint(const QString &fingerprint) { m_pinnedFingerprint = fingerprint; }
    /// The fingerprint of the hub's certificate on the current (or last) wss:// connection.
    QString hubFingerprint() const { return m_hubFingerprint; }

    /// Close code and reason of the last disconnection.
    QWebSocketProtocol::CloseCode lastCloseCode() const { return m_lastCloseCode; }
    QString lastDisconnectReason() const { return m_lastReason; }

    /// Most messages waiting for the hub's ack (or to be sent after a reconnect); more are refused.
    static constexpr int MaxOutbox = 10000;
    /// Messages sent through the hub that it has not acked yet (they go again after a reconnect).
    int outboxSize() const { return int(m_outbox.size()); }

public Q_SLOTS:
    /// Opens the connection and sends `join`. Returns false (and emits errorOccurred) for an invalid id or URL.
    bool connectToHub(const QUrl &url, const QString &id, const PeerLink::PeerClient::JoinOptions &options = {});
    /// Broadcasts @p text to every other peer; returns the message id (empty if not joined).
    QString sendMessage(const QString &text);
    /// Sends @p text to one peer; returns the message id (empty if not joined or @p to is invalid).
    QString sendMessage(const QString &to, const QString &text);
    /// Asks the hub to introduce this peer to @p peer and makes a direct link when it accepts; messages to @p peer
    /// go through the hub until then, and whenever the link is down (it is re-made with backoff).
    bool connectToPeer(const QString &peer);
    /// Accepts @p from's pending request to connect (with the Ask policy).
    bool acceptConnection(const QString &from);
    /// Declines @p from's pending request; @p from gets `connect_declined`.
    bool declineConnection(const QString &from, const QString &reason = QString());
    /// Sends `leave` and closes the connection.
    void disconnectFromHub();

Q_SIGNALS:
    void stateChanged(PeerLink::PeerClient::State state);
    /// The WebSocket is open; `join` has been sent.
    void connected();
    /// The hub welcomed us as @p id; peers() is filled.
    void joined(const QString &id, const QString &hubName);
    /// The connection ended (or could not be made), with a readable reason.
    void disconnected(const QString &reason);
    /// The client will try again in @p delayMs (attempt @p attempt since the connection was lost).
    void reconnecting(int attempt, int delayMs);
    /// A message arrived. @p to is set when it was sent to this peer only; @p ts is the hub's time in ms.
    void messageReceived(const QString &from, const QString &text, const QString &to, const QString &mid, qint64 ts);
    /// The hub accepted and handed on the message with this id.
    void messageAcked(const QString &mid);
    void peerConnected(const QString &id, const QString &name);
    void peerDisconnected(const QString &id);
    /// @p from asks to connect to this peer.
    void connectRequested(const QString &from);
    /// The hub's certificate could not be verified and is not pinned: the connection was refused. Show the user
    /// @p fingerprint; if they trust it, pin it and connect again.
    void certificateUntrusted(const QString &fingerprint, const QString &reason);
    /// Messages to @p peer now travel by @p path.
    void pathChanged(const QString &peer, PeerLink::PeerClient::Path path);
    /// The hub (or this client, for local checks) reported an error: a protocol code such as "id_taken".
    void errorOccurred(const QString &code, const QString &message, const QString &ref);

private:
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &message);
    void handle(const Welcome &m);
    void handle(const PeerConnected &m);
    void handle(const PeerDisconnected &m);
    void handle(const ChatMessage &m);
    void handle(const Ack &m);
    void handle(const ConnectOffer &m);
    void handle(const ErrorReply &m);
    void handle(const ConnectAccepted &m);
    // Direct links.
    void requestIntroduction(const QString &peer);
    void setPath(const QString &peer, Path path);
    void armTimer(const QString &peer, int ms, std::function<void()> action);
    void scheduleDirectRetry(const QString &peer);
    void onLinkFrame(const QString &peer, const QJsonObject &frame);
    void onLinkDown(const QString &peer);
    void resendUnacked(const QString &peer);
    void drainResends();
    /// Takes @p mid out of the outbox; true if it was there.
    bool settleOutbox(const QString &mid);
    bool canQueue() const;
    void onParkTimeout();
    void forgetPeer(const QString &peer);
    /// Drops every link; with @p keepPending (a reconnect), unacked direct messages and wanted links are kept, to
    /// be sent through the hub and asked for again once joined.
    void resetDirect(bool keepPending = false);
    /// True the first time a message (from, mid) is seen: duplicates after a fallback are dropped.
    bool firstTime(const QString &from, const QString &mid);
    static QStringList candidates(const QStringList &addrs, const QString &observed);
    void setState(State state);
    void send(const QByteArray &utf8);
    QString nextMid();
    void failLocally(ErrorCode code, const QString &message, const QString &ref = QString());
    bool shouldReconnect() const;
    void scheduleReconnect();

    QWebSocket *m_socket;
    State m_state = State::Disconnected;
    QUrl m_url;
    QString m_id;
    JoinOptions m_options;
    QString m_hubName;
    QString m_resumeToken;
    QList<PeerInfo> m_peers;
    QString m_midPrefix;
    quint64 m_midCounter = 0;
    QString m_socketError;
    QWebSocketProtocol::CloseCode m_lastCloseCode = QWebSocketProtocol::CloseCodeNormal;
    QTimer *m_reconnectTimer;
    DirectLinks *m_links;
    bool m_listenEnabled = true;
    QHostAddress m_listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 m_listenPort = 0;
    ConnectPolicy m_policy = ConnectPolicy::AcceptAll;
    int m_dialTimeoutMs = 5000;
    int m_answerTimeoutMs = 30000;
    int m_retryInitialMs = 2000;
    int m_retryMaxMs = 60000;
    QHash<QString, Path> m_paths;
    QHash<QString, ConnectOffer> m_offers; // requests waiting for our answer, by peer
    QSet<QString> m_accepted; // peers we accepted once: their retries are accepted at once
    QSet<QString> m_wantDirect; // peers we asked to connect to: we retry
    QHash<QString, QTimer *> m_directTimers;
    QHash<QString, int> m_directAttempts;
    struct Unacked
    {
        QString to;
        QString text;
    };
    QHash<QString, Unacked> m_unackedDirect; // sent over a link, not yet acked, by mid
    qint64 m_maxOutgoingBytes = 64 * 1024;
    int m_resendPerSecond = 50;
    QList<MessageRequest> m_outbox; // sent (or to send) through the hub and not acked yet, oldest first
    QList<MessageRequest> m_resendQueue; // outbox entries waiting to be sent (again), oldest first
    // After a reconnect: peers known before the drop and not seen leaving, probably coming back too. A message the
    // hub refuses for one of them waits ("parked") until it joins again, or fails after kParkMs.
    QSet<QString> m_returning;
    QHash<QString, QStringList> m_parked; // mids by peer
    QTimer *m_parkTimer;
    QTimer *m_resendTimer;
    QSet<QString> m_seen;
    QList<QString> m_seenOrder;
    bool m_autoReconnect = false;
    bool m_leaving = false; // the user asked to leave: no reconnect
    bool m_untrusted = false; // the hub's certificate was refused: no reconnect
    QString m_pinnedFingerprint;
    QString m_hubFingerprint;
    bool m_everJoined = false; // joined at least once since connectToHub()
    int m_attempt = 0;
    int m_initialDelayMs = 500;
    int m_maxDelayMs = 30000;
    QString m_lastReason;
};

} // namespace PeerLink
