// What a trusted proxy says about its client (issue 19), without sockets: the PROXY protocol header (HAProxy's
// proxy-protocol.txt, v1 and v2) and X-Forwarded-For with the standard right-to-left walk. The hub over real
// sockets is tst_proxies.
#include "hub/proxyheaders.h"

#include <QTest>
#include <QtEndian>

using namespace PeerLink;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(PeerLink::ProxyHeader::Status)

namespace {

const QByteArray kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

QByteArray be16(quint16 v)
{
    QByteArray b(2, '\0');
    qToBigEndian(v, b.data());
    return b;
}

/// A v2 header: version and command byte, family byte, and the block after the length.
QByteArray v2(quint8 versionCommand, quint8 family, const QByteArray &block)
{
    return kV2Signature + char(versionCommand) + char(family) + be16(quint16(block.size())) + block;
}

QByteArray tcp4Block()
{
    return QByteArray::fromHex("c6336407" "7f000001") + be16(51000) + be16(8080);
}

QByteArray tcp6Block()
{
    return QByteArray::fromHex("20010db8000000000000000000000007" "00000000000000000000000000000001") + be16(443)
        + be16(8080);
}

} // namespace

class TestProxyHeaders : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void proxyHeader_data();
    void proxyHeader();
    void everyPrefixWaits();
    void forwardedAddress_data();
    void forwardedAddress();
    void headerValuesJoinRepeatedLines();
    void clientOf_data();
    void clientOf();
};

void TestProxyHeaders::proxyHeader_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<ProxyHeader::Status>("status");
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("source"); // empty: none (the connection's address stands)
    QTest::addColumn<int>("port");
    using S = ProxyHeader::Status;
    const QByteArray http = "GET / HTTP/1.1\r\n\r\n";
    const QByteArray tlsHello = QByteArray::fromHex("160301020001");

    QTest::newRow("nothing yet") << QByteArray() << S::NeedMore << 0 << QString() << 0;
    QTest::newRow("PRO") << QByteArray("PRO") << S::NeedMore << 0 << QString() << 0;
    QTest::newRow("POST is HTTP") << QByteArray("POST / HTTP/1.1\r\n") << S::Absent << 0 << QString() << 0;
    QTest::newRow("GET") << http << S::Absent << 0 << QString() << 0;
    QTest::newRow("a TLS ClientHello") << tlsHello << S::Absent << 0 << QString() << 0;
    QTest::newRow("CR LF CR LF then not v2") << QByteArray("\r\n\r\nGET") << S::Absent << 0 << QString() << 0;
    QTest::newRow("half the v2 signature") << kV2Signature.left(7) << S::NeedMore << 0 << QString() << 0;

    // Version 1
    const QByteArray tcp4 = "PROXY TCP4 198.51.100.7 127.0.0.1 51000 8080\r\n";
    QTest::newRow("v1 TCP4") << tcp4 + http << S::Complete << int(tcp4.size()) << u"198.51.100.7"_s << 51000;
    const QByteArray tcp6 = "PROXY TCP6 2001:db8::7 ::1 443 8080\r\n";
    QTest::newRow("v1 TCP6") << tcp6 << S::Complete << int(tcp6.size()) << u"2001:db8::7"_s << 443;
    QTest::newRow("v1 UNKNOWN") << QByteArray("PROXY UNKNOWN\r\n") << S::Complete << 15 << QString() << 0;
    QTest::newRow("v1 UNKNOWN with addresses") << QByteArray("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n") << S::Complete
                                               << 35 << QString() << 0;
    QTest::newRow("v1 port 0") << QByteArray("PROXY TCP4 1.2.3.4 5.6.7.8 0 65535\r\n") << S::Complete << 36
                               << u"1.2.3.4"_s << 0;
    QTest::newRow("v1 without its end yet") << tcp4.left(30) << S::NeedMore << 0 << QString() << 0;
    QTest::newRow("v1 up to its CR") << tcp4.left(tcp4.size() - 1) << S::NeedMore << 0 << QString() << 0;
    QTest::newRow("v1 at 107 bytes") << "PROXY UNKNOWN " + QByteArray(91, 'x') + "\r\n" << S::Complete << 107
                                     << QString() << 0;
    QTest::newRow("v1 over 107 bytes") << "PROXY UNKNOWN " + QByteArray(92, 'x') + "\r\n" << S::Invalid << 0
                                       << QString() << 0;
    QTest::newRow("v1 never ending") << "PROXY TCP4 " + QByteArray(200, '1') << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v1 LF alone") << QByteArray("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n") << S::Invalid << 0 << QString()
                                 << 0;
    QTest::newRow("v1 two spaces") << QByteArray("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n") << S::Invalid << 0
                                   << QString() << 0;
    QTest::newRow("v1 a field short") << QByteArray("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n") << S::Invalid << 0
                                      << QString() << 0;
    QTest::newRow("v1 UDP4") << QByteArray("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n") << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v1 TCP4 with IPv6") << QByteArray("PROXY TCP4 ::1 ::1 1 2\r\n") << S::Invalid << 0 << QString()
                                       << 0;
    QTest::newRow("v1 TCP6 with IPv4") << QByteArray("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n") << S::Invalid << 0
                                       << QString() << 0;
    QTest::newRow("v1 short IPv4") << QByteArray("PROXY TCP4 127.1 5.6.7.8 1 2\r\n") << S::Invalid << 0 << QString()
                                   << 0;
    QTest::newRow("v1 octet 256") << QByteArray("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n") << S::Invalid << 0
                                  << QString() << 0;
    QTest::newRow("v1 leading zero") << QByteArray("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n") << S::Invalid << 0
                                     << QString() << 0;
    QTest::newRow("v1 port 65536") << QByteArray("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n") << S::Invalid << 0
                                   << QString() << 0;
    QTest::newRow("v1 port 080") << QByteArray("PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n") << S::Invalid << 0 << QString()
                                 << 0;
    QTest::newRow("v1 a zone") << QByteArray("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n") << S::Invalid << 0 << QString()
                               << 0;
    QTest::newRow("v1 a name") << QByteArray("PROXY TCP4 localhost 5.6.7.8 1 2\r\n") << S::Invalid << 0 << QString()
                               << 0;

    // Version 2
    const QByteArray v2tcp4 = v2(0x21, 0x11, tcp4Block());
    QTest::newRow("v2 TCP4") << v2tcp4 + http << S::Complete << 28 << u"198.51.100.7"_s << 51000;
    QTest::newRow("v2 TCP6") << v2(0x21, 0x21, tcp6Block()) << S::Complete << 52 << u"2001:db8::7"_s << 443;
    QTest::newRow("v2 TCP4 with TLVs") << v2(0x21, 0x11, tcp4Block() + QByteArray::fromHex("0500046162636404000100"))
                                       << S::Complete << 39 << u"198.51.100.7"_s << 51000;
    QTest::newRow("v2 LOCAL") << v2(0x20, 0x00, QByteArray()) << S::Complete << 16 << QString() << 0;
    QTest::newRow("v2 LOCAL with a block") << v2(0x20, 0x11, tcp4Block()) << S::Complete << 28 << QString() << 0;
    QTest::newRow("v2 UNSPEC") << v2(0x21, 0x00, QByteArray()) << S::Complete << 16 << QString() << 0;
    QTest::newRow("v2 UNIX") << v2(0x21, 0x31, QByteArray(216, '\0')) << S::Complete << 232 << QString() << 0;
    QTest::newRow("v2 fixed part only") << v2tcp4.left(15) << S::NeedMore << 0 << QString() << 0;
    QTest::newRow("v2 block not all here") << v2tcp4.left(20) << S::NeedMore << 0 << QString() << 0;
    QTest::newRow("v2 version 1") << v2(0x11, 0x11, tcp4Block()) << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v2 command 2") << v2(0x22, 0x11, tcp4Block()) << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v2 UDP") << v2(0x21, 0x12, tcp4Block()) << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v2 family 4") << v2(0x21, 0x41, tcp4Block()) << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v2 TCP4 block short") << v2(0x21, 0x11, tcp4Block().left(11)) << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v2 TCP6 block short") << v2(0x21, 0x21, tcp4Block()) << S::Invalid << 0 << QString() << 0;
    // The limit in the test is 1024 bytes: the length field alone decides, before the block comes.
    QTest::newRow("v2 over the limit") << kV2Signature + "\x21\x11" + be16(1009) << S::Invalid << 0 << QString() << 0;
    QTest::newRow("v2 at the limit") << v2(0x21, 0x11, tcp4Block() + QByteArray(1024 - 28, '\0')) << S::Complete
                                     << 1024 << u"198.51.100.7"_s << 51000;
    QTest::newRow("v2 length 65535") << kV2Signature + "\x21\x11\xff\xff" << S::Invalid << 0 << QString() << 0;
}

void TestProxyHeaders::proxyHeader()
{
    QFETCH(QByteArray, bytes);
    QFETCH(ProxyHeader::Status, status);
    QFETCH(int, size);
    QFETCH(QString, source);
    QFETCH(int, port);
    const ProxyHeader h = parseProxyHeader(bytes, 1024);
    QCOMPARE(h.status, status);
    if (status == ProxyHeader::Status::Invalid)
        QVERIFY2(!h.error.isEmpty(), "an invalid header says why");
    if (status != ProxyHeader::Status::Complete)
        return;
    QCOMPARE(h.size, qsizetype(size));
    QCOMPARE(h.source, source.isEmpty() ? QHostAddress() : QHostAddress(source));
    QCOMPARE(h.sourcePort, quint16(port));
}

void TestProxyHeaders::everyPrefixWaits()
{
    // Bytes come in any pieces: every proper prefix of a valid header asks for more, never another verdict.
    for (const QByteArray &header : { QByteArray("PROXY TCP6 2001:db8::7 ::1 443 8080\r\n"),
                                      v2(0x21, 0x21, tcp6Block() + QByteArray::fromHex("0400020000")) }) {
        for (qsizetype n = 0; n < header.size(); ++n)
            QCOMPARE(parseProxyHeader(QByteArrayView(header).first(n), 1024).status, ProxyHeader::Status::NeedMore);
        QCOMPARE(parseProxyHeader(header, 1024).status, ProxyHeader::Status::Complete);
    }
}

void TestProxyHeaders::forwardedAddress_data()
{
    QTest::addColumn<QByteArray>("element");
    QTest::addColumn<QString>("address"); // empty: not an address
    QTest::newRow("IPv4") << QByteArray("203.0.113.9") << u"203.0.113.9"_s;
    QTest::newRow("spaces") << QByteArray("  203.0.113.9\t") << u"203.0.113.9"_s;
    QTest::newRow("IPv4:port") << QByteArray("203.0.113.9:4711") << u"203.0.113.9"_s;
    QTest::newRow("IPv6") << QByteArray("2001:db8::1") << u"2001:db8::1"_s;
    QTest::newRow("[IPv6]") << QByteArray("[2001:db8::1]") << u"2001:db8::1"_s;
    QTest::newRow("[IPv6]:port") << QByteArray("[2001:db8::1]:443") << u"2001:db8::1"_s;
    QTest::newRow("mapped") << QByteArray("::ffff:192.0.2.1") << u"::ffff:192.0.2.1"_s;
    QTest::newRow("unknown") << QByteArray("unknown") << QString();
    QTest::newRow("a name") << QByteArray("proxy.example") << QString();
    QTest::newRow("obfuscated") << QByteArray("_hidden") << QString();
    QTest::newRow("empty") << QByteArray("") << QString();
    QTest::newRow("IPv4:bad port") << QByteArray("203.0.113.9:http") << QString();
    QTest::newRow("[IPv6] junk") << QByteArray("[2001:db8::1]x") << QString();
    QTest::newRow("[IPv4]") << QByteArray("[203.0.113.9]") << QString();
    QTest::newRow("open bracket") << QByteArray("[2001:db8::1") << QString();
    QTest::newRow("zone") << QByteArray("fe80::1%eth0") << QString();
    QTest::newRow("short IPv4") << QByteArray("10.1") << QString();
}

void TestProxyHeaders::forwardedAddress()
{
    QFETCH(QByteArray, element);
    QFETCH(QString, address);
    QCOMPARE(parseForwardedAddress(element), address.isEmpty() ? QHostAddress() : QHostAddress(address));
}

void TestProxyHeaders::headerValuesJoinRepeatedLines()
{
    const QByteArray head = "GET /x HTTP/1.1\r\nHost: hub\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2\r\n"
                            "X-Forwarded-Foo: 9.9.9.9\r\nx-forwarded-for:3.3.3.3\r\nX-Forwarded-For:\r\n\r\n";
    QCOMPARE(headerValues(head, "x-forwarded-for"), QByteArray("1.1.1.1, 2.2.2.2, 3.3.3.3"));
    QCOMPARE(headerValues(head, "host"), QByteArray("hub"));
    QCOMPARE(headerValues(head, "forwarded"), QByteArray());
    // The request line is never a header, whatever it says.
    QCOMPARE(headerValues("X-Forwarded-For: 1.1.1.1\r\n\r\n", "x-forwarded-for"), QByteArray());
}

void TestProxyHeaders::clientOf_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QByteArray>("forwardedFor");
    QTest::addColumn<QString>("client");
    // Trusted: 127.0.0.1/32, ::1/128, 10.0.0.0/8.
    QTest::newRow("no header") << u"127.0.0.1"_s << QByteArray() << u"127.0.0.1"_s;
    QTest::newRow("one hop") << u"127.0.0.1"_s << QByteArray("203.0.113.9") << u"203.0.113.9"_s;
    QTest::newRow("the right-most untrusted") << u"127.0.0.1"_s << QByteArray("198.51.100.1, 203.0.113.9")
                                              << u"203.0.113.9"_s;
    QTest::newRow("through trusted hops") << u"127.0.0.1"_s << QByteArray("203.0.113.9, 10.0.0.2, 10.9.9.9")
                                          << u"203.0.113.9"_s;
    QTest::newRow("a client's own spoof is left of it") << u"127.0.0.1"_s
                                                        << QByteArray("10.0.0.5, 1.2.3.4, 203.0.113.9")
                                                        << u"203.0.113.9"_s;
    QTest::newRow("untrusted peer: ignored") << u"192.0.2.50"_s << QByteArray("203.0.113.9") << u"192.0.2.50"_s;
    QTest::newRow("mapped peer is trusted") << u"::ffff:127.0.0.1"_s << QByteArray("203.0.113.9") << u"203.0.113.9"_s;
    QTest::newRow("IPv6 peer and client") << u"::1"_s << QByteArray("[2001:db8::1]:443") << u"2001:db8::1"_s;
    QTest::newRow("mapped client is IPv4") << u"::1"_s << QByteArray("::ffff:203.0.113.9") << u"203.0.113.9"_s;
    QTest::newRow("ports") << u"127.0.0.1"_s << QByteArray("203.0.113.9:5000, 10.0.0.2:80") << u"203.0.113.9"_s;
    QTest::newRow("garbage stops at the last trusted") << u"127.0.0.1"_s << QByteArray("203.0.113.9, unknown, 10.0.0.2")
                                                       << u"10.0.0.2"_s;
    QTest::newRow("garbage right away") << u"127.0.0.1"_s << QByteArray("203.0.113.9, nonsense") << u"127.0.0.1"_s;
    QTest::newRow("garbage left of the client") << u"127.0.0.1"_s << QByteArray("nonsense, 203.0.113.9")
                                                << u"203.0.113.9"_s;
    QTest::newRow("only proxies") << u"127.0.0.1"_s << QByteArray("10.0.0.3, 10.0.0.2") << u"10.0.0.3"_s;
    QTest::newRow("empty elements") << u"127.0.0.1"_s << QByteArray(" , 203.0.113.9 ,, ") << u"203.0.113.9"_s;
}

void TestProxyHeaders::clientOf()
{
    QFETCH(QString, peer);
    QFETCH(QByteArray, forwardedFor);
    QFETCH(QString, client);
    const TrustedProxies trusted({ QHostAddress::parseSubnet(u"127.0.0.1/32"_s), QHostAddress::parseSubnet(u"::1/128"_s),
                                   QHostAddress::parseSubnet(u"10.0.0.0/8"_s) });
    QCOMPARE(trusted.clientOf(QHostAddress(peer), forwardedFor), QHostAddress(client));
    // Without trusted proxies nothing is read.
    QCOMPARE(TrustedProxies().clientOf(QHostAddress(u"127.0.0.1"_s), forwardedFor), QHostAddress(u"127.0.0.1"_s));
}

QTEST_GUILESS_MAIN(TestProxyHeaders)
#include "tst_proxyheaders.moc"
