// The app's side of fail-over (issue 19): several hub addresses typed into the connect dialog, parsed, validated,
// remembered (an older single-address setting still read); an invitation's addresses fill the list; and the status
// says where the client is after it moved from one real hub to another.
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/dialogs.h"
#include "app/hubaddresses.h"
#include "client/peerclient.h"
#include "core/invitation.h"
#include "hub/hub.h"

#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestAppFailover : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void parse_data();
    void parse();
    void invitationInTheFieldBringsItsAddresses();
    void settingsKeepTheListAndReadTheOldAddress();
    void connectDialogParsesValidatesAndSaves();
    void invitationFillsTheList();
    void statusSaysWhereItMoved();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_qsettings;
    std::unique_ptr<AppSettings> m_settings;
};

void TestAppFailover::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings.reset();
    m_qsettings = std::make_unique<QSettings>(m_dir->filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    m_settings = std::make_unique<AppSettings>(m_qsettings.get());
}

void TestAppFailover::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("urls");
    QTest::addColumn<QString>("error"); // a part of the error, or empty

    QTest::newRow("one") << u"ws://10.0.0.1:9000"_s << QStringList { u"ws://10.0.0.1:9000"_s } << QString();
    QTest::newRow("spaces") << u"  ws://a:1   wss://b:2 "_s << QStringList { u"ws://a:1"_s, u"wss://b:2"_s } << QString();
    QTest::newRow("commas") << u"ws://a:1,wss://b:2, ws://c:3"_s
                            << QStringList { u"ws://a:1"_s, u"wss://b:2"_s, u"ws://c:3"_s } << QString();
    QTest::newRow("lines") << u"ws://a:1\nws://b:2\r\n"_s << QStringList { u"ws://a:1"_s, u"ws://b:2"_s } << QString();
    QTest::newRow("duplicate dropped") << u"ws://a:1 ws://b:2 ws://a:1"_s << QStringList { u"ws://a:1"_s, u"ws://b:2"_s }
                                       << QString();
    QTest::newRow("empty") << u" , "_s << QStringList() << u"looks like ws://"_s;
    QTest::newRow("bad one named") << u"ws://a:1, http://b:2, ws://c:3"_s << QStringList() << u"\"http://b:2\""_s;
    QTest::newRow("no host") << u"ws://a:1 ws://"_s << QStringList() << u"\"ws://\""_s;
    QTest::newRow("not a url") << u"hub.example"_s << QStringList() << u"\"hub.example\""_s;
    QTest::newRow("bad invitation") << u"ws://a:1 peerlink://join?hub=http%3A%2F%2Fx"_s << QStringList()
                                    << u"invitation"_s;
}

void TestAppFailover::parse()
{
    QFETCH(QString, text);
    QFETCH(QStringList, urls);
    QFETCH(QString, error);
    const HubAddresses parsed = HubAddresses::parse(text);
    if (error.isEmpty()) {
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        QStringList got;
        for (const QUrl &url : parsed.urls)
            got.append(url.toString());
        QCOMPARE(got, urls);
        // What format() writes reads back the same.
        QCOMPARE(HubAddresses::parse(HubAddresses::format(parsed.urls)).urls, parsed.urls);
    } else {
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error.contains(error), qPrintable(parsed.error));
    }
}

void TestAppFailover::invitationInTheFieldBringsItsAddresses()
{
    Invitation invitation;
    invitation.hubs = { QUrl(u"wss://10.0.0.1:9443"_s), QUrl(u"wss://hub.example:9443"_s) };
    invitation.fingerprint = u"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"_s;
    const HubAddresses parsed = HubAddresses::parse(u"ws://first:1 "_s + invitation.toLink());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.urls, QList<QUrl>({ QUrl(u"ws://first:1"_s), invitation.hubs.at(0), invitation.hubs.at(1) }));
    QCOMPARE(parsed.pins.value(invitation.hubs.at(1)), invitation.fingerprint);
    QVERIFY(!parsed.pins.contains(QUrl(u"ws://first:1"_s)));
}

void TestAppFailover::settingsKeepTheListAndReadTheOldAddress()
{
    // A settings file from a PeerLink that kept one address.
    m_qsettings->setValue(u"connection/hubUrl"_s, u"ws://old.example:9000"_s);
    QCOMPARE(m_settings->hubUrls(), QList<QUrl>({ QUrl(u"ws://old.example:9000"_s) }));
    QCOMPARE(m_settings->hubUrl(), QUrl(u"ws://old.example:9000"_s));

    const QList<QUrl> two { QUrl(u"ws://a.example:9000"_s), QUrl(u"wss://b.example:9443"_s) };
    m_settings->setHubUrls(two);
    m_settings->sync();
    QSettings again(m_dir->filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    AppSettings reread(&again);
    QCOMPARE(reread.hubUrls(), two);
    QCOMPARE(reread.hubUrl(), two.first());
    // The first also where an older PeerLink reads it.
    QCOMPARE(again.value(u"connection/hubUrl"_s).toString(), u"ws://a.example:9000"_s);
    // One address is a list of one.
    reread.setHubUrl(QUrl(u"ws://c.example:1"_s));
    QCOMPARE(reread.hubUrls(), QList<QUrl>({ QUrl(u"ws://c.example:1"_s) }));
}

void TestAppFailover::connectDialogParsesValidatesAndSaves()
{
    m_settings->setHubUrls({ QUrl(u"ws://a.example:9000"_s), QUrl(u"ws://b.example:9000"_s) });
    ConnectDialog dialog(m_settings.get(), nullptr);
    dialog.show();
    auto *field = dialog.findChild<QLineEdit *>(u"hubUrlEdit"_s);
    auto *error = dialog.findChild<QLabel *>(u"errorLabel"_s);
    QVERIFY(field && error);
    // The remembered list is shown as it was saved.
    QCOMPARE(HubAddresses::parse(field->text()).urls, m_settings->hubUrls());
    QCOMPARE(dialog.hubUrls(), m_settings->hubUrls());
    dialog.findChild<QLineEdit *>(u"idEdit"_s)->setText(u"me"_s);

    // One bad address among several: refused, naming it; nothing saved.
    field->setText(u"ws://10.0.0.1:9000, ftp://10.0.0.2:21, ws://10.0.0.3:9000"_s);
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"ftp://10.0.0.2:21"_s), qPrintable(error->text()));
    QCOMPARE(m_settings->hubUrl(), QUrl(u"ws://a.example:9000"_s));

    // Several, one a line or separated by spaces and commas: accepted and remembered in order.
    field->setText(u"ws://10.0.0.1:9000 ws://10.0.0.3:9000,wss://hub.example:9443"_s);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const QList<QUrl> expected { QUrl(u"ws://10.0.0.1:9000"_s), QUrl(u"ws://10.0.0.3:9000"_s),
                                 QUrl(u"wss://hub.example:9443"_s) };
    QCOMPARE(dialog.hubUrls(), expected);
    QCOMPARE(m_settings->hubUrls(), expected);
}

void TestAppFailover::invitationFillsTheList()
{
    ConnectDialog dialog(m_settings.get(), nullptr);
    const QList<QUrl> hubs { QUrl(u"ws://192.168.1.5:9000"_s), QUrl(u"ws://10.8.0.5:9000"_s) };
    dialog.setHubUrls(hubs);
    QCOMPARE(dialog.hubUrls(), hubs);
    QCOMPARE(dialog.hubUrl(), hubs.first());
}

void TestAppFailover::statusSaysWhereItMoved()
{
    Hub a, b;
    QVERIFY(a.listen(QHostAddress::LocalHost, 0));
    QVERIFY(b.listen(QHostAddress::LocalHost, 0));
    const QUrl urlA = a.serverUrl(); // (a closed hub has no address any more)
    const QUrl urlB = b.serverUrl();
    PeerClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(60000, 60000);
    ChatController controller(&client);
    QSignalSpy joinFailed(&controller, &ChatController::joinFailed);
    QVERIFY(controller.connectToHub(QList<QUrl> { urlA, urlB }, u"mover"_s, {}));
    QTRY_VERIFY(client.isJoined());
    QVERIFY(controller.statusText().contains(urlA.toString()));
    QVERIFY(!controller.statusText().contains(u"moved"_s));
    a.close();
    QTRY_VERIFY_WITH_TIMEOUT(client.isJoined() && client.hubUrl() == urlB, 5000);
    const QString status = controller.statusText();
    QVERIFY2(status.startsWith(u"Connected as mover to "_s + urlB.toString()), qPrintable(status));
    QVERIFY2(status.contains(u"moved here when "_s + urlA.toString()), qPrintable(status));
    QCOMPARE(joinFailed.size(), 0); // a move is not a failed join

    // The first hub dead from the start: no "could not reach" while the next one is still to be tried.
    PeerClient late;
    ChatController lateController(&late);
    QSignalSpy lateFailed(&lateController, &ChatController::joinFailed);
    QVERIFY(lateController.connectToHub(QList<QUrl> { urlA, urlB }, u"late"_s, {}));
    QTRY_VERIFY(late.isJoined());
    QCOMPARE(lateFailed.size(), 0);
    // Every hub dead: one failure, naming them.
    b.close();
    PeerClient lonely;
    ChatController lonelyController(&lonely);
    QSignalSpy lonelyFailed(&lonelyController, &ChatController::joinFailed);
    QVERIFY(lonelyController.connectToHub(QList<QUrl> { urlA, urlB }, u"lonely"_s, {}));
    QTRY_COMPARE(lonelyFailed.size(), 1);
    const QString why = lonelyFailed.at(0).at(0).toString();
    QVERIFY2(why.contains(urlA.toString()) && why.contains(urlB.toString()), qPrintable(why));
}

QTEST_MAIN(TestAppFailover)
#include "tst_appfailover.moc"
