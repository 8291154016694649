// Id, name and mid rules, and the token bucket behind rate limits.
#include "core/rules.h"
#include "core/tokenbucket.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ids_data();
    void ids();
    void names_data();
    void names();
    void mids_data();
    void mids();
    void base64UrlShapes();
    void tokenBucketBurstThenRate();
    void tokenBucketUnlimited();
};

void TestRules::ids_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << u"node1"_s << true;
    QTest::newRow("all classes") << u"A-z.0_9"_s << true;
    QTest::newRow("one char") << u"x"_s << true;
    QTest::newRow("64 chars") << QString(64, u'a') << true;
    QTest::newRow("65 chars") << QString(65, u'a') << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("space") << u"a b"_s << false;
    QTest::newRow("slash") << u"a/b"_s << false;
    QTest::newRow("at") << u"a@b"_s << false;
    QTest::newRow("chinese") << u"小明"_s << false;
    QTest::newRow("nul") << QString(QChar(0)) << false;
}

void TestRules::ids()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(Rules::isValidId(id), valid);
}

void TestRules::names_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("latin") << u"Alice Smith"_s << true;
    QTest::newRow("chinese") << u"小明"_s << true;
    QTest::newRow("emoji (surrogate pair)") << u"Bob 🎉"_s << true;
    QTest::newRow("64 chinese") << QString(64, QChar(0x4E2D)) << true;
    QTest::newRow("65 chinese") << QString(65, QChar(0x4E2D)) << false;
    QTest::newRow("64 emoji = 128 utf-16 units") << QString(u"😀"_s).repeated(64) << true;
    QTest::newRow("65 emoji") << QString(u"😀"_s).repeated(65) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("only spaces") << u"   "_s << false;
    QTest::newRow("newline") << u"a\nb"_s << false;
    QTest::newRow("bell") << u"a\u0007"_s << false;
    QTest::newRow("lone surrogate") << QString(QChar(0xD800)) << false;
    QTest::newRow("line separator") << u"a\u2028b"_s << false;
}

void TestRules::names()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(Rules::isValidName(name), valid);
}

void TestRules::mids_data()
{
    QTest::addColumn<QString>("mid");
    QTest::addColumn<bool>("valid");
    QTest::newRow("short") << u"m1"_s << true;
    QTest::newRow("64") << QString(64, u'z') << true;
    QTest::newRow("65") << QString(65, u'z') << false;
    QTest::newRow("space") << u"m 1"_s << true; // the contract allows any 64 characters
    QTest::newRow("chinese") << u"消息-1"_s << true;
    QTest::newRow("64 emoji") << QString(64, u'x').replace(u"x"_s, u"\U0001F600"_s) << true;
    QTest::newRow("65 emoji") << QString(65, u'x').replace(u"x"_s, u"\U0001F600"_s) << false;
    QTest::newRow("lone surrogate") << QString(QChar(0xd800)) << false;
    QTest::newRow("empty") << QString() << false;
}

void TestRules::mids()
{
    QFETCH(QString, mid);
    QFETCH(bool, valid);
    QCOMPARE(Rules::isValidMid(mid), valid);
}

// The identity values' shape check (core cannot decode with libsodium): exact length, alphabet, canonical tail.
void TestRules::base64UrlShapes()
{
    QVERIFY(Rules::isBase64UrlOf(u"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", 32));
    QVERIFY(Rules::isBase64UrlOf(QString(QString(42, u'-') + u'A'), 32));
    QVERIFY(Rules::isBase64UrlOf(QString(QString(42, u'_') + u'w'), 32)); // w = 48: the two spare bits are zero
    QVERIFY(!Rules::isBase64UrlOf(QString(QString(42, u'_') + u'x'), 32)); // x = 49: a spare bit set
    QVERIFY(!Rules::isBase64UrlOf(QString(42, u'A'), 32));
    QVERIFY(!Rules::isBase64UrlOf(QString(44, u'A'), 32));
    QVERIFY(!Rules::isBase64UrlOf(QString(QString(42, u'A') + u'='), 32));
    QVERIFY(!Rules::isBase64UrlOf(QString(QString(41, u'A') + u"+A"), 32));
    QVERIFY(!Rules::isBase64UrlOf(QString(QString(41, u'A') + u"/A"), 32));
    QVERIFY(Rules::isBase64UrlOf(QString(QString(85, u'z') + u'Q'), 64)); // Q = 16: the four spare bits are zero
    QVERIFY(!Rules::isBase64UrlOf(QString(QString(85, u'z') + u'R'), 64));
    QVERIFY(!Rules::isBase64UrlOf(QString(86, u'A'), 32));
    QVERIFY(!Rules::isBase64UrlOf(QString(), 0));
}

void TestRules::tokenBucketBurstThenRate()
{
    TokenBucket bucket(10.0, 3.0); // 10 per second, burst of 3
    qint64 t = 1000;
    QVERIFY(bucket.tryTake(t));
    QVERIFY(bucket.tryTake(t));
    QVERIFY(bucket.tryTake(t));
    QVERIFY(!bucket.tryTake(t)); // burst spent
    QVERIFY(!bucket.tryTake(t + 50)); // half a token back
    QVERIFY(bucket.tryTake(t + 100)); // one token back after 100 ms
    QVERIFY(!bucket.tryTake(t + 100));
    QVERIFY(bucket.tryTake(t + 10000)); // refills, but only up to the burst
    QVERIFY(bucket.tryTake(t + 10000));
    QVERIFY(bucket.tryTake(t + 10000));
    QVERIFY(!bucket.tryTake(t + 10000));
    QVERIFY(!bucket.tryTake(t + 5000)); // time going backwards gives nothing
}

void TestRules::tokenBucketUnlimited()
{
    TokenBucket bucket(0.0, 1.0);
    for (int i = 0; i < 1000; ++i)
        QVERIFY(bucket.tryTake(0));
}

QTEST_GUILESS_MAIN(TestRules)
#include "tst_rules.moc"
