#pragma once

#include "core/protocol.h"

#include <QObject>
#include <QUrl>
#include <QWebSocketProtocol>

class QTimer;
class QWebSocket;

namespace PeerLink {

/// A peer's connection to a hub. Its signals mirror the events of the original tutorial: connected, joined
/// (welcome), messages, peers that come and go, and requests to connect.
class PeerClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Joining, Joined, Reconnecting };
    Q_ENUM(State)

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

    /// After losing a joined connection (not after leaving, a kick, a ban or a refused join), connect and join
    /// again by itself, with exponential backoff and jitter, resuming the session with its resume token.
    void setAutoReconnect(bool enabled) { m_autoReconnect = enabled; }
    bool autoReconnect() const { return m_autoReconnect; }
    /// The first delay before reconnecting and the most it grows to (milliseconds; defaults 500 and 30 000).
    void setReconnectDelays(int initialMs, int maximumMs);
    /// The number of the reconnect attempt under way (0 when not reconnecting).
    int reconnectAttempt() const { return m_attempt; }

    /// Close code and reason of the last disconnection.
    QWebSocketProtocol::CloseCode lastCloseCode() const { return m_lastCloseCode; }
    QString lastDisconnectReason() const { return m_lastReason; }

public Q_SLOTS:
    /// Opens the connection and sends `join`. Returns false (and emits errorOccurred) for an invalid id or URL.
    bool connectToHub(const QUrl &url, const QString &id, const PeerLink::PeerClient::JoinOptions &options = {});
    /// Broadcasts @p text to every other peer; returns the message id (empty if not joined).
    QString sendMessage(const QString &text);
    /// Sends @p text to one peer; returns the message id (empty if not joined or @p to is invalid).
    QString sendMessage(const QString &to, const QString &text);
    /// Asks the hub to introduce this peer to @p peer.
    bool connectToPeer(const QString &peer);
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
    bool m_autoReconnect = false;
    bool m_leaving = false; // the user asked to leave: no reconnect
    bool m_everJoined = false; // joined at least once since connectToHub()
    int m_attempt = 0;
    int m_initialDelayMs = 500;
    int m_maxDelayMs = 30000;
    QString m_lastReason;
};

} // namespace PeerLink
