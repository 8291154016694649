#pragma once

#include "client/hublist.h"
#include "core/protocol.h"

#include <QHash>
#include <QObject>
#include <QUrl>
#include <QWebSocketProtocol>

#include <optional>

class QTimer;
class QWebSocket;

namespace PeerLink {

/// The WebSocket to the hub: opening it and sending `join` (with the resume token once welcomed),
/// reconnecting with backoff after losing a joined connection, and checking the hub's certificate against a
/// pinned fingerprint. Given several hubs it fails over: when the current one stops answering (the connection is
/// refused or lost, no welcome within the join time-out, no pong within the keepalive time-out) it tries the next
/// one at once, with the backoff only between whole rounds (HubList), and resumes there with the same token.
/// What the hub says is handed on decoded; what it means is PeerClient's business.
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
    /// The first reconnect delay and the most it grows to (ms), between whole rounds over the hubs.
    void setReconnectDelays(int initialMs, int maximumMs) { m_hubs.setDelays(initialMs, maximumMs); }
    /// The reconnect round under way (0 when not reconnecting, or still trying the hubs of the first round).
    int reconnectAttempt() const { return m_hubs.round(); }
    /// The longest wait from opening a connection to the hub's welcome (ms; 0: none). A hub that does not
    /// answer in time counts as failed: the next one is tried. Default 10 000.
    void setJoinTimeout(int ms);
    int joinTimeout() const { return m_joinTimeoutMs; }
    /// While joined: a ping every @p intervalMs, and the connection counts as lost when nothing (pong or frame)
    /// comes back within @p timeoutMs (0: no pings). Defaults 15 000 and 15 000.
    void setKeepalive(int intervalMs, int timeoutMs);
    int keepaliveInterval() const { return m_keepaliveIntervalMs; }
    int keepaliveTimeout() const { return m_keepaliveTimeoutMs; }
    /// Trust a certificate with this SHA-256 fingerprint even if no authority vouches for it, on every hub
    /// that has no pin of its own.
    void setPinnedFingerprint(const QString &fingerprint) { m_pinnedFingerprint = fingerprint; }
    /// Trust this fingerprint on the hub @p url only (an empty one removes the pin); wins over the one above.
    void setPinnedFingerprint(const QUrl &url, const QString &fingerprint);
    /// The pin that applies to @p url (its own, else the one for every hub).
    QString pinnedFingerprint(const QUrl &url) const;
    /// The fingerprint of the hub's certificate on the current (or last) wss:// connection.
    QString hubFingerprint() const { return m_hubFingerprint; }

    /// The hub tried or used now.
    QUrl url() const { return m_hubs.current(); }
    /// Every hub of the session, in order.
    QList<QUrl> urls() const { return m_hubs.urls(); }
    /// The resume token of the last welcome (sent with the next join).
    QString resumeToken() const { return m_resumeToken; }
    /// Welcomed once and not left: a lost connection is being (or will be) resumed.
    bool isResuming() const { return m_active && m_everJoined && !m_leaving; }
    QWebSocketProtocol::CloseCode lastCloseCode() const { return m_lastCloseCode; }
    QString lastReason() const { return m_lastReason; }

    /// Opens a new session at @p url and joins with @p join once open (forgets any resume token).
    void open(const QUrl &url, const JoinRequest &join) { open(QList<QUrl> { url }, join); }
    /// The same over several hubs (at least one), tried in this order.
    void open(const QList<QUrl> &urls, const JoinRequest &join);
    /// Replaces the join sent on the next (re)connection (its resume token is added here); called from
    /// opened() it is the join of this connection (a new prekey for every connection).
    void setJoin(const JoinRequest &join) { m_join = join; }
    /// Sends this connection's join again with @p sig, the answer to the hub's challenge.
    void answerChallenge(const QString &sig);
    /// The hub welcomed us: from now on a lost connection is resumed with @p resumeToken.
    void welcomed(const QString &resumeToken);
    /// Sends one text frame.
    void send(const QByteArray &utf8);
    /// Sends one binary frame (a file chunk, to a hub that announced `binary_files`).
    void sendBinary(const QByteArray &bytes);
    /// Leaves: sends `leave` if @p joined, closes, and does not reconnect. Returns false if it was only
    /// waiting to reconnect (nothing to close: no closed() follows).
    bool leave(bool joined);

Q_SIGNALS:
    /// The WebSocket is open and `join` was sent.
    void opened();
    /// An object from the hub.
    void received(const PeerLink::HubEnvelope &envelope);
    /// A binary frame from the hub (a file chunk: decodeBinaryFileFrame).
    void binaryReceived(const QByteArray &bytes);
    /// The connection ended (or could not be made) with @p reason; with @p willReconnect, reconnecting()
    /// follows.
    void closed(const QString &reason, bool willReconnect);
    /// The next attempt (number @p attempt) starts in @p delayMs.
    void reconnecting(int attempt, int delayMs);
    /// The socket opens again, to @p url: at once for the next hub of a round, after the delay for a new round.
    void reopening(const QUrl &url);
    /// The hub that issued our resume token is not the one we joined now, and this one refused the token
    /// (`id_taken` to the join that carried it): the join goes again without it, a new session.
    void resumeRefused(const QUrl &url);
    /// The hub's certificate is not trusted and not pinned: refused.
    void certificateUntrusted(const QString &fingerprint, const QString &reason);

private:
    void onConnected();
    void onDisconnected();
    void onText(const QString &text);
    /// Whether the hub refused our join outright (the connection then ends without a move).
    bool refusedOnPurpose() const;
    /// A refusal of the join that says this hub cannot take us now (full, or cut off from its cluster), not that we
    /// may not come: the next hub is tried, and the refusal is told only when none is left. True when held.
    bool holdRefusal(const HubEnvelope &envelope);
    void sendJoin(const QString &sig);
    /// Opens the socket to the current hub and starts the join time-out.
    void openSocket();
    /// The hub does not answer: drop the connection with @p reason (onDisconnected() decides what next).
    void giveUpOnHub(const QString &reason);
    /// A refused resume token from another hub: joins again without it (once). True when handled.
    bool retryWithoutToken(const HubEnvelope &envelope);

    QWebSocket *m_socket;
    QTimer *m_reconnectTimer;
    QTimer *m_joinTimer;
    QTimer *m_pingTimer;
    QTimer *m_pongTimer;
    HubList m_hubs;
    int m_joinTimeoutMs = 10000;
    int m_keepaliveIntervalMs = 15000;
    int m_keepaliveTimeoutMs = 15000;
    JoinRequest m_join;
    QString m_resumeToken;
    QUrl m_tokenHub; // the hub that issued m_resumeToken
    bool m_sentToken = false; // this connection's join carried m_resumeToken
    bool m_freshRetry = false; // this connection already joined again without the token
    std::optional<HubEnvelope> m_heldRefusal; // this hub cannot take us now (holdRefusal)
    bool m_telling = false; // handing on a held refusal as the session ends
    QString m_socketError;
    QString m_lastReason;
    QWebSocketProtocol::CloseCode m_lastCloseCode = QWebSocketProtocol::CloseCodeNormal;
    QString m_pinnedFingerprint;
    QHash<QUrl, QString> m_pins; // per hub
    QString m_hubFingerprint;
    bool m_active = false; // open() was called and the session has not ended
    bool m_autoReconnect = false;
    bool m_leaving = false; // leave() was called: no reconnect
    bool m_untrusted = false; // this hub's certificate was refused: it is not tried again
    bool m_everJoined = false; // welcomed at least once since open()
};

} // namespace PeerLink
