#pragma once

#include "core/utf8validator.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstdint>

/// RFC 6455 framing without sockets: the reader of a client's frames and the writer of a server's.
namespace PeerLink::WsFrame {

/// The opcodes of RFC 6455 section 5.2.
enum Opcode : uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

/// The close codes the hub sends or checks (RFC 6455 section 7.4.1).
enum CloseCode : uint16_t {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    Unsupported = 1003,
    NoStatus = 1005, ///< never on the wire: a close frame without a code
    InvalidPayload = 1007,
    PolicyViolated = 1008,
    TooBig = 1009,
    InternalError = 1011,
};

/// Whether @p code may be sent in a close frame (1000-1003, 1007-1014, 3000-4999); any other closes with 1002.
bool isValidCloseCode(uint16_t code);

/// A complete unmasked (server) frame: FIN, @p opcode, the shortest length encoding, @p payload.
QByteArray frame(Opcode opcode, QByteArrayView payload);
/// The size of an unmasked frame header for a payload of @p payloadSize bytes (2, 4 or 10).
int headerSize(quint64 payloadSize);
/// Writes that header (FIN, @p opcode) at @p out (headerSize() bytes) and returns the end of it.
char *writeHeader(char *out, Opcode opcode, quint64 payloadSize);
/// A close frame with @p code and @p reason cut to the 123 bytes a control frame leaves (at a character boundary).
QByteArray closeFrame(uint16_t code, QByteArrayView reason);

/// XORs @p size bytes of @p src with the 4-byte @p mask, starting @p offset bytes into the frame's payload (the
/// mask repeats every 4 bytes), into @p dst (may be @p src). Eight bytes at a time.
void unmask(char *dst, const char *src, size_t size, const uint8_t mask[4], uint64_t offset);

/// Reads a client's frames incrementally: any split of the byte stream gives the same messages. Data frames are
/// joined into messages (unmasked a word at a time straight into the message's buffer, a text message's UTF-8
/// checked as its fragments arrive); control frames may come between fragments. The first violation of RFC 6455
/// stops the reader with the close code the RFC prescribes (error()).
class Reader
{
public:
    /// Receives what the reader finds, in order.
    class Sink
    {
    public:
        /// A complete message (@p text: valid UTF-8); the sink may take @p payload.
        virtual void messageReceived(bool text, QByteArray &payload) = 0;
        virtual void pingReceived(QByteArrayView payload) = 0;
        virtual void pongReceived(QByteArrayView payload) = 0;
        /// A valid close frame (@p code NoStatus when it had none); the reader reads nothing after it.
        virtual void closeReceived(uint16_t code, QByteArrayView reason) = 0;

    protected:
        ~Sink() = default;
    };

    /// @p maxMessageBytes bounds a message (all its fragments): one longer is refused with 1009 as soon as a frame
    /// header says so. @p requireMask: a server's reader (RFC 6455 section 5.1: client frames are masked).
    explicit Reader(qint64 maxMessageBytes, bool requireMask = true);

    /// Reads @p bytes. False once a violation was found (now or before): see error(). Nothing is read after a
    /// violation or a close frame.
    bool feed(QByteArrayView bytes, Sink &sink);
    /// Frees the buffer kept from the last message for the next one (see endFrame): call when a read is over, so
    /// that a connection between reads holds no buffer (idle memory), while the messages of one read share one.
    void releaseBuffer();

    bool failed() const { return m_error != 0; }
    /// The close code to answer a violation with (1002, 1007 or 1009); 0 while there is none.
    uint16_t error() const { return m_error; }
    /// What was wrong, in English (the close frame's reason, logs).
    QString errorString() const { return QString::fromLatin1(m_errorText); }
    bool closeReceived() const { return m_closed; }
    /// Bytes held for a message or frame not yet complete (memory per connection).
    qsizetype bufferedBytes() const { return m_message.size() + m_controlSize; }

private:
    enum class Step { Header, Payload };
    bool fail(uint16_t code, const char *text);
    /// Takes header bytes from @p p; true when the header is complete and valid.
    bool readHeader(const char *&p, const char *end);
    bool checkFirstTwoBytes();
    bool checkLength();
    void readPayload(const char *&p, const char *end);
    /// The current frame's payload is all there.
    bool endFrame(Sink &sink);
    bool endControlFrame(Sink &sink);

    static constexpr qsizetype kKeptBufferBytes = 16384; // a message's buffer kept for the next one, at most
    qint64 m_maxMessageBytes;
    bool m_requireMask;
    Step m_step = Step::Header;
    uint8_t m_head[14];
    int m_headSize = 0;   // bytes of m_head filled
    int m_headNeeded = 2; // bytes the header has (known after its first two)
    // The frame being read
    bool m_fin = false;
    bool m_masked = false;
    uint8_t m_opcode = 0;
    uint8_t m_mask[4] = {};
    uint64_t m_length = 0;
    uint64_t m_done = 0; // payload bytes of this frame read so far
    // The message being read (a data frame without FIN started it)
    uint8_t m_messageOpcode = 0; // 0: none under way
    QByteArray m_message;
    Utf8Validator m_utf8;
    char m_control[125];
    int m_controlSize = 0;
    bool m_closed = false;
    uint16_t m_error = 0;
    const char *m_errorText = "";
};

} // namespace PeerLink::WsFrame
