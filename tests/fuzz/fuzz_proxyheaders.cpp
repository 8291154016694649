// libFuzzer target for what a proxy says about its client (issue 19): an input is the first bytes of a connection
// from a trusted proxy, read as a PROXY header (v1, v2) and as an HTTP request head with X-Forwarded-For.
// - A complete header fits in the bytes and the limit, reads the same again from its own bytes alone, and any
//   shorter prefix of it asks for more (never another verdict). An invalid one says why.
// - The client named by X-Forwarded-For is the peer or one of the list's addresses, and an address that is not
//   the left-most one is never a trusted proxy.
#include "hub/proxyheaders.h"

#include <QByteArray>
#include <QHostAddress>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype limit = size > 0 ? 16 + data[0] * 4 : 16; // from the fixed part alone up to 1036 bytes
    const ProxyHeader h = parseProxyHeader(bytes, limit);
    switch (h.status) {
    case ProxyHeader::Status::Complete: {
        if (h.size <= 0 || h.size > bytes.size())
            std::abort();
        if (h.version == 1 && h.size > kProxyV1MaxBytes)
            std::abort();
        if (h.version == 2 && (h.size < kProxyV2FixedBytes || h.size > limit))
            std::abort();
        if (h.version != 1 && h.version != 2)
            std::abort();
        const ProxyHeader again = parseProxyHeader(QByteArrayView(bytes).first(h.size), limit);
        if (again.status != h.status || again.size != h.size || again.source != h.source
            || again.sourcePort != h.sourcePort)
            std::abort();
        for (qsizetype cut : { h.size - 1, qsizetype(1), qsizetype(6), qsizetype(12), kProxyV2FixedBytes }) {
            if (cut <= 0 || cut >= h.size)
                continue;
            if (parseProxyHeader(QByteArrayView(bytes).first(cut), limit).status != ProxyHeader::Status::NeedMore)
                std::abort();
        }
        break;
    }
    case ProxyHeader::Status::Invalid:
        if (h.error.isEmpty())
            std::abort();
        break;
    case ProxyHeader::Status::NeedMore:
        if (bytes.size() >= std::max(limit, kProxyV1MaxBytes))
            std::abort(); // a header must be decided within its bound
        break;
    case ProxyHeader::Status::Absent:
        break;
    }

    // The same bytes as a request head from a trusted proxy on loopback, through proxies in 10.0.0.0/8.
    const TrustedProxies trusted({ QHostAddress::parseSubnet(QStringLiteral("127.0.0.0/8")),
                                   QHostAddress::parseSubnet(QStringLiteral("10.0.0.0/8")),
                                   QHostAddress::parseSubnet(QStringLiteral("fd00::/8")) });
    const QHostAddress peer(QStringLiteral("127.0.0.1"));
    const QByteArray list = headerValues(bytes, "x-forwarded-for");
    const QHostAddress client = trusted.clientOf(peer, list);
    if (client.isNull())
        std::abort();
    if (client != peer) {
        bool found = false;
        bool leftMost = true;
        for (const QByteArray &element : list.split(',')) {
            const QHostAddress a = parseForwardedAddress(element);
            if (a.isNull() || element.trimmed().isEmpty())
                continue;
            bool v4 = false;
            const quint32 ip = a.toIPv4Address(&v4);
            if (a == client || (v4 && QHostAddress(ip) == client)) {
                found = true;
                break;
            }
            leftMost = false;
        }
        if (!found)
            std::abort(); // a client out of nowhere
        if (trusted.trusts(client) && !leftMost) {
            // A trusted proxy is the client only when the walk ran out of list or met a non-address.
            bool stopped = false;
            for (const QByteArray &element : list.split(',')) {
                if (!element.trimmed().isEmpty() && parseForwardedAddress(element).isNull())
                    stopped = true;
            }
            if (!stopped)
                std::abort();
        }
    }
    // An untrusted peer's header is never read.
    if (trusted.clientOf(QHostAddress(QStringLiteral("192.0.2.1")), list) != QHostAddress(QStringLiteral("192.0.2.1")))
        std::abort();
    return 0;
}
