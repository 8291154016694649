#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

namespace PeerLink {

/// The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) at the start of a connection from a
/// proxy: what the hub learns from it. Pure: no sockets; table-tested (tst_proxyheaders) and fuzzed
/// (fuzz_proxyheaders).
struct ProxyHeader
{
    enum class Status {
        NeedMore, ///< the bytes so far may be the start of a header: wait for more
        Absent,   ///< the bytes do not start with a PROXY header (an HTTP request, a TLS ClientHello)
        Complete, ///< a whole, valid header of `size` bytes
        Invalid,  ///< a header that breaks the specification, or is over the limit: `error` says why
    };
    Status status = Status::NeedMore;
    /// 1 (text) or 2 (binary) once recognised.
    int version = 0;
    /// Complete: the bytes the header takes (the connection's own bytes follow it).
    qsizetype size = 0;
    /// Complete: the client's address and port (TCP over IPv4 or IPv6). Null for a header that names no client
    /// (v1 UNKNOWN, v2 LOCAL, an unspecified or UNIX family): the connection's own address stands.
    QHostAddress source;
    quint16 sourcePort = 0;
    /// Invalid: why, in English (for the hub's log).
    QString error;
};

/// The longest version 1 header, its CRLF included (the specification's bound).
inline constexpr qsizetype kProxyV1MaxBytes = 107;
/// The fixed part of a version 2 header: signature, version and command, family, length.
inline constexpr qsizetype kProxyV2FixedBytes = 16;

/// Reads a PROXY header at the start of @p bytes (the first bytes of a connection). A version 2 header longer than
/// @p maxBytes (its address block and TLVs included) is Invalid; a version 1 header is bounded by the
/// specification's 107 bytes.
ProxyHeader parseProxyHeader(QByteArrayView bytes, qsizetype maxBytes);

/// The values of every header line named @p lowerCaseName (compared without case) in an HTTP request head (the
/// request line first, lines ended by CRLF or LF), joined with ", " in the order they came: a repeated list header
/// means the same as one line with the values in that order (RFC 9110, 5.3).
QByteArray headerValues(QByteArrayView head, QByteArrayView lowerCaseName);

/// One element of X-Forwarded-For: an IPv4 or IPv6 address, also written `[v6]`, `[v6]:port` or `v4:port` (as some
/// proxies do), spaces around it ignored. Null when it is anything else (`unknown`, a name, garbage).
QHostAddress parseForwardedAddress(QByteArrayView element);

/// The `trusted-proxies` setting: the networks whose connections may say who the client is, by a PROXY header or
/// X-Forwarded-For. Addresses are compared as one host each (::ffff:a.b.c.d is a.b.c.d).
class TrustedProxies
{
public:
    TrustedProxies() = default;
    explicit TrustedProxies(const QList<QPair<QHostAddress, int>> &networks)
        : m_networks(networks)
    {
    }

    bool isEmpty() const { return m_networks.isEmpty(); }
    /// @p address is in one of the networks.
    bool trusts(const QHostAddress &address) const;
    /// The client of a request that came from @p peer (the connection's address, or the one its PROXY header
    /// named) with @p forwardedFor (the X-Forwarded-For values, headerValues()). The standard walk: only when
    /// @p peer is trusted, the list is read from the right (the hop nearest the hub), and the first address that is
    /// not a trusted proxy is the client; the elements left of it are whatever the client wrote and are never read.
    /// An element that is not an address stops the walk at the last trusted hop; a list of trusted proxies only
    /// gives its left-most one. Untrusted @p peer, or no header: @p peer itself.
    QHostAddress clientOf(const QHostAddress &peer, QByteArrayView forwardedFor) const;

private:
    QList<QPair<QHostAddress, int>> m_networks;
};

} // namespace PeerLink
