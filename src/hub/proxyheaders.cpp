#include "proxyheaders.h"

#include "hub/hubtransport.h"

#include <QtEndian>

#include <algorithm>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr char kV1Signature[] = "PROXY ";
constexpr qsizetype kV1SignatureSize = 6;
constexpr char kV2Signature[] = "\r\n\r\n\0\r\nQUIT\n";
constexpr qsizetype kV2SignatureSize = 12;

/// @p bytes and @p signature agree on their common length.
bool agrees(QByteArrayView bytes, const char *signature, qsizetype signatureSize)
{
    const qsizetype n = std::min(bytes.size(), signatureSize);
    return std::equal(bytes.begin(), bytes.begin() + n, signature);
}

/// A dotted-quad IPv4 address and nothing else: four decimal numbers up to 255, no leading zeros (which some
/// parsers read as octal), no shorthand forms such as 127.1.
QHostAddress parseIpv4(QByteArrayView text)
{
    quint32 ip = 0;
    int parts = 0;
    qsizetype at = 0;
    while (parts < 4) {
        qsizetype digits = 0;
        quint32 value = 0;
        while (at + digits < text.size() && text[at + digits] >= '0' && text[at + digits] <= '9' && digits < 4) {
            value = value * 10 + quint32(text[at + digits] - '0');
            ++digits;
        }
        if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[at] == '0'))
            return QHostAddress();
        ip = (ip << 8) | value;
        at += digits;
        ++parts;
        if (parts < 4) {
            if (at >= text.size() || text[at] != '.')
                return QHostAddress();
            ++at;
        }
    }
    return at == text.size() ? QHostAddress(ip) : QHostAddress();
}

/// An IPv6 address in text (no brackets, no zone), or null.
QHostAddress parseIpv6(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 45 || !text.contains(':'))
        return QHostAddress();
    for (char c : text) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
            || c == '.';
        if (!ok)
            return QHostAddress();
    }
    QHostAddress address;
    if (!address.setAddress(QString::fromLatin1(text)) || address.protocol() != QAbstractSocket::IPv6Protocol)
        return QHostAddress();
    return address;
}

/// A decimal port, 0 to 65535, without leading zeros; -1 when it is not one.
int parsePort(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 5 || (text.size() > 1 && text[0] == '0'))
        return -1;
    int port = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return -1;
        port = port * 10 + (c - '0');
    }
    return port <= 65535 ? port : -1;
}

ProxyHeader invalid(int version, const QString &why)
{
    ProxyHeader h;
    h.status = ProxyHeader::Status::Invalid;
    h.version = version;
    h.error = why;
    return h;
}

ProxyHeader parseV1(QByteArrayView bytes)
{
    // "PROXY" SP ("TCP4" | "TCP6" | "UNKNOWN") SP src SP dst SP sport SP dport CRLF, at most 107 bytes in all.
    const QByteArrayView window = bytes.first(std::min(bytes.size(), kProxyV1MaxBytes));
    const qsizetype lf = window.indexOf('\n');
    if (lf < 0) {
        if (window.size() >= kProxyV1MaxBytes)
            return invalid(1, u"PROXY v1 header without its end within %1 bytes"_s.arg(kProxyV1MaxBytes));
        if (window.contains('\r') && window.indexOf('\r') != window.size() - 1)
            return invalid(1, u"PROXY v1 header with a CR inside"_s);
        ProxyHeader wait;
        wait.version = 1;
        return wait;
    }
    if (lf == 0 || window[lf - 1] != '\r')
        return invalid(1, u"PROXY v1 header ended by LF without CR"_s);
    const QByteArrayView line = window.first(lf - 1);
    if (line.contains('\r'))
        return invalid(1, u"PROXY v1 header with a CR inside"_s);
    ProxyHeader h;
    h.version = 1;
    h.size = lf + 1;
    const QByteArrayView rest = line.sliced(kV1SignatureSize);
    if (rest.startsWith("UNKNOWN") && (rest.size() == 7 || rest[7] == ' ')) {
        // The proxy could not tell (or will not): the rest of the line is ignored, the connection's address stands.
        h.status = ProxyHeader::Status::Complete;
        return h;
    }
    QList<QByteArrayView> fields;
    qsizetype from = 0;
    for (qsizetype i = 0; i <= rest.size(); ++i) {
        if (i == rest.size() || rest[i] == ' ') {
            fields.append(rest.sliced(from, i - from));
            from = i + 1;
        }
    }
    if (fields.size() != 5)
        return invalid(1, u"PROXY v1 header with %1 fields where TCP4 or TCP6 needs 5 (one space apart)"_s.arg(
                              fields.size()));
    const bool v4 = fields[0] == "TCP4";
    if (!v4 && fields[0] != "TCP6")
        return invalid(1, u"PROXY v1 header for protocol \"%1\" (TCP4, TCP6 or UNKNOWN)"_s.arg(
                              QString::fromLatin1(fields[0].first(std::min<qsizetype>(fields[0].size(), 16)))));
    const QHostAddress source = v4 ? parseIpv4(fields[1]) : parseIpv6(fields[1]);
    const QHostAddress destination = v4 ? parseIpv4(fields[2]) : parseIpv6(fields[2]);
    if (source.isNull() || destination.isNull())
        return invalid(1, u"PROXY v1 header with an address that is not %1"_s.arg(v4 ? u"IPv4"_s : u"IPv6"_s));
    const int sourcePort = parsePort(fields[3]);
    if (sourcePort < 0 || parsePort(fields[4]) < 0)
        return invalid(1, u"PROXY v1 header with a port that is not 0 to 65535"_s);
    h.status = ProxyHeader::Status::Complete;
    h.source = source;
    h.sourcePort = quint16(sourcePort);
    return h;
}

ProxyHeader parseV2(QByteArrayView bytes, qsizetype maxBytes)
{
    if (bytes.size() < kProxyV2FixedBytes) {
        ProxyHeader wait;
        wait.version = 2;
        return wait;
    }
    const auto *b = reinterpret_cast<const uchar *>(bytes.data());
    const int version = b[12] >> 4;
    const int command = b[12] & 0x0f;
    if (version != 2)
        return invalid(2, u"PROXY header with the v2 signature and version %1"_s.arg(version));
    if (command > 1)
        return invalid(2, u"PROXY v2 header with command %1 (LOCAL or PROXY)"_s.arg(command));
    const qsizetype length = qFromBigEndian<quint16>(b + 14);
    const qsizetype size = kProxyV2FixedBytes + length;
    if (size > maxBytes)
        return invalid(2, u"PROXY v2 header of %1 bytes, over the limit of %2"_s.arg(size).arg(maxBytes));
    if (bytes.size() < size) {
        ProxyHeader wait;
        wait.version = 2;
        return wait;
    }
    ProxyHeader h;
    h.version = 2;
    h.size = size;
    h.status = ProxyHeader::Status::Complete;
    if (command == 0)
        return h; // LOCAL: the proxy's own connection (a health check); its address stands
    const uchar *block = b + kProxyV2FixedBytes;
    switch (b[13]) {
    case 0x00: // UNSPEC: the proxy does not say
    case 0x31: // UNIX stream: no IP address to take
    case 0x32:
        return h;
    case 0x11: // TCP over IPv4: source, destination, source port, destination port
        if (length < 12)
            return invalid(2, u"PROXY v2 header for TCP over IPv4 with %1 address bytes (12 needed)"_s.arg(length));
        h.source = QHostAddress(qFromBigEndian<quint32>(block));
        h.sourcePort = qFromBigEndian<quint16>(block + 8);
        return h;
    case 0x21: // TCP over IPv6
        if (length < 36)
            return invalid(2, u"PROXY v2 header for TCP over IPv6 with %1 address bytes (36 needed)"_s.arg(length));
        h.source = QHostAddress(block);
        h.sourcePort = qFromBigEndian<quint16>(block + 32);
        return h;
    case 0x12:
    case 0x22:
        return invalid(2, u"PROXY v2 header for a UDP connection"_s);
    default:
        return invalid(2, u"PROXY v2 header with family and protocol 0x%1"_s.arg(uint(b[13]), 2, 16, QChar(u'0')));
    }
}

} // namespace

ProxyHeader parseProxyHeader(QByteArrayView bytes, qsizetype maxBytes)
{
    const bool v1 = agrees(bytes, kV1Signature, kV1SignatureSize);
    const bool v2 = agrees(bytes, kV2Signature, kV2SignatureSize);
    if (v1 && bytes.size() >= kV1SignatureSize)
        return parseV1(bytes);
    if (v2 && bytes.size() >= kV2SignatureSize)
        return parseV2(bytes, maxBytes);
    if (v1 || v2)
        return ProxyHeader(); // a prefix of a signature (or nothing yet)
    ProxyHeader absent;
    absent.status = ProxyHeader::Status::Absent;
    return absent;
}

QByteArray headerValues(QByteArrayView head, QByteArrayView lowerCaseName)
{
    QByteArray values;
    qsizetype at = head.indexOf('\n'); // past the request line
    while (at >= 0 && at + 1 < head.size()) {
        const qsizetype start = at + 1;
        qsizetype end = head.indexOf('\n', start);
        const QByteArrayView line = head.sliced(start, (end < 0 ? head.size() : end) - start);
        at = end;
        const qsizetype colon = line.indexOf(':');
        if (colon != lowerCaseName.size() || line.first(colon).compare(lowerCaseName, Qt::CaseInsensitive) != 0)
            continue;
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (value.isEmpty())
            continue;
        if (!values.isEmpty())
            values += ", ";
        values += value;
    }
    return values;
}

QHostAddress parseForwardedAddress(QByteArrayView element)
{
    const QByteArrayView e = element.trimmed();
    if (e.startsWith('[')) {
        // [v6] or [v6]:port
        const qsizetype close = e.indexOf(']');
        if (close < 0)
            return QHostAddress();
        const QByteArrayView after = e.sliced(close + 1);
        if (!after.isEmpty() && (after[0] != ':' || parsePort(after.sliced(1)) < 0))
            return QHostAddress();
        return parseIpv6(e.sliced(1, close - 1));
    }
    const qsizetype colons = e.count(':');
    if (colons == 0)
        return parseIpv4(e);
    if (colons == 1) {
        // v4:port
        const qsizetype colon = e.indexOf(':');
        return parsePort(e.sliced(colon + 1)) >= 0 ? parseIpv4(e.first(colon)) : QHostAddress();
    }
    return parseIpv6(e);
}

bool TrustedProxies::trusts(const QHostAddress &address) const
{
    const QHostAddress host = unmappedAddress(address);
    return std::any_of(m_networks.cbegin(), m_networks.cend(),
                       [&host](const QPair<QHostAddress, int> &net) { return host.isInSubnet(net); });
}

QHostAddress TrustedProxies::clientOf(const QHostAddress &peer, QByteArrayView forwardedFor) const
{
    QHostAddress client = unmappedAddress(peer);
    if (forwardedFor.isEmpty() || !trusts(client))
        return client;
    qsizetype end = forwardedFor.size();
    while (end > 0) {
        const qsizetype comma = forwardedFor.first(end).lastIndexOf(',');
        const QByteArrayView element = forwardedFor.sliced(comma + 1, end - comma - 1).trimmed();
        end = comma < 0 ? 0 : comma;
        if (element.isEmpty())
            continue; // "a, , b": an empty list element means nothing (RFC 9110, 5.6.1)
        const QHostAddress hop = parseForwardedAddress(element);
        if (hop.isNull())
            return client; // not an address: nothing left of it can be believed
        client = unmappedAddress(hop);
        if (!trusts(client))
            return client;
    }
    return client;
}

} // namespace PeerLink
