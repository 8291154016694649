// The JSON codec: what it accepts, what it refuses (with which code and ref), and encode/decode round trips.
#include "core/protocol.h"
#include "core/rules.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;


class TestProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decodeClientRefuses_data();
    void decodeClientRefuses();
    void decodeClientAccepts_data();
    void decodeClientAccepts();
    void connectRequestKeepsExtraButNotFrom();
    void clientRoundTrip();
    void hubRoundTrip_data();
    void hubRoundTrip();
    void welcomeMatchesContractExample();
    void hubDecoderRefusesMalformed_data();
    void hubDecoderRefusesMalformed();
    void errorCodeNames();
    void fileFrames();
    void fileFramesRefused_data();
    void fileFramesRefused();
    void roomFramesRefused_data();
    void roomFramesRefused() { fileFramesRefused(); } // the same check: code and ref of each refusal
    void roomFramesRoundTrip();
    void writerMatchesQJsonDocument_data();
    void writerMatchesQJsonDocument();
};

namespace {

// Well-formed identity values (base64url without padding): 32 bytes (43 characters) and 64 bytes (86).
const QByteArray kKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"_ba;
const QByteArray kPrekey = QByteArray(42, 'B') + 'A';
const QByteArray kSig = QByteArray(85, 'C') + 'A';

QByteArray joinWith(const QByteArray &fields)
{
    return R"({"type":"join","id":"a",)"_ba + fields + '}';
}

QByteArray identityFields()
{
    return R"("key":")"_ba + kKey + R"(","prekey":")" + kPrekey + R"(","prekey_sig":")" + kSig + '"';
}

} // namespace

void TestProtocol::decodeClientRefuses_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("ref");

    QTest::newRow("not json") << "{not json"_ba << u"bad_json"_s << QString();
    QTest::newRow("empty") << ""_ba << u"bad_json"_s << QString();
    QTest::newRow("truncated") << R"({"type":"join","id":"a")"_ba << u"bad_json"_s << QString();
    QTest::newRow("deep nesting") << QByteArray(5000, '[') + QByteArray(5000, ']') << u"bad_json"_s << QString();
    QTest::newRow("array") << "[1,2,3]"_ba << u"bad_message"_s << QString();
    QTest::newRow("no type") << R"({"id":"a"})"_ba << u"bad_message"_s << QString();
    QTest::newRow("type not string") << R"({"type":7})"_ba << u"bad_message"_s << QString();
    QTest::newRow("unknown type") << R"({"type":"dance"})"_ba << u"unknown_type"_s << u"dance"_s;
    QTest::newRow("join without id") << R"({"type":"join"})"_ba << u"bad_message"_s << u"join"_s;
    QTest::newRow("join id number") << R"({"type":"join","id":42})"_ba << u"bad_message"_s << u"join"_s;
    QTest::newRow("join id with space") << R"({"type":"join","id":"node 1"})"_ba << u"invalid_id"_s << u"join"_s;
    QTest::newRow("join id empty") << R"({"type":"join","id":""})"_ba << u"invalid_id"_s << u"join"_s;
    QTest::newRow("join id 65 chars") << (R"({"type":"join","id":")" + QByteArray(65, 'a') + R"("})")
                                      << u"invalid_id"_s << u"join"_s;
    QTest::newRow("join id non-ascii") << R"({"type":"join","id":"nöde"})"_ba << u"invalid_id"_s << u"join"_s;
    QTest::newRow("join name number") << R"({"type":"join","id":"a","name":5})"_ba << u"bad_message"_s << u"join"_s;
    QTest::newRow("join name control char") << R"({"type":"join","id":"a","name":"x\u0007y"})"_ba << u"bad_message"_s
                                            << u"join"_s;
    QTest::newRow("join name 65 chars") << (R"({"type":"join","id":"a","name":")" + QByteArray(65, 'n') + R"("})")
                                        << u"bad_message"_s << u"join"_s;
    QTest::newRow("join password object") << R"({"type":"join","id":"a","password":{}})"_ba << u"bad_message"_s
                                          << u"join"_s;
    QTest::newRow("message without text") << R"({"type":"message","mid":"m1"})"_ba << u"bad_message"_s << u"m1"_s;
    QTest::newRow("message text number") << R"({"type":"message","text":3})"_ba << u"bad_message"_s << u"message"_s;
    // Additions (issue 14): numbering and receipts.
    QTest::newRow("message seq negative") << R"({"type":"message","text":"a","to":"b","mid":"m1","seq":-1})"_ba
                                          << u"bad_message"_s << u"m1"_s;
    QTest::newRow("message seq fraction") << R"({"type":"message","text":"a","to":"b","mid":"m1","seq":1.5})"_ba
                                          << u"bad_message"_s << u"m1"_s;
    QTest::newRow("message seq string") << R"({"type":"message","text":"a","to":"b","mid":"m1","seq":"1"})"_ba
                                        << u"bad_message"_s << u"m1"_s;
    QTest::newRow("message seq 2^53") << R"({"type":"message","text":"a","to":"b","mid":"m1","seq":9007199254740992})"_ba
                                      << u"bad_message"_s << u"m1"_s;
    QTest::newRow("message run without seq") << R"({"type":"message","text":"a","to":"b","mid":"m1","run":5})"_ba
                                             << u"bad_message"_s << u"m1"_s;
    const QByteArray receiptSig = R"(,"sig":")" + kSig + '"';
    QTest::newRow("receipt without to") << (R"({"type":"receipt","kind":"read","mids":["m1"])" + receiptSig + "}")
                                        << u"bad_message"_s << u"receipt"_s;
    QTest::newRow("receipt bad to") << (R"({"type":"receipt","to":"a b","kind":"read","mids":["m1"])" + receiptSig + "}")
                                    << u"invalid_id"_s << u"receipt"_s;
    QTest::newRow("receipt bad kind") << (R"({"type":"receipt","to":"a","kind":"seen","mids":["m1"])" + receiptSig + "}")
                                      << u"bad_message"_s << u"receipt"_s;
    QTest::newRow("receipt no mids") << (R"({"type":"receipt","to":"a","kind":"read","mids":[])" + receiptSig + "}")
                                     << u"bad_message"_s << u"receipt"_s;
    QTest::newRow("receipt mids not array") << (R"({"type":"receipt","to":"a","kind":"read","mids":"m1")" + receiptSig + "}")
                                            << u"bad_message"_s << u"receipt"_s;
    QTest::newRow("receipt mid too long") << (R"({"type":"receipt","to":"a","kind":"read","mids":[")" + QByteArray(65, 'm')
                                              + R"("])" + receiptSig + "}")
                                          << u"bad_message"_s << u"receipt"_s;
    QByteArray many = R"({"type":"receipt","to":"a","kind":"read","mids":[)";
    for (int i = 0; i <= Rules::MaxReceiptMids; ++i)
        many += (i ? ",\"m" : "\"m") + QByteArray::number(i) + '"';
    QTest::newRow("receipt 101 mids") << (many + "]" + receiptSig + "}") << u"bad_message"_s << u"receipt"_s;
    QTest::newRow("receipt without sig") << R"({"type":"receipt","to":"a","kind":"read","mids":["m1"]})"_ba
                                         << u"bad_message"_s << u"receipt"_s;
    QTest::newRow("receipt short sig") << R"({"type":"receipt","to":"a","kind":"read","mids":["m1"],"sig":"AAAA"})"_ba
                                       << u"bad_message"_s << u"receipt"_s;
    QTest::newRow("message to invalid") << R"({"type":"message","text":"x","to":"a b","mid":"m2"})"_ba
                                        << u"invalid_id"_s << u"m2"_s;
    QTest::newRow("message to number") << R"({"type":"message","text":"x","to":1})"_ba << u"bad_message"_s
                                       << u"message"_s;
    QTest::newRow("message mid too long") << (R"({"type":"message","text":"x","mid":")" + QByteArray(65, 'm') + R"("})")
                                          << u"bad_message"_s << u"message"_s;
    QTest::newRow("message mid not string") << R"({"type":"message","text":"x","mid":[]})"_ba << u"bad_message"_s
                                            << u"message"_s;
    // Identities (additions): shapes checked strictly in core, a bad one is bad_message answering "join".
    QTest::newRow("join key short") << joinWith(R"("key":")" + kKey.left(42) + R"(","prekey":")" + kPrekey
                                                + R"(","prekey_sig":")" + kSig + '"')
                                    << u"bad_message"_s << u"join"_s;
    QTest::newRow("join key padded") << joinWith(R"("key":")" + kKey + R"(=","prekey":")" + kPrekey
                                                 + R"(","prekey_sig":")" + kSig + '"')
                                     << u"bad_message"_s << u"join"_s;
    QTest::newRow("join key not canonical") << joinWith(R"("key":")" + kKey.left(42) + R"(B","prekey":")" + kPrekey
                                                        + R"(","prekey_sig":")" + kSig + '"')
                                            << u"bad_message"_s << u"join"_s;
    QTest::newRow("join key plain base64") << joinWith(R"("key":")" + kKey.left(41) + R"(+A","prekey":")" + kPrekey
                                                       + R"(","prekey_sig":")" + kSig + '"')
                                           << u"bad_message"_s << u"join"_s;
    QTest::newRow("join key without prekey") << joinWith(R"("key":")" + kKey + '"') << u"bad_message"_s << u"join"_s;
    QTest::newRow("join prekey without key") << joinWith(R"("prekey":")" + kPrekey + R"(","prekey_sig":")" + kSig + '"')
                                             << u"bad_message"_s << u"join"_s;
    QTest::newRow("join prekey_sig 32 bytes") << joinWith(R"("key":")" + kKey + R"(","prekey":")" + kPrekey
                                                          + R"(","prekey_sig":")" + kKey + '"')
                                              << u"bad_message"_s << u"join"_s;
    QTest::newRow("join sig without key") << joinWith(R"("sig":")" + kSig + '"') << u"bad_message"_s << u"join"_s;
    QTest::newRow("join sig short") << joinWith(identityFields() + R"(,"sig":")" + kSig.left(85) + '"')
                                    << u"bad_message"_s << u"join"_s;
    QTest::newRow("join key number") << joinWith(R"("key":7)") << u"bad_message"_s << u"join"_s;
    QTest::newRow("message e2e with text") << R"({"type":"message","text":"x","e2e":"1.a.b.c.d","to":"b","mid":"m3"})"_ba
                                           << u"bad_message"_s << u"m3"_s;
    QTest::newRow("message e2e number") << R"({"type":"message","text":"","e2e":5})"_ba << u"bad_message"_s
                                        << u"message"_s;
    QTest::newRow("message sig after null to") << R"({"type":"message","text":"x","to":null,"mid":null,"sig":"AAAA"})"_ba
                                               << u"bad_message"_s << u"message"_s;
    QTest::newRow("message sig short") << R"({"type":"message","text":"x","sig":")"_ba + kKey + R"("})"
                                       << u"bad_message"_s << u"message"_s;
    QTest::newRow("connect without peer") << R"({"type":"connect_to_peer"})"_ba << u"bad_message"_s
                                          << u"connect_to_peer"_s;
    QTest::newRow("connect invalid peer") << R"({"type":"connect_to_peer","peer":"../x y"})"_ba << u"invalid_id"_s
                                          << u"connect_to_peer"_s;
}

void TestProtocol::decodeClientRefuses()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, code);
    QFETCH(QString, ref);
    const auto decoded = decodeClientMessage(input);
    QVERIFY(!decoded.ok());
    QCOMPARE(errorCodeName(decoded.error().code), code);
    QCOMPARE(decoded.error().ref, ref);
    QVERIFY(!decoded.error().message.isEmpty());
}

void TestProtocol::decodeClientAccepts_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("type");

    QTest::newRow("join minimal") << R"({"type":"join","id":"node1"})"_ba << u"join"_s;
    QTest::newRow("join full") << R"({"type":"join","id":"A.b_c-9","name":"小明","password":"p","resume":"r","client":"c"})"_ba
                               << u"join"_s;
    QTest::newRow("join unknown fields") << R"({"type":"join","id":"a","future":{"x":[1]}})"_ba << u"join"_s;
    QTest::newRow("join null name") << R"({"type":"join","id":"a","name":null})"_ba << u"join"_s;
    QTest::newRow("join with identity") << joinWith(identityFields()) << u"join"_s;
    QTest::newRow("join with proof") << joinWith(identityFields() + R"(,"sig":")" + kSig + '"') << u"join"_s;
    QTest::newRow("message numbered") << R"({"type":"message","text":"a","to":"b","mid":"m1","seq":9007199254740991,"run":1764000000000})"_ba
                                      << u"message"_s;
    QTest::newRow("receipt") << (R"({"type":"receipt","to":"a","kind":"delivered","mids":["m1","m2"],"sig":")" + kSig
                                 + R"("})")
                             << u"receipt"_s;
    QTest::newRow("sealed") << R"({"type":"message","text":"","to":"b","e2e":"1.x.y.z.w"})"_ba << u"message"_s;
    QTest::newRow("signed broadcast") << R"({"type":"message","text":"hi","mid":"m1","sig":")"_ba + kSig + R"("})"
                                      << u"message"_s;
    QTest::newRow("broadcast") << R"({"type":"message","text":"hello world!"})"_ba << u"message"_s;
    QTest::newRow("direct with mid") << R"({"type":"message","text":"hi","to":"node2","mid":"m1"})"_ba << u"message"_s;
    QTest::newRow("empty text") << R"({"type":"message","text":""})"_ba << u"message"_s;
    QTest::newRow("spoofed from ignored") << R"({"type":"message","text":"x","from":"admin"})"_ba << u"message"_s;
    QTest::newRow("connect") << R"({"type":"connect_to_peer","peer":"node2"})"_ba << u"connect_to_peer"_s;
    QTest::newRow("leave") << R"({"type":"leave"})"_ba << u"leave"_s;
}

void TestProtocol::decodeClientAccepts()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, type);
    const auto decoded = decodeClientMessage(input);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
    QCOMPARE(typeName(decoded.envelope()), type);
}

void TestProtocol::connectRequestKeepsExtraButNotFrom()
{
    const auto decoded = decodeClientMessage(R"({"type":"connect_to_peer","peer":"b","from":"x","addrs":["1.2.3.4:5"]})"_ba);
    QVERIFY(decoded.ok());
    const auto &c = std::get<ConnectRequest>(decoded.envelope());
    QCOMPARE(c.peer, u"b"_s);
    QVERIFY(!c.extra.contains("from"_L1));
    QVERIFY(c.extra.contains("addrs"_L1));
}

void TestProtocol::clientRoundTrip()
{
    const JoinRequest join { u"node1"_s, u"张伟"_s, u"secret"_s, QString(), u"test"_s };
    const auto j = decodeClientMessage(encode(join));
    QVERIFY(j.ok());
    const auto &jj = std::get<JoinRequest>(j.envelope());
    QCOMPARE(jj.id, join.id);
    QCOMPARE(jj.name, join.name);
    QCOMPARE(jj.password, join.password);
    QCOMPARE(jj.client, join.client);

    const MessageRequest m { u"line one\nline two \"quoted\""_s, u"node2"_s, u"m-7"_s };
    const auto d = decodeClientMessage(encode(m));
    QVERIFY(d.ok());
    const auto &mm = std::get<MessageRequest>(d.envelope());
    QCOMPARE(mm.text, m.text);
    QCOMPARE(mm.to, m.to);
    QCOMPARE(mm.mid, m.mid);

    QVERIFY(std::holds_alternative<LeaveRequest>(decodeClientMessage(encode(LeaveRequest {})).envelope()));

    JoinRequest keyed { u"node1"_s, QString(), QString(), QString(), QString() };
    keyed.key = QString::fromLatin1(kKey);
    keyed.prekey = QString::fromLatin1(kPrekey);
    keyed.prekeySig = QString::fromLatin1(kSig);
    keyed.sig = QString::fromLatin1(kSig);
    const auto k = decodeClientMessage(encode(keyed));
    QVERIFY(k.ok());
    const auto &kk = std::get<JoinRequest>(k.envelope());
    QCOMPARE(kk.key, keyed.key);
    QCOMPARE(kk.prekey, keyed.prekey);
    QCOMPARE(kk.prekeySig, keyed.prekeySig);
    QCOMPARE(kk.sig, keyed.sig);

    MessageRequest sealed { QString(), u"node2"_s, u"m-8"_s };
    sealed.e2e = u"1.e.s.n.c"_s;
    sealed.sig = QString::fromLatin1(kSig);
    const auto s = decodeClientMessage(encode(sealed));
    QVERIFY(s.ok());
    QCOMPARE(std::get<MessageRequest>(s.envelope()).e2e, sealed.e2e);
    QCOMPARE(std::get<MessageRequest>(s.envelope()).sig, sealed.sig);
}

void TestProtocol::hubRoundTrip_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QString>("type");

    Welcome w;
    w.id = u"node2"_s;
    w.peers = { { u"node1"_s, QString(), false }, { u"n3"_s, u"李雷"_s, true } };
    w.hub = u"Hub"_s;
    w.resume = u"tok"_s;
    QTest::newRow("welcome") << encode(w) << u"welcome"_s;
    QTest::newRow("peer_connect") << encode(PeerConnected { u"a"_s, u"名字"_s, false }) << u"peer_connect"_s;
    QTest::newRow("peer_connect host") << encode(PeerConnected { u"h"_s, QString(), true }) << u"peer_connect"_s;
    QTest::newRow("peer_disconnect") << encode(PeerDisconnected { u"a"_s }) << u"peer_disconnect"_s;
    QTest::newRow("message") << encode(ChatMessage { u"a"_s, u"hi"_s, u"b"_s, u"m1"_s, 1764000000000 }) << u"message"_s;
    QTest::newRow("ack") << encode(Ack { u"m1"_s }) << u"ack"_s;
    ConnectOffer plainOffer;
    plainOffer.from = u"a"_s;
    QTest::newRow("connect_to_peer") << encode(plainOffer) << u"connect_to_peer"_s;
    ConnectOffer offer = plainOffer;
    offer.link = u"0123456789abcdef0123456789abcdef"_s;
    offer.secret = u"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"_s;
    offer.addrs = QStringList { u"192.0.2.1:9001"_s, u"[2001:db8::1]:9001"_s };
    offer.observed = u"198.51.100.7"_s;
    QTest::newRow("connect_to_peer with link") << encode(offer) << u"connect_to_peer"_s;
    ConnectAccepted accepted { u"b"_s, offer.link, offer.secret, { u"127.0.0.1:5000"_s }, u"127.0.0.1"_s };
    QTest::newRow("connect_accept") << encode(accepted) << u"connect_accept"_s;
    QTest::newRow("error") << encode(makeError(ErrorCode::IdTaken, u"taken"_s, u"join"_s)) << u"error"_s;

    const QString key = QString::fromLatin1(kKey), prekey = QString::fromLatin1(kPrekey),
                  sig = QString::fromLatin1(kSig);
    Welcome keyed = w;
    keyed.peers = { { u"node1"_s, u"n"_s, false, key, prekey, sig }, { u"n3"_s, QString(), true } };
    QTest::newRow("welcome with keys") << encode(keyed) << u"welcome"_s;
    QTest::newRow("peer_connect with keys") << encode(PeerConnected { u"a"_s, u"n"_s, true, key, prekey, sig })
                                            << u"peer_connect"_s;
    QTest::newRow("challenge") << encode(Challenge { key, prekey }) << u"challenge"_s;
    QTest::newRow("peer_update") << encode(PeerUpdate { u"a"_s, key, prekey, sig }) << u"peer_update"_s;
    ChatMessage sealed { u"a"_s, QString(), u"b"_s, u"m1"_s, 1764000000000 };
    sealed.e2e = u"1.e.s.n.c"_s;
    QTest::newRow("message sealed") << encode(sealed) << u"message"_s;
    ChatMessage signedBroadcast { u"a"_s, u"hi"_s, QString(), u"m2"_s, 1764000000000 };
    signedBroadcast.sig = sig;
    QTest::newRow("message signed") << encode(signedBroadcast) << u"message"_s;
    ChatMessage numbered { u"a"_s, u"hi"_s, u"b"_s, u"m3"_s, 1764000000000 };
    numbered.seq = 42;
    numbered.run = 1764000000000;
    QTest::newRow("message numbered") << encode(numbered) << u"message"_s;
    QTest::newRow("receipt") << encode(Receipt { u"b"_s, u"a"_s, ReceiptKind::Read, { u"m1"_s, u"m3"_s }, sig, 17 })
                             << u"receipt"_s;
}

void TestProtocol::hubRoundTrip()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QString, type);
    const auto decoded = decodeHubMessage(encoded);
    QVERIFY2(decoded.ok(), encoded.constData());
    QCOMPARE(typeName(decoded.envelope()), type);
    // Encoding the decoded value again gives the same bytes: nothing is lost either way.
    QCOMPARE(encode(decoded.envelope()), encoded);
}

void TestProtocol::welcomeMatchesContractExample()
{
    Welcome w;
    w.id = u"node2"_s;
    w.peers = { { u"node1"_s, QString() } };
    w.hub = u"PeerLink hub"_s;
    const QJsonObject o = QJsonDocument::fromJson(encode(w)).object();
    const QJsonObject expected = QJsonDocument::fromJson(
        R"({"type":"welcome","id":"node2","peers":[{"id":"node1"}],"hub":"PeerLink hub","version":"peerlink/1"})"_ba).object();
    QCOMPARE(o, expected);

    const QJsonObject m = QJsonDocument::fromJson(
        encode(ChatMessage { u"node1"_s, u"hello world!"_s, u"node2"_s, u"m1"_s, 1764000000000 })).object();
    QCOMPARE(m, QJsonDocument::fromJson(R"({"type":"message","from":"node1","to":"node2","text":"hello world!","mid":"m1","ts":1764000000000})"_ba).object());
}

void TestProtocol::hubDecoderRefusesMalformed_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("garbage") << "\x01\x02"_ba;
    QTest::newRow("welcome peers not array") << R"({"type":"welcome","id":"a","peers":{}})"_ba;
    QTest::newRow("welcome peer bad id") << R"({"type":"welcome","id":"a","peers":[{"id":"a b"}]})"_ba;
    QTest::newRow("message ts string") << R"({"type":"message","from":"a","text":"x","ts":"now"})"_ba;
    QTest::newRow("ack without mid") << R"({"type":"ack"})"_ba;
    QTest::newRow("unknown") << R"({"type":"surprise"})"_ba;
    QTest::newRow("welcome peer key without prekey")
        << R"({"type":"welcome","id":"a","peers":[{"id":"b","key":")"_ba + kKey + R"("}]})";
    QTest::newRow("peer_connect bad key") << R"({"type":"peer_connect","id":"b","key":"x","prekey":"y","prekey_sig":"z"})"_ba;
    QTest::newRow("challenge short nonce") << R"({"type":"challenge","hub":")"_ba + kKey + R"(","nonce":"AAAA"})";
    QTest::newRow("challenge without hub") << R"({"type":"challenge","nonce":")"_ba + kKey + R"("})";
    QTest::newRow("peer_update without prekey_sig")
        << R"({"type":"peer_update","id":"b","key":")"_ba + kKey + R"(","prekey":")" + kPrekey + R"("})";
}

void TestProtocol::hubDecoderRefusesMalformed()
{
    QFETCH(QByteArray, input);
    QVERIFY(!decodeHubMessage(input).ok());
}

void TestProtocol::fileFrames()
{
    const QString tid(32, u'a');
    const FileRequest request { u"bob"_s, tid, u"chunk"_s, u"AAAA"_s };
    const Decoded<ClientEnvelope> in = decodeClientMessage(encode(request));
    QVERIFY(in.ok());
    const auto &r = std::get<FileRequest>(in.envelope());
    QCOMPARE(r.to, u"bob"_s);
    QCOMPARE(r.tid, tid);
    QCOMPARE(r.op, u"chunk"_s);
    QCOMPARE(r.data, u"AAAA"_s);
    QCOMPARE(typeName(in.envelope()), u"file"_s);
    const Decoded<HubEnvelope> out = decodeHubMessage(encode(FileFrame { u"alice"_s, tid, u"ack"_s, u"3"_s }));
    QVERIFY(out.ok());
    QCOMPARE(std::get<FileFrame>(out.envelope()).from, u"alice"_s);
    QCOMPARE(std::get<FileFrame>(out.envelope()).data, u"3"_s);
    // A hub that bounds relayed files announces it; one that does not, does not.
    Welcome w { u"a"_s, {}, u"hub"_s };
    w.limits.bytesPerSecond = 1000;
    w.limits.fileBytesPerSecond = 500;
    QCOMPARE(std::get<Welcome>(decodeHubMessage(encode(w)).envelope()).limits.fileBytesPerSecond, 500.0);
    w.limits.fileBytesPerSecond = 0;
    QVERIFY(!encode(w).contains("file_rate"));
    // A hub that keeps rooms (issue 17) says how many at most; an older one says nothing.
    QVERIFY(!encode(w).contains("rooms"));
    w.limits.maxRooms = 10000;
    QVERIFY(encode(w).contains(R"("rate":0,"rooms":10000})"));
    QCOMPARE(std::get<Welcome>(decodeHubMessage(encode(w)).envelope()).limits.maxRooms, 10000.0);
}

void TestProtocol::fileFramesRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("ref");
    const QByteArray tid(32, 'a');
    QTest::newRow("no tid") << R"({"type":"file","to":"b","op":"ack","data":"1"})"_ba << u"bad_message"_s << u"file"_s;
    QTest::newRow("short tid") << R"({"type":"file","to":"b","tid":"abc","op":"ack","data":"1"})"_ba << u"bad_message"_s
                               << u"file"_s;
    QTest::newRow("upper-case tid") << R"({"type":"file","to":"b","tid":")"_ba + QByteArray(32, 'A')
            + R"(","op":"ack","data":"1"})" << u"bad_message"_s << u"file"_s;
    QTest::newRow("bad to") << R"({"type":"file","to":"b c","tid":")"_ba + tid + R"(","op":"ack","data":"1"})"
                            << u"invalid_id"_s << QString::fromLatin1(tid);
    QTest::newRow("bad op") << R"({"type":"file","to":"b","tid":")"_ba + tid + R"(","op":"Chunk!","data":"1"})"
                            << u"bad_message"_s << QString::fromLatin1(tid);
    QTest::newRow("data not a string") << R"({"type":"file","to":"b","tid":")"_ba + tid + R"(","op":"ack","data":1})"
                                       << u"bad_message"_s << u"file"_s;
}

void TestProtocol::fileFramesRefused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, code);
    QFETCH(QString, ref);
    const Decoded<ClientEnvelope> d = decodeClientMessage(json);
    QVERIFY(!d.ok());
    QCOMPARE(errorCodeName(d.error().code), code);
    QCOMPARE(d.error().ref, ref);
}

// Rooms (issue 17): every op of a request goes and comes back as it was; events with their lists too.
void TestProtocol::roomFramesRoundTrip()
{
    RoomRequest create { u"create"_s, u"team"_s, u"话题 🚀"_s, true };
    RoomRequest invite { u"invite"_s, u"team"_s };
    invite.peer = u"bob"_s;
    RoomRequest send { u"send"_s, u"team"_s };
    send.mid = u"m1"_s;
    send.e2e = u"r1.1.a.b.c"_s;
    RoomRequest key { u"key"_s, u"team"_s };
    key.peer = u"bob"_s;
    key.data = u"1.sealed"_s;
    for (const RoomRequest &r : { create, invite, send, key, RoomRequest { u"list"_s }, RoomRequest { u"join"_s, u"t"_s },
                                  RoomRequest { u"topic"_s, u"t"_s, QString() } }) {
        const Decoded<ClientEnvelope> d = decodeClientMessage(encode(r));
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
        QCOMPARE(typeName(d.envelope()), u"room"_s);
        const auto &back = std::get<RoomRequest>(d.envelope());
        QCOMPARE(back.op, r.op);
        QCOMPARE(back.room, r.room);
        QCOMPARE(back.topic, r.topic);
        QCOMPARE(back.inviteOnly, r.inviteOnly);
        QCOMPARE(back.peer, r.peer);
        QCOMPARE(back.mid, r.mid);
        QCOMPARE(back.e2e, r.e2e);
        QCOMPARE(back.data, r.data);
    }
    RoomEvent joined { u"joined"_s, u"team"_s };
    joined.topic = u"t"_s;
    joined.inviteOnly = true;
    joined.creator = u"alice"_s;
    joined.managers = { u"bob"_s };
    joined.members = { RoomMember { u"alice"_s, true }, RoomMember { u"bob"_s, false } };
    RoomEvent rooms { u"rooms"_s };
    rooms.rooms = { RoomSummary { u"team"_s, u"t"_s, false, 3, true, false } };
    RoomEvent message { u"message"_s, u"team"_s };
    message.from = u"alice"_s;
    message.mid = u"m1"_s;
    message.e2e = u"r1.x"_s;
    message.ts = 1764000000000;
    for (const RoomEvent &e : { joined, rooms, message }) {
        const Decoded<HubEnvelope> d = decodeHubMessage(encode(e));
        QVERIFY(d.ok());
        const auto &back = std::get<RoomEvent>(d.envelope());
        QCOMPARE(back.op, e.op);
        QCOMPARE(back.room, e.room);
        QCOMPARE(back.topic, e.topic);
        QCOMPARE(back.inviteOnly, e.inviteOnly);
        QCOMPARE(back.creator, e.creator);
        QCOMPARE(back.managers, e.managers);
        QCOMPARE(back.members, e.members);
        QCOMPARE(back.rooms, e.rooms);
        QCOMPARE(back.mid, e.mid);
        QCOMPARE(back.e2e, e.e2e);
        QCOMPARE(back.ts, e.ts);
    }
    QVERIFY(!decodeHubMessage(R"({"type":"room","op":"joined","room":"t","members":[{"id":"a b"}]})"_ba).ok());
    QVERIFY(!decodeHubMessage(R"({"type":"room","op":"rooms","rooms":[{"room":"x y"}]})"_ba).ok());
    QVERIFY(!decodeHubMessage(R"({"type":"room","room":"t"})"_ba).ok());
}

void TestProtocol::roomFramesRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("ref");
    QTest::newRow("no op") << R"({"type":"room","room":"t"})"_ba << u"bad_message"_s << u"room"_s;
    QTest::newRow("unknown op") << R"({"type":"room","op":"fly","room":"t"})"_ba << u"bad_message"_s << u"t"_s;
    QTest::newRow("op not a string") << R"({"type":"room","op":1})"_ba << u"bad_message"_s << u"room"_s;
    QTest::newRow("no room") << R"({"type":"room","op":"join"})"_ba << u"bad_message"_s << u"room"_s;
    QTest::newRow("bad room") << R"({"type":"room","op":"join","room":"#t"})"_ba << u"bad_message"_s << u"room"_s;
    QTest::newRow("long room") << R"({"type":"room","op":"join","room":")"_ba + QByteArray(65, 'r') + R"("})"
                               << u"bad_message"_s << u"room"_s;
    QTest::newRow("topic with a line break") << R"({"type":"room","op":"topic","room":"t","topic":"a
b"})"_ba
                                             << u"bad_message"_s << u"t"_s;
    QTest::newRow("topic missing") << R"({"type":"room","op":"topic","room":"t"})"_ba << u"bad_message"_s << u"t"_s;
    QTest::newRow("invite_only not a bool") << R"({"type":"room","op":"create","room":"t","invite_only":1})"_ba
                                            << u"bad_message"_s << u"t"_s;
    QTest::newRow("invite without peer") << R"({"type":"room","op":"invite","room":"t"})"_ba << u"bad_message"_s
                                         << u"t"_s;
    QTest::newRow("invite bad peer") << R"({"type":"room","op":"invite","room":"t","peer":"a b"})"_ba
                                     << u"invalid_id"_s << u"t"_s;
    QTest::newRow("send without mid") << R"({"type":"room","op":"send","room":"t","e2e":"x"})"_ba << u"bad_message"_s
                                      << u"t"_s;
    QTest::newRow("send without e2e") << R"({"type":"room","op":"send","room":"t","mid":"m1"})"_ba
                                      << u"bad_message"_s << u"m1"_s;
    QTest::newRow("send empty e2e") << R"({"type":"room","op":"send","room":"t","mid":"m1","e2e":""})"_ba
                                    << u"bad_message"_s << u"m1"_s;
    QTest::newRow("key without data") << R"({"type":"room","op":"key","room":"t","peer":"b"})"_ba << u"bad_message"_s
                                      << u"t"_s;
}

void TestProtocol::errorCodeNames()
{
    const QStringList contract { u"bad_json"_s,  u"bad_message"_s, u"unknown_type"_s,     u"not_joined"_s,
                                 u"already_joined"_s, u"invalid_id"_s, u"id_taken"_s, u"auth_failed"_s,
                                 u"peer_unavailable"_s, u"too_large"_s, u"rate_limited"_s, u"hub_full"_s, u"banned"_s,
                                 // additions for direct links
                                 u"connect_declined"_s, u"unknown_link"_s,
                                 // additions for identities
                                 u"identity_required"_s, u"id_bound"_s, u"bad_proof"_s,
                                 // additions for store-and-forward
                                 u"mailbox_full"_s, u"expired"_s,
                                 // addition for files
                                 u"file_relay_refused"_s,
                                 // additions for rooms (issue 17)
                                 u"room_unknown"_s, u"room_exists"_s, u"room_denied"_s, u"rooms_full"_s,
                                 u"room_limit"_s, u"room_full"_s,
                                 // addition for hubs in a cluster (issue 19)
                                 u"cluster_unavailable"_s };
    QStringList names;
    for (ErrorCode c : allErrorCodes()) {
        names.append(errorCodeName(c));
        QCOMPARE(errorCodeFromName(names.last()), std::optional<ErrorCode>(c));
    }
    QCOMPARE(names, contract);
    QVERIFY(!errorCodeFromName(u"no_such_code").has_value());
}

// The hub writes message, ack and presence with JsonWriter; the bytes must be what QJsonDocument writes, for every
// kind of character a text can hold.
void TestProtocol::writerMatchesQJsonDocument_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << u"hello world!"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("quotes and backslashes") << u"say \"hi\" \\ back\\"_s;
    QTest::newRow("short escapes") << u"a\bb\fc\nd\re\tf"_s;
    QString controls;
    for (char16_t c = 0; c < 0x20; ++c)
        controls.append(QChar(c));
    controls.append(QChar(0x7f));
    QTest::newRow("every control character") << controls;
    QTest::newRow("chinese") << u"你好，世界"_s;
    QTest::newRow("emoji (surrogate pair)") << QString::fromUtf8("\xF0\x9F\x98\x80 ok");
    QTest::newRow("line separators") << QString::fromUtf8("a\xE2\x80\xA8" "b\xE2\x80\xA9" "c");
    QTest::newRow("slash and html") << u"</script><b>&amp;</b>"_s;
}

void TestProtocol::writerMatchesQJsonDocument()
{
    QFETCH(QString, text);
    auto qt = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };

    const ChatMessage m { u"node1"_s, text, u"node2"_s, text.left(8), 1764000000123 };
    QJsonObject o { { u"type"_s, u"message"_s }, { u"from"_s, m.from }, { u"text"_s, m.text }, { u"to"_s, m.to },
                    { u"ts"_s, m.ts } };
    if (!m.mid.isEmpty())
        o.insert(u"mid"_s, m.mid);
    QCOMPARE(encode(m), qt(o));

    const ChatMessage broadcast { u"n"_s, text, QString(), QString(), 0 };
    QCOMPARE(encode(broadcast), qt({ { u"type"_s, u"message"_s }, { u"from"_s, u"n"_s }, { u"text"_s, text }, { u"ts"_s, 0 } }));

    QJsonObject pc { { u"type"_s, u"peer_connect"_s }, { u"id"_s, u"node2"_s } };
    if (!text.isEmpty())
        pc.insert(u"name"_s, text);
    QCOMPARE(encode(PeerConnected { u"node2"_s, text, false }), qt(pc));
    pc.insert(u"host"_s, true);
    QCOMPARE(encode(PeerConnected { u"node2"_s, text, true }), qt(pc));
    QCOMPARE(encode(PeerDisconnected { u"node2"_s }), qt({ { u"type"_s, u"peer_disconnect"_s }, { u"id"_s, u"node2"_s } }));
    QCOMPARE(encode(Ack { u"m1"_s }), qt({ { u"type"_s, u"ack"_s }, { u"mid"_s, u"m1"_s } }));

    // The identity additions: e2e and sig only when present, keys with presence.
    ChatMessage sealed = m;
    sealed.e2e = u"1.AAAA.BBBB.CCCC.DDDD"_s;
    sealed.sig = QString::fromLatin1(kSig);
    QJsonObject so = o;
    so.insert(u"e2e"_s, sealed.e2e);
    so.insert(u"sig"_s, sealed.sig);
    QCOMPARE(encode(sealed), qt(so));
    const QString key = QString::fromLatin1(kKey), prekey = QString::fromLatin1(kPrekey),
                  psig = QString::fromLatin1(kSig);
    QJsonObject kpc = pc;
    kpc.insert(u"key"_s, key);
    kpc.insert(u"prekey"_s, prekey);
    kpc.insert(u"prekey_sig"_s, psig);
    QCOMPARE(encode(PeerConnected { u"node2"_s, text, true, key, prekey, psig }), qt(kpc));
    kpc.remove(u"type"_s);
    QCOMPARE(encodePeerEntry(PeerInfo { u"node2"_s, text, true, key, prekey, psig }), qt(kpc));
    QCOMPARE(encode(PeerUpdate { u"node2"_s, key, prekey, psig }),
             qt({ { u"type"_s, u"peer_update"_s }, { u"id"_s, u"node2"_s }, { u"key"_s, key }, { u"prekey"_s, prekey },
                  { u"prekey_sig"_s, psig } }));
    QCOMPARE(encode(Challenge { key, prekey }),
             qt({ { u"type"_s, u"challenge"_s }, { u"hub"_s, key }, { u"nonce"_s, prekey } }));

    Welcome welcome { u"me"_s, { PeerInfo { u"a"_s, text, false }, PeerInfo { u"b"_s, QString(), true } }, text,
                      u"peerlink/1"_s, text.left(4), {} };
    QJsonArray peers { QJsonObject { { u"id"_s, u"b"_s }, { u"host"_s, true } } };
    QJsonObject a { { u"id"_s, u"a"_s } };
    if (!text.isEmpty())
        a.insert(u"name"_s, text);
    peers.prepend(a);
    QJsonObject wo { { u"type"_s, u"welcome"_s }, { u"id"_s, u"me"_s }, { u"peers"_s, peers }, { u"hub"_s, text },
                     { u"version"_s, u"peerlink/1"_s } };
    if (!welcome.resume.isEmpty())
        wo.insert(u"resume"_s, welcome.resume);
    QCOMPARE(encode(welcome), qt(wo));
    QCOMPARE(encode(Welcome { u"me"_s, {}, u"h"_s, u"peerlink/1"_s, QString(), {} }),
             qt({ { u"type"_s, u"welcome"_s }, { u"id"_s, u"me"_s }, { u"peers"_s, QJsonArray() }, { u"hub"_s, u"h"_s },
                  { u"version"_s, u"peerlink/1"_s } }));
    // The hub's limits (an addition), written as QJsonDocument writes them, and read back.
    const HubLimits limits { 65536, 100, 200, 1048576, 4194304.5 };
    const QByteArray withLimits = encode(Welcome { u"me"_s, {}, u"h"_s, u"peerlink/1"_s, QString(), limits });
    QCOMPARE(withLimits,
             qt({ { u"type"_s, u"welcome"_s }, { u"id"_s, u"me"_s }, { u"peers"_s, QJsonArray() }, { u"hub"_s, u"h"_s },
                  { u"version"_s, u"peerlink/1"_s },
                  { u"limits"_s, QJsonObject { { u"max_message_bytes"_s, 65536 }, { u"rate"_s, 100 }, { u"burst"_s, 200 },
                                               { u"byte_rate"_s, 1048576 }, { u"byte_burst"_s, 4194304.5 } } } }));
    const Decoded<HubEnvelope> limitsBack = decodeHubMessage(withLimits);
    QVERIFY(limitsBack.ok());
    QCOMPARE(std::get<Welcome>(limitsBack.envelope()).limits, limits);
    // Limits are advice: malformed ones are ignored, and the welcome still counts.
    for (const QByteArray &bad : { R"({"type":"welcome","id":"me","peers":[],"limits":"fast"})"_ba,
                                   R"({"type":"welcome","id":"me","peers":[],"limits":{"rate":-5,"max_message_bytes":"big"}})"_ba }) {
        const Decoded<HubEnvelope> d = decodeHubMessage(bad);
        QVERIFY2(d.ok(), bad.constData());
        QVERIFY(std::get<Welcome>(d.envelope()).limits.isEmpty());
    }

    // And it reads back as the same text.
    const auto back = decodeHubMessage(encode(m));
    QVERIFY(back.ok());
    QCOMPARE(std::get<ChatMessage>(back.envelope()).text, text);
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
