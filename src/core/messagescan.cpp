#include "messagescan.h"

#include "rules.h"
#include "wsframe.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace PeerLink {

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

template<size_t N>
bool is(QByteArrayView bytes, const char (&literal)[N])
{
    return bytes.size() == qsizetype(N - 1) && std::memcmp(bytes.data(), literal, N - 1) == 0;
}

bool isIdChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
        || c == '-';
}

bool isValidIdBytes(QByteArrayView id)
{
    if (id.isEmpty() || id.size() > Rules::MaxIdLength)
        return false;
    for (char c : id) {
        if (!isIdChar(c))
            return false;
    }
    return true;
}

/// 1 to MaxMidLength characters of valid UTF-8 (no escapes were allowed, so no lone surrogates).
bool isValidMidBytes(QByteArrayView mid)
{
    if (mid.isEmpty() || mid.size() > 4 * Rules::MaxMidLength)
        return false;
    int characters = 0;
    for (char c : mid)
        characters += (uchar(c) & 0xc0) != 0x80;
    return characters <= Rules::MaxMidLength;
}

/// One pass over a flat JSON object; every method returns false at the first thing outside the accepted shape.
class Scanner
{
public:
    explicit Scanner(QByteArrayView bytes)
        : m_p(bytes.data())
        , m_end(bytes.data() + bytes.size())
    {
    }

    void skipSpace()
    {
        while (m_p < m_end && isJsonSpace(*m_p))
            ++m_p;
    }
    bool take(char c)
    {
        skipSpace();
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }
    bool peek(char c)
    {
        skipSpace();
        return m_p < m_end && *m_p == c;
    }
    bool atEnd()
    {
        skipSpace();
        return m_p == m_end;
    }
    /// A string's raw bytes between its quotes. With @p escapes, the one-character escapes of JSON are allowed
    /// (\u is not: it could make a lone surrogate, which the full decoder handles); never a control character.
    bool string(QByteArrayView &out, bool escapes)
    {
        if (!take('"'))
            return false;
        const char *start = m_p;
        for (;;) {
            skipPlainBytes();
            if (m_p == m_end)
                return false;
            const char c = *m_p;
            if (c == '"') {
                out = QByteArrayView(start, m_p - start);
                ++m_p;
                return true;
            }
            if (uchar(c) < 0x20)
                return false;
            if (c == '\\') {
                if (!escapes || m_end - m_p < 2)
                    return false;
                switch (m_p[1]) {
                case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                    m_p += 2;
                    continue;
                default:
                    return false;
                }
            }
            ++m_p;
        }
    }

private:
    /// Skips the bytes up to the next quote, backslash or control character: 16 at a time with SSE2 (part of
    /// x86-64), then 8 at a time with the classic "has a zero byte" bit trick, which never misses one and may stop
    /// early (which costs a byte's look).
    void skipPlainBytes()
    {
#ifdef __SSE2__
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i control = _mm_set1_epi8(0x1f);
        while (m_end - m_p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(m_p));
            // v <= 0x1f (unsigned) exactly when max(v, 0x1f) == 0x1f.
            const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                             _mm_cmpeq_epi8(_mm_max_epu8(v, control), control));
            if (const int mask = _mm_movemask_epi8(hit)) {
                m_p += __builtin_ctz(unsigned(mask));
                return;
            }
            m_p += 16;
        }
#endif
        constexpr uint64_t ones = 0x0101010101010101ULL;
        constexpr uint64_t highs = 0x8080808080808080ULL;
        while (m_end - m_p >= 8) {
            uint64_t v;
            std::memcpy(&v, m_p, 8);
            const uint64_t quote = v ^ (ones * '"');
            const uint64_t backslash = v ^ (ones * '\\');
            const uint64_t found = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((v - ones * 0x20) & ~v);
            if (found & highs)
                return;
            m_p += 8;
        }
    }

    const char *m_p;
    const char *m_end;
};

} // namespace

std::optional<ScannedMessage> scanPlainMessage(QByteArrayView utf8)
{
    enum Seen { Type = 1, Text = 2, To = 4, Mid = 8 };
    Scanner s(utf8);
    if (!s.take('{') || s.peek('}'))
        return std::nullopt;
    ScannedMessage m;
    int seen = 0;
    do {
        QByteArrayView key;
        QByteArrayView value;
        if (!s.string(key, false) || !s.take(':'))
            return std::nullopt;
        int field;
        bool ok;
        if (is(key, "type")) {
            field = Type;
            ok = s.string(value, false) && is(value, "message");
        } else if (is(key, "text")) {
            field = Text;
            ok = s.string(value, true);
        } else if (is(key, "to")) {
            field = To;
            ok = s.string(m.to, false) && isValidIdBytes(m.to);
        } else if (is(key, "mid")) {
            field = Mid;
            ok = s.string(m.mid, false) && isValidMidBytes(m.mid);
        } else {
            return std::nullopt; // e2e, sig, a stray field: the full decoder says what it means
        }
        if (!ok || (seen & field))
            return std::nullopt;
        seen |= field;
    } while (s.take(','));
    if (!s.take('}') || !s.atEnd() || (seen & (Type | Text)) != (Type | Text))
        return std::nullopt;
    return m;
}

ChatSplice::ChatSplice(QByteArrayView utf8, QStringView from, qint64 ts)
    : m_from(from)
{
    // The object's inside, without its braces and the spaces around them.
    qsizetype first = 0;
    qsizetype last = utf8.size();
    while (first < last && utf8[first] != '{')
        ++first;
    while (last > first && utf8[last - 1] != '}')
        --last;
    m_inside = utf8.sliced(first + 1, last - first - 2);
    m_stampSize = int(std::to_chars(m_stamp, m_stamp + sizeof m_stamp, ts).ptr - m_stamp);
    m_messageSize = qsizetype(sizeof kHead - 1) + from.size() + 2 + m_inside.size() + qsizetype(sizeof kTail - 1)
        + m_stampSize + 1;
}

qsizetype ChatSplice::frameSize() const
{
    return WsFrame::headerSize(quint64(m_messageSize)) + m_messageSize;
}

char *ChatSplice::writeMessage(char *p) const
{
    p = std::copy(kHead, kHead + sizeof kHead - 1, p);
    for (QChar c : m_from)
        *p++ = char(c.unicode()); // an id is ASCII
    *p++ = '"';
    *p++ = ',';
    p = std::copy(m_inside.begin(), m_inside.end(), p);
    p = std::copy(kTail, kTail + sizeof kTail - 1, p);
    p = std::copy(m_stamp, m_stamp + m_stampSize, p);
    *p++ = '}';
    return p;
}

char *ChatSplice::writeFrame(char *p) const
{
    return writeMessage(WsFrame::writeHeader(p, WsFrame::Text, quint64(m_messageSize)));
}

namespace {

/// Writes the spliced message into a buffer of its own (one allocation), in its frame or not.
QByteArray splice(QByteArrayView utf8, QStringView from, qint64 ts, bool framed)
{
    const ChatSplice splice(utf8, from, ts);
    QByteArray out(framed ? splice.frameSize() : splice.messageSize(), Qt::Uninitialized);
    if (framed)
        splice.writeFrame(out.data());
    else
        splice.writeMessage(out.data());
    return out;
}

} // namespace

QByteArray spliceChatMessage(QByteArrayView utf8, QStringView from, qint64 ts)
{
    return splice(utf8, from, ts, false);
}

QByteArray spliceChatFrame(QByteArrayView utf8, QStringView from, qint64 ts)
{
    return splice(utf8, from, ts, true);
}

QByteArrayView chatFramePayload(const QByteArray &frame)
{
    const auto length7 = quint8(frame.at(1)) & 0x7f;
    return QByteArrayView(frame).sliced(length7 < 126 ? 2 : length7 == 126 ? 4 : 10);
}

} // namespace PeerLink
