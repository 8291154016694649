#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QSslSocket>

#include <functional>

namespace PeerLink::Test {

/// A WebSocket client written by hand on a QTcpSocket, for the input Qt's own client never sends: huge frame
/// headers, invalid UTF-8, half frames, half handshakes, and a client that stops reading (so never answers pings).
class RawTcpClient
{
public:
    /// Connects and completes the WebSocket handshake; false if the hub did not switch protocols.
    /// @p behindHandshake goes in the same write as the request (frames a client sends without waiting).
    bool open(quint16 port, const QByteArray &behindHandshake = {});
    /// Like open(), with @p beforeRequest written first (a PROXY protocol header) and @p headers (whole lines, each
    /// ended by CRLF) added to the request, as a reverse proxy sends them. @p tls: the TLS handshake (accepting the
    /// hub's certificate, whatever it is) comes after @p beforeRequest, the request inside it (wss://).
    bool openAsProxy(quint16 port, const QByteArray &beforeRequest, const QByteArray &headers = {}, bool tls = false);
    /// Connects without a handshake.
    bool connectOnly(quint16 port);
    /// Connects from @p local from now on (a loopback address such as 127.0.0.3): the hub sees it as the peer.
    void bindTo(const QHostAddress &local) { m_local = local; }
    /// Connects to @p host from now on (127.0.0.1 unless told; ::1 for a hub listening on IPv6).
    void connectTo(const QHostAddress &host) { m_host = host; }
    /// The status line and headers of the hub's answer to the handshake (empty if none came).
    QByteArray answerHead() const { return m_answerHead; }
    /// Writes raw bytes.
    void write(const QByteArray &bytes);
    /// Sends one masked frame with opcode @p opcode (0x1 text) and @p payload.
    void sendFrame(const QByteArray &payload, quint8 opcode = 0x1, bool fin = true);
    /// A frame header alone, claiming @p length bytes of payload (none follow).
    void sendHeaderOnly(quint64 length, quint8 opcode = 0x1);
    /// Waits for the next text frame from the server (unmasked, under 64 KiB) and returns its payload.
    QByteArray readTextFrame(int timeoutMs = 5000);
    /// From now on nothing is read: the kernel's buffers fill, then the hub's queue for this client grows.
    void stopReading() { m_socket.setReadBufferSize(1); }
    /// Waits for the hub to close the TCP connection; returns the close code of its close frame (or 0 if none).
    int waitForClose(int timeoutMs = 10000);
    /// Waits until @p done holds for everything received after the handshake, or the connection is closed.
    bool waitForReceived(const std::function<bool(const QByteArray &)> &done, int timeoutMs = 5000);
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QByteArray received() const { return m_received; }

private:
    static QByteArray header(quint64 length, quint8 opcode, bool fin);
    bool handshake(const QByteArray &headers, const QByteArray &behindHandshake);

    QSslSocket m_socket; // unencrypted unless openAsProxy() is asked for TLS
    QByteArray m_received;
    QByteArray m_answerHead;
    QHostAddress m_local;
    QHostAddress m_host = QHostAddress(QHostAddress::LocalHost);
};

} // namespace PeerLink::Test
