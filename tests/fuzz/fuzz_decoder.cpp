// libFuzzer target for the protocol decoders and validator: any bytes a peer, a hub or a linked peer could send. It checks that
// nothing crashes, leaks or reads out of bounds (ASan, UBSan), and that whatever decodes also survives a round trip
// through the encoder.
#include "core/invitation.h"
#include "core/linkprotocol.h"
#include "core/protocol.h"
#include "core/rules.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));

    const Decoded<ClientEnvelope> client = decodeClientMessage(bytes);
    if (client.ok()) {
        const Decoded<ClientEnvelope> again = decodeClientMessage(encode(client.envelope()));
        if (!again.ok() || typeName(again.envelope()) != typeName(client.envelope()))
            std::abort(); // the encoder wrote something the decoder refuses
    } else if (client.error().message.isEmpty()) {
        std::abort(); // every refusal says why
    }

    const Decoded<HubEnvelope> hub = decodeHubMessage(bytes);
    if (hub.ok()) {
        const Decoded<HubEnvelope> again = decodeHubMessage(encode(hub.envelope()));
        if (!again.ok() || typeName(again.envelope()) != typeName(hub.envelope()))
            std::abort();
    }

    // What another peer sends on a direct link.
    const Decoded<LinkEnvelope> link = decodeLinkMessage(bytes);
    if (link.ok()) {
        const Decoded<LinkEnvelope> again = decodeLinkMessage(encode(link.envelope()));
        if (!again.ok() || typeName(again.envelope()) != typeName(link.envelope()))
            std::abort(); // the encoder wrote something the decoder refuses
    } else if (link.error().message.isEmpty()) {
        std::abort();
    }

    // The rules take any text a peer sends.
    const QString text = QString::fromUtf8(bytes);
    Rules::isValidId(text);
    Rules::isValidName(text);
    Rules::isValidMid(text);
    Rules::isValidEndpoint(text);
    Rules::isValidToken(text);

    // An invitation link (a friend's, pasted or scanned): what reads writes back to a link that reads the same.
    if (const std::optional<Invitation> invitation = Invitation::fromLink(text)) {
        const std::optional<Invitation> again = Invitation::fromLink(invitation->toLink());
        if (!again || again->hubs != invitation->hubs || again->name != invitation->name
            || again->fingerprint != invitation->fingerprint || again->passwordRequired != invitation->passwordRequired)
            std::abort();
    }
    return 0;
}
