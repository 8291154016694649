#pragma once

#include "hub/hubconfig.h"
#include "hub/hubreason.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace PeerLink {

/// The hub's listening side: the listening socket (with its backlog), TLS for wss://, HubTcpServer for ws://, the
/// origin policy and the WebSocket handshake. Hands on each upgraded connection with the TCP (or TLS) socket under
/// it, so that the hub can write frames to it directly.
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

    /// The next upgraded connection (its frame limits set to the hard limit), or null; @p transport gets the socket
    /// under it when it could be found, else null. @p detached: the transport is the connection the hub accepted
    /// itself (TCP or TLS), detached from the QWebSocket (which then reads and writes nothing): the hub does the
    /// framing.
    QWebSocket *nextPendingConnection(QTcpSocket **transport, bool *detached);

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
    QTcpSocket *transportOf(const QWebSocket *socket);
    /// Cuts what QWebSocket and QWebSocketServer connected to @p transport, but for QWebSocket learning that the
    /// socket is deleted (so that the QWebSocket, deleted later, does not write a close frame of its own).
    void detach(QWebSocket *socket, QTcpSocket *transport);

    HubConfig m_config;
    QWebSocketServer *m_server = nullptr;
    QPointer<QTcpServer> m_tcpServer; // a HubTcpServer: accepts every connection (see listen)
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
