#include "messagescan.h"

#include "rules.h"
#include "wsframe.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

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
    /// Skips 8 bytes at a time while none of them is a quote, a backslash or a control character. The test
    /// (the classic "has a zero byte" bit trick) never misses one; it may stop early, which costs a byte's look.
    void skipPlainBytes()
    {
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

namespace {

/// Writes the spliced message into a buffer of its own, after @p headroom bytes left for a frame header.
QByteArray splice(QByteArrayView utf8, QStringView from, qint64 ts, bool framed)
{
    // The object's inside, without its braces and the spaces around them.
    qsizetype first = 0;
    qsizetype last = utf8.size();
    while (first < last && utf8[first] != '{')
        ++first;
    while (last > first && utf8[last - 1] != '}')
        --last;
    const QByteArrayView inside = utf8.sliced(first + 1, last - first - 2);
    char stamp[24];
    const std::to_chars_result written = std::to_chars(stamp, stamp + sizeof stamp, ts);
    const QByteArrayView head("{\"from\":\"");
    const QByteArrayView tail(",\"ts\":");
    const qsizetype size = head.size() + from.size() + 2 + inside.size() + tail.size() + (written.ptr - stamp) + 1;
    const int headroom = framed ? WsFrame::headerSize(quint64(size)) : 0;
    // One allocation, written in place.
    QByteArray out(headroom + size, Qt::Uninitialized);
    char *p = out.data();
    if (framed)
        p = WsFrame::writeHeader(p, WsFrame::Text, quint64(size));
    p = std::copy(head.begin(), head.end(), p);
    for (QChar c : from)
        *p++ = char(c.unicode()); // an id is ASCII
    *p++ = '"';
    *p++ = ',';
    p = std::copy(inside.begin(), inside.end(), p);
    p = std::copy(tail.begin(), tail.end(), p);
    p = std::copy(static_cast<const char *>(stamp), static_cast<const char *>(written.ptr), p);
    *p = '}';
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
