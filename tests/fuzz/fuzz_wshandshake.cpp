// libFuzzer target for the WebSocket opening handshake the hub answers itself: an input is a request head.
// - A valid request has a target in origin form, a key of 24 characters, and its answer is a 101 with the
// accept
//   key; one that is not valid says why, and its answer is an HTTP error with a body of that reason.
// - The verdict depends on the head alone: the same bytes read twice give the same request.
#include "hub/wshandshake.h"

#include <QByteArray>
#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray head = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const UpgradeRequest r = parseUpgradeRequest(head);
    const UpgradeRequest again = parseUpgradeRequest(head);
    if (again.status != r.status || again.target != r.target || again.key != r.key
        || again.origin != r.origin)
        std::abort();
    if (!r.target.isEmpty() && !r.target.startsWith('/'))
        std::abort();
    if (r.status == UpgradeRequest::Status::Valid) {
        if (!r.error.isEmpty() || r.key.size() != 24 || r.target.isEmpty() || !head.startsWith("GET "))
            std::abort();
        const QByteArray answer = upgradeResponse(r, QStringLiteral("hub"));
        if (!answer.startsWith("HTTP/1.1 101 Switching Protocols\r\n") || !answer.endsWith("\r\n\r\n")
            || !answer.contains(QByteArray("Sec-WebSocket-Accept: " + webSocketAccept(r.key) + "\r\n")))
            std::abort();
    } else {
        if (r.error.isEmpty())
            std::abort();
        const QByteArray answer = upgradeRefusal(r);
        if (!answer.startsWith("HTTP/1.1 4") || !answer.endsWith(QByteArray(r.error.toUtf8() + '\n')))
            std::abort();
    }
    return 0;
}
