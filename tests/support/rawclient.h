#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

namespace PeerLink::Test {

/// A WebSocket client that speaks raw JSON, so tests can see and send exactly what is on the wire.
class RawClient : public QObject
{
    Q_OBJECT
public:
    explicit RawClient(QObject *parent = nullptr);

    /// Opens the socket and waits for the handshake; false on failure or time-out.
    bool open(const QUrl &url, int timeoutMs = 5000);
    void sendText(const QString &text);
    void sendJson(const QJsonObject &object);
    /// Sends `join` with @p id (plus @p extra fields) and waits for `welcome`; returns it (empty on failure).
    QJsonObject join(const QString &id, const QJsonObject &extra = QJsonObject(), int timeoutMs = 5000);

    /// Waits for, removes and returns the first received object of @p type (empty after the time-out).
    QJsonObject waitFor(const QString &type, int timeoutMs = 5000);
    /// Waits for, removes and returns the next received object of any type.
    QJsonObject next(int timeoutMs = 5000);
    /// Objects received and not yet taken.
    const QList<QJsonObject> &pending() const { return m_queue; }
    /// Number of text frames that were not JSON objects.
    int nonJsonFrames() const { return m_nonJson; }

    bool waitClosed(int timeoutMs = 5000);
    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    QWebSocket &socket() { return m_socket; }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_queue;
    int m_nonJson = 0;
    bool m_closed = false;
    int m_closeCode = -1;
    QString m_closeReason;
};

} // namespace PeerLink::Test
