// Switching the language at run time loads the embedded Chinese translation and retranslates the window.
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/hubhost.h"
#include "app/hubtext.h"
#include "app/languagemanager.h"
#include "app/mainwindow.h"

#include <QAction>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestLanguage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void translationsAreEmbedded();
    void switchToChineseAndBack();
    void errorWordsAreTranslated();
    void hostedHubWordsAreTranslated();
};

void TestLanguage::translationsAreEmbedded()
{
    QVERIFY(QFile::exists(u":/i18n/peerlink_zh_CN.qm"_s));
    QVERIFY(QFile::exists(u":/i18n/peerlink_en.qm"_s));
}

void TestLanguage::switchToChineseAndBack()
{
    QTemporaryDir dir;
    QSettings qs(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    AppSettings settings(&qs);
    LanguageManager language;
    HubHost host;
    PeerClient client;
    ChatController controller(&client);
    MainWindow window(&controller, &host, &settings, &language);
    window.show();
    auto *connect = window.findChild<QAction *>(u"actionConnect"_s);
    auto *hostAction = window.findChild<QAction *>(u"actionHost"_s);
    QCOMPARE(language.apply(u"en"_s), u"en"_s);
    QCOMPARE(connect->text(), u"&Connect to a hub…"_s);

    QCOMPARE(language.apply(u"zh_CN"_s), u"zh_CN"_s);
    QTRY_COMPARE(connect->text(), u"连接到枢纽(&C)…"_s); // LanguageChange events are posted
    QCOMPARE(hostAction->text(), u"托管枢纽(&H)"_s);
    QCOMPARE(controller.conversationTitle(QString()), u"所有人"_s);

    QCOMPARE(language.apply(u"en"_s), u"en"_s);
    QTRY_COMPARE(connect->text(), u"&Connect to a hub…"_s);
}

void TestLanguage::errorWordsAreTranslated()
{
    LanguageManager language;
    language.apply(u"zh_CN"_s);
    HubHost host;
    PeerClient client;
    ChatController controller(&client);
    QCOMPARE(controller.statusText(), u"未连接"_s);
    language.apply(u"en"_s);
}

void TestLanguage::hostedHubWordsAreTranslated()
{
    // The hub speaks English; the app words its typed reasons, in the user's language.
    LanguageManager language;
    language.apply(u"zh_CN"_s);
    QCOMPARE(describeLeaveReason(LeaveReason::Kicked, u"spam"_s), u"被托管者踢出：spam"_s);
    QCOMPARE(describeHostingError(HubError::AcceptFailed, u"EMFILE"_s), u"枢纽无法接受连接：EMFILE"_s);
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(!host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QCOMPARE(host.errorString(), u"已有一个枢纽在运行。"_s);
    QVERIFY(started.wait());
    language.apply(u"en"_s);
    QCOMPARE(describeLeaveReason(LeaveReason::Kicked, u"spam"_s), u"kicked by the host: spam"_s);
}

QTEST_MAIN(TestLanguage)
#include "tst_language.moc"
