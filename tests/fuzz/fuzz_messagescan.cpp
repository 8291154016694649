// Differential libFuzzer target for the hub's fast path (scanPlainMessage, spliceChatMessage) against the full
// decoder and encoder: whatever the fast path accepts, decodeClientMessage must accept as a plain MessageRequest with
// the same `to` and `mid`, the spliced message must decode to what encode(ChatMessage) writes for it, and the frame
// spliced in one buffer must be the writer's frame of that message.
#include "core/messagescan.h"
#include "core/protocol.h"
#include "core/utf8validator.h"
#include "core/wsframe.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    // The hub scans only what its WebSocket layer passed as valid UTF-8.
    if (!Utf8Validator::isValid(bytes))
        return 0;
    const std::optional<ScannedMessage> scanned = scanPlainMessage(bytes);
    if (!scanned)
        return 0;
    const Decoded<ClientEnvelope> full = decodeClientMessage(bytes);
    if (!full.ok())
        std::abort(); // the fast path accepted what the decoder refuses
    const auto *m = std::get_if<MessageRequest>(&full.envelope());
    if (!m || !m->e2e.isEmpty() || !m->sig.isEmpty())
        std::abort();
    if (QString::fromUtf8(scanned->to) != m->to || QString::fromUtf8(scanned->mid) != m->mid)
        std::abort(); // routed elsewhere, or acknowledged under another mid
    const QByteArray spliced = spliceChatMessage(bytes, u"sender", 1764000000000);
    const Decoded<HubEnvelope> out = decodeHubMessage(spliced);
    const auto *chat = out.ok() ? std::get_if<ChatMessage>(&out.envelope()) : nullptr;
    if (!chat)
        std::abort(); // the recipient could not read what the hub handed on
    const ChatMessage expected { QStringLiteral("sender"), m->text, m->to, m->mid, 1764000000000 };
    if (encode(*chat) != encode(expected))
        std::abort(); // it means something else than the full path's message
    const QByteArray frame = spliceChatFrame(bytes, u"sender", 1764000000000);
    if (frame != WsFrame::frame(WsFrame::Text, spliced))
        std::abort(); // the frame built in one buffer is not the frame of that message
    return 0;
}
