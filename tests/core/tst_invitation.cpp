// Invitation links (issue 16, part 3): what the hub panel writes reads back the same, and a hostile or broken link is
// refused with a reason.
#include "core/invitation.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestInvitation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void readsAHandWrittenLink();
    void refusesBadLinks_data();
    void refusesBadLinks();
};

namespace {
const QString kFp = u"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"_s;
}

void TestInvitation::roundTrip()
{
    Invitation inv;
    inv.hubs = { QUrl(u"wss://192.168.1.5:9000"_s), QUrl(u"wss://[fe80::1%25eth0]:9000"_s), QUrl(u"ws://host.lan:9/"_s) };
    inv.name = u"Our hub & friends = 我们的中心 #1"_s;
    inv.fingerprint = kFp.toLower();
    inv.passwordRequired = true;
    const QString link = inv.toLink();
    QVERIFY(link.startsWith(u"peerlink://join?"_s));
    QVERIFY(!link.contains(u' '));
    QVERIFY(Invitation::isLink(link));
    QString error;
    const auto back = Invitation::fromLink(link, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->hubs, inv.hubs);
    QCOMPARE(back->name, inv.name);
    QCOMPARE(back->fingerprint, kFp); // upper case, as peerlink-hub prints it
    QVERIFY(back->passwordRequired);
    // Without the optional parts.
    Invitation plain;
    plain.hubs = { QUrl(u"ws://127.0.0.1:9000"_s) };
    const auto p = Invitation::fromLink(plain.toLink());
    QVERIFY(p);
    QCOMPARE(p->hubs, plain.hubs);
    QVERIFY(p->name.isEmpty() && p->fingerprint.isEmpty() && !p->passwordRequired);
    // The largest invitation the reader accepts (found by fuzzing: percent escapes in the addresses are encoded once
    // more in the link) still makes a link the reader accepts.
    Invitation big;
    for (int i = 0; i < Invitation::MaxHubs; ++i)
        big.hubs.append(QUrl(u"ws://h%1:1/"_s.arg(i) + QString(20, u'\uFFFD'), QUrl::TolerantMode));
    big.name = QString(64, u'名');
    big.fingerprint = kFp;
    QString why;
    const auto bigBack = Invitation::fromLink(Invitation::fromLink(big.toLink(), &why).value_or(Invitation()).toLink(), &why);
    QVERIFY2(bigBack, qPrintable(why));
    QCOMPARE(bigBack->hubs, big.hubs);
    QCOMPARE(bigBack->name, big.name);
}

void TestInvitation::readsAHandWrittenLink()
{
    const auto inv = Invitation::fromLink(u"  peerlink://join?hub=ws://10.0.0.2:9000&pw=0&future=yes  "_s);
    QVERIFY(inv);
    QCOMPARE(inv->hubs, QList<QUrl>({ QUrl(u"ws://10.0.0.2:9000"_s) }));
    QVERIFY(!inv->passwordRequired);
    QVERIFY(!Invitation::isLink(u"ws://10.0.0.2:9000"_s));
}

void TestInvitation::refusesBadLinks_data()
{
    QTest::addColumn<QString>("link");
    QTest::addColumn<QString>("why");
    QTest::newRow("other scheme") << u"https://join?hub=ws://a:1"_s << u"peerlink://join"_s;
    QTest::newRow("other action") << u"peerlink://leave?hub=ws://a:1"_s << u"peerlink://join"_s;
    QTest::newRow("no hub") << u"peerlink://join?name=x"_s << u"no hub"_s;
    QTest::newRow("http hub") << u"peerlink://join?hub=http%3A%2F%2Fa%3A1"_s << u"not a ws://"_s;
    QTest::newRow("javascript hub") << u"peerlink://join?hub=javascript%3Aalert(1)"_s << u"not a ws://"_s;
    QTest::newRow("hub with a password in it") << u"peerlink://join?hub=ws%3A%2F%2Fu%3Ap%40a%3A1"_s << u"not a ws://"_s;
    QString nine = u"peerlink://join?"_s;
    for (int i = 0; i < 9; ++i)
        nine += u"hub=ws://a%1:1&"_s.arg(i);
    QTest::newRow("nine hubs") << nine << u"at most 8"_s;
    QTest::newRow("short fingerprint") << u"peerlink://join?hub=ws://a:1&fp=AB:CD"_s << u"fingerprint"_s;
    QTest::newRow("pw other") << u"peerlink://join?hub=ws://a:1&pw=yes"_s << u"'pw'"_s;
    QTest::newRow("name with a newline") << u"peerlink://join?hub=ws://a:1&name=a%0Ab"_s << u"name"_s;
    QTest::newRow("too long") << (u"peerlink://join?hub=ws://a:1&x="_s + QString(9000, u'a')) << u"at most 8192"_s;
    QTest::newRow("long address") << (u"peerlink://join?hub=ws://a:1/"_s + QString(200, u'p')) << u"at most 200"_s;
}

void TestInvitation::refusesBadLinks()
{
    QFETCH(QString, link);
    QFETCH(QString, why);
    QString error;
    QVERIFY(!Invitation::fromLink(link, &error));
    QVERIFY2(error.contains(why), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestInvitation)
#include "tst_invitation.moc"
