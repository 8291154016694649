#include "wsframe.h"

#include <QtEndian>

#include <algorithm>
#include <cstring>

namespace PeerLink::WsFrame {

bool isValidCloseCode(uint16_t code)
{
    // 1004-1006 and 1015 are reserved for use outside close frames; 1016-2999 for future RFCs; 1012-1014 were
    // registered with IANA after RFC 6455 (service restart, try again later, bad gateway).
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

int headerSize(quint64 payloadSize)
{
    return payloadSize < 126 ? 2 : payloadSize <= 0xffff ? 4 : 10;
}

char *writeHeader(char *out, Opcode opcode, quint64 size)
{
    *out++ = char(0x80 | opcode);
    if (size < 126) {
        *out++ = char(size);
    } else if (size <= 0xffff) {
        *out++ = char(126);
        qToBigEndian(quint16(size), out);
        out += 2;
    } else {
        *out++ = char(127);
        qToBigEndian(size, out);
        out += 8;
    }
    return out;
}

QByteArray frame(Opcode opcode, QByteArrayView payload)
{
    const auto size = quint64(payload.size());
    QByteArray out(headerSize(size) + payload.size(), Qt::Uninitialized);
    char *p = writeHeader(out.data(), opcode, size);
    std::copy(payload.begin(), payload.end(), p);
    return out;
}

QByteArray closeFrame(uint16_t code, QByteArrayView reason)
{
    qsizetype cut = std::min<qsizetype>(reason.size(), 123);
    // Not in the middle of a character: back over continuation bytes to the start of the one cut through.
    if (cut < reason.size()) {
        while (cut > 0 && (uchar(reason[cut]) & 0xc0) == 0x80)
            --cut;
    }
    char payload[125];
    const quint16 be = qToBigEndian(quint16(code));
    std::memcpy(payload, &be, 2);
    std::memcpy(payload + 2, reason.data(), size_t(cut));
    return frame(Close, QByteArrayView(payload, cut + 2));
}

void unmask(char *dst, const char *src, size_t size, const uint8_t mask[4], uint64_t offset)
{
    // The mask as it lines up with dst[0], repeated over 8 bytes.
    uint8_t rotated[8];
    for (int i = 0; i < 8; ++i)
        rotated[i] = mask[(offset + uint64_t(i)) & 3];
    uint64_t word;
    std::memcpy(&word, rotated, 8);
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t v;
        std::memcpy(&v, src + i, 8);
        v ^= word;
        std::memcpy(dst + i, &v, 8);
    }
    for (; i < size; ++i)
        dst[i] = char(uint8_t(src[i]) ^ rotated[i & 7]);
}

Reader::Reader(qint64 maxMessageBytes, bool requireMask)
    : m_maxMessageBytes(maxMessageBytes)
    , m_requireMask(requireMask)
{
}

bool Reader::fail(uint16_t code, const char *text)
{
    m_error = code;
    m_errorText = text;
    m_message = QByteArray();
    return false;
}

bool Reader::feed(QByteArrayView bytes, Sink &sink)
{
    const char *p = bytes.data();
    const char *const end = p + bytes.size();
    while (!m_error && !m_closed) {
        if (m_step == Step::Header) {
            if (p == end || !readHeader(p, end))
                break;
            m_step = Step::Payload;
        }
        readPayload(p, end);
        if (m_error || m_done < m_length)
            break;
        m_step = Step::Header;
        m_headSize = 0;
        m_headNeeded = 2;
        if (!endFrame(sink))
            break;
    }
    return !m_error;
}

bool Reader::readHeader(const char *&p, const char *end)
{
    // The usual case: the whole header (at most 14 bytes) is in the buffer, read in one go.
    if (m_headSize == 0 && end - p >= 14) {
        std::memcpy(m_head, p, 14);
        if (!checkFirstTwoBytes())
            return false;
        m_headSize = m_headNeeded;
        p += m_headNeeded;
        return checkLength();
    }
    while (m_headSize < m_headNeeded) {
        const int take = int(std::min<qsizetype>(m_headNeeded - m_headSize, end - p));
        if (take == 0)
            return false;
        std::memcpy(m_head + m_headSize, p, size_t(take));
        m_headSize += take;
        p += take;
        if (m_headSize == 2 && m_headNeeded == 2) {
            if (!checkFirstTwoBytes())
                return false;
        }
    }
    return checkLength();
}

bool Reader::checkFirstTwoBytes()
{
    m_fin = m_head[0] & 0x80;
    m_opcode = m_head[0] & 0x0f;
    m_masked = m_head[1] & 0x80;
    const uint8_t length7 = m_head[1] & 0x7f;
    if (m_head[0] & 0x70)
        return fail(ProtocolError, "reserved bits set without an extension");
    const bool control = m_opcode & 0x8;
    if (control) {
        if (m_opcode != Close && m_opcode != Ping && m_opcode != Pong)
            return fail(ProtocolError, "reserved control opcode");
        if (!m_fin)
            return fail(ProtocolError, "fragmented control frame");
        if (length7 > 125)
            return fail(ProtocolError, "control frame longer than 125 bytes");
    } else if (m_opcode == Continuation) {
        if (!m_messageOpcode)
            return fail(ProtocolError, "continuation frame without a message to continue");
    } else if (m_opcode == Text || m_opcode == Binary) {
        if (m_messageOpcode)
            return fail(ProtocolError, "new message before the previous one's last fragment");
    } else {
        return fail(ProtocolError, "reserved data opcode");
    }
    if (m_requireMask && !m_masked)
        return fail(ProtocolError, "unmasked client frame");
    m_headNeeded = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (m_masked ? 4 : 0);
    return true;
}

bool Reader::checkLength()
{
    const uint8_t length7 = m_head[1] & 0x7f;
    int at = 2;
    if (length7 == 126) {
        m_length = qFromBigEndian<quint16>(m_head + 2);
        at = 4;
        if (m_length < 126)
            return fail(ProtocolError, "frame length not in its shortest form");
    } else if (length7 == 127) {
        m_length = qFromBigEndian<quint64>(m_head + 2);
        at = 10;
        if (m_length >> 63)
            return fail(ProtocolError, "frame length with its most significant bit set");
        if (m_length <= 0xffff)
            return fail(ProtocolError, "frame length not in its shortest form");
    } else {
        m_length = length7;
    }
    if (m_masked)
        std::memcpy(m_mask, m_head + at, 4);
    else
        std::memset(m_mask, 0, 4);
    m_done = 0;
    if (!(m_opcode & 0x8)) {
        const uint64_t limit = uint64_t(std::max<qint64>(m_maxMessageBytes, 0));
        const uint64_t sofar = uint64_t(m_message.size());
        if (m_length > limit || sofar + m_length > limit)
            return fail(TooBig, "message too big");
        if (!m_messageOpcode)
            m_messageOpcode = m_opcode;
        // Room for the whole frame at once (bounded by the limit above); growing by doubling, so that a message
        // sent in many small fragments is not copied once per fragment.
        const auto needed = qsizetype(sofar + m_length);
        if (needed > m_message.capacity())
            m_message.reserve(std::max(needed, std::min(2 * m_message.capacity(), qsizetype(limit))));
    } else {
        m_controlSize = 0;
    }
    return true;
}

void Reader::readPayload(const char *&p, const char *end)
{
    const auto take = size_t(std::min<uint64_t>(m_length - m_done, uint64_t(end - p)));
    if (take == 0)
        return;
    char *dst;
    if (m_opcode & 0x8) {
        dst = m_control + m_controlSize;
        m_controlSize += int(take);
    } else {
        const qsizetype old = m_message.size();
        m_message.resize(old + qsizetype(take));
        dst = m_message.data() + old;
    }
    unmask(dst, p, take, m_mask, m_done);
    if (!(m_opcode & 0x8) && m_messageOpcode == Text && !m_utf8.feed({ dst, qsizetype(take) }))
        fail(InvalidPayload, "text message is not valid UTF-8");
    p += take;
    m_done += take;
}

bool Reader::endFrame(Sink &sink)
{
    if (m_opcode & 0x8)
        return endControlFrame(sink);
    if (!m_fin)
        return true;
    const bool text = m_messageOpcode == Text;
    if (text && !m_utf8.isComplete())
        return fail(InvalidPayload, "text message ends inside a UTF-8 character");
    m_messageOpcode = 0;
    m_utf8.reset();
    QByteArray message = std::move(m_message);
    m_message = QByteArray();
    sink.messageReceived(text, message);
    // Not taken, not shared, not large: its buffer serves the next message of this read (one allocation per read,
    // not per message; releaseBuffer() frees it when the read is over).
    if (!m_closed && !m_error && message.isDetached() && message.capacity() <= kKeptBufferBytes) {
        message.resize(0);
        m_message = std::move(message);
    }
    return true;
}

void Reader::releaseBuffer()
{
    if (m_message.isEmpty())
        m_message = QByteArray();
}

bool Reader::endControlFrame(Sink &sink)
{
    const QByteArrayView payload(m_control, m_controlSize);
    if (m_opcode == Ping) {
        sink.pingReceived(payload);
        return true;
    }
    if (m_opcode == Pong) {
        sink.pongReceived(payload);
        return true;
    }
    if (payload.size() == 1)
        return fail(ProtocolError, "close frame with a one-byte payload");
    uint16_t code = NoStatus;
    QByteArrayView reason;
    if (payload.size() >= 2) {
        code = qFromBigEndian<quint16>(m_control);
        if (!isValidCloseCode(code))
            return fail(ProtocolError, "invalid close code");
        reason = payload.sliced(2);
        if (!Utf8Validator::isValid(reason))
            return fail(InvalidPayload, "close reason is not valid UTF-8");
    }
    m_closed = true;
    m_message = QByteArray();
    sink.closeReceived(code, reason);
    return true;
}

} // namespace PeerLink::WsFrame
