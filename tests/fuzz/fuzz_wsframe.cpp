// libFuzzer target for the hub's WebSocket frame reader and the UTF-8 validator: any bytes a client could send after
// the handshake. Besides crashes, leaks and out-of-bounds reads (ASan, UBSan) it checks that
// - the reader is incremental: the same stream cut into pieces (sizes taken from the input) gives the same messages,
//   control frames and verdict as the stream read whole;
// - every text message it hands on is valid UTF-8 by a plain reference decoder, and no message exceeds the limit;
// - a refusal has a close code RFC 6455 allows for it (1002, 1007, 1009) and a reason;
// - the validator (DFA with an ASCII fast path) agrees with the reference decoder, whole and fed in pieces.
#include "core/utf8validator.h"
#include "core/wsframe.h"

#include <QByteArray>
#include <QList>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

namespace {

constexpr qint64 kLimit = 1024;

/// RFC 3629 section 4, byte by byte: the reference the validator is checked against.
bool referenceUtf8(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const uint8_t b = p[i];
        if (b < 0x80) {
            ++i;
            continue;
        }
        size_t more;
        uint32_t cp;
        uint32_t min;
        if ((b & 0xe0) == 0xc0) {
            more = 1, cp = b & 0x1f, min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            more = 2, cp = b & 0x0f, min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            more = 3, cp = b & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + more >= n)
            return false; // cut short
        for (size_t k = 1; k <= more; ++k) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += more + 1;
    }
    return true;
}

struct Record : WsFrame::Reader::Sink
{
    QList<QByteArray> events;
    void messageReceived(bool text, QByteArray &payload) override
    {
        if (payload.size() > kLimit)
            std::abort(); // over the limit, yet handed on
        if (text && !referenceUtf8(reinterpret_cast<const uint8_t *>(payload.constData()), size_t(payload.size())))
            std::abort(); // invalid UTF-8 handed on as text
        events << (text ? QByteArray("T") : QByteArray("B")) + payload;
    }
    void pingReceived(QByteArrayView payload) override { events << "I" + payload.toByteArray(); }
    void pongReceived(QByteArrayView payload) override { events << "O" + payload.toByteArray(); }
    void closeReceived(uint16_t code, QByteArrayView reason) override
    {
        if (code != WsFrame::NoStatus && !WsFrame::isValidCloseCode(code))
            std::abort();
        events << "C" + QByteArray::number(code) + reason.toByteArray();
    }
};

void checkReader(QByteArrayView stream, QByteArrayView cuts, bool requireMask)
{
    WsFrame::Reader whole(kLimit, requireMask);
    Record a;
    whole.feed(stream, a);

    WsFrame::Reader pieces(kLimit, requireMask);
    Record b;
    qsizetype at = 0;
    for (qsizetype i = 0; at < stream.size(); ++i) {
        const qsizetype piece = cuts.isEmpty() ? 1 : 1 + uint8_t(cuts[i % cuts.size()]) % 64;
        pieces.feed(stream.sliced(at, std::min(piece, stream.size() - at)), b);
        if (i % 2)
            pieces.releaseBuffer(); // the end of a read: the kept buffer goes (a message under way stays)
        at += piece;
    }
    if (a.events != b.events || whole.error() != pieces.error() || whole.closeReceived() != pieces.closeReceived())
        std::abort(); // the result depends on how the bytes arrived
    const uint16_t e = whole.error();
    if (e != 0 && e != WsFrame::ProtocolError && e != WsFrame::InvalidPayload && e != WsFrame::TooBig)
        std::abort();
    if (e != 0 && whole.errorString().isEmpty())
        std::abort();
}

void checkValidator(QByteArrayView bytes, QByteArrayView cuts)
{
    const bool expected = referenceUtf8(reinterpret_cast<const uint8_t *>(bytes.data()), size_t(bytes.size()));
    if (Utf8Validator::isValid(bytes) != expected)
        std::abort();
    Utf8Validator v;
    bool ok = true;
    qsizetype at = 0;
    for (qsizetype i = 0; at < bytes.size() && ok; ++i) {
        const qsizetype piece = cuts.isEmpty() ? 1 : 1 + uint8_t(cuts[i % cuts.size()]) % 32;
        ok = v.feed(bytes.sliced(at, std::min(piece, bytes.size() - at)));
        at += piece;
    }
    if ((ok && v.isComplete()) != expected)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // The first byte says how many of the next bytes are piece sizes; the rest is the stream.
    const size_t cutCount = std::min<size_t>(data[0] % 8, size - 1);
    const QByteArrayView cuts(reinterpret_cast<const char *>(data + 1), qsizetype(cutCount));
    const QByteArrayView stream(reinterpret_cast<const char *>(data + 1 + cutCount), qsizetype(size - 1 - cutCount));
    checkReader(stream, cuts, true);
    checkReader(stream, cuts, false);
    checkValidator(stream, cuts);
    return 0;
}
