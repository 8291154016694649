#include "rawtcpclient.h"

#include <QTest>

#include <QtEndian>

namespace PeerLink::Test {

bool RawTcpClient::connectOnly(quint16 port)
{
    if (!m_local.isNull() && !m_socket.bind(m_local, 0))
        return false;
    m_socket.connectToHost(m_host, port);
    return m_socket.waitForConnected(5000);
}

bool RawTcpClient::open(quint16 port, const QByteArray &behindHandshake)
{
    if (!connectOnly(port))
        return false;
    return handshake({}, behindHandshake);
}

bool RawTcpClient::openAsProxy(quint16 port, const QByteArray &beforeRequest, const QByteArray &headers, bool tls)
{
    if (!connectOnly(port))
        return false;
    if (!beforeRequest.isEmpty())
        write(beforeRequest);
    if (tls) {
        QObject::connect(&m_socket, &QSslSocket::sslErrors, &m_socket, [this] { m_socket.ignoreSslErrors(); });
        m_socket.startClientEncryption();
        if (!QTest::qWaitFor([&] { return m_socket.isEncrypted() || m_socket.state() != QAbstractSocket::ConnectedState; },
                             5000)
            || !m_socket.isEncrypted())
            return false;
    }
    return handshake(headers, {});
}

bool RawTcpClient::handshake(const QByteArray &headers, const QByteArray &behindHandshake)
{
    write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + headers + "\r\n"
          + behindHandshake);
    QByteArray head;
    // The hub may close without an answer (a malformed PROXY header): then there is no head.
    if (!QTest::qWaitFor([&] {
            head += m_socket.readAll();
            return head.contains("\r\n\r\n") || m_socket.state() == QAbstractSocket::UnconnectedState;
        }, 5000))
        return false;
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    m_answerHead = head.left(end);
    m_received = head.mid(end + 4);
    return head.startsWith("HTTP/1.1 101");
}

void RawTcpClient::write(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

QByteArray RawTcpClient::header(quint64 length, quint8 opcode, bool fin)
{
    QByteArray h;
    h.append(char((fin ? 0x80 : 0x00) | opcode));
    if (length < 126) {
        h.append(char(0x80 | length));
    } else if (length <= 0xffff) {
        h.append(char(0x80 | 126));
        const quint16 be = qToBigEndian(quint16(length));
        h.append(reinterpret_cast<const char *>(&be), 2);
    } else {
        h.append(char(0x80 | 127));
        const quint64 be = qToBigEndian(length);
        h.append(reinterpret_cast<const char *>(&be), 8);
    }
    return h;
}

void RawTcpClient::sendFrame(const QByteArray &payload, quint8 opcode, bool fin)
{
    QByteArray frame = header(quint64(payload.size()), opcode, fin);
    const char mask[4] = { 0x12, 0x34, 0x56, 0x78 };
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload[i] ^ mask[i % 4]));
    write(frame);
}

void RawTcpClient::sendHeaderOnly(quint64 length, quint8 opcode)
{
    QByteArray frame = header(length, opcode, true);
    frame.append("\x12\x34\x56\x78", 4);
    write(frame);
}

QByteArray RawTcpClient::readTextFrame(int timeoutMs)
{
    QByteArray payload;
    QTest::qWaitFor(
        [&] {
            m_received += m_socket.readAll();
            while (m_received.size() >= 2) {
                const quint8 opcode = quint8(m_received[0]) & 0x0f;
                qsizetype length = quint8(m_received[1]) & 0x7f;
                qsizetype headerSize = 2;
                if (length == 126) {
                    if (m_received.size() < 4)
                        return false;
                    length = (quint8(m_received[2]) << 8) | quint8(m_received[3]);
                    headerSize = 4;
                }
                if (m_received.size() < headerSize + length)
                    return false;
                const QByteArray body = m_received.mid(headerSize, length);
                m_received.remove(0, headerSize + length);
                if (opcode == 0x1) {
                    payload = body;
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return payload;
}

bool RawTcpClient::waitForReceived(const std::function<bool(const QByteArray &)> &done, int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            m_received += m_socket.readAll();
            return done(m_received) || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

int RawTcpClient::waitForClose(int timeoutMs)
{
    const bool closed = QTest::qWaitFor(
        [&] {
            m_received += m_socket.readAll();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    if (!closed)
        return -1;
    // Find the close frame (opcode 0x8, unmasked from the server): its first two payload bytes are the code.
    for (qsizetype i = 0; i + 3 < m_received.size(); ++i) {
        if (quint8(m_received[i]) == 0x88 && (quint8(m_received[i + 1]) & 0x7f) >= 2)
            return (quint8(m_received[i + 2]) << 8) | quint8(m_received[i + 3]);
    }
    return 0;
}

} // namespace PeerLink::Test
