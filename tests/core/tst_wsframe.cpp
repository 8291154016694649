// The RFC 6455 frame reader and writer, and the UTF-8 validator, without sockets: every case is read whole, a byte at
// a time, and split in two at every position, with the same result.
#include "core/utf8validator.h"
#include "core/wsframe.h"
#include "../support/clientframes.h"

#include <QTest>
#include <QtEndian>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// Records what the reader reports, one line per event.
class Recorder : public WsFrame::Reader::Sink
{
public:
    QStringList events;
    void messageReceived(bool text, QByteArray &payload) override
    {
        events << (text ? u"text:"_s + QString::fromUtf8(payload) : u"binary:"_s + QString::fromLatin1(payload.toHex()));
    }
    void pingReceived(QByteArrayView payload) override { events << u"ping:"_s + QString::fromUtf8(payload); }
    void pongReceived(QByteArrayView payload) override { events << u"pong:"_s + QString::fromUtf8(payload); }
    void closeReceived(uint16_t code, QByteArrayView reason) override
    {
        events << u"close:%1:%2"_s.arg(code).arg(QString::fromUtf8(reason));
    }
};

using Test::clientFrame;

QByteArray closePayload(quint16 code, const QByteArray &reason = {})
{
    const quint16 be = qToBigEndian(code);
    return QByteArray(reinterpret_cast<const char *>(&be), 2) + reason;
}

struct Outcome
{
    QStringList events;
    int error = 0;
};

Outcome readInPieces(const QByteArray &bytes, const QList<qsizetype> &cuts, qint64 limit)
{
    WsFrame::Reader reader(limit);
    Recorder sink;
    qsizetype at = 0;
    for (qsizetype cut : cuts) {
        reader.feed(QByteArrayView(bytes).sliced(at, cut - at), sink);
        at = cut;
    }
    reader.feed(QByteArrayView(bytes).sliced(at), sink);
    return { sink.events, reader.error() };
}

} // namespace

class TestWsFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reader_data();
    void reader();
    void nothingIsReadAfterAViolationOrAClose();
    void manySmallFragmentsStayLinear();
    void unmaskAtEveryOffset();
    void writer_data();
    void writer();
    void closeReasonIsCutAtACharacter();
    void utf8_data();
    void utf8();
    void utf8SplitAnywhere();
};

void TestWsFrame::reader_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<int>("error");
    QTest::addColumn<qint64>("limit");

    const qint64 limit = 100000;
    const QByteArray big(70000, 'x');
    QTest::newRow("text") << clientFrame(0x81, "hello") << QStringList { u"text:hello"_s } << 0 << limit;
    QTest::newRow("empty text") << clientFrame(0x81, "") << QStringList { u"text:"_s } << 0 << limit;
    QTest::newRow("binary") << clientFrame(0x82, "\x01\x02") << QStringList { u"binary:0102"_s } << 0 << limit;
    QTest::newRow("125 bytes") << clientFrame(0x81, QByteArray(125, 'a'))
                               << QStringList { u"text:"_s + QString(125, u'a') } << 0 << limit;
    QTest::newRow("126 bytes (16-bit length)")
        << clientFrame(0x81, QByteArray(126, 'a')) << QStringList { u"text:"_s + QString(126, u'a') } << 0 << limit;
    QTest::newRow("65535 bytes") << clientFrame(0x81, QByteArray(65535, 'a'))
                                 << QStringList { u"text:"_s + QString(65535, u'a') } << 0 << limit;
    QTest::newRow("70000 bytes (64-bit length)")
        << clientFrame(0x81, big) << QStringList { u"text:"_s + QString::fromLatin1(big) } << 0 << limit;
    QTest::newRow("two messages") << QByteArray(clientFrame(0x81, "a") + clientFrame(0x81, "b"))
                                  << QStringList { u"text:a"_s, u"text:b"_s } << 0 << limit;
    QTest::newRow("fragments") << QByteArray(clientFrame(0x01, "he") + clientFrame(0x00, "l") + clientFrame(0x80, "lo"))
                               << QStringList { u"text:hello"_s } << 0 << limit;
    QTest::newRow("empty fragments") << QByteArray(clientFrame(0x01, "") + clientFrame(0x00, "") + clientFrame(0x80, ""))
                                     << QStringList { u"text:"_s } << 0 << limit;
    QTest::newRow("ping between fragments")
        << QByteArray(clientFrame(0x01, "he") + clientFrame(0x89, "p") + clientFrame(0x80, "llo"))
        << QStringList { u"ping:p"_s, u"text:hello"_s } << 0 << limit;
    QTest::newRow("pong and close") << QByteArray(clientFrame(0x8a, "x") + clientFrame(0x88, closePayload(1000, "bye")))
                                    << QStringList { u"pong:x"_s, u"close:1000:bye"_s } << 0 << limit;
    QTest::newRow("close without code") << clientFrame(0x88, "") << QStringList { u"close:1005:"_s } << 0 << limit;
    QTest::newRow("close 4999") << clientFrame(0x88, closePayload(4999)) << QStringList { u"close:4999:"_s } << 0
                                << limit;
    QTest::newRow("utf-8 split between fragments")
        << QByteArray(clientFrame(0x01, "\xe2\x82") + clientFrame(0x80, "\xac")) << QStringList { u"text:\u20ac"_s } << 0 << limit;

    QTest::newRow("unmasked") << clientFrame(0x81, "hi", false) << QStringList {} << 1002 << limit;
    QTest::newRow("rsv1") << clientFrame(0xc1, "hi") << QStringList {} << 1002 << limit;
    QTest::newRow("rsv2") << clientFrame(0xa1, "hi") << QStringList {} << 1002 << limit;
    QTest::newRow("rsv3") << clientFrame(0x91, "hi") << QStringList {} << 1002 << limit;
    QTest::newRow("opcode 3") << clientFrame(0x83, "") << QStringList {} << 1002 << limit;
    QTest::newRow("opcode 7") << clientFrame(0x87, "") << QStringList {} << 1002 << limit;
    QTest::newRow("opcode 0xb") << clientFrame(0x8b, "") << QStringList {} << 1002 << limit;
    QTest::newRow("opcode 0xf") << clientFrame(0x8f, "") << QStringList {} << 1002 << limit;
    QTest::newRow("fragmented ping") << clientFrame(0x09, "a") << QStringList {} << 1002 << limit;
    QTest::newRow("ping of 126 bytes") << clientFrame(0x89, QByteArray(126, 'a')) << QStringList {} << 1002 << limit;
    QTest::newRow("lone continuation") << clientFrame(0x80, "a") << QStringList {} << 1002 << limit;
    QTest::newRow("text inside a message") << QByteArray(clientFrame(0x01, "a") + clientFrame(0x81, "b")) << QStringList {}
                                           << 1002 << limit;
    QTest::newRow("16-bit length for 5 bytes") << clientFrame(0x81, "hello", true, 2) << QStringList {} << 1002
                                               << limit;
    QTest::newRow("64-bit length for 200 bytes") << clientFrame(0x81, QByteArray(200, 'a'), true, 8)
                                                 << QStringList {} << 1002 << limit;
    QByteArray msb = clientFrame(0x81, QByteArray(), true, 8);
    msb[2] = char(0x80);
    QTest::newRow("64-bit length with the top bit") << msb << QStringList {} << 1002 << limit;
    QTest::newRow("close of one byte") << clientFrame(0x88, "\x03") << QStringList {} << 1002 << limit;
    QTest::newRow("close 1005") << clientFrame(0x88, closePayload(1005)) << QStringList {} << 1002 << limit;
    QTest::newRow("close 999") << clientFrame(0x88, closePayload(999)) << QStringList {} << 1002 << limit;
    QTest::newRow("close 5000") << clientFrame(0x88, closePayload(5000)) << QStringList {} << 1002 << limit;
    QTest::newRow("close reason not utf-8") << clientFrame(0x88, closePayload(1000, "\xff")) << QStringList {}
                                            << 1007 << limit;
    QTest::newRow("invalid utf-8") << clientFrame(0x81, "a\xc3\x28") << QStringList {} << 1007 << limit;
    QTest::newRow("utf-8 cut at the end") << clientFrame(0x81, "a\xe2\x82") << QStringList {} << 1007 << limit;
    QTest::newRow("binary need not be utf-8") << clientFrame(0x82, "\xff") << QStringList { u"binary:ff"_s } << 0
                                              << limit;
    QTest::newRow("over the limit") << clientFrame(0x81, QByteArray(11, 'a')) << QStringList {} << 1009 << qint64(10);
    QTest::newRow("fragments over the limit")
        << QByteArray(clientFrame(0x01, QByteArray(6, 'a')) + clientFrame(0x80, QByteArray(6, 'a'))) << QStringList {} << 1009
        << qint64(10);
    QTest::newRow("at the limit") << clientFrame(0x81, QByteArray(10, 'a')) << QStringList { u"text:aaaaaaaaaa"_s }
                                  << 0 << qint64(10);
    QTest::newRow("control frames not counted")
        << clientFrame(0x89, QByteArray(100, 'p')) << QStringList { u"ping:"_s + QString(100, u'p') } << 0
        << qint64(10);
    QTest::newRow("good then bad") << QByteArray(clientFrame(0x81, "ok") + clientFrame(0x81, "x", false))
                                   << QStringList { u"text:ok"_s } << 1002 << limit;
}

void TestWsFrame::reader()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, events);
    QFETCH(int, error);
    QFETCH(qint64, limit);

    const Outcome whole = readInPieces(bytes, {}, limit);
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.error, error);

    QList<qsizetype> everyByte;
    for (qsizetype i = 1; i < bytes.size(); ++i)
        everyByte << i;
    const Outcome bytewise = readInPieces(bytes, everyByte, limit);
    QCOMPARE(bytewise.events, events);
    QCOMPARE(bytewise.error, error);

    // Split in two everywhere (for the long cases, around the headers and the ends only).
    for (qsizetype cut = 1; cut < bytes.size(); ++cut) {
        if (bytes.size() > 400 && cut > 200 && cut < bytes.size() - 200)
            continue;
        const Outcome two = readInPieces(bytes, { cut }, limit);
        QVERIFY2(two.events == events && two.error == error, qPrintable(u"cut at %1"_s.arg(cut)));
    }
}

void TestWsFrame::nothingIsReadAfterAViolationOrAClose()
{
    WsFrame::Reader reader(1000);
    Recorder sink;
    QVERIFY(!reader.feed(clientFrame(0x81, "x", false), sink));
    QVERIFY(!reader.feed(clientFrame(0x81, "y"), sink));
    QVERIFY(sink.events.isEmpty());
    QCOMPARE(reader.errorString(), u"unmasked client frame"_s);

    WsFrame::Reader closed(1000);
    QVERIFY(closed.feed(QByteArray(clientFrame(0x88, "") + clientFrame(0x81, "after")), sink));
    QVERIFY(closed.closeReceived());
    QCOMPARE(sink.events, QStringList { u"close:1005:"_s });
}

void TestWsFrame::manySmallFragmentsStayLinear()
{
    // 100 000 one-byte fragments: the message grows by doubling, not one copy per fragment.
    QByteArray stream = clientFrame(0x01, "a");
    const QByteArray one = clientFrame(0x00, "a");
    for (int i = 0; i < 99998; ++i)
        stream += one;
    stream += clientFrame(0x80, "a");
    WsFrame::Reader reader(1 << 20);
    Recorder sink;
    QVERIFY(reader.feed(stream, sink));
    QCOMPARE(sink.events.size(), 1);
    QCOMPARE(sink.events.first().size(), 5 + 100000);
}

void TestWsFrame::unmaskAtEveryOffset()
{
    const uint8_t mask[4] = { 1, 2, 4, 8 };
    QByteArray data(37, '\0');
    for (int offset = 0; offset < 8; ++offset) {
        QByteArray out(data.size(), '\0');
        WsFrame::unmask(out.data(), data.constData(), size_t(data.size()), mask, uint64_t(offset));
        for (int i = 0; i < data.size(); ++i)
            QCOMPARE(uint8_t(out[i]), mask[(offset + i) % 4]);
    }
}

void TestWsFrame::writer_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<QByteArray>("head");
    QTest::newRow("0") << 0 << QByteArray("\x81\x00", 2);
    QTest::newRow("125") << 125 << QByteArray("\x81\x7d");
    QTest::newRow("126") << 126 << QByteArray("\x81\x7e\x00\x7e", 4);
    QTest::newRow("65535") << 65535 << QByteArray("\x81\x7e\xff\xff");
    QTest::newRow("65536") << 65536 << QByteArray("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
}

void TestWsFrame::writer()
{
    QFETCH(int, size);
    QFETCH(QByteArray, head);
    const QByteArray payload(size, 'z');
    const QByteArray frame = WsFrame::frame(WsFrame::Text, payload);
    QCOMPARE(frame.left(head.size()), head);
    QCOMPARE(frame.mid(head.size()), payload);
    // What the hub writes, a reader that does not require masks reads back.
    WsFrame::Reader reader(1 << 20, false);
    Recorder sink;
    QVERIFY(reader.feed(frame, sink));
    QCOMPARE(sink.events, QStringList { u"text:"_s + QString::fromLatin1(payload) });
}

void TestWsFrame::closeReasonIsCutAtACharacter()
{
    // 60 two-byte characters: 120 bytes fit, the 62nd character would end at 124 > 123.
    const QByteArray reason = QString(70, QChar(0x00e9)).toUtf8();
    const QByteArray frame = WsFrame::closeFrame(1008, reason);
    QCOMPARE(frame.size(), 2 + 2 + 122);
    QVERIFY(Utf8Validator::isValid(QByteArrayView(frame).sliced(4)));
    QCOMPARE(frame.mid(2, 2), QByteArray("\x03\xf0"));
}

void TestWsFrame::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("ascii") << QByteArray("Hello, world! 0123456789abcdefghijklmnop") << true;
    QTest::newRow("2 bytes") << QByteArray("\xc3\xa9") << true;
    QTest::newRow("3 bytes") << QByteArray("\xe2\x82\xac") << true;
    QTest::newRow("4 bytes") << QByteArray("\xf0\x9f\x98\x80") << true;
    QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
    QTest::newRow("U+FFFE (a noncharacter, valid)") << QByteArray("\xef\xbf\xbe") << true;
    QTest::newRow("U+D7FF") << QByteArray("\xed\x9f\xbf") << true;
    QTest::newRow("U+E000") << QByteArray("\xee\x80\x80") << true;
    QTest::newRow("long ascii then multibyte") << QByteArray(QByteArray(40, 'a') + "\xc3\xa9" + QByteArray(17, 'b')) << true;
    QTest::newRow("lone continuation") << QByteArray("\x80") << false;
    QTest::newRow("overlong /") << QByteArray("\xc0\xaf") << false;
    QTest::newRow("overlong 3 bytes") << QByteArray("\xe0\x80\xaf") << false;
    QTest::newRow("overlong 4 bytes") << QByteArray("\xf0\x80\x80\xaf") << false;
    QTest::newRow("surrogate D800") << QByteArray("\xed\xa0\x80") << false;
    QTest::newRow("surrogate DFFF") << QByteArray("\xed\xbf\xbf") << false;
    QTest::newRow("U+110000") << QByteArray("\xf4\x90\x80\x80") << false;
    QTest::newRow("F5") << QByteArray("\xf5\x80\x80\x80") << false;
    QTest::newRow("FE") << QByteArray("\xfe") << false;
    QTest::newRow("FF") << QByteArray("\xff") << false;
    QTest::newRow("truncated 2") << QByteArray("\xc3") << false;
    QTest::newRow("truncated 4") << QByteArray("\xf0\x9f\x98") << false;
    QTest::newRow("bad after 16 ascii") << QByteArray(QByteArray(16, 'a') + "\xff") << false;
    QTest::newRow("bad in the middle of ascii") << QByteArray(QByteArray(9, 'a') + "\xc3\x28" + QByteArray(30, 'a')) << false;
}

void TestWsFrame::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(Utf8Validator::isValid(bytes), valid);
}

void TestWsFrame::utf8SplitAnywhere()
{
    const QByteArray text = QStringLiteral("aé€😀 z􏿿").toUtf8();
    for (qsizetype cut = 0; cut <= text.size(); ++cut) {
        Utf8Validator v;
        QVERIFY(v.feed(QByteArrayView(text).first(cut)));
        QVERIFY(v.feed(QByteArrayView(text).sliced(cut)));
        QVERIFY(v.isComplete());
    }
}

QTEST_GUILESS_MAIN(TestWsFrame)
#include "tst_wsframe.moc"
