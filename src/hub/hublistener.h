#pragma once

#include "hub/hubconfig.h"
#include "hub/hubreason.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <deque>

class QTcpSocket;

namespace PeerLink {

class HubTcpServer;

/// The hub's listening side: the listening socket (with its backlog), TLS for wss://, HubTcpServer, the origin
/// policy and the WebSocket handshake, which it answers itself (wshandshake.h): no QWebSocket is made. Hands on
/// each upgraded connection as its TCP (or TLS) socket, whose frames the hub reads and writes (WsConnection).
class HubListener : public QObject
{
    Q_OBJECT
public:
    /// Uses the name, TLS, origin and handshake settings of @p config.
    explicit HubListener(const HubConfig &config, QObject *parent = nullptr);
    ~HubListener() override;

    /// Starts listening; false with error(), errorString() and errorDetail() set (and errorOccurred emitted, except
    /// for AlreadyListening).
    bool listen(const QHostAddress &address, quint16 port);
    /// Stops listening; connections already handed on are not touched.
    void close();

    bool isListening() const;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    /// ws://ADDRESS:PORT or wss://… of the listening hub (IPv6 addresses in brackets); empty when not listening.
    QUrl serverUrl() const;
    QString errorString() const { return m_errorString; }
    /// Connections in their handshake now; connections refused before their handshake so far (metrics).
    int handshakesInProgress() const;
    quint64 refusedHandshakes() const { return m_refusedTotal; }
    /// Connections from trusted proxies closed for a malformed PROXY header so far (metrics).
    quint64 refusedProxyHeaders() const { return m_refusedProxyHeaders; }
    HubError error() const { return m_error; }
    QString errorDetail() const { return m_errorDetail; }

    /// One connection whose WebSocket handshake was answered with 101.
    struct Upgraded
    {
        /// The connection (TCP, or TLS on wss://), owned by nobody: the taker owns it. Null: none was waiting.
        QTcpSocket *socket = nullptr;
        /// The request target of the handshake, in origin form (path and query).
        QByteArray target;
    };
    /// The next upgraded connection (a null socket when none waits).
    Upgraded nextPendingConnection();

Q_SIGNALS:
    /// Upgraded connections wait (nextPendingConnection()).
    void newConnection();
    /// A plain HTTP request for /socket.io/ (the long-polling transport, issue 18) came on @p socket, which the
    /// receiver takes over; @p early holds the bytes read from it so far.
    void httpConnection(QTcpSocket *socket, const QByteArray &early);
    /// Listening or accepting failed: an English @p message, the kind, and the system's reason (may be empty).
    void errorOccurred(const QString &message, PeerLink::HubError error, const QString &detail);

private:
    void fail(HubError error, const QString &message, const QString &detail, bool announce);
    /// Answers the WebSocket handshake of @p socket, whose request head is @p head: 101, or the HTTP error.
    void answerHandshake(QTcpSocket *socket, const QByteArray &head);

    HubConfig m_config;
    QPointer<HubTcpServer> m_tcpServer; // accepts every connection (see listen)
    std::deque<Upgraded> m_pending;     // upgraded, not yet taken (at most maxPendingConnections)
    QElapsedTimer m_clock;
    int m_refusedHandshakes = 0;      // since the last log line about them
    quint64 m_refusedTotal = 0;
    quint64 m_refusedProxyHeaders = 0;
    qint64 m_lastRefusalLogMs = 0;
    QString m_errorString;
    QString m_errorDetail;
    HubError m_error = HubError::CannotListen;
};

} // namespace PeerLink
