// RFC 6455 conformance of the hub's ws:// framing, case groups after Autobahn|Testsuite (1 framing, 2 ping/pong,
// 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8, 7 close handling, 9 limits, plus masking and the length's
// form). Every case sends hand-made client frames to a real hub over loopback and checks what the RFC requires:
// what the hub read (its frame observer), every frame it answered with (each unmasked, FIN, no reserved bits), and
// whether it closed the connection. A case that keeps the connection open ends with a ping the hub must answer
// after everything else.
#include "clientframes.h"
#include "hub/hub.h"
#include "rawtcpclient.h"
#include "testmain.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QtEndian>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

QByteArray frame(quint8 first, const QByteArray &payload, bool masked = true, int lengthBytes = 0)
{
    return Test::clientFrame(first, payload, masked, lengthBytes);
}

QByteArray text(const QByteArray &payload) { return frame(0x81, payload); }
QByteArray ping(const QByteArray &payload) { return frame(0x89, payload); }

QByteArray close(int code, const QByteArray &reason = {})
{
    const quint16 be = qToBigEndian(quint16(code));
    return frame(0x88, QByteArray(reinterpret_cast<const char *>(&be), 2) + reason);
}

/// One server frame as a word: `error:CODE` (a text frame: the hub's JSON error), `pong:PAYLOAD`,
/// `close:CODE` (`close:` without a code), `ping`, or `bad:...` for a frame no server may send.
struct ServerFrames
{
    QStringList words;
    qsizetype consumed = 0;
};

ServerFrames parse(const QByteArray &bytes)
{
    ServerFrames out;
    qsizetype at = 0;
    while (bytes.size() - at >= 2) {
        const auto b0 = quint8(bytes[at]);
        const auto b1 = quint8(bytes[at + 1]);
        quint64 length = b1 & 0x7f;
        qsizetype head = 2;
        if (length == 126) {
            if (bytes.size() - at < 4)
                break;
            length = qFromBigEndian<quint16>(bytes.constData() + at + 2);
            head = 4;
        } else if (length == 127) {
            if (bytes.size() - at < 10)
                break;
            length = qFromBigEndian<quint64>(bytes.constData() + at + 2);
            head = 10;
        }
        if (quint64(bytes.size() - at - head) < length)
            break;
        const QByteArray payload = bytes.mid(at + head, qsizetype(length));
        at += head + qsizetype(length);
        out.consumed = at;
        if ((b0 & 0xf0) != 0x80 || (b1 & 0x80)) {
            out.words << u"bad:%1"_s.arg(b0, 2, 16);
            continue;
        }
        switch (b0 & 0x0f) {
        case 0x1:
            out.words << u"error:"_s + QJsonDocument::fromJson(payload).object().value("code"_L1).toString();
            break;
        case 0x8:
            out.words << (payload.size() >= 2 ? u"close:%1"_s.arg(qFromBigEndian<quint16>(payload.constData()))
                                              : u"close:"_s);
            break;
        case 0x9:
            out.words << u"ping"_s;
            break;
        case 0xa:
            out.words << u"pong:"_s + QString::fromUtf8(payload);
            break;
        default:
            out.words << u"bad:%1"_s.arg(b0, 2, 16);
        }
    }
    return out;
}

/// A client that speaks raw bytes after an ordinary handshake, and reads the hub's frames as words.
class WireClient
{
public:
    bool open(quint16 port, const QByteArray &behindHandshake = {}) { return m_raw.open(port, behindHandshake); }
    /// Sends @p bytes, in pieces of @p piece bytes when not 0 (each written on its own).
    void send(const QByteArray &bytes, int piece)
    {
        const qsizetype step = piece > 0 ? piece : qMax<qsizetype>(bytes.size(), 1);
        for (qsizetype at = 0; at < bytes.size(); at += step)
            m_raw.write(bytes.mid(at, step));
    }
    /// Waits until the frames received satisfy @p done (or the hub closed the connection).
    QStringList waitFor(const std::function<bool(const QStringList &)> &done, int timeoutMs = 5000)
    {
        QStringList words;
        m_raw.waitForReceived(
            [&](const QByteArray &received) {
                words = parse(received).words;
                return done(words);
            },
            timeoutMs);
        return words;
    }
    bool waitClosed() { return m_raw.waitForClose(5000) >= 0; }
    bool isConnected() const { return m_raw.isConnected(); }

private:
    Test::RawTcpClient m_raw;
};

} // namespace

class TestWsConformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cases_data();
    void cases();
    void framesBehindTheHandshakeAreRead();
    void closeAfterTheHubsCloseEndsCleanly();
    void heartbeatPingsAreAnsweredByPongs();

private:
    Hub *m_hub = nullptr;
    QStringList m_read; // what the hub read, in order
};

void TestWsConformance::initTestCase()
{
    HubConfig config;
    config.maxInvalidMessages = 100000; // every case sends messages that are not the protocol's
    config.messagesPerSecond = 100000;
    config.messageBurst = 100000;
    config.bytesPerSecond = 1e9;
    config.byteBurst = 1e9;
    m_hub = new Hub(config);
    QVERIFY(m_hub->listen());
    m_hub->setFrameObserver([this](bool incoming, QByteArrayView utf8) {
        if (incoming)
            m_read << QString::fromUtf8(utf8);
    });
}

void TestWsConformance::cleanupTestCase()
{
    delete m_hub;
}

void TestWsConformance::cases_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("piece");          // 0: all in one write; n: n bytes per write
    QTest::addColumn<QStringList>("read");   // the text messages the hub read
    QTest::addColumn<QStringList>("answers"); // the hub's frames, in order
    QTest::addColumn<bool>("closes");        // the hub closes the connection

    const QStringList none;
    const QString bad = u"error:bad_json"_s;          // a text message that is not JSON
    const QString binary = u"error:bad_message"_s;    // a binary message: not part of the protocol
    auto open = [&](const char *name, const QByteArray &bytes, const QStringList &read, const QStringList &answers,
                    int piece = 0) { QTest::newRow(name) << bytes << piece << read << answers << false; };
    auto closes = [&](const char *name, const QByteArray &bytes, const QStringList &read, const QStringList &answers,
                      int piece = 0) { QTest::newRow(name) << bytes << piece << read << answers << true; };
    const QByteArray a125(125, 'a');
    const QByteArray a126(126, 'a');
    const QByteArray a65535(65535, 'a');
    const QByteArray a65536(65536, 'a');

    // 1 Framing: text and binary of every length form (the hub reads the text; it answers bad_message, as neither
    // is a protocol message).
    open("1.1.1 text, empty", text(""), { u""_s }, { bad });
    open("1.1.2 text, 125 bytes", text(a125), { QString::fromLatin1(a125) }, { bad });
    open("1.1.3 text, 126 bytes", text(a126), { QString::fromLatin1(a126) }, { bad });
    open("1.1.4 text, 65535 bytes", text(a65535), { QString::fromLatin1(a65535) }, { bad });
    open("1.1.5 text, 125 bytes, a byte per write", text(a125), { QString::fromLatin1(a125) }, { bad }, 1);
    open("1.1.6 text, 65536 bytes, 997 per write", text(a65536), { QString::fromLatin1(a65536) }, { bad }, 997);
    closes("1.1.7 text, 65537 bytes: over the hub's message limit", text(a65536 + 'a'),
           { QString::fromLatin1(a65536 + 'a') }, { u"error:too_large"_s, u"close:1009"_s });
    open("1.2.1 binary, empty", frame(0x82, ""), none, { binary });
    open("1.2.2 binary, 126 bytes", frame(0x82, a126), none, { binary });
    open("1.2.3 binary, 65536 bytes", frame(0x82, a65536), none, { binary });

    // 2 Ping/pong
    open("2.1 ping, empty", ping(""), none, { u"pong:"_s });
    open("2.2 ping with text", ping("Hello, world!"), none, { u"pong:Hello, world!"_s });
    const QByteArray bytes8("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8);
    open("2.3 ping with binary", frame(0x89, bytes8), none, { u"pong:"_s + QString::fromUtf8(bytes8) });
    open("2.4 ping, 125 bytes", ping(a125), none, { u"pong:"_s + QString::fromLatin1(a125) });
    closes("2.5 ping, 126 bytes", ping(a126), none, { u"close:1002"_s });
    open("2.6 ping, 125 bytes, a byte per write", ping(a125), none, { u"pong:"_s + QString::fromLatin1(a125) }, 1);
    open("2.7 unsolicited pong", frame(0x8a, ""), none, {});
    open("2.8 unsolicited pong with payload", frame(0x8a, "unsolicited"), none, {});
    open("2.9 pong, then ping", frame(0x8a, "x") + ping("p"), none, { u"pong:p"_s });
    open("2.10 ten pings", ping("0") + ping("1") + ping("2") + ping("3") + ping("4") + ping("5") + ping("6")
             + ping("7") + ping("8") + ping("9"),
         none,
         { u"pong:0"_s, u"pong:1"_s, u"pong:2"_s, u"pong:3"_s, u"pong:4"_s, u"pong:5"_s, u"pong:6"_s, u"pong:7"_s,
           u"pong:8"_s, u"pong:9"_s });
    open("2.11 ten pings, a byte per write", ping("0") + ping("1") + ping("2") + ping("3") + ping("4") + ping("5")
             + ping("6") + ping("7") + ping("8") + ping("9"),
         none,
         { u"pong:0"_s, u"pong:1"_s, u"pong:2"_s, u"pong:3"_s, u"pong:4"_s, u"pong:5"_s, u"pong:6"_s, u"pong:7"_s,
           u"pong:8"_s, u"pong:9"_s },
         1);

    // 3 Reserved bits (no extension is negotiated)
    closes("3.1 RSV1 on text", frame(0xc1, "x"), none, { u"close:1002"_s });
    closes("3.2 RSV2 after a good text", text("a") + frame(0xa1, "x") + ping("late"), { u"a"_s },
           { bad, u"close:1002"_s });
    closes("3.3 RSV3 and RSV1 on text", frame(0xd1, "x"), none, { u"close:1002"_s });
    closes("3.4 RSV1+2 on binary", frame(0xe2, "\x00"), none, { u"close:1002"_s });
    closes("3.5 RSV3 on ping", frame(0x99, "x"), none, { u"close:1002"_s });
    closes("3.6 RSV2 on close", frame(0xa8, ""), none, { u"close:1002"_s });
    closes("3.7 all RSV on close", frame(0xf8, ""), none, { u"close:1002"_s });

    // 4 Opcodes
    closes("4.1.1 opcode 3", frame(0x83, ""), none, { u"close:1002"_s });
    closes("4.1.2 opcode 4 with payload", frame(0x84, "reserved"), none, { u"close:1002"_s });
    closes("4.1.3 opcode 5 after a text", text("a") + frame(0x85, "") + ping(""), { u"a"_s },
           { bad, u"close:1002"_s });
    closes("4.1.4 opcode 6", frame(0x86, "x"), none, { u"close:1002"_s });
    closes("4.1.5 opcode 7", frame(0x87, ""), none, { u"close:1002"_s });
    closes("4.2.1 opcode 11", frame(0x8b, ""), none, { u"close:1002"_s });
    closes("4.2.2 opcode 12 with payload", frame(0x8c, "reserved"), none, { u"close:1002"_s });
    closes("4.2.3 opcode 13 after a text", text("a") + frame(0x8d, "") + ping(""), { u"a"_s },
           { bad, u"close:1002"_s });
    closes("4.2.4 opcode 14", frame(0x8e, "x"), none, { u"close:1002"_s });
    closes("4.2.5 opcode 15", frame(0x8f, ""), none, { u"close:1002"_s });

    // 5 Fragmentation
    closes("5.1 fragmented ping", frame(0x09, "frag") + frame(0x80, "ment"), none, { u"close:1002"_s });
    closes("5.2 fragmented pong", frame(0x0a, "frag") + frame(0x80, "ment"), none, { u"close:1002"_s });
    open("5.3 text in two fragments", frame(0x01, "frag") + frame(0x80, "ment"), { u"fragment"_s }, { bad });
    open("5.4 text in two fragments, a byte per write", frame(0x01, "frag") + frame(0x80, "ment"),
         { u"fragment"_s }, { bad }, 1);
    open("5.5 ping between fragments", frame(0x01, "frag") + ping("p") + frame(0x80, "ment"), { u"fragment"_s },
         { u"pong:p"_s, bad });
    open("5.6 ping between fragments, a byte per write", frame(0x01, "frag") + ping("p") + frame(0x80, "ment"),
         { u"fragment"_s }, { u"pong:p"_s, bad }, 1);
    closes("5.7 continuation without a start", frame(0x80, "x"), none, { u"close:1002"_s });
    closes("5.8 unfinished continuation without a start", frame(0x00, "x") + frame(0x80, "y"), none,
           { u"close:1002"_s });
    closes("5.9 text start, then text", frame(0x01, "a") + frame(0x81, "b"), none, { u"close:1002"_s });
    closes("5.10 text start, then binary", frame(0x01, "a") + frame(0x82, "b"), none, { u"close:1002"_s });
    open("5.11 empty fragments", frame(0x01, "") + frame(0x00, "") + frame(0x80, ""), { u""_s }, { bad });
    open("5.12 many fragments", frame(0x01, "a") + frame(0x00, "b") + frame(0x00, "c") + frame(0x80, "d"),
         { u"abcd"_s }, { bad });
    open("5.13 binary in fragments", frame(0x02, "\x01") + frame(0x80, "\x02"), none, { binary });

    // 6 UTF-8
    const QByteArray kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
    open("6.1 valid, κόσμε", text(kosme), { QString::fromUtf8(kosme) }, { bad });
    open("6.2 valid, κόσμε in fragments split inside characters",
         frame(0x01, kosme.left(1)) + frame(0x00, kosme.mid(1, 4)) + frame(0x80, kosme.mid(5)),
         { QString::fromUtf8(kosme) }, { bad });
    open("6.3 valid, κόσμε a byte per write", text(kosme), { QString::fromUtf8(kosme) }, { bad }, 1);
    open("6.4 valid, 4-byte and boundary characters", text("\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80"),
         { QString::fromUtf8("\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80") }, { bad });
    closes("6.5 invalid: lone continuation", text("\x80"), none, { u"close:1007"_s });
    closes("6.6 invalid: overlong", text("\xc0\xaf"), none, { u"close:1007"_s });
    closes("6.7 invalid: surrogate", text("\xed\xa0\x80"), none, { u"close:1007"_s });
    closes("6.8 invalid: past U+10FFFF", text("\xf4\x90\x80\x80"), none, { u"close:1007"_s });
    closes("6.9 invalid: FE FF", text("\xfe\xff"), none, { u"close:1007"_s });
    closes("6.10 invalid: cut at the end", text("ab\xe2\x82"), none, { u"close:1007"_s });
    closes("6.11 invalid: cut at the end of the last fragment", frame(0x01, "ab") + frame(0x80, "\xe2\x82"), none,
           { u"close:1007"_s });
    closes("6.12 fail fast: invalid first fragment, rest never sent", frame(0x01, "a\xc0\xaf"), none,
           { u"close:1007"_s });
    closes("6.13 invalid after a valid message", text("ok") + text("\xff"), { u"ok"_s }, { bad, u"close:1007"_s });

    // 7 Close handling
    closes("7.1.1 close without code", frame(0x88, ""), none, { u"close:"_s });
    closes("7.1.2 close 1000", close(1000), none, { u"close:1000"_s });
    closes("7.1.3 close, then a text (not read)", close(1000) + text("after"), none, { u"close:1000"_s });
    closes("7.1.4 close, then a ping (not answered)", close(1000) + ping("after"), none, { u"close:1000"_s });
    closes("7.1.5 text, then close", text("before") + close(1000), { u"before"_s }, { bad, u"close:1000"_s });
    closes("7.1.6 close in the middle of a fragmented message", frame(0x01, "a") + close(1000), none,
           { u"close:1000"_s });
    closes("7.3.1 close with a one-byte payload", frame(0x88, "\x03"), none, { u"close:1002"_s });
    closes("7.3.2 close with a reason", close(1000, "Bye"), none, { u"close:1000"_s });
    closes("7.3.3 close with a 123-byte reason", close(1000, QByteArray(123, 'r')), none, { u"close:1000"_s });
    closes("7.3.4 close with a 124-byte reason (126 bytes)", close(1000, QByteArray(124, 'r')), none,
           { u"close:1002"_s });
    closes("7.5.1 close reason not UTF-8", close(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"),
           none, { u"close:1007"_s });
    for (int code : { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999 }) {
        QTest::addRow("7.7 valid close code %d", code)
            << close(code) << 0 << none << QStringList { u"close:%1"_s.arg(code) } << true;
    }
    for (int code : { 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535 }) {
        QTest::addRow("7.9 invalid close code %d", code)
            << close(code) << 0 << none << QStringList { u"close:1002"_s } << true;
    }

    // 9 Limits (the hub's: max-message-bytes 65536, the hard limit twice that)
    closes("9.1 a header over the hard limit", frame(0x81, QByteArray(131073, 'a')).left(14), none,
           { u"close:1009"_s });
    closes("9.2 fragments together over the hard limit",
           frame(0x01, QByteArray(70000, 'a')) + frame(0x80, QByteArray(70000, 'a')).left(14), none,
           { u"close:1009"_s });
    open("9.3 at the hard limit (too_large for the protocol)", frame(0x82, QByteArray(131072, 'b')), none, { binary });

    // Masking and the length's form (RFC 6455 5.1, 5.2)
    closes("10.1 unmasked text", frame(0x81, "hello", false), none, { u"close:1002"_s });
    closes("10.2 unmasked ping", frame(0x89, "", false), none, { u"close:1002"_s });
    closes("10.3 unmasked close", frame(0x88, "", false), none, { u"close:1002"_s });
    closes("10.4 16-bit length for 5 bytes", frame(0x81, "hello", true, 2), none, { u"close:1002"_s });
    closes("10.5 64-bit length for 300 bytes", frame(0x81, QByteArray(300, 'a'), true, 8), none,
           { u"close:1002"_s });
    QByteArray topBit = frame(0x81, "", true, 8);
    topBit[2] = char(0x80);
    closes("10.6 64-bit length with the top bit set", topBit, none, { u"close:1002"_s });
}

void TestWsConformance::cases()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, piece);
    QFETCH(QStringList, read);
    QFETCH(QStringList, answers);
    QFETCH(bool, closes);

    m_read.clear();
    WireClient c;
    QVERIFY(c.open(m_hub->serverPort()));
    c.send(bytes, piece);
    QStringList got;
    if (closes) {
        QVERIFY2(c.waitClosed(), "the hub did not close the connection");
        got = c.waitFor([](const QStringList &) { return true; });
    } else {
        const QString probe = u"pong:probe"_s;
        c.send(ping("probe"), 0);
        got = c.waitFor([&](const QStringList &w) { return w.contains(probe); });
        QVERIFY2(got.contains(probe), qPrintable(got.join(u", "_s)));
        QCOMPARE(got.takeLast(), probe); // everything else was answered before it
        QVERIFY(c.isConnected());
    }
    QCOMPARE(got, answers);
    QCOMPARE(m_read, read);
    QTRY_COMPARE(m_hub->connectionCount(), closes ? 0 : 1);
}

void TestWsConformance::framesBehindTheHandshakeAreRead()
{
    // A client may send its first frames in the same packet as its handshake request.
    m_read.clear();
    WireClient c;
    QVERIFY(c.open(m_hub->serverPort(), text("first") + ping("p")));
    const QStringList got = c.waitFor([](const QStringList &w) { return w.contains(u"pong:p"_s); });
    QCOMPARE(got, QStringList({ u"error:bad_json"_s, u"pong:p"_s }));
    QCOMPARE(m_read, QStringList { u"first"_s });
}

void TestWsConformance::closeAfterTheHubsCloseEndsCleanly()
{
    // The hub closes first (here: a kick); the client's answering close frame is not answered again.
    HubConfig config;
    Hub hub(config);
    QVERIFY(hub.listen());
    QSignalSpy left(&hub, &Hub::peerLeft);
    WireClient c;
    QVERIFY(c.open(hub.serverPort()));
    c.send(text(R"({"type":"join","id":"kicked"})"), 0);
    QTRY_COMPARE(hub.peerCount(), 1);
    QVERIFY(hub.kick(u"kicked"_s));
    c.send(close(1000), 0);
    QVERIFY(c.waitClosed());
    const QStringList got = c.waitFor([](const QStringList &) { return true; });
    QCOMPARE(got.filter(u"close:"_s), QStringList { u"close:1008"_s });
    QTRY_COMPARE(left.size(), 1);
    QTRY_COMPARE(hub.connectionCount(), 0);
}

void TestWsConformance::heartbeatPingsAreAnsweredByPongs()
{
    // The hub's own pings: a client that answers them stays; the pong keeps it alive past the silence limit.
    HubConfig config;
    config.pingIntervalMs = 100;
    config.pingTimeoutMs = 300;
    Hub hub(config);
    QVERIFY(hub.listen());
    WireClient c;
    QVERIFY(c.open(hub.serverPort()));
    c.send(text(R"({"type":"join","id":"pinged"})"), 0);
    QTRY_COMPARE(hub.peerCount(), 1);
    for (int i = 0; i < 5; ++i) {
        const int seen = i + 1;
        const QStringList got = c.waitFor([&](const QStringList &w) { return w.count(u"ping"_s) >= seen; });
        QVERIFY(got.count(u"ping"_s) >= seen);
        c.send(frame(0x8a, ""), 0);
    }
    QVERIFY(c.isConnected());
    QCOMPARE(hub.peerCount(), 1);
}

PEERLINK_TEST_MAIN(TestWsConformance)
#include "tst_wsconformance.moc"
