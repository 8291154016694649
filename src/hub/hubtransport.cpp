#include "hubtransport.h"

#include "core/secrets.h"
#include "hub/wshandshake.h"

#ifdef Q_OS_UNIX
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace PeerLink {

QHostAddress unmappedAddress(const QHostAddress &address)
{
    bool v4 = false;
    const quint32 ip = address.toIPv4Address(&v4);
    return v4 ? QHostAddress(ip) : address;
}

namespace {

const HandshakeBytes *bytesOf(const QAbstractSocket *socket)
{
    if (const auto *tcp = qobject_cast<const HubTcpSocket *>(socket))
        return tcp;
    if (const auto *ssl = qobject_cast<const HubSslSocket *>(socket))
        return ssl;
    return nullptr;
}

HandshakeBytes *bytesOf(QAbstractSocket *socket)
{
    return const_cast<HandshakeBytes *>(bytesOf(static_cast<const QAbstractSocket *>(socket)));
}

QHostAddress countedAddress(QTcpSocket *socket)
{
    const HandshakeBytes *bytes = bytesOf(socket);
    return bytes ? bytes->countedAs() : QHostAddress();
}

/// Who @p socket is from, as the hub decided when it accepted it: the connection's own end, or (@p client) the
/// client of its first request; the socket's peer when the hub did not accept it itself.
std::pair<QHostAddress, quint16> originOf(const QAbstractSocket *socket, bool client)
{
    const HandshakeBytes *bytes = bytesOf(socket);
    if (!bytes || bytes->connection().isNull())
        return { unmappedAddress(socket->peerAddress()), socket->peerPort() };
    return client ? std::pair(bytes->client(), bytes->clientPort())
                  : std::pair(bytes->connection(), bytes->connectionPort());
}

} // namespace

QHostAddress connectionAddress(const QAbstractSocket *socket)
{
    return originOf(socket, false).first;
}

quint16 connectionPort(const QAbstractSocket *socket)
{
    return originOf(socket, false).second;
}

QHostAddress clientAddress(const QAbstractSocket *socket)
{
    return originOf(socket, true).first;
}

quint16 clientPort(const QAbstractSocket *socket)
{
    return originOf(socket, true).second;
}

QString addressText(const QHostAddress &address, quint16 port)
{
    return port == 0 ? address.toString() : hostPort(address.toString(), port);
}

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

std::optional<QByteArray> HandshakeBytes::peekHead(QIODevice &device, qsizetype maxHeadBytes)
{
    const QByteArray seen = device.peek(device.bytesAvailable());
    const qsizetype end = seen.indexOf("\r\n\r\n");
    if (end >= 0)
        return end + 4 <= maxHeadBytes ? seen.left(end + 4) : QByteArray();
    if (seen.size() > maxHeadBytes)
        return QByteArray();
    return std::nullopt; // not all there yet
}

void HandshakeBytes::dropHead(QIODevice &device, qsizetype headSize)
{
    // Everything there is, asked for by its exact size: Qt hands its buffer block over and keeps none for the
    // connection (see WsConnection::onReadyRead).
    const QByteArray all = device.read(device.bytesAvailable());
    if (all.size() > headSize)
        m_early = all.mid(headSize);
}

void HubTcpSocket::holdBytesBehindHandshake(qsizetype maxHeadBytes)
{
    m_maxHeadBytes = maxHeadBytes;
    m_watching = true;
    // Until the request head is whole (then disconnected again).
    connect(this, &QIODevice::readyRead, this, &HubTcpSocket::separateHandshake);
    // Bytes behind a PROXY header may all be here already, with no readyRead to come.
    if (bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HubTcpSocket::separateHandshake, Qt::QueuedConnection);
}

void HubTcpSocket::separateHandshake()
{
    if (!m_watching)
        return;
    if (const std::optional<QByteArray> head = peekHead(*this, m_maxHeadBytes)) {
        m_watching = false;
        disconnect(this, &QIODevice::readyRead, this, &HubTcpSocket::separateHandshake);
        Q_EMIT headReceived(*head);
    }
}

void HubSslSocket::holdBytesBehindHandshake(qsizetype maxHeadBytes)
{
    m_maxHeadBytes = maxHeadBytes;
    m_watching = true;
    connect(this, &QIODevice::readyRead, this, &HubSslSocket::separateHandshake);
    if (bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HubSslSocket::separateHandshake, Qt::QueuedConnection);
}

void HubSslSocket::separateHandshake()
{
    if (!m_watching)
        return;
    if (const std::optional<QByteArray> head = peekHead(*this, m_maxHeadBytes)) {
        m_watching = false;
        disconnect(this, &QIODevice::readyRead, this, &HubSslSocket::separateHandshake);
        Q_EMIT headReceived(*head);
    }
}

HubTcpServer::HubTcpServer(QObject *parent)
    : QTcpServer(parent)
{
    m_clock.start();
    m_handshakeTimer.setSingleShot(true);
    connect(&m_handshakeTimer, &QTimer::timeout, this, &HubTcpServer::expireHandshakes);
}


bool HubTcpServer::endHandshake(QTcpSocket *socket, quint16 port, const QHostAddress &address)
{
    // A null @p socket ends the entry of a socket deleted without a disconnected signal.
    bool found = false;
    for (auto it = m_byPort.find(port); it != m_byPort.end() && it.key() == port; ++it) {
        if (it.value() == socket) {
            m_byPort.erase(it);
            found = true;
            break;
        }
    }
    if (found && !address.isNull()) {
        auto count = m_perAddress.find(address);
        if (count != m_perAddress.end() && --count.value() <= 0)
            m_perAddress.erase(count);
    }
    return found;
}

void HubTcpServer::release(QTcpSocket *socket)
{
    disconnect(socket, nullptr, this, nullptr);
    if (auto *ssl = qobject_cast<HubSslSocket *>(socket)) {
        // Done with: no lambda of the TLS handshake stays connected for the life of the connection.
        disconnect(ssl, &QSslSocket::encrypted, ssl, nullptr);
        disconnect(ssl, &QSslSocket::sslErrors, ssl, nullptr);
    }
    endHandshake(socket, socket->peerPort(), countedAddress(socket));
}

void HubTcpServer::upgrade(QTcpSocket *socket, const QByteArray &response, qsizetype headSize)
{
    release(socket);
    bytesOf(socket)->dropHead(*socket, headSize);
    socket->setParent(nullptr);
    socket->write(response);
}

void HubTcpServer::rejectUpgrade(QTcpSocket *socket, const QByteArray &answer)
{
    // Its handshake ends when it is closed (the disconnected handler of incomingConnection deletes it).
    answerAndClose(socket, answer);
}

void HubTcpServer::answerAndClose(QTcpSocket *socket, const QByteArray &answer)
{
    socket->write(answer);
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromHost();
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
        if (waiting) {
            endHandshake(first.socket, first.port, first.address);
            first.socket->abort();
            first.socket->deleteLater();
        } else if (!first.socket) {
            endHandshake(nullptr, first.port, first.address);
        }
    }
}

void HubTcpServer::refuse(QTcpSocket *socket, const QString &reason)
{
    // Before the WebSocket handshake the only way to say why is HTTP's (not before a TLS handshake, though).
    auto *ssl = qobject_cast<QSslSocket *>(socket);
    if (ssl && !ssl->isEncrypted()) {
        Q_EMIT refused(clientAddress(socket), reason);
        socket->abort();
        socket->deleteLater();
        return;
    }
    const QByteArray answer = httpRefusal(503, "Service Unavailable", reason);
    Q_EMIT refused(clientAddress(socket), reason);
    answerAndClose(socket, answer);
}

void HubTcpServer::incomingConnection(qintptr socketDescriptor)
{
    QTcpSocket *socket = nullptr;
    if (m_tls)
        socket = new HubSslSocket(this);
    else
        socket = new HubTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
#ifdef Q_OS_UNIX
        ::close(int(socketDescriptor)); // not adopted by the socket
#endif
        return;
    }
    const quint16 port = socket->peerPort();
    const QHostAddress address = unmappedAddress(socket->peerAddress());
    bytesOf(socket)->setConnection(address, port);
    if (m_maxHandshakes > 0 && m_byPort.size() >= m_maxHandshakes) {
        refuse(socket, tr("Too many connections in their handshake (at most %1); try again later.").arg(m_maxHandshakes));
        return;
    }
    m_byPort.insert(port, socket);
    m_handshakes.push_back({ m_clock.elapsed() + m_handshakeTimeoutMs, port, QHostAddress(), socket });
    if (!m_handshakeTimer.isActive())
        m_handshakeTimer.start(m_handshakeTimeoutMs);
    // Closed during its handshake (before its request head came whole, or once refused): it no longer counts, and
    // nobody else would delete it.
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket, port] {
        if (endHandshake(socket, port, countedAddress(socket)))
            socket->deleteLater();
    });
    if (m_trusted.trusts(address)) {
        // A proxy carries many clients: what counts per address is the client its PROXY header names, if any.
        connect(socket, &QIODevice::readyRead, this, [this, socket] { readProxyHeader(socket); });
        return;
    }
    if (countAddress(socket, address))
        startHandshake(socket);
}

bool HubTcpServer::countAddress(QTcpSocket *socket, const QHostAddress &address)
{
    int &fromAddress = m_perAddress[address];
    if (m_maxPerAddress > 0 && fromAddress >= m_maxPerAddress) {
        refuse(socket, tr("Too many connections in their handshake from your address (at most %1).").arg(m_maxPerAddress));
        return false;
    }
    ++fromAddress;
    bytesOf(socket)->setCountedAs(address);
    // Its entry is among the newest: a PROXY header comes first thing on a connection.
    for (auto it = m_handshakes.rbegin(); it != m_handshakes.rend(); ++it) {
        if (it->socket == socket) {
            it->address = address;
            break;
        }
    }
    return true;
}

void HubTcpServer::readProxyHeader(QTcpSocket *socket)
{
    // On wss:// the socket is not encrypted yet: peek() and skip() see the bytes before the TLS handshake.
    const qint64 available = std::min<qint64>(socket->bytesAvailable(), m_maxHeadBytes);
    const ProxyHeader header = parseProxyHeader(socket->peek(available), m_maxHeadBytes);
    if (header.status == ProxyHeader::Status::NeedMore)
        return;
    disconnect(socket, &QIODevice::readyRead, this, nullptr);
    HandshakeBytes *bytes = bytesOf(socket);
    if (header.status == ProxyHeader::Status::Invalid) {
        Q_EMIT proxyHeaderRefused(bytes->connection(), header.error);
        socket->abort(); // its handshake ends (disconnected); no answer: a proxy that sends this would not read one
        socket->deleteLater();
        return;
    }
    if (header.status == ProxyHeader::Status::Complete) {
        // skip(), not read(): read() of a few bytes fills QIODevice's buffer ahead, and on a QSslSocket not yet
        // encrypted that would take the ClientHello away from the TLS handshake; skip() takes exactly these bytes
        // from the socket underneath.
        socket->skip(header.size);
        if (!header.source.isNull())
            bytes->setConnection(unmappedAddress(header.source), header.sourcePort);
    }
    // Still a proxy's address (no header, LOCAL, or a chain of proxies): X-Forwarded-For names the client later.
    const QHostAddress address = bytes->connection();
    if (m_trusted.trusts(address) || countAddress(socket, address))
        startHandshake(socket);
}

void HubTcpServer::startHandshake(QTcpSocket *socket)
{
    if (auto *ssl = qobject_cast<HubSslSocket *>(socket)) {
        connect(ssl, &HubSslSocket::headReceived, this, [this, ssl](const QByteArray &head) { route(ssl, head); });
        connect(ssl, &QSslSocket::encrypted, ssl, [ssl, max = m_maxHeadBytes] { ssl->holdBytesBehindHandshake(max); });
        connect(ssl, &QSslSocket::sslErrors, ssl, [ssl](const QList<QSslError> &errors) {
            qDebug() << "TLS handshake errors from" << clientAddress(ssl) << errors;
        });
        ssl->setSslConfiguration(*m_tls);
        ssl->startServerEncryption();
        return;
    }
    auto *tcp = static_cast<HubTcpSocket *>(socket);
    connect(tcp, &HubTcpSocket::headReceived, this, [this, tcp](const QByteArray &head) { route(tcp, head); });
    tcp->holdBytesBehindHandshake(m_maxHeadBytes);
}

namespace {

/// The request target's path of an HTTP request head, and whether it asks for a WebSocket.
bool isPlainRequestUnder(const QByteArray &head, const QByteArray &prefix)
{
    const qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArray line = head.left(lineEnd);
    const qsizetype space = line.indexOf(' ');
    if (space < 0)
        return false;
    const QByteArray target = line.mid(space + 1, line.indexOf(' ', space + 1) - space - 1);
    if (!target.startsWith(prefix))
        return false;
    const char after = target.size() > prefix.size() ? target.at(prefix.size()) : '/';
    if (after != '/' && after != '?')
        return false;
    // A WebSocket handshake names the upgrade in a header: that one is a WebSocket handshake, whatever the path.
    for (const QByteArray &header : head.mid(lineEnd + 2).split('\n')) {
        const QByteArray h = header.trimmed().toLower();
        if (h.startsWith("upgrade:") && h.contains("websocket"))
            return false;
    }
    return true;
}

} // namespace

void HubTcpServer::route(QTcpSocket *socket, const QByteArray &head)
{
    if (head.isEmpty()) {
        refuse(socket, tr("The request head is too large."));
        return;
    }
    HandshakeBytes *bytes = bytesOf(socket);
    if (m_trusted.trusts(bytes->connection())) {
        const QHostAddress client = m_trusted.clientOf(bytes->connection(), headerValues(head, "x-forwarded-for"));
        if (client != bytes->connection())
            bytes->setClient(client, 0);
    }
    if (!m_httpPrefix.isEmpty() && isPlainRequestUnder(head, m_httpPrefix)) {
        release(socket);
        Q_EMIT httpConnection(socket, socket->readAll());
        return;
    }
    Q_EMIT upgradeRequested(socket, head);
}

} // namespace PeerLink
