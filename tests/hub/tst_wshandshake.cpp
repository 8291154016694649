// The WebSocket opening handshake the hub answers itself (RFC 6455, section 4), without sockets: which
// request heads are upgraded, which are refused with which HTTP status, and the answers. The hub over real
// sockets is tst_hubinput (handshakeIsAnsweredByTheHub).
#include "hub/wshandshake.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(PeerLink::UpgradeRequest::Status)

namespace {

const QByteArray kHeaders = "Host: hub.example:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

QByteArray head(const QByteArray &requestLine, const QByteArray &headers = kHeaders)
{
    return requestLine + "\r\n" + headers + "\r\n";
}

} // namespace

class TestWsHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void request_data();
    void request();
    void acceptKeyIsTheRfcs();
    void upgradeResponse();
    void refusals_data();
    void refusals();
};

void TestWsHandshake::request_data()
{
    using Status = UpgradeRequest::Status;
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("origin");

    QTest::newRow("plain") << head("GET / HTTP/1.1") << Status::Valid << QByteArray("/") << QByteArray();
    QTest::newRow("path and query") << head("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1")
                                    << Status::Valid << QByteArray("/socket.io/?EIO=4&transport=websocket")
                                    << QByteArray();
    QTest::newRow("absolute form") << head("GET ws://hub.example:8080/chat?x=1 HTTP/1.1") << Status::Valid
                                   << QByteArray("/chat?x=1") << QByteArray();
    QTest::newRow("absolute form, no path")
        << head("GET ws://hub.example HTTP/1.1") << Status::Valid << QByteArray("/") << QByteArray();
    QTest::newRow("absolute form with credentials") << head("GET ws://user:pw@hub.example/ HTTP/1.1")
                                                    << Status::BadRequest << QByteArray() << QByteArray();
    QTest::newRow("HTTP/2.0") << head("GET / HTTP/2.0") << Status::Valid << QByteArray("/") << QByteArray();
    QTest::newRow("LF line ends") << QByteArray(head("GET / HTTP/1.1")).replace("\r\n", "\n") << Status::Valid
                                  << QByteArray("/") << QByteArray();
    QTest::newRow("names and values in any case") << head("GET / HTTP/1.1",
        "host: h\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
        "sec-websocket-key:   dGhlIHNhbXBsZSBub25jZQ==  \r\nSEC-WEBSOCKET-VERSION: 13\r\n")
                                                  << Status::Valid << QByteArray("/") << QByteArray();
    QTest::newRow("versions offered in a list")
        << head("GET / HTTP/1.1", QByteArray(kHeaders).replace("Version: 13", "Version: 8, 13"))
        << Status::Valid << QByteArray("/") << QByteArray();
    QTest::newRow("origin") << head("GET / HTTP/1.1", kHeaders + "Origin: https://chat.example.org\r\n")
                            << Status::Valid << QByteArray("/") << QByteArray("https://chat.example.org");

    QTest::newRow("POST") << head("POST / HTTP/1.1") << Status::MethodNotAllowed << QByteArray("/")
                          << QByteArray();
    QTest::newRow("lower-case get") << head("get / HTTP/1.1") << Status::MethodNotAllowed << QByteArray("/")
                                    << QByteArray();
    QTest::newRow("HTTP/1.0") << head("GET / HTTP/1.0") << Status::BadRequest << QByteArray() << QByteArray();
    QTest::newRow("no version") << head("GET /") << Status::BadRequest << QByteArray() << QByteArray();
    QTest::newRow("two spaces") << head("GET  / HTTP/1.1") << Status::BadRequest << QByteArray()
                                << QByteArray();
    QTest::newRow("extra token") << head("GET / HTTP/1.1 x") << Status::BadRequest << QByteArray()
                                 << QByteArray();
    QTest::newRow("asterisk") << head("GET * HTTP/1.1") << Status::BadRequest << QByteArray() << QByteArray();
    QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\x00\r\n\r\n") << Status::BadRequest
                             << QByteArray() << QByteArray();
    QTest::newRow("empty") << QByteArray() << Status::BadRequest << QByteArray() << QByteArray();
    QTest::newRow("no host") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("Host: hub.example:8080\r\n", ""))
                             << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("no upgrade") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("Upgrade: websocket\r\n", ""))
                                << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("upgrade to something else")
        << head("GET / HTTP/1.1", QByteArray(kHeaders).replace("Upgrade: websocket", "Upgrade: h2c"))
        << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("connection without upgrade") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("Connection: Upgrade", "Connection: keep-alive"))
                                                << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("no key") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""))
                            << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("key of 10 bytes") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZQ=="))
                                     << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("key not base64") << head("GET / HTTP/1.1",
        QByteArray(kHeaders).replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j!Q=="))
                                    << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("key twice") << head(
        "GET / HTTP/1.1", kHeaders + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
                               << Status::BadRequest << QByteArray("/") << QByteArray();
    QTest::newRow("version 8") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("Version: 13", "Version: 8"))
                               << Status::UnsupportedVersion << QByteArray("/") << QByteArray();
    QTest::newRow("version 130") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("Version: 13", "Version: 130"))
                                 << Status::UnsupportedVersion << QByteArray("/") << QByteArray();
    QTest::newRow("no version header")
        << head("GET / HTTP/1.1", QByteArray(kHeaders).replace("Sec-WebSocket-Version: 13\r\n", ""))
        << Status::UnsupportedVersion << QByteArray("/") << QByteArray();
}

void TestWsHandshake::request()
{
    QFETCH(QByteArray, head);
    QFETCH(UpgradeRequest::Status, status);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, origin);
    const UpgradeRequest r = parseUpgradeRequest(head);
    QCOMPARE(r.status, status);
    QCOMPARE(r.target, target);
    QCOMPARE(r.origin, origin);
    QCOMPARE(r.error.isEmpty(), status == UpgradeRequest::Status::Valid);
    if (status == UpgradeRequest::Status::Valid)
        QCOMPARE(r.key, QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
}

void TestWsHandshake::acceptKeyIsTheRfcs()
{
    // RFC 6455, section 1.3.
    QCOMPARE(webSocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestWsHandshake::upgradeResponse()
{
    const UpgradeRequest r = parseUpgradeRequest(head("GET / HTTP/1.1"));
    QCOMPARE(PeerLink::upgradeResponse(r, u"PeerLink hub"_s),
        QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer: PeerLink hub\r\n\r\n"));
    // A name that would end the header is left out, and so is an empty one.
    QVERIFY(!PeerLink::upgradeResponse(r, u"evil\r\nSet-Cookie: x"_s).contains("Server"));
    QVERIFY(!PeerLink::upgradeResponse(r, QString()).contains("Server"));
}

void TestWsHandshake::refusals_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("bad request") << head("GET / HTTP/1.0") << QByteArray("HTTP/1.1 400 Bad Request\r\n")
                                 << QByteArray("Sec-WebSocket-Version: 13\r\n");
    QTest::newRow("not a GET") << head("PUT / HTTP/1.1") << QByteArray("HTTP/1.1 405 Method Not Allowed\r\n")
                               << QByteArray("Allow: GET\r\n");
    QTest::newRow("version") << head(
        "GET / HTTP/1.1", QByteArray(kHeaders).replace("Version: 13", "Version: 7"))
                             << QByteArray("HTTP/1.1 426 Upgrade Required\r\n")
                             << QByteArray("Sec-WebSocket-Version: 13\r\n");
}

void TestWsHandshake::refusals()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, statusLine);
    QFETCH(QByteArray, header);
    const UpgradeRequest r = parseUpgradeRequest(head);
    const QByteArray answer = upgradeRefusal(r);
    QVERIFY2(answer.startsWith(statusLine), answer.constData());
    QVERIFY2(answer.contains(QByteArray("\r\n" + header)), answer.constData());
    QVERIFY(answer.contains("Connection: close\r\n"));
    // The body is the reason, and Content-Length says how long it is.
    const QByteArray body = r.error.toUtf8() + '\n';
    QVERIFY(answer.endsWith(QByteArray("\r\n\r\n" + body)));
    QVERIFY(answer.contains(QByteArray("Content-Length: " + QByteArray::number(body.size()) + "\r\n")));
}

QTEST_GUILESS_MAIN(TestWsHandshake)
#include "tst_wshandshake.moc"
