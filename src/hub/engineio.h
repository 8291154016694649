#pragma once

#include "core/errorcode.h"
#include "hub/hubconfig.h"
#include "hub/proxyheaders.h"
#include "hub/wsconnection.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <deque>

class QTcpSocket;

namespace PeerLink {

class HttpConnection;
class HubSession;

/// One WebSocket under /socket.io/, read and written by the hub (WsConnection, ws:// and wss://).
class EngineWebSocket : public QObject, private WsConnection::Receiver
{
    Q_OBJECT
public:
    /// Takes @p transport, whose handshake the hub answered.
    EngineWebSocket(QTcpSocket *transport, qint64 maxMessageBytes, QObject *parent = nullptr);
    ~EngineWebSocket() override;
    void start();
    /// Sends one text frame.
    void send(const QByteArray &text);
    /// Sends complete unmasked text frames (WsFrame) in one write.
    void sendFrames(const QByteArray &frames);
    void close(uint16_t code, const QString &reason);
    void abort();
    bool isOpen() const;
    qint64 bytesToWrite() const;
    bool lost() const { return m_lost; }
    /// The client's address (clientAddress() of the connection) and port.
    QHostAddress peerAddress() const { return m_address; }
    quint16 peerPort() const { return m_port; }

Q_SIGNALS:
    void textReceived(const QByteArray &utf8);
    void binaryReceived();
    void ended();

private:
    void messageReceived(bool text, QByteArray &payload) override;
    void pongReceived() override {}
    void controlFrameDue() override {}
    void connectionEnded() override;

    WsConnection *m_connection;
    QHostAddress m_address;
    quint16 m_port = 0;
    bool m_lost = false;
    bool m_ended = false;
};

/// One Engine.IO session (a socket.io-client's connection) with its main Socket.IO namespace: the transports
/// (HTTP long-polling, WebSocket, the upgrade between them) below, and the hub's own protocol above, through the
/// mapping of docs/protocol.md ("socket.io peers"). To the hub it is one HubSession like any other: the session's
/// frames are turned into events here, and the client's events into the requests the hub reads.
class EngineSocket : public QObject
{
    Q_OBJECT
public:
    /// What the socket tells the hub's session.
    class Listener
    {
    public:
        virtual void engineText(const QByteArray &utf8) = 0;
        virtual void engineBinary() = 0;
        virtual void engineInvalid(ErrorCode code, const QString &message, const QString &ref) = 0;
        virtual void enginePong() = 0;
        virtual void engineEnded() = 0;

    protected:
        ~Listener() = default;
    };

    EngineSocket(const QByteArray &sid, const QHostAddress &address, quint16 port, const HubConfig &config,
                 QObject *parent = nullptr);
    ~EngineSocket() override;

    QByteArray sid() const { return m_sid; }
    QHostAddress address() const { return m_address; }
    quint16 port() const { return m_port; }
    void setListener(Listener *listener) { m_listener = listener; }

    // ---- For the hub's session ----
    /// Queues the hub's frame @p utf8 (a native JSON object) for the client, as the event it maps to.
    void sendNative(QByteArrayView utf8);
    /// Writes what was queued this turn (the session's OutputBatch calls it).
    void flush();
    /// Engine.IO's ping.
    void ping();
    /// Ends the session: a socket.io DISCONNECT first unless @p code is 1001 (going away: the client should come
    /// back by itself), or a CONNECT_ERROR when the client has not connected its namespace yet.
    void close(int code, const QString &reason);
    void abort();
    /// Drops the session as if its connection had been lost (a polling client that stopped polling).
    void abortLost();
    /// Frames the client has not taken yet.
    qint64 queuedBytes() const;
    bool isOpen() const { return !m_closing && !m_ended; }
    bool isClosing() const { return m_closing && !m_ended; }
    bool lost() const { return m_lost; }
    QString closeReason() const { return m_closeReason; }

    // ---- For EngineIoServer ----
    enum class Transport { Polling, WebSocket };
    Transport transport() const { return m_ws ? Transport::WebSocket : Transport::Polling; }
    /// The handshake: the open packet (first in the queue, or the first frame on @p ws).
    void open(EngineWebSocket *ws);
    /// A GET of the polling transport: answered now when packets wait, else parked. False: a GET was already
    /// parked (the client broke the protocol; the session ends).
    bool poll(HttpConnection *get);
    /// The headers (CORS) for the answer to the parked GET.
    void setGetHeaders(const QList<QPair<QByteArray, QByteArray>> &headers) { m_getHeaders = headers; }
    /// A POST of the polling transport: its packets.
    void receivePayload(QByteArrayView body);
    /// A WebSocket offered as the upgrade of this polling session (it probes first).
    void probe(EngineWebSocket *ws);
    /// Milliseconds since the client last asked anything of the polling transport (a GET or a POST), or -1 when a GET
    /// is parked or the session is on a WebSocket (or probing one).
    qint64 pollingIdleMs(qint64 nowMs) const;
    bool hasEnded() const { return m_ended; }
    /// Milliseconds since the session opened.
    qint64 ageMs() const { return m_clock.elapsed() - m_openedAtMs; }
    bool isConnected() const { return m_connected; }

Q_SIGNALS:
    /// The session is over (the server forgets it; the object is deleted later).
    void ended(PeerLink::EngineSocket *socket);

private:
    void receivePacket(QByteArrayView packet, bool fromWebSocket);
    void receiveSocketIo(QByteArrayView bytes);
    void receiveEvent(qint64 ackId, QByteArrayView data);
    void feed(const QByteArray &native);
    /// Writes what is queued at the end of this turn of the event loop (once, however many packets come).
    void scheduleFlush();
    void queuePacket(const QByteArray &packet);
    void answerGet();
    void connectNamespace();
    void declineLink(QByteArrayView utf8);
    void finishClose();
    void end(bool lost);
    void upgradeTo(EngineWebSocket *ws);

    QByteArray m_sid;
    QByteArray m_socketIoSid;
    QHostAddress m_address;
    quint16 m_port = 0;
    const HubConfig &m_config;
    Listener *m_listener = nullptr;
    QElapsedTimer m_clock;
    qint64 m_openedAtMs = 0;
    qint64 m_lastPollMs = 0;

    // Polling: packets for the next GET, and the GET waiting for them.
    std::deque<QByteArray> m_queue;
    qint64 m_queueBytes = 0;
    QPointer<HttpConnection> m_get;
    QList<QPair<QByteArray, QByteArray>> m_getHeaders;
    // WebSocket: the transport once upgraded (or from the start), and one being probed.
    QPointer<EngineWebSocket> m_ws;
    QPointer<EngineWebSocket> m_probe;

    // Socket.IO
    bool m_connected = false;
    QList<QByteArray> m_beforeConnect; // the hub's frames before the client connected its namespace
    QByteArray m_refusal;              // the error frame the hub sent before closing an unconnected session
    QHash<QString, qint64> m_pendingAcks; // a message's mid -> the client's acknowledgement id
    qint64 m_syncAck = -1;                // the acknowledgement id of the request being handled
    quint64 m_madeUpMids = 0;

    bool m_flushScheduled = false;
    bool m_probeAnswered = false; // the probe WebSocket got 3probe: GETs are answered with a noop at once
    bool m_closePending = false;  // polling: the next GET with nothing queued gets the Engine.IO close
    bool m_endAfterAnswer = false; // polling: the session ends once a GET took what is queued (a refusal)
    bool m_closing = false;
    bool m_ended = false;
    bool m_lost = false;
    bool m_sendDisconnect = true;
    QString m_closeReason;
};

/// The socket.io endpoint of the hub (issue 18): Engine.IO v4 sessions by sid, over HTTP long-polling
/// (HttpConnection) and WebSocket (handed over by the hub when a WebSocket's path is /socket.io/), with their
/// limits. Each new session is handed to the Owner, which makes it a HubSession (and may refuse it, which the
/// client learns as a CONNECT_ERROR).
class EngineIoServer : public QObject
{
    Q_OBJECT
public:
    class Owner
    {
    public:
        /// A new Engine.IO session: the hub makes its HubSession (admission included).
        virtual void engineSessionOpened(EngineSocket *socket) = 0;

    protected:
        ~Owner() = default;
    };

    EngineIoServer(const HubConfig &config, Owner &owner, QObject *parent = nullptr);
    ~EngineIoServer() override;

    /// A plain HTTP connection whose first request is for /socket.io/ (@p early: its bytes read so far).
    void takeHttpConnection(QTcpSocket *socket, const QByteArray &early);
    /// A WebSocket whose path is /socket.io/: a new session, or the upgrade of a polling one (`sid`).
    void takeWebSocket(QTcpSocket *transport, const QByteArray &target);
    /// Drops every session and connection (the hub closes).
    void closeAll();
    int sessionCount() const { return int(m_sessions.size()); }
    int httpConnectionCount() const { return int(m_http.size()); }

private:
    void onRequest(HttpConnection *c);
    void handshake(HttpConnection *c);
    EngineSocket *newSession(const QHostAddress &address, quint16 port);
    void sweep();
    QList<QPair<QByteArray, QByteArray>> corsHeaders(const QByteArray &origin) const;
    bool originAllowed(const QByteArray &origin) const;

    const HubConfig &m_config;
    Owner &m_owner;
    QHash<QByteArray, EngineSocket *> m_sessions;
    QSet<HttpConnection *> m_http;
    QHash<QHostAddress, int> m_httpPerAddress; // by the client of each connection's first request
    TrustedProxies m_trusted;
    QTimer m_sweep;
    QElapsedTimer m_clock;
};

} // namespace PeerLink
