#pragma once

#include "core/backoff.h"
#include "core/protocol.h"

#include <QObject>
#include <QUrl>
#include <QWebSocketProtocol>

class QTimer;
class QWebSocket;

namespace PeerLink {

/// The WebSocket to the hub: opening it and sending `join` (with the resume token once welcomed),
/// reconnecting with backoff after losing a joined connection, and checking the hub's certificate against a
/// pinned fingerprint. What the hub says is handed on decoded; what it means is PeerClient's business.
class HubConnection : public QObject
{
    Q_OBJECT
public:
    explicit HubConnection(QObject *parent = nullptr);
    ~HubConnection() override;

    /// Largest message accepted from the hub (bytes); larger ones close the connection with 1009.
    void setMaxIncomingMessageBytes(qint64 bytes);
    /// Reconnect by itself after losing a joined connection (not after leave(), a policy close or an
    /// untrusted certificate).
    void setAutoReconnect(bool enabled) { m_autoReconnect = enabled; }
    bool autoReconnect() const { return m_autoReconnect; }
    /// The first reconnect delay and the most it grows to (ms).
    void setReconnectDelays(int initialMs, int maximumMs) { m_backoff.setDelays(initialMs, maximumMs); }
    /// The reconnect attempt under way (0 when not reconnecting).
    int reconnectAttempt() const { return m_backoff.attempt(); }
    /// Trust a certificate with this SHA-256 fingerprint even if no authority vouches for it.
    void setPinnedFingerprint(const QString &fingerprint) { m_pinnedFingerprint = fingerprint; }
    /// The fingerprint of the hub's certificate on the current (or last) wss:// connection.
    QString hubFingerprint() const { return m_hubFingerprint; }

    QUrl url() const { return m_url; }
    /// The resume token of the last welcome (sent with the next join).
    QString resumeToken() const { return m_resumeToken; }
    /// Welcomed once and not left: a lost connection is being (or will be) resumed.
    bool isResuming() const { return m_active && m_everJoined && !m_leaving; }
    QWebSocketProtocol::CloseCode lastCloseCode() const { return m_lastCloseCode; }
    QString lastReason() const { return m_lastReason; }

    /// Opens a new session at @p url and joins with @p join once open (forgets any resume token).
    void open(const QUrl &url, const JoinRequest &join);
    /// Replaces the join sent on the next (re)connection (its resume token is added here); called from
    /// opened() it is the join of this connection (a new prekey for every connection).
    void setJoin(const JoinRequest &join) { m_join = join; }
    /// Sends this connection's join again with @p sig, the answer to the hub's challenge.
    void answerChallenge(const QString &sig);
    /// The hub welcomed us: from now on a lost connection is resumed with @p resumeToken.
    void welcomed(const QString &resumeToken);
    /// Sends one text frame.
    void send(const QByteArray &utf8);
    /// Leaves: sends `leave` if @p joined, closes, and does not reconnect. Returns false if it was only
    /// waiting to reconnect (nothing to close: no closed() follows).
    bool leave(bool joined);

Q_SIGNALS:
    /// The WebSocket is open and `join` was sent.
    void opened();
    /// An object from the hub.
    void received(const PeerLink::HubEnvelope &envelope);
    /// The connection ended (or could not be made) with @p reason; with @p willReconnect, reconnecting()
    /// follows.
    void closed(const QString &reason, bool willReconnect);
    /// The next attempt (number @p attempt) starts in @p delayMs.
    void reconnecting(int attempt, int delayMs);
    /// The reconnect delay passed: the socket opens again.
    void reopening();
    /// The hub's certificate is not trusted and not pinned: refused.
    void certificateUntrusted(const QString &fingerprint, const QString &reason);

private:
    void onConnected();
    void onDisconnected();
    void onText(const QString &text);
    bool shouldReconnect() const;
    void sendJoin(const QString &sig);

    QWebSocket *m_socket;
    QTimer *m_reconnectTimer;
    Backoff m_backoff { 500, 30000 };
    QUrl m_url;
    JoinRequest m_join;
    QString m_resumeToken;
    QString m_socketError;
    QString m_lastReason;
    QWebSocketProtocol::CloseCode m_lastCloseCode = QWebSocketProtocol::CloseCodeNormal;
    QString m_pinnedFingerprint;
    QString m_hubFingerprint;
    bool m_active = false; // open() was called and the session has not ended
    bool m_autoReconnect = false;
    bool m_leaving = false; // leave() was called: no reconnect
    bool m_untrusted = false; // the certificate was refused: no reconnect
    bool m_everJoined = false; // welcomed at least once since open()
};

} // namespace PeerLink
