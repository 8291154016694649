// Trust on first use: known keys per hub and id, kept in an owner-only file written atomically; a corrupt file is
// reported and left alone.
#include "client/keystore.h"
#include "crypto/identity.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestKeyStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void memoryOnly();
    void savedOwnerOnlyAndReloaded();
    void corruptFileIsReportedNotOverwritten_data();
    void corruptFileIsReportedNotOverwritten();
    void fileWritableByOthersIsRefused();

private:
    const QByteArray m_a = Crypto::Identity::generate().publicKey();
    const QByteArray m_b = Crypto::Identity::generate().publicKey();
};

void TestKeyStore::memoryOnly()
{
    KeyStore store;
    QString error;
    QVERIFY(store.setFile(QString(), &error));
    QVERIFY(store.key(u"ws://h:1"_s, u"alice"_s).isEmpty());
    QVERIFY(store.remember(u"ws://h:1"_s, u"alice"_s, m_a, &error));
    QCOMPARE(store.key(u"ws://h:1"_s, u"alice"_s), m_a);
    QVERIFY(store.key(u"ws://h:2"_s, u"alice"_s).isEmpty()); // per hub
    QVERIFY(store.key(u"ws://h:1"_s, u"bob"_s).isEmpty());
}

void TestKeyStore::savedOwnerOnlyAndReloaded()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"id.key.known"_s);
    {
        KeyStore store;
        QString error;
        QVERIFY(store.setFile(path, &error));
        QVERIFY2(store.remember(u"ws://127.0.0.1:9000"_s, u"alice"_s, m_a, &error), qPrintable(error));
        QVERIFY2(store.remember(u"ws://127.0.0.1:9000"_s, u"bob"_s, m_b, &error), qPrintable(error));
        QVERIFY(store.remember(u"ws://127.0.0.1:9000"_s, u"bob"_s, m_a, &error)); // a trusted change replaces it
    }
#ifdef Q_OS_UNIX
    QCOMPARE(QFile::permissions(path) & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
             QFile::Permissions());
#endif
    KeyStore again;
    QString error;
    QVERIFY2(again.setFile(path, &error), qPrintable(error));
    QCOMPARE(again.key(u"ws://127.0.0.1:9000"_s, u"alice"_s), m_a);
    QCOMPARE(again.key(u"ws://127.0.0.1:9000"_s, u"bob"_s), m_a);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains(QByteArray("ws://127.0.0.1:9000 alice " + Crypto::toBase64(m_a) + '\n')));
}

void TestKeyStore::corruptFileIsReportedNotOverwritten_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("two fields") << "ws://h:1 alice\n"_ba;
    QTest::newRow("bad key") << "ws://h:1 alice !!!!\n"_ba;
    QTest::newRow("short key") << "ws://h:1 alice AAAA\n"_ba;
    QTest::newRow("bad id") << ("ws://h:1 al/ice " + Crypto::toBase64(QByteArray(32, 'k')) + '\n');
    QTest::newRow("binary") << QByteArray(64, '\x01');
}

void TestKeyStore::corruptFileIsReportedNotOverwritten()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"known"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("# comment\n\nws://h:1 bob " + Crypto::toBase64(m_b) + '\n' + content);
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    }
    KeyStore store;
    QString error;
    QVERIFY(!store.setFile(path, &error));
    QVERIFY2(error.contains(u"line 4"_s), qPrintable(error));
    QVERIFY(store.isBroken());
    QVERIFY(!store.remember(u"ws://h:1"_s, u"alice"_s, m_a, &error)); // not written over the user's file
    QCOMPARE(store.key(u"ws://h:1"_s, u"alice"_s), m_a); // (remembered for this session only)
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().endsWith(content));
}

void TestKeyStore::fileWritableByOthersIsRefused()
{
#ifdef Q_OS_UNIX
    QTemporaryDir dir;
    const QString path = dir.filePath(u"known"_s);
    KeyStore store;
    QString error;
    QVERIFY(store.setFile(path, &error));
    QVERIFY(store.remember(u"ws://h:1"_s, u"alice"_s, m_a, &error));
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::WriteOther));
    KeyStore again;
    QVERIFY(!again.setFile(path, &error));
    QVERIFY2(error.contains(u"chmod 600"_s), qPrintable(error));
#else
    QSKIP("permissions are POSIX");
#endif
}

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_keystore.moc"
