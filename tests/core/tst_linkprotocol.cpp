// The direct-link codec: what it accepts, what it refuses (and with which code), and encode/decode round
// trips.
#include "core/linkprotocol.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {
const QByteArray kNonce = "0123456789abcdef0123456789abcdef"_ba;
const QByteArray kProof = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"_ba;
const QByteArray kLink = "9f1c0000000000000000000000000001"_ba;
const QByteArray kKey = QByteArray(42, 'A') + 'E'; // 43 base64url characters: 32 bytes
const QByteArray kSig = QByteArray(85, 'B') + 'A'; // 86: 64 bytes
} // namespace

class TestLinkProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refuses_data();
    void refuses();
    void accepts_data();
    void accepts();
    void roundTrip_data();
    void roundTrip();
    void messageIgnoresFrom();
    void proofIsHmacOfRoleLinkNonce();
};

void TestLinkProtocol::refuses_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("code");

    QTest::newRow("not json") << "{nope"_ba << u"bad_json"_s;
    QTest::newRow("empty") << ""_ba << u"bad_json"_s;
    QTest::newRow("array") << "[]"_ba << u"bad_message"_s;
    QTest::newRow("no type") << R"({"mid":"m1"})"_ba << u"bad_message"_s;
    QTest::newRow("type number") << R"({"type":1})"_ba << u"bad_message"_s;
    QTest::newRow("unknown type") << R"({"type":"join","id":"a"})"_ba << u"unknown_type"_s;
    QTest::newRow("hello bad id") << (R"({"type":"link_hello","from":"a b","link":")" + kLink
        + R"(","nonce":")" + kNonce + R"("})")
                                  << u"bad_message"_s;
    QTest::newRow("hello no from") << (R"({"type":"link_hello","link":")" + kLink + R"(","nonce":")" + kNonce
        + R"("})") << u"bad_message"_s;
    QTest::newRow("hello link not hex")
        << (R"({"type":"link_hello","from":"a","link":"xyz","nonce":")" + kNonce + R"("})")
        << u"bad_message"_s;
    QTest::newRow("hello short nonce")
        << (R"({"type":"link_hello","from":"a","link":")" + kLink + R"(","nonce":"0123"})")
        << u"bad_message"_s;
    QTest::newRow("hello long nonce")
        << (R"({"type":"link_hello","from":"a","link":")" + kLink + R"(","nonce":")" + kNonce + R"(0"})")
        << u"bad_message"_s;
    QTest::newRow("hello upper-case nonce") << (R"({"type":"link_hello","from":"a","link":")" + kLink
        + R"(","nonce":")" + kNonce.toUpper() + R"("})")
                                            << u"bad_message"_s;
    QTest::newRow("hello nonce number")
        << (R"({"type":"link_hello","from":"a","link":")" + kLink + R"(","nonce":12})") << u"bad_message"_s;
    QTest::newRow("welcome no proof")
        << (R"({"type":"link_welcome","from":"b","nonce":")" + kNonce + R"("})") << u"bad_message"_s;
    QTest::newRow("welcome proof not hex") << (R"({"type":"link_welcome","from":"b","nonce":")" + kNonce
        + R"(","proof":")" + QByteArray(64, 'g') + R"("})")
                                           << u"bad_message"_s;
    QTest::newRow("welcome proof short")
        << (R"({"type":"link_welcome","from":"b","nonce":")" + kNonce + R"(","proof":"abcd"})")
        << u"bad_message"_s;
    QTest::newRow("proof upper-case")
        << (R"({"type":"link_proof","proof":")" + kProof.toUpper() + R"("})") << u"bad_message"_s;
    QTest::newRow("proof missing") << R"({"type":"link_proof"})"_ba << u"bad_message"_s;
    QTest::newRow("message no mid") << R"({"type":"message","text":"hi"})"_ba << u"bad_message"_s;
    QTest::newRow("message empty mid") << R"({"type":"message","text":"hi","mid":""})"_ba << u"bad_message"_s;
    QTest::newRow("message mid too long")
        << (R"({"type":"message","text":"hi","mid":")" + QByteArray(65, 'm') + R"("})") << u"bad_message"_s;
    QTest::newRow("message text number")
        << R"({"type":"message","text":5,"mid":"m1"})"_ba << u"bad_message"_s;
    QTest::newRow("message no text") << R"({"type":"message","mid":"m1"})"_ba << u"bad_message"_s;
    QTest::newRow("message ts string")
        << R"({"type":"message","text":"hi","mid":"m1","ts":"now"})"_ba << u"bad_message"_s;
    QTest::newRow("message to bad id")
        << R"({"type":"message","text":"hi","mid":"m1","to":"a b"})"_ba << u"bad_message"_s;
    QTest::newRow("ack no mid") << R"({"type":"ack"})"_ba << u"bad_message"_s;
    QTest::newRow("ack mid number") << R"({"type":"ack","mid":1})"_ba << u"bad_message"_s;
    QTest::newRow("hello key without eph") << (R"({"type":"link_hello","from":"a","link":")" + kLink
        + R"(","nonce":")" + kNonce + R"(","key":")" + kKey + R"("})") << u"bad_message"_s;
    QTest::newRow("hello short key") << (R"({"type":"link_hello","from":"a","link":")" + kLink + R"(","nonce":")"
        + kNonce + R"(","key":"AAAA","eph":")" + kKey + R"("})") << u"bad_message"_s;
    QTest::newRow("welcome key without sig") << (R"({"type":"link_welcome","from":"b","nonce":")" + kNonce
        + R"(","proof":")" + kProof + R"(","key":")" + kKey + R"(","eph":")" + kKey + R"("})") << u"bad_message"_s;
    QTest::newRow("welcome sig padded") << (R"({"type":"link_welcome","from":"b","nonce":")" + kNonce
        + R"(","proof":")" + kProof + R"(","key":")" + kKey + R"(","eph":")" + kKey + R"(","sig":")"
        + kSig.left(84) + R"(==")" + R"(})") << u"bad_message"_s;
    QTest::newRow("proof sig short") << (R"({"type":"link_proof","proof":")" + kProof + R"(","sig":"AA"})")
                                     << u"bad_message"_s;
    QTest::newRow("sealed no box") << R"({"type":"sealed"})"_ba << u"bad_message"_s;
    QTest::newRow("sealed empty box") << R"({"type":"sealed","box":""})"_ba << u"bad_message"_s;
    QTest::newRow("sealed box not base64url") << R"({"type":"sealed","box":"a+b/"})"_ba << u"bad_message"_s;
}

void TestLinkProtocol::refuses()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, code);
    const Decoded<LinkEnvelope> d = decodeLinkMessage(input);
    QVERIFY(!d.ok());
    QCOMPARE(errorCodeName(d.error().code), code);
    QVERIFY(!d.error().message.isEmpty());
}

void TestLinkProtocol::accepts_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("type");

    QTest::newRow("hello") << (R"({"type":"link_hello","from":"a","link":")" + kLink + R"(","nonce":")"
        + kNonce + R"("})") << u"link_hello"_s;
    QTest::newRow("hello with unknown field")
        << (R"({"type":"link_hello","from":"a","link":")" + kLink + R"(","nonce":")" + kNonce + R"(","v":2})")
        << u"link_hello"_s;
    QTest::newRow("welcome") << (R"({"type":"link_welcome","from":"b","nonce":")" + kNonce + R"(","proof":")"
        + kProof + R"("})") << u"link_welcome"_s;
    QTest::newRow("proof") << (R"({"type":"link_proof","proof":")" + kProof + R"("})") << u"link_proof"_s;
    QTest::newRow("message") << R"({"type":"message","text":"hi","mid":"m1","ts":1764000000000})"_ba
                             << u"message"_s;
    QTest::newRow("message null ts and to")
        << R"({"type":"message","text":"","mid":"m1","ts":null,"to":null})"_ba << u"message"_s;
    QTest::newRow("message chinese mid")
        << R"({"type":"message","text":"你好","mid":"消息一"})"_ba << u"message"_s;
    QTest::newRow("ack") << R"({"type":"ack","mid":"m1"})"_ba << u"ack"_s;
    QTest::newRow("hello with identity") << (R"({"type":"link_hello","from":"a","link":")" + kLink
        + R"(","nonce":")" + kNonce + R"(","key":")" + kKey + R"(","eph":")" + kKey + R"("})") << u"link_hello"_s;
    QTest::newRow("welcome with identity") << (R"({"type":"link_welcome","from":"b","nonce":")" + kNonce
        + R"(","proof":")" + kProof + R"(","key":")" + kKey + R"(","eph":")" + kKey + R"(","sig":")" + kSig
        + R"("})") << u"link_welcome"_s;
    QTest::newRow("proof with sig") << (R"({"type":"link_proof","proof":")" + kProof + R"(","sig":")" + kSig
        + R"("})") << u"link_proof"_s;
    QTest::newRow("message with e2e") << R"({"type":"message","text":"","mid":"m1","e2e":"1.a.b.c.d"})"_ba
                                      << u"message"_s;
    QTest::newRow("sealed") << R"({"type":"sealed","box":"AbC-_9"})"_ba << u"sealed"_s;
}

void TestLinkProtocol::accepts()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, type);
    const Decoded<LinkEnvelope> d = decodeLinkMessage(input);
    QVERIFY2(d.ok(), d.ok() ? "" : qPrintable(d.error().message));
    QCOMPARE(typeName(d.envelope()), type);
}

void TestLinkProtocol::roundTrip_data()
{
    QTest::addColumn<int>("index");
    QTest::newRow("hello") << 0;
    QTest::newRow("welcome") << 1;
    QTest::newRow("proof") << 2;
    QTest::newRow("message") << 3;
    QTest::newRow("ack") << 4;
    QTest::newRow("hello with identity") << 5;
    QTest::newRow("welcome with identity") << 6;
    QTest::newRow("proof with sig") << 7;
    QTest::newRow("sealed") << 8;
    QTest::newRow("message with e2e") << 9;
    QTest::newRow("hello taking binary chunks") << 10;
    QTest::newRow("welcome taking binary chunks") << 11;
}

void TestLinkProtocol::roundTrip()
{
    QFETCH(int, index);
    const QString nonce = QString::fromLatin1(kNonce);
    const QString proof = QString::fromLatin1(kProof);
    const LinkEnvelope envelopes[] = {
        LinkHello { u"a"_s, QString::fromLatin1(kLink), nonce, QString(), QString() },
        LinkWelcome { u"b"_s, nonce, proof },
        LinkProof { proof },
        LinkMessage { u"hello \"world\" 你好"_s, u"b"_s, u"m-1"_s, 1764000000123 },
        LinkAck { u"m-1"_s },
        LinkHello { u"a"_s, QString::fromLatin1(kLink), nonce, QString::fromLatin1(kKey), QString::fromLatin1(kKey) },
        LinkWelcome { u"b"_s, nonce, proof, QString::fromLatin1(kKey), QString::fromLatin1(kKey),
                      QString::fromLatin1(kSig) },
        LinkProof { proof, QString::fromLatin1(kSig) },
        LinkSealed { u"AbC-_9"_s },
        LinkMessage { QString(), u"b"_s, u"m-2"_s, 1, u"1.a.b.c.d"_s },
        LinkHello { u"a"_s, QString::fromLatin1(kLink), nonce, QString(), QString(), true },
        LinkWelcome { u"b"_s, nonce, proof, QString(), QString(), QString(), true },
    };
    const LinkEnvelope &original = envelopes[index];
    const Decoded<LinkEnvelope> d = decodeLinkMessage(encode(original));
    QVERIFY(d.ok());
    QCOMPARE(encode(d.envelope()), encode(original));
    QCOMPARE(typeName(d.envelope()), typeName(original));
    if (index == 3) {
        const auto &m = std::get<LinkMessage>(d.envelope());
        QCOMPARE(m.text, u"hello \"world\" 你好"_s);
        QCOMPARE(m.to, u"b"_s);
        QCOMPARE(m.mid, u"m-1"_s);
        QCOMPARE(m.ts, 1764000000123);
    }
    if (index == 9)
        QCOMPARE(std::get<LinkMessage>(d.envelope()).e2e, u"1.a.b.c.d"_s);
    if (index == 6)
        QCOMPARE(std::get<LinkWelcome>(d.envelope()).sig, QString::fromLatin1(kSig));
    // `bin` (issue 15): said only when true, and read back; an older peer's frames lack it (false).
    if (index == 0 || index == 10)
        QCOMPARE(std::get<LinkHello>(d.envelope()).binary, index == 10);
    if (index == 1 || index == 11)
        QCOMPARE(std::get<LinkWelcome>(d.envelope()).binary, index == 11);
    QCOMPARE(encode(original).contains("\"bin\":true"), index == 10 || index == 11);
}

void TestLinkProtocol::messageIgnoresFrom()
{
    // The sender of a link message is the link's peer; a `from` field is neither required nor read.
    const Decoded<LinkEnvelope> d
        = decodeLinkMessage(R"({"type":"message","from":"mallory","text":"x","mid":"m"})"_ba);
    QVERIFY(d.ok());
    QVERIFY(!encode(d.envelope()).contains("mallory"));
}

void TestLinkProtocol::proofIsHmacOfRoleLinkNonce()
{
    // HMAC-SHA256("secret", "dialer|L|N"), as Python's hmac module computes it.
    const QString p = linkProof(u"secret"_s, u"dialer", u"L"_s, u"N"_s);
    QCOMPARE(p, u"b30662317204e356a39645ef3792cd86caf2d21fcf806f4188b755f5089841c9"_s);
    QVERIFY(p != linkProof(u"secret"_s, u"listener", u"L"_s, u"N"_s)); // the role is part of what is signed
    QVERIFY(p != linkProof(u"other"_s, u"dialer", u"L"_s, u"N"_s));
    QVERIFY(decodeLinkMessage(encode(LinkProof { p })).ok()); // what the codec writes as a proof, it accepts
}

QTEST_GUILESS_MAIN(TestLinkProtocol)
#include "tst_linkprotocol.moc"
