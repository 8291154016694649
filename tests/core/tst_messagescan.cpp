// The hub's fast path for plain messages: what it accepts, what it leaves to the full decoder, and that what it
// accepts and splices means exactly what the full decoder and encoder make of it.
#include "core/messagescan.h"
#include "core/protocol.h"
#include "core/wsframe.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestMessageScan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scan_data();
    void scan();
};

void TestMessageScan::scan_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("fast");

    QTest::newRow("broadcast") << R"({"type":"message","text":"hello"})"_ba << true;
    QTest::newRow("to and mid") << R"({"type":"message","to":"bob","text":"hi","mid":"m-1"})"_ba << true;
    QTest::newRow("fields in any order") << R"({"mid":"x","text":"hi","to":"b.o_b-1","type":"message"})"_ba << true;
    QTest::newRow("json whitespace") << "\r\n {\t\"type\" : \"message\" ,\n\"text\":\"a\" } \n"_ba << true;
    QTest::newRow("simple escapes in text") << R"({"type":"message","text":"a\"b\\c\/d\n\t\r\b\f"})"_ba << true;
    QTest::newRow("utf-8 text and mid") << "{\"type\":\"message\",\"text\":\"κόσμε 😀\",\"mid\":\"ü😀\"}"_ba << true;
    QTest::newRow("escape after 20 plain bytes")
        << (R"({"type":"message","text":")" + QByteArray(20, 'a') + R"(\"q\\)" + QByteArray(20, 'b') + R"("})") << true;
    QTest::newRow("long utf-8 text") << "{\"type\":\"message\",\"text\":\"κόσμε κόσμε κόσμε κόσμε κόσμε\"}"_ba
                                     << true;
    QTest::newRow("text of 300 bytes (16-bit frame length)")
        << (R"({"type":"message","text":")" + QByteArray(300, 't') + R"("})") << true;
    QTest::newRow("text of 70000 bytes (64-bit frame length)")
        << (R"({"type":"message","text":")" + QByteArray(70000, 't') + R"("})") << true;
    QTest::newRow("empty text") << R"({"type":"message","text":""})"_ba << true;
    QTest::newRow("64-character mid") << (R"({"type":"message","text":"a","mid":")" + QByteArray(64, 'm') + R"("})")
                                      << true;
    QTest::newRow("64 two-byte characters in mid")
        << (R"({"type":"message","text":"a","mid":")" + QString(64, QChar(0x00e9)).toUtf8() + R"("})") << true;
    QTest::newRow("64 four-byte characters in mid")
        << (R"({"type":"message","text":"a","mid":")" + QStringLiteral("😀").repeated(64).toUtf8() + R"("})") << true;
    QTest::newRow("65 four-byte characters in mid")
        << (R"({"type":"message","text":"a","mid":")" + QStringLiteral("😀").repeated(65).toUtf8() + R"("})") << false;

    // Left to the full decoder (which accepts some of them, refuses others).
    QTest::newRow("65-character mid") << (R"({"type":"message","text":"a","mid":")" + QByteArray(65, 'm') + R"("})")
                                      << false;
    QTest::newRow("empty mid") << R"({"type":"message","text":"a","mid":""})"_ba << false;
    QTest::newRow("empty to") << R"({"type":"message","text":"a","to":""})"_ba << false;
    QTest::newRow("invalid to") << R"({"type":"message","text":"a","to":"b b"})"_ba << false;
    QTest::newRow("65-character to") << (R"({"type":"message","text":"a","to":")" + QByteArray(65, 't') + R"("})")
                                     << false;
    QTest::newRow("\\u escape in text") << R"({"type":"message","text":"\u00e9"})"_ba << false;
    QTest::newRow("lone surrogate escape") << R"({"type":"message","text":"\ud800"})"_ba << false;
    QTest::newRow("escape in to") << R"({"type":"message","text":"a","to":"b\/c"})"_ba << false;
    QTest::newRow("escape in a key") << R"({"typ\u0065":"message","text":"a"})"_ba << false;
    QTest::newRow("bad escape") << R"({"type":"message","text":"\x"})"_ba << false;
    QTest::newRow("control character after 9 plain bytes")
        << (R"({"type":"message","text":")" + QByteArray(9, 'a') + "\x01" + QByteArray(9, 'a') + R"("})") << false;
    QTest::newRow("unterminated long string") << (R"({"type":"message","text":")" + QByteArray(40, 'a')) << false;
    QTest::newRow("raw control character") << "{\"type\":\"message\",\"text\":\"a\tb\"}"_ba << false;
    QTest::newRow("e2e") << R"({"type":"message","text":"","e2e":"x"})"_ba << false;
    QTest::newRow("sig") << R"({"type":"message","text":"a","sig":"x"})"_ba << false;
    QTest::newRow("spoofed from") << R"({"type":"message","text":"a","from":"admin"})"_ba << false;
    QTest::newRow("ts") << R"({"type":"message","text":"a","ts":1})"_ba << false;
    QTest::newRow("duplicate text") << R"({"type":"message","text":"a","text":"b"})"_ba << false;
    QTest::newRow("duplicate type") << R"({"type":"message","type":"message","text":"a"})"_ba << false;
    QTest::newRow("no text") << R"({"type":"message","to":"bob"})"_ba << false;
    QTest::newRow("text not a string") << R"({"type":"message","text":1})"_ba << false;
    QTest::newRow("null to") << R"({"type":"message","text":"a","to":null})"_ba << false;
    QTest::newRow("no type") << R"({"text":"a"})"_ba << false;
    QTest::newRow("another type") << R"({"type":"leave","text":"a"})"_ba << false;
    QTest::newRow("trailing comma") << R"({"type":"message","text":"a",})"_ba << false;
    QTest::newRow("trailing garbage") << R"({"type":"message","text":"a"}x)"_ba << false;
    QTest::newRow("two objects") << R"({"type":"message","text":"a"}{})"_ba << false;
    QTest::newRow("unterminated") << R"({"type":"message","text":"a)"_ba << false;
    QTest::newRow("no closing brace") << R"({"type":"message","text":"a")"_ba << false;
    QTest::newRow("array") << R"([{"type":"message","text":"a"}])"_ba << false;
    QTest::newRow("empty object") << "{}"_ba << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("missing colon") << R"({"type" "message","text":"a"})"_ba << false;
    QTest::newRow("single quotes") << R"({'type':'message','text':'a'})"_ba << false;
}

void TestMessageScan::scan()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, fast);

    const std::optional<ScannedMessage> scanned = scanPlainMessage(json);
    QCOMPARE(scanned.has_value(), fast);
    if (!fast)
        return;
    // What the fast path accepts, the full decoder accepts as the same message.
    const Decoded<ClientEnvelope> full = decodeClientMessage(json);
    QVERIFY(full.ok());
    const auto *m = std::get_if<MessageRequest>(&full.envelope());
    QVERIFY(m);
    QCOMPARE(QString::fromUtf8(scanned->to), m->to);
    QCOMPARE(QString::fromUtf8(scanned->mid), m->mid);
    QVERIFY(m->e2e.isEmpty() && m->sig.isEmpty());

    // What it hands on means what the encoder writes for it.
    const QByteArray spliced = spliceChatMessage(json, u"alice", 1764000000123);
    const Decoded<HubEnvelope> out = decodeHubMessage(spliced);
    QVERIFY2(out.ok(), spliced.constData());
    const auto *chat = std::get_if<ChatMessage>(&out.envelope());
    QVERIFY(chat);
    const ChatMessage expected { u"alice"_s, m->text, m->to, m->mid, 1764000000123 };
    QCOMPARE(encode(*chat), encode(expected));
    // And the frame built around it in the same buffer is the frame the writer makes of it.
    const QByteArray frame = spliceChatFrame(json, u"alice", 1764000000123);
    QCOMPARE(chatFramePayload(frame).toByteArray(), spliced);
    QCOMPARE(frame, WsFrame::frame(WsFrame::Text, spliced));
}

QTEST_GUILESS_MAIN(TestMessageScan)
#include "tst_messagescan.moc"
