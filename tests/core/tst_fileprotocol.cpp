// The file transfer decoders and the name rules (issue 15): table-driven, no sockets.
#include "core/base64url.h"
#include "core/fileprotocol.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestFileProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hostileNamesAreMadeSafe_data();
    void hostileNamesAreMadeSafe();
    void existingNamesAreNotOverwritten();
    void chunksRoundTrip();
    void malformedChunksAreRefused_data();
    void malformedChunksAreRefused();
    void binaryFramesRoundTrip();
    void malformedBinaryFramesAreRefused_data();
    void malformedBinaryFramesAreRefused();
    void controlsRoundTrip();
    void malformedControlsAreRefused_data();
    void malformedControlsAreRefused();
    void acks_data();
    void acks();
    void base64UrlRoundTrips();
    void base64UrlIsStrict_data();
    void base64UrlIsStrict();
};

void TestFileProtocol::hostileNamesAreMadeSafe_data()
{
    QTest::addColumn<QString>("offered");
    QTest::addColumn<QString>("saved");
    QTest::newRow("plain") << u"report.pdf"_s << u"report.pdf"_s;
    QTest::newRow("chinese") << u"报告 2024.txt"_s << u"报告 2024.txt"_s;
    QTest::newRow("parent dirs") << u"../../etc/passwd"_s << u"passwd"_s;
    QTest::newRow("absolute") << u"/etc/shadow"_s << u"shadow"_s;
    QTest::newRow("windows path") << u"C:\\Windows\\system32\\evil.dll"_s << u"evil.dll"_s;
    QTest::newRow("dot dot") << u".."_s << u"file"_s;
    QTest::newRow("dot") << u"."_s << u"file"_s;
    QTest::newRow("trailing slash") << u"dir/"_s << u"file"_s;
    QTest::newRow("hidden") << u".bashrc"_s << u"bashrc"_s;
    QTest::newRow("control characters") << u"a\nb\tc\u0007.txt"_s << u"a_b_c_.txt"_s;
    QTest::newRow("bidi override") << u"invoice\u202Etxt.exe"_s << u"invoice_txt.exe"_s;
    QTest::newRow("reserved characters") << u"a<b>c:d\"e|f?g*h.txt"_s << u"a_b_c_d_e_f_g_h.txt"_s;
    QTest::newRow("device") << u"CON"_s << u"_CON"_s;
    QTest::newRow("device with extension") << u"nul.txt"_s << u"_nul.txt"_s;
    QTest::newRow("com port") << u"com1.log"_s << u"_com1.log"_s;
    QTest::newRow("not a device") << u"console.txt"_s << u"console.txt"_s;
    QTest::newRow("trailing dots and spaces") << u"name. . "_s << u"name"_s;
    QTest::newRow("only spaces") << u"   "_s << u"file"_s;
    QTest::newRow("long, extension kept") << QString(300, u'x') + u".txt"_s << QString(196, u'x') + u".txt"_s;
}

void TestFileProtocol::hostileNamesAreMadeSafe()
{
    QFETCH(QString, offered);
    QFETCH(QString, saved);
    QCOMPARE(sanitizeFileName(offered), saved);
}

void TestFileProtocol::existingNamesAreNotOverwritten()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QCOMPARE(uniqueFilePath(dir.path(), u"a.txt"_s), dir.filePath(u"a.txt"_s));
    QFile existing(dir.filePath(u"a.txt"_s));
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.close();
    QCOMPARE(uniqueFilePath(dir.path(), u"a.txt"_s), dir.filePath(u"a (2).txt"_s));
    QFile part(dir.filePath(u"a (2).txt.part"_s)); // a transfer under way holds its name
    QVERIFY(part.open(QIODevice::WriteOnly));
    part.close();
    QCOMPARE(uniqueFilePath(dir.path(), u"a.txt"_s), dir.filePath(u"a (3).txt"_s));
    QCOMPARE(uniqueFilePath(dir.path(), u"noext"_s), dir.filePath(u"noext"_s));
}

void TestFileProtocol::chunksRoundTrip()
{
    FileChunk c;
    c.segment = 7;
    c.index = 0x01020304;
    c.header = QByteArray(24, 'h');
    c.cipher = QByteArray(100, 'c');
    const auto back = decodeFileChunk(encodeFileChunk(c));
    QVERIFY(back);
    QCOMPARE(back->segment, 7u);
    QCOMPARE(back->index, 0x01020304u);
    QCOMPARE(back->header, c.header);
    QCOMPARE(back->cipher, c.cipher);
    c.header.clear();
    QVERIFY(decodeFileChunk(encodeFileChunk(c))->header.isEmpty());
}

void TestFileProtocol::malformedChunksAreRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray head = QByteArray("\x01\0\0\0\x01\0\0\0\x02", 9);
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("short") << QByteArray("\x01\0\0", 3);
    QTest::newRow("version 2") << QByteArray("\x02", 1) + head.mid(1) + '\0' + QByteArray(17, 'c');
    QTest::newRow("bad flag") << head + '\x05' + QByteArray(17, 'c');
    QTest::newRow("header cut") << head + '\x01' + QByteArray(10, 'h');
    QTest::newRow("cipher too short") << head + '\0' + QByteArray(16, 'c');
    QTest::newRow("cipher too long") << head + '\0' + QByteArray(MaxChunkBytes + 18, 'c');
}

void TestFileProtocol::malformedChunksAreRefused()
{
    QFETCH(QByteArray, bytes);
    QVERIFY(!decodeFileChunk(bytes));
}

void TestFileProtocol::binaryFramesRoundTrip()
{
    const QString tid = u"0123456789abcdef0123456789abcdef"_s;
    const QByteArray chunk("\x01\0\0\0\x01\0\0\0\x02\0ciphertext", 20);
    const QByteArray toBob = encodeBinaryFileFrame(u"bob", tid, chunk);
    QCOMPARE(toBob, QByteArray("\x01\x03", 2) + "bob" + QByteArray::fromHex(tid.toLatin1()) + '\x01' + chunk);
    auto back = decodeBinaryFileFrame(toBob);
    QVERIFY(back);
    QCOMPARE(back->peer, u"bob"_s);
    QCOMPARE(back->tid, tid);
    QCOMPARE(back->chunk, chunk);
    const QString longest(64, u'z');
    back = decodeBinaryFileFrame(encodeBinaryFileFrame(longest, tid, chunk));
    QVERIFY(back);
    QCOMPARE(back->peer, longest);
    back = decodeBinaryFileFrame(encodeBinaryFileFrame(QStringView(), tid, chunk)); // on a link
    QVERIFY(back);
    QVERIFY(back->peer.isEmpty());
    QCOMPARE(back->chunk, chunk);
}

void TestFileProtocol::malformedBinaryFramesAreRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray tid = QByteArray(16, '\xab');
    const QByteArray good = QByteArray("\x01\x03", 2) + "bob" + tid + '\x01' + "chunk";
    QVERIFY(decodeBinaryFileFrame(good)); // the rows below each break one thing of it
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("version 2") << '\x02' + good.mid(1);
    QTest::newRow("id longer than 64") << QByteArray("\x01\x41", 2) + QByteArray(65, 'a') + tid + '\x01' + "chunk";
    QTest::newRow("id past the end") << QByteArray("\x01\x30", 2) + "bob";
    QTest::newRow("id not an id") << QByteArray("\x01\x03", 2) + "b/b" + tid + '\x01' + "chunk";
    QTest::newRow("id not UTF-8") << QByteArray("\x01\x03", 2) + "b\xff" "b" + tid + '\x01' + "chunk";
    QTest::newRow("tid cut") << QByteArray("\x01\x03", 2) + "bob" + tid.left(10);
    QTest::newRow("op 2") << QByteArray("\x01\x03", 2) + "bob" + tid + '\x02' + "chunk";
    QTest::newRow("no chunk") << QByteArray("\x01\x03", 2) + "bob" + tid + '\x01';
}

void TestFileProtocol::malformedBinaryFramesAreRefused()
{
    QFETCH(QByteArray, bytes);
    QVERIFY(!decodeBinaryFileFrame(bytes));
}

void TestFileProtocol::controlsRoundTrip()
{
    FileControl offer;
    offer.name = u"名字.bin"_s;
    offer.size = 123456789;
    offer.sha256 = QByteArray(32, '\x11');
    offer.mimeType = u"application/octet-stream"_s;
    offer.chunkBytes = 32768;
    offer.key = QByteArray(32, '\x22');
    const auto back = decodeFileControl(encodeFileControl(offer));
    QVERIFY(back);
    QCOMPARE(back->kind, FileControl::Kind::Offer);
    QCOMPARE(back->name, offer.name);
    QCOMPARE(back->size, offer.size);
    QCOMPARE(back->sha256, offer.sha256);
    QCOMPARE(back->chunkBytes, offer.chunkBytes);
    QCOMPARE(back->key, offer.key);
    QCOMPARE(back->mimeType, offer.mimeType);

    FileControl resume;
    resume.kind = FileControl::Kind::Resume;
    resume.from = 42;
    QCOMPARE(decodeFileControl(encodeFileControl(resume))->from, 42);
    FileControl cancel;
    cancel.kind = FileControl::Kind::Cancel;
    cancel.reason = u"cancelled"_s;
    QCOMPARE(decodeFileControl(encodeFileControl(cancel))->reason, u"cancelled"_s);
}

void TestFileProtocol::malformedControlsAreRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    const QByteArray sha = QByteArray(64, 'a');
    const QByteArray key = QByteArray(43, 'A');
    QTest::newRow("not json") << QByteArray("{");
    QTest::newRow("array") << QByteArray("[]");
    QTest::newRow("unknown op") << QByteArray(R"({"op":"explode"})");
    QTest::newRow("offer without name")
        << QByteArray(R"({"op":"offer","size":1,"chunk":1024,"sha256":")" + sha + R"(","key":")" + key + "\"}");
    QTest::newRow("negative size") << QByteArray(R"({"op":"offer","name":"a","size":-1,"chunk":1024,"sha256":")" + sha
                                                 + R"(","key":")" + key + "\"}");
    QTest::newRow("chunk too big") << QByteArray(R"({"op":"offer","name":"a","size":1,"chunk":99999999,"sha256":")"
                                                 + sha + R"(","key":")" + key + "\"}");
    QTest::newRow("chunk too small") << QByteArray(R"({"op":"offer","name":"a","size":1,"chunk":10,"sha256":")" + sha
                                                   + R"(","key":")" + key + "\"}");
    QTest::newRow("short sha") << QByteArray(R"({"op":"offer","name":"a","size":1,"chunk":1024,"sha256":"ab","key":")"
                                             + key + "\"}");
    QTest::newRow("upper-case sha") << QByteArray(R"({"op":"offer","name":"a","size":1,"chunk":1024,"sha256":")"
                                                  + QByteArray(64, 'A') + R"(","key":")" + key + "\"}");
    QTest::newRow("short key") << QByteArray(R"({"op":"offer","name":"a","size":1,"chunk":1024,"sha256":")" + sha
                                             + R"(","key":"AAAA"})");
    QTest::newRow("fractional from") << QByteArray(R"({"op":"resume","from":1.5})");
    QTest::newRow("from as text") << QByteArray(R"({"op":"resume","from":"1"})");
    QTest::newRow("reason with spaces") << QByteArray(R"({"op":"cancel","reason":"rm -rf"})");
}

void TestFileProtocol::malformedControlsAreRefused()
{
    QFETCH(QByteArray, json);
    QString why;
    QVERIFY(!decodeFileControl(json, &why));
    QVERIFY(!why.isEmpty());
}

void TestFileProtocol::acks_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("value"); // -1: refused
    QTest::newRow("zero") << u"0"_s << qint64(0);
    QTest::newRow("number") << u"1234"_s << qint64(1234);
    QTest::newRow("empty") << QString() << qint64(-1);
    QTest::newRow("leading zero") << u"012"_s << qint64(-1);
    QTest::newRow("negative") << u"-1"_s << qint64(-1);
    QTest::newRow("too long") << u"12345678901234567"_s << qint64(-1);
    QTest::newRow("letters") << u"12a"_s << qint64(-1);
}

void TestFileProtocol::acks()
{
    QFETCH(QString, text);
    QFETCH(qint64, value);
    const auto n = decodeFileAck(text);
    QCOMPARE(n.value_or(-1), value);
}

void TestFileProtocol::base64UrlRoundTrips()
{
    QByteArray bytes;
    for (int n = 0; n < 70; ++n) {
        const QByteArray text = toBase64Url(bytes);
        QCOMPARE(text, bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        bool ok = false;
        QCOMPARE(fromBase64Url(text, &ok), bytes);
        QVERIFY(ok);
        bytes.append(char(n * 37 + 11));
    }
}

void TestFileProtocol::base64UrlIsStrict_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("padding") << "cGVlcmxpbms="_ba;
    QTest::newRow("standard alphabet") << "ab+/"_ba;
    QTest::newRow("space") << "cGVl cmxp"_ba;
    QTest::newRow("one character over") << "cGVlc"_ba;
    QTest::newRow("non-canonical tail bits, 2") << "cGVlcmxpbmt"_ba;
    QTest::newRow("non-canonical tail bits, 1") << "AB"_ba;
    QTest::newRow("high byte") << "cGV\xff"_ba;
    QTest::newRow("nul") << QByteArray("cG\0l", 4);
}

void TestFileProtocol::base64UrlIsStrict()
{
    QFETCH(QByteArray, text);
    bool ok = true;
    QVERIFY(fromBase64Url(text, &ok).isEmpty());
    QVERIFY(!ok);
}

QTEST_GUILESS_MAIN(TestFileProtocol)
#include "tst_fileprotocol.moc"
