// libFuzzer target for the socket.io codec (issue 18): an input is a long-polling body as a client would POST it.
// Every packet in it goes through the same functions as on the hub (Engine.IO packet, Socket.IO packet, event,
// mapping), and whatever the mapping hands the hub must be a JSON object whose `type` is the event's name, which
// topLevelType() (the hub's way back) reads again. The input is also taken as a frame of the hub's, for
// topLevelType() and eventFromNative(), which must not read out of bounds on any bytes.
#include "core/protocol.h"
#include "core/socketio.h"
#include "core/utf8validator.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;
using namespace PeerLink::SocketIo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const QByteArray type = topLevelType(bytes);
    if (type.size() > bytes.size())
        std::abort();
    (void)eventFromNative(bytes, type);
    for (QByteArrayView packet : splitPayload(bytes)) {
        bool binary = false;
        const std::optional<EnginePacket> engine = parseEnginePacket(packet, &binary);
        if (!engine || engine->type != EngineType::Message)
            continue;
        QString error;
        const std::optional<Packet> p = parsePacket(engine->data, &error);
        if (!p) {
            if (error.isEmpty())
                std::abort(); // refused without a reason
            continue;
        }
        if (p->ackId < -1 || p->attachments < 0)
            std::abort();
        if (p->type != PacketType::Event || !Utf8Validator::isValid(p->data))
            continue;
        ErrorCode code;
        const std::optional<Event> event = parseEvent(p->data, &code, &error);
        const QByteArray fast = plainMessageToNative(p->data);
        if (!fast.isEmpty()) {
            // The spliced request must mean what the full way makes of the event.
            const Inbound full = event ? toNative(*event) : Inbound();
            const Decoded<ClientEnvelope> a = decodeClientMessage(fast);
            const Decoded<ClientEnvelope> b = decodeClientMessage(full.native);
            if (!a.ok() || !b.ok())
                std::abort();
            const auto *ma = std::get_if<MessageRequest>(&a.envelope());
            const auto *mb = std::get_if<MessageRequest>(&b.envelope());
            if (!ma || !mb || ma->text != mb->text || ma->to != mb->to || ma->mid != mb->mid)
                std::abort();
        }
        if (!event)
            continue;
        const Inbound in = toNative(*event, QStringLiteral("sio.fuzz.1"));
        if (in.native.isEmpty()) {
            if (in.error.isEmpty())
                std::abort();
            continue;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(in.native);
        if (!doc.isObject() || doc.object().value(QLatin1StringView("type")).toString() != event->name)
            std::abort(); // the hub would read another request than the one emitted
        const QByteArray again = topLevelType(in.native);
        const bool plainName = !event->name.contains(QLatin1Char('"')) && !event->name.contains(QLatin1Char('\\'))
            && std::all_of(event->name.cbegin(), event->name.cend(), [](QChar c) { return c.unicode() >= 0x20; });
        if (plainName && again != event->name.toUtf8())
            std::abort(); // the way back would map the hub's answer to another event
    }
    return 0;
}
