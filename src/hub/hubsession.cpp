#include "hubsession.h"

#include <QTcpSocket>
#include <QWebSocket>
#include <QtEndian>

namespace PeerLink {

HubSession::HubSession(QWebSocket *socket, QTcpSocket *transport, const TokenBucket &bucket, qint64 nowMs,
                       QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_transport(transport)
    , m_address(socket->peerAddress())
    , m_port(socket->peerPort())
    , m_bucket(bucket)
    , m_connectedAtMs(nowMs)
    , m_lastSeenMs(nowMs)
{
    m_socket->setParent(this);
    // Qt 6.4 names this signal error(). A clean close never raises it; a dropped connection does.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] { m_lost = true; });
}

HubSession::~HubSession() = default;

void HubSession::setJoined(const QString &id, const QString &name, const QString &resumeToken,
                           const QDateTime &joinedAt)
{
    m_id = id;
    m_name = name;
    m_resumeToken = resumeToken;
    m_joinedAt = joinedAt;
}

qint64 HubSession::queuedBytes() const
{
    return m_transport ? m_transport->bytesToWrite() : m_socket->bytesToWrite();
}

QByteArray HubSession::textFrame(const QByteArray &utf8)
{
    const quint64 size = quint64(utf8.size());
    QByteArray frame;
    frame.reserve(utf8.size() + 10);
    frame.append(char(0x81)); // FIN + text
    if (size < 126) {
        frame.append(char(size));
    } else if (size <= 0xffff) {
        frame.append(char(126));
        const quint16 be = qToBigEndian(quint16(size));
        frame.append(reinterpret_cast<const char *>(&be), 2);
    } else {
        frame.append(char(127));
        const quint64 be = qToBigEndian(size);
        frame.append(reinterpret_cast<const char *>(&be), 8);
    }
    frame.append(utf8);
    return frame;
}

void HubSession::send(const QByteArray &utf8)
{
    if (m_closing)
        return;
    if (m_transport && m_transport->state() == QAbstractSocket::ConnectedState)
        m_transport->write(textFrame(utf8));
    else
        m_socket->sendTextMessage(QString::fromUtf8(utf8));
}

void HubSession::sendFrame(const QByteArray &frame, const QByteArray &utf8)
{
    if (m_closing)
        return;
    if (m_transport && m_transport->state() == QAbstractSocket::ConnectedState)
        m_transport->write(frame);
    else
        m_socket->sendTextMessage(QString::fromUtf8(utf8));
}

void HubSession::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_closing)
        return;
    m_closing = true;
    m_closeReason = reason;
    // The close frame's reason is limited to 123 bytes by RFC 6455; Qt truncates it.
    m_socket->close(code, reason);
}

} // namespace PeerLink
