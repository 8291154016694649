// The app's hosting options become the hub's configuration through one function, with the hub's own checks.
#include "app/appsettings.h"
#include "app/hostingconfig.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestHostingConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void fieldsMapToTheHubsSettings();
    void overridesWin();
    void moreSettingsApplyButMayNotRepeatAField_data();
    void moreSettingsApplyButMayNotRepeatAField();
    void badFieldIsRefusedAndNothingChanges();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_qsettings;
    std::unique_ptr<AppSettings> m_settings;
};

void TestHostingConfig::init()
{
    m_qsettings = std::make_unique<QSettings>(m_dir.filePath(u"app.ini"_s), QSettings::IniFormat);
    m_qsettings->clear();
    m_settings = std::make_unique<AppSettings>(m_qsettings.get());
}

void TestHostingConfig::fieldsMapToTheHubsSettings()
{
    m_settings->setPeerId(u"host-1"_s);
    m_settings->setHostBindAddress(QHostAddress(u"::"_s));
    m_settings->setHostPort(9123);
    m_settings->setHubName(u"团队枢纽"_s);
    m_settings->setHostPassword(u"pw"_s);
    m_settings->setHostMaxPeers(40);
    m_settings->setHostMaxMessageKiB(128);
    m_settings->setHostMessagesPerSecond(7);
    m_settings->setHostMaxConnectionsPerAddress(0);
    HubServiceConfig config;
    QString error;
    QVERIFY2(hostingConfig(*m_settings, config, &error), qPrintable(error));
    QCOMPARE(config.bind, QHostAddress(QHostAddress::AnyIPv6));
    QCOMPARE(config.port, quint16(9123));
    QCOMPARE(config.hub.name, u"团队枢纽"_s);
    QCOMPARE(config.hub.password, u"pw"_s);
    QCOMPARE(config.hub.maxPeers, 40);
    QCOMPARE(config.hub.maxMessageBytes, 128 * 1024);
    QCOMPARE(config.hub.messagesPerSecond, 7.0);
    QCOMPARE(config.hub.messageBurst, 14.0);
    QCOMPARE(config.hub.maxConnectionsPerAddress, 0);
    QCOMPARE(config.hub.hostId, u"host-1"_s);
    QVERIFY(!config.hub.useTls());
    // Untouched settings keep the hub's defaults.
    QCOMPARE(config.hub.bytesPerSecond, HubConfig().bytesPerSecond);
}

void TestHostingConfig::overridesWin()
{
    m_settings->setHostPort(9123);
    m_settings->setHostPassword(u"saved"_s);
    HubServiceConfig config;
    QVERIFY(hostingConfig(*m_settings, config, nullptr, quint16(0), u"given"_s));
    QCOMPARE(config.port, quint16(0));
    QCOMPARE(config.hub.password, u"given"_s);
}

void TestHostingConfig::moreSettingsApplyButMayNotRepeatAField_data()
{
    QTest::addColumn<QString>("lines");
    QTest::addColumn<bool>("ok");
    QTest::newRow("other key") << u"byte-rate = 1234\nburst = 9\n"_s << true;
    QTest::newRow("port") << u"port = 1\n"_s << false;
    QTest::newRow("bind") << u"bind = 0.0.0.0\n"_s << false;
    QTest::newRow("password") << u"password = x\n"_s << false;
    QTest::newRow("name") << u"name = x\n"_s << false;
    QTest::newRow("max-peers") << u"# c\nmax-peers = 5\n"_s << false;
    QTest::newRow("rate") << u"rate = 5\n"_s << false;
}

void TestHostingConfig::moreSettingsApplyButMayNotRepeatAField()
{
    QFETCH(QString, lines);
    QFETCH(bool, ok);
    m_settings->setHostMoreSettings(lines);
    HubServiceConfig config;
    config.port = 4242; // untouched on failure
    QString error;
    QCOMPARE(hostingConfig(*m_settings, config, &error), ok);
    if (ok) {
        QCOMPARE(config.hub.bytesPerSecond, 1234.0);
        QCOMPARE(config.hub.messageBurst, 9.0); // a line wins over the burst that follows the rate
    } else {
        QCOMPARE(config.port, quint16(4242));
        const QString key = lines.section(u'\n', -2, -2).section(u' ', 0, 0);
        QVERIFY2(error.contains(key) && error.contains(u"More settings:"_s), qPrintable(error));
    }
}

void TestHostingConfig::badFieldIsRefusedAndNothingChanges()
{
    m_settings->setHubName(QString(65, u'x')); // over the protocol's 64
    HubServiceConfig config;
    config.port = 4242;
    QString error;
    QVERIFY(!hostingConfig(*m_settings, config, &error));
    QVERIFY2(error.contains(u"name"_s), qPrintable(error));
    QCOMPARE(config.port, quint16(4242));
}

QTEST_MAIN(TestHostingConfig)
#include "tst_hostingconfig.moc"
