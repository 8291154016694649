// libFuzzer target for the file transfer decoders (issue 15): a chunk's binary form, a binary chunk frame, a control frame's JSON, an ack,
// and an offered file name. Nothing may crash or read out of bounds (ASan, UBSan); a chunk that decodes encodes back
// to the same bytes, and a sanitised name is never empty, never a path, never "." or "..".
#include "core/base64url.h"
#include "core/fileprotocol.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto chunk = decodeFileChunk(bytes); chunk && encodeFileChunk(*chunk) != bytes)
        std::abort();
    if (const auto frame = decodeBinaryFileFrame(bytes);
        frame && encodeBinaryFileFrame(frame->peer, frame->tid, frame->chunk) != bytes)
        std::abort(); // one spelling per frame
    if (const auto control = decodeFileControl(bytes); control && !decodeFileControl(encodeFileControl(*control)))
        std::abort();
    bool ok = false;
    if (const QByteArray decoded = fromBase64Url(bytes, &ok); ok && toBase64Url(decoded) != bytes)
        std::abort(); // one spelling per value
    const QString text = QString::fromUtf8(bytes);
    if (const auto ack = decodeFileAck(text); ack && encodeFileAck(*ack) != text)
        std::abort();
    const QString name = sanitizeFileName(text);
    if (name.isEmpty() || name.contains(u'/') || name.contains(u'\\') || name == u"." || name == u".."
        || name.startsWith(u'.') || name.toUtf8().size() > 200)
        std::abort();
    return 0;
}
