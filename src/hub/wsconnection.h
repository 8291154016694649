#pragma once

#include "core/wsframe.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace PeerLink {

/// The hub's end of one WebSocket connection (ws://, or wss:// over a HubSslSocket) once the hub has answered the
/// HTTP upgrade (HubListener): it reads the client's frames straight from the socket (WsFrame::Reader), answers
/// pings, does the close handshake, answers every violation of RFC 6455 with the close code the RFC prescribes, and
/// writes the hub's frames. What it reads goes to its Receiver. It owns the socket.
class WsConnection : public QObject, private WsFrame::Reader::Sink
{
    Q_OBJECT
public:
    /// Gets the messages and the end of the connection.
    class Receiver
    {
    public:
        /// A complete message: @p text (valid UTF-8) or binary. The receiver may take @p payload.
        virtual void messageReceived(bool text, QByteArray &payload) = 0;
        virtual void pongReceived() = 0;
        /// A control frame (a pong, a close) is about to be written: frames the receiver holds back go first, so
        /// that a client's ping answers after everything its earlier messages caused.
        virtual void controlFrameDue() = 0;
        /// The TCP connection is closed (after a close handshake or not: lost()).
        virtual void connectionEnded() = 0;
        /// Around the messages of one read from the socket (one clock reading can serve them all).
        virtual void readingStarts() {}
        virtual void readingEnds() {}

    protected:
        ~Receiver() = default;
    };

    /// @p maxMessageBytes bounds one message (all its fragments); a longer one is closed with 1009.
    WsConnection(QTcpSocket *socket, qint64 maxMessageBytes, Receiver &receiver, QObject *parent = nullptr);
    ~WsConnection() override;

    /// Starts reading (and reads what already arrived behind the handshake).
    void start();

    QTcpSocket *socket() const { return m_socket; }
    /// Connected, and no close frame sent: frames may still be written.
    bool isOpen() const { return !m_closeSent && m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }
    /// Writes complete frames (WsFrame::frame()); nothing once a close frame went out.
    void write(const QByteArray &frames);
    void ping();
    /// Sends a close frame with @p code and @p reason (cut to fit), then closes the TCP connection once written.
    void close(uint16_t code, const QString &reason);
    void abort();

    /// The connection ended without a close frame from either side (the network or the peer went away).
    bool lost() const { return m_lost; }
    /// The close frame's reason: the peer's, or the hub's own when it closed first (a violation's, for one).
    QString closeReason() const { return m_closeReason; }
    uint16_t closeCode() const { return m_closeCode; }

private:
    void onReadyRead();
    void onDisconnected();
    void feed(QByteArrayView bytes);
    /// Ends the TCP connection after the close frame (see the .cpp: a half-close, not a reset).
    void finishClose();
    /// How long a client has to close its side after the hub's close frame.
    static constexpr int kLingerMs = 5000;
    // WsFrame::Reader::Sink
    void messageReceived(bool text, QByteArray &payload) override;
    void pingReceived(QByteArrayView payload) override;
    void pongReceived(QByteArrayView payload) override;
    void closeReceived(uint16_t code, QByteArrayView reason) override;

    QPointer<QTcpSocket> m_socket;
    WsFrame::Reader m_reader;
    Receiver &m_receiver;
    QByteArray m_early; // frames that came with the handshake, read first
    QString m_closeReason;
    uint16_t m_closeCode = 0;
    bool m_closeSent = false;
    bool m_closeReceived = false;
    bool m_lost = false;
    bool m_ended = false;
};

} // namespace PeerLink
