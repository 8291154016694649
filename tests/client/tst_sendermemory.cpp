// SenderMemory: the file of a profile's unfinished outgoing transfers (issue 15). Round trip, owner-only writes, a
// file others may change refused, a damaged file or damaged entries reported and skipped while the rest is kept, and
// progress written late (not on every acknowledgement) but never lost on a close.
#include "client/sendermemory.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

SenderMemory::Entry entry(int n)
{
    SenderMemory::Entry e;
    e.tid = QString::fromLatin1(QByteArray(16, char(n)).toHex());
    e.peer = u"bob"_s;
    e.peerKey = QByteArray(32, char(0x40 + n));
    e.path = u"/home/alice/file %1.bin"_s.arg(n);
    e.name = u"file %1.bin"_s.arg(n);
    e.mimeType = u"application/octet-stream"_s;
    e.size = 3 * 1024 * 1024 + n;
    e.mtimeMs = 1700000000000 + n;
    e.sha256 = QByteArray(32, char(0x80 + n));
    e.chunkBytes = 32 * 1024;
    e.key = QByteArray(32, char(0x10 + n));
    e.acked = n;
    e.state = u"active"_s;
    return e;
}

bool same(const SenderMemory::Entry &a, const SenderMemory::Entry &b)
{
    return a.tid == b.tid && a.peer == b.peer && a.peerKey == b.peerKey && a.path == b.path && a.name == b.name
        && a.mimeType == b.mimeType && a.size == b.size && a.mtimeMs == b.mtimeMs && a.sha256 == b.sha256
        && a.chunkBytes == b.chunkBytes && a.key == b.key && a.acked == b.acked && a.state == b.state;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size()
        && f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

} // namespace

class TestSenderMemory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void roundTrip();
    void writtenOwnerOnly();
    void fileOthersMayChangeIsRefused();
    void notJsonIsReportedAndReplaced();
    void badEntriesAreSkippedOthersKept_data();
    void badEntriesAreSkippedOthersKept();
    void progressIsWrittenLateButNotLost();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestSenderMemory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(u"transfers.json"_s);
}

void TestSenderMemory::roundTrip()
{
    {
        SenderMemory m;
        QVERIFY(m.setFile(m_path)); // none yet: fine
        m.remember(entry(1), true);
        m.remember(entry(2), true);
        m.remember(entry(3), true);
        m.forget(entry(2).tid);
    }
    SenderMemory m;
    QStringList problems;
    QVERIFY(m.setFile(m_path, &problems));
    QCOMPARE(problems, QStringList());
    QCOMPARE(m.entries().size(), 2);
    QVERIFY(same(m.entries().at(0), entry(1)));
    QVERIFY(same(m.entries().at(1), entry(3)));
}

void TestSenderMemory::writtenOwnerOnly()
{
    SenderMemory m;
    m.setFile(m_path);
    m.remember(entry(1), true);
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    QCOMPARE(QFile::permissions(m_path) & others, QFileDevice::Permissions());
    QVERIFY(QFile::permissions(m_path).testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    // The transfer's key is in it (it is a secret of the transfer: the file is the owner's only).
    QVERIFY(readAll(m_path).contains(QByteArray(32, char(0x11)).toBase64(QByteArray::Base64UrlEncoding
                                                                          | QByteArray::OmitTrailingEquals)));
}

void TestSenderMemory::fileOthersMayChangeIsRefused()
{
#ifndef Q_OS_UNIX
    QSKIP("file modes are Unix's");
#endif
    {
        SenderMemory m;
        m.setFile(m_path);
        m.remember(entry(1), true);
    }
    QVERIFY(QFile::setPermissions(m_path, QFile::permissions(m_path) | QFileDevice::WriteOther));
    const QByteArray before = readAll(m_path);
    SenderMemory m;
    QStringList problems;
    QVERIFY(!m.setFile(m_path, &problems));
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).contains(u"chmod 600"_s), qPrintable(problems.at(0)));
    QVERIFY(m.entries().isEmpty()); // nothing in it is sent anywhere
    m.remember(entry(2), true);
    QCOMPARE(readAll(m_path), before); // and it is left as it is
}

void TestSenderMemory::notJsonIsReportedAndReplaced()
{
    QVERIFY(writeAll(m_path, "{\"version\": 1, \"transfers\": [ {\"tid\": "));
    SenderMemory m;
    QStringList problems;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"not JSON"_s));
    QVERIFY(!m.setFile(m_path, &problems));
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).contains(u"it is not JSON"_s) && problems.at(0).contains(u"replaced"_s),
             qPrintable(problems.at(0)));
    QVERIFY(m.entries().isEmpty());
    // The program goes on: what it sends from now on is kept.
    m.remember(entry(1), true);
    SenderMemory again;
    QVERIFY(again.setFile(m_path));
    QCOMPARE(again.entries().size(), 1);
}

void TestSenderMemory::badEntriesAreSkippedOthersKept_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("named"); // the field the problem names

    QTest::newRow("tid not hex") << u"tid"_s << QJsonValue(u"zz"_s.repeated(16)) << u"tid"_s;
    QTest::newRow("tid short") << u"tid"_s << QJsonValue(u"ab"_s) << u"tid"_s;
    QTest::newRow("peer bad id") << u"peer"_s << QJsonValue(u"b o b"_s) << u"peer"_s;
    QTest::newRow("relative path") << u"path"_s << QJsonValue(u"file.bin"_s) << u"path"_s;
    QTest::newRow("size negative") << u"size"_s << QJsonValue(-1) << u"size"_s;
    QTest::newRow("size text") << u"size"_s << QJsonValue(u"12"_s) << u"size"_s;
    QTest::newRow("mtime missing") << u"mtime"_s << QJsonValue() << u"mtime"_s;
    QTest::newRow("sha256 short") << u"sha256"_s << QJsonValue(u"abcd"_s) << u"sha256"_s;
    QTest::newRow("chunk too small") << u"chunk"_s << QJsonValue(10) << u"chunk"_s;
    QTest::newRow("chunk too large") << u"chunk"_s << QJsonValue(1 << 20) << u"chunk"_s;
    QTest::newRow("key short") << u"key"_s << QJsonValue(u"AAAA"_s) << u"key"_s;
    QTest::newRow("key missing") << u"key"_s << QJsonValue() << u"key"_s;
    QTest::newRow("peerKey bad") << u"peerKey"_s << QJsonValue(u"!!"_s) << u"peerKey"_s;
    QTest::newRow("acked past the end") << u"acked"_s << QJsonValue(1000) << u"acked"_s;
    QTest::newRow("acked fraction") << u"acked"_s << QJsonValue(1.5) << u"acked"_s;
    QTest::newRow("state unknown") << u"state"_s << QJsonValue(u"sending"_s) << u"state"_s;
}

void TestSenderMemory::badEntriesAreSkippedOthersKept()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QFETCH(QString, named);
    // A file edited by hand: the second of three entries is broken.
    QJsonObject doc = QJsonDocument::fromJson(SenderMemory::serialize({ entry(1), entry(2), entry(3) })).object();
    QJsonArray list = doc.value(u"transfers"_s).toArray();
    QJsonObject broken = list.at(1).toObject();
    if (value.isUndefined() || value.isNull())
        broken.remove(field);
    else
        broken.insert(field, value);
    list.replace(1, broken);
    doc.insert(u"transfers"_s, list);
    QVERIFY(writeAll(m_path, QJsonDocument(doc).toJson()));

    SenderMemory m;
    QStringList problems;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"entry 2 is skipped"_s));
    QVERIFY(m.setFile(m_path, &problems));
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.at(0).contains(u"entry 2 is skipped"_s) && problems.at(0).contains(u"\"%1\""_s.arg(named)),
             qPrintable(problems.at(0)));
    QCOMPARE(m.entries().size(), 2);
    QVERIFY(same(m.entries().at(0), entry(1)));
    QVERIFY(same(m.entries().at(1), entry(3)));
}

void TestSenderMemory::progressIsWrittenLateButNotLost()
{
    auto m = std::make_unique<SenderMemory>();
    m->setFile(m_path);
    m->remember(entry(1), true);
    const QByteArray offered = readAll(m_path);
    m->noteProgress(entry(1).tid, 40);
    QCOMPARE(readAll(m_path), offered); // not on every acknowledgement
    m.reset(); // closed: written
    SenderMemory again;
    again.setFile(m_path);
    QCOMPARE(again.entries().value(0).acked, 40);
}

QTEST_GUILESS_MAIN(TestSenderMemory)
#include "tst_sendermemory.moc"
