#include "wsconnection.h"

#include "hub/hubtransport.h"

#include <QSslSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace PeerLink {

WsConnection::WsConnection(QTcpSocket *socket, qint64 maxMessageBytes, Receiver &receiver, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_reader(maxMessageBytes)
    , m_receiver(receiver)
{
    socket->setParent(this);
}

WsConnection::~WsConnection()
{
    // The socket is a child: it goes with this object, without telling the receiver.
    if (m_socket)
        disconnect(m_socket, nullptr, this, nullptr);
}

void WsConnection::start()
{
    connect(m_socket, &QIODevice::readyRead, this, &WsConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, &WsConnection::onDisconnected);
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        // Gone between the handshake and now: ended, in the next turn (the receiver is still being set up).
        QMetaObject::invokeMethod(this, &WsConnection::onDisconnected, Qt::QueuedConnection);
        return;
    }
    // A client may send its first frames right behind the handshake request, in the same packet: the hub's socket
    // (HubTcpSocket, HubSslSocket) kept them when the request head was taken out.
    if (auto *held = dynamic_cast<HandshakeBytes *>(m_socket.data()))
        m_early = held->takeEarlyBytes();
    if (!m_early.isEmpty() || m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &WsConnection::onReadyRead, Qt::QueuedConnection);
}

void WsConnection::onReadyRead()
{
    m_receiver.readingStarts();
    if (!m_early.isEmpty())
        feed(std::exchange(m_early, QByteArray()));
    while (m_socket) {
        // Everything there is, asked for by its exact size: when Qt holds it in one block (the usual case), read()
        // hands that block over without a copy and keeps no block for the connection afterwards. readAll() and
        // reads into a buffer of our own copy it and leave Qt's 16 KiB block allocated per peer.
        const qint64 available = m_socket->bytesAvailable();
        if (available <= 0)
            break;
        feed(m_socket->read(available));
    }
    m_reader.releaseBuffer();
    m_receiver.readingEnds();
}

void WsConnection::feed(QByteArrayView bytes)
{
    if (m_closeSent || m_reader.closeReceived())
        return; // what follows a close is not read
    if (!m_reader.feed(bytes, *this)) {
        m_receiver.controlFrameDue(); // the answers to the messages before the violation go first
        close(m_reader.error(), m_reader.errorString());
    }
}

void WsConnection::onDisconnected()
{
    if (m_ended)
        return;
    m_ended = true;
    m_lost = !m_closeSent && !m_closeReceived;
    m_receiver.connectionEnded();
}

void WsConnection::write(const QByteArray &frames)
{
    if (isOpen())
        m_socket->write(frames);
}

void WsConnection::ping()
{
    static const QByteArray frame = WsFrame::frame(WsFrame::Ping, {});
    write(frame);
}

void WsConnection::close(uint16_t code, const QString &reason)
{
    if (m_closeSent || !m_socket)
        return;
    m_closeSent = true;
    m_closeCode = code;
    m_closeReason = reason;
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(WsFrame::closeFrame(code, reason.toUtf8()));
    finishClose();
}

void WsConnection::finishClose()
{
#ifdef Q_OS_UNIX
    // A TCP connection closed while the client's later frames sit unread in the kernel is reset (RST), and a reset
    // can make the client drop what it had not read yet: the errors and the close frame that say why. So the hub
    // half-closes once its close frame is out (FIN), reads and drops whatever still comes, and the connection ends
    // when the client closes its side (or after kLingerMs). TLS keeps Qt's close, which sends close_notify.
    if (!qobject_cast<QSslSocket *>(m_socket.data()) && m_socket->state() == QAbstractSocket::ConnectedState) {
        auto halfClose = [socket = m_socket] {
            if (socket && socket->state() == QAbstractSocket::ConnectedState && socket->bytesToWrite() == 0)
                ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
        };
        if (m_socket->bytesToWrite() == 0)
            halfClose();
        else
            connect(m_socket, &QIODevice::bytesWritten, this, halfClose);
        QTimer::singleShot(kLingerMs, this, [this] {
            if (m_socket && m_socket->state() != QAbstractSocket::UnconnectedState)
                m_socket->abort();
        });
        return;
    }
#endif
    m_socket->disconnectFromHost(); // once the close frame is written
}

void WsConnection::abort()
{
    if (m_socket)
        m_socket->abort();
}

void WsConnection::messageReceived(bool text, QByteArray &payload)
{
    if (!m_closeSent)
        m_receiver.messageReceived(text, payload);
}

void WsConnection::pingReceived(QByteArrayView payload)
{
    if (!isOpen())
        return;
    m_receiver.controlFrameDue();
    write(WsFrame::frame(WsFrame::Pong, payload));
}

void WsConnection::pongReceived(QByteArrayView)
{
    if (!m_closeSent)
        m_receiver.pongReceived();
}

void WsConnection::closeReceived(uint16_t code, QByteArrayView reason)
{
    m_closeReceived = true;
    if (m_closeSent)
        return; // the answer to the hub's own close: the TCP connection is closing already
    m_receiver.controlFrameDue();
    m_closeSent = true;
    m_closeCode = code;
    m_closeReason = QString::fromUtf8(reason);
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        // The close handshake: the same code back, or an empty close frame to one without a code.
        m_socket->write(code == WsFrame::NoStatus ? WsFrame::frame(WsFrame::Close, {}) : WsFrame::closeFrame(code, {}));
    }
    finishClose();
}

} // namespace PeerLink
