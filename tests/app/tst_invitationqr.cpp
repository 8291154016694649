// The invitation's QR code (issue 16, part 3), read back by a real decoder (zxing-cpp): what a phone camera or a second
// machine scans is the link itself, for a long link with several addresses and a fingerprint too.
#include "appwindowfixture.h"
#include "app/hubpanel.h"
#include "app/qrcode.h"
#include "core/invitation.h"

#include "qrdecode.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestInvitationQr : public QObject, protected Test::AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QVERIFY(setUpApp()); }
    void cleanup() { tearDownApp(); }
    void decodesToTheLink_data();
    void decodesToTheLink();
    void tooLongIsNull();
    void hubPanelShowsAndCopiesTheInvitation();
};

void TestInvitationQr::decodesToTheLink_data()
{
    QTest::addColumn<QString>("link");
    Invitation small;
    small.hubs = { QUrl(u"ws://192.168.1.5:9000"_s) };
    QTest::newRow("one address") << small.toLink();
    Invitation full;
    full.hubs = { QUrl(u"wss://192.168.1.5:9000"_s), QUrl(u"wss://10.0.0.7:9000"_s), QUrl(u"wss://[fd00::5]:9000"_s) };
    full.name = u"我们的中心 & friends"_s;
    full.fingerprint = u"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"_s;
    full.passwordRequired = true;
    QTest::newRow("three addresses, name, fingerprint") << full.toLink();
}

void TestInvitationQr::decodesToTheLink()
{
    QFETCH(QString, link);
    const QImage image = qrCodeImage(link, 4);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), image.height());
    const QString read = Test::decodeQr(image);
    QCOMPARE(read, link);
    QVERIFY(Invitation::fromLink(read)); // and it is a valid invitation
}

void TestInvitationQr::tooLongIsNull()
{
    QVERIFY(qrCodeImage(QString(8000, u'x')).isNull()); // over a QR code's capacity: no image, no crash
    QVERIFY(qrCodeImage(u"x"_s, 0).isNull());
}

void TestInvitationQr::hubPanelShowsAndCopiesTheInvitation()
{
    // Hosting with a password: the panel's link names the hub's addresses and says a password is needed (without it),
    // Copy puts it on the clipboard, and its QR code decodes to the same link.
    QVERIFY(m_window->startHosting(std::nullopt, u"s3cret-pass"_s));
    QTRY_VERIFY_WITH_TIMEOUT(m_host->isRunning(), 10000);
    auto *panel = m_window->findChild<HubPanel *>();
    QVERIFY(panel);
    QTRY_VERIFY(!panel->invitation().isEmpty());
    const QString link = panel->invitation();
    QVERIFY(!link.contains(u"s3cret"_s));
    const auto invitation = Invitation::fromLink(link);
    QVERIFY(invitation);
    QCOMPARE(invitation->hubs, m_host->shareableUrls());
    QVERIFY(invitation->passwordRequired);
    panel->findChild<QPushButton *>(u"copyInvitationButton"_s)->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), link);
    const QPixmap qr = panel->findChild<QLabel *>(u"qrLabel"_s)->pixmap();
    QVERIFY(!qr.isNull());
    QCOMPARE(Test::decodeQr(qr.toImage()), link);
    m_window->stopHosting();
    QTRY_VERIFY_WITH_TIMEOUT(!m_host->isRunning() && !m_host->isStopping(), 10000);
    QVERIFY(panel->invitation().isEmpty());
}

QTEST_MAIN(TestInvitationQr)
#include "tst_invitationqr.moc"
