#include "hubtransport.h"

#ifdef Q_OS_UNIX
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace PeerLink {

qint64 HubTcpSocket::writeData(const char *data, qint64 size)
{
    qint64 written = 0;
#ifdef Q_OS_UNIX
    // Only when nothing waits in Qt's buffer, so that bytes leave in the order they were written.
    if (size > 0 && state() == QAbstractSocket::ConnectedState && bytesToWrite() == 0) {
        ssize_t n;
        do {
            n = ::send(int(socketDescriptor()), data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        // An error other than a full buffer: QTcpSocket meets it too when it writes the rest, and reports it.
        if (n > 0)
            written = qint64(n);
        if (written == size)
            return size;
    }
#endif
    const qint64 rest = QTcpSocket::writeData(data + written, size - written);
    return rest < 0 ? (written > 0 ? written : rest) : written + rest;
}

HubTcpServer::HubTcpServer(QObject *parent)
    : QTcpServer(parent)
{
    m_clock.start();
    m_handshakeTimer.setSingleShot(true);
    connect(&m_handshakeTimer, &QTimer::timeout, this, &HubTcpServer::expireHandshakes);
}

void HubTcpServer::forget(quint16 port, const HubTcpSocket *socket)
{
    // Entries of this port: the one for @p socket, and any whose socket is gone (closed during the handshake).
    for (auto it = m_byPort.find(port); it != m_byPort.end() && it.key() == port;) {
        if (it.value().isNull() || it.value() == socket)
            it = m_byPort.erase(it);
        else
            ++it;
    }
}

HubTcpSocket *HubTcpServer::takeUpgraded(const QHostAddress &address, quint16 port)
{
    for (auto it = m_byPort.find(port); it != m_byPort.end() && it.key() == port; ++it) {
        HubTcpSocket *socket = it.value();
        if (socket && socket->peerAddress() == address) {
            forget(port, socket);
            return socket;
        }
    }
    return nullptr;
}

void HubTcpServer::expireHandshakes()
{
    const qint64 now = m_clock.elapsed();
    while (!m_handshakes.empty()) {
        const Handshake first = m_handshakes.front();
        const bool waiting = first.socket && m_byPort.contains(first.port, first.socket);
        if (waiting && first.deadlineMs > now) {
            m_handshakeTimer.start(int(first.deadlineMs - now));
            return;
        }
        m_handshakes.pop_front();
        forget(first.port, first.socket);
        if (waiting) {
            first.socket->abort();
            first.socket->deleteLater();
        }
    }
}

void HubTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new HubTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
#ifdef Q_OS_UNIX
        ::close(int(socketDescriptor)); // not adopted by the socket
#endif
        return;
    }
    const quint16 port = socket->peerPort();
    m_handshakes.push_back({ m_clock.elapsed() + m_handshakeTimeoutMs, port, socket });
    m_byPort.insert(port, socket);
    if (!m_handshakeTimer.isActive())
        m_handshakeTimer.start(m_handshakeTimeoutMs);
    addPendingConnection(socket);
}

} // namespace PeerLink
