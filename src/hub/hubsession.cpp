#include "hubsession.h"

#include <QWebSocket>

namespace PeerLink {

HubSession::HubSession(QWebSocket *socket, const TokenBucket &bucket, qint64 nowMs, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
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
    return m_socket->bytesToWrite();
}

void HubSession::send(const QByteArray &utf8)
{
    send(QString::fromUtf8(utf8));
}

void HubSession::send(const QString &text)
{
    if (!m_closing)
        m_socket->sendTextMessage(text);
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
