// peerlink-hub's settings: one table for the config file and the command line, strict values, clear errors.
#include "hub/hubsettings.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestHubSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void applyValues_data();
    void applyValues();
    void refusedValuesLeaveConfigUnchanged();
    void configFile();
    void configFileErrors_data();
    void configFileErrors();
    void everySettingIsDocumented();
    void settingsAgreeEverywhere_data();
    void settingsAgreeEverywhere();
    void everyConfigFieldHasAKey();
    void numbersKeepTheirRangeAndUnit();
    void reservedKeysAreRefused();
    void autobanIgnoreTakesNetworks();
    void trustedProxiesTakeNetworks();
    void banFile();
    void badBanFileChangesNothing_data();
    void badBanFileChangesNothing();
    void mailboxSettings();

private:
    static QString write(QTemporaryDir &dir, const QByteArray &content);
};

void TestHubSettings::applyValues_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("ok");
    QTest::newRow("bind v4") << u"bind"_s << u"0.0.0.0"_s << true;
    QTest::newRow("bind v6") << u"bind"_s << u"::"_s << true;
    QTest::newRow("bind name") << u"bind"_s << u"localhost"_s << false;
    QTest::newRow("port") << u"port"_s << u"9000"_s << true;
    QTest::newRow("port too big") << u"port"_s << u"65536"_s << false;
    QTest::newRow("port negative") << u"port"_s << u"-1"_s << false;
    QTest::newRow("port text") << u"port"_s << u"nine"_s << false;
    QTest::newRow("name chinese") << u"name"_s << u"团队枢纽"_s << true;
    QTest::newRow("name empty") << u"name"_s << u""_s << false;
    QTest::newRow("password") << u"password"_s << u"s3cret, with comma"_s << true;
    QTest::newRow("max-message-bytes") << u"max-message-bytes"_s << u"1048576"_s << true;
    QTest::newRow("max-message-bytes tiny") << u"max-message-bytes"_s << u"10"_s << false;
    QTest::newRow("max-peers zero") << u"max-peers"_s << u"0"_s << false;
    QTest::newRow("rate off") << u"rate"_s << u"0"_s << true;
    QTest::newRow("ping-interval") << u"ping-interval"_s << u"30"_s << true;
    QTest::newRow("mailbox-ttl") << u"mailbox-ttl"_s << u"3600"_s << true;
    QTest::newRow("mailbox-ttl zero") << u"mailbox-ttl"_s << u"0"_s << false;
    QTest::newRow("mailbox-messages off") << u"mailbox-messages"_s << u"0"_s << true;
    QTest::newRow("mailbox-messages negative") << u"mailbox-messages"_s << u"-1"_s << false;
    QTest::newRow("mailbox-bytes") << u"mailbox-bytes"_s << u"65536"_s << true;
    QTest::newRow("mailbox-bytes tiny") << u"mailbox-bytes"_s << u"10"_s << false;
    QTest::newRow("mailbox-total-bytes") << u"mailbox-total-bytes"_s << u"1073741824"_s << true;
    QTest::newRow("mailbox-total-bytes text") << u"mailbox-total-bytes"_s << u"lots"_s << false;
    QTest::newRow("redis") << u"redis"_s << u"redis://127.0.0.1:6380/2"_s << true;
    QTest::newRow("redis password") << u"redis"_s << u"redis://:secret@localhost"_s << true;
    QTest::newRow("redis off") << u"redis"_s << QString() << true;
    QTest::newRow("redis scheme") << u"redis"_s << u"http://127.0.0.1:6379"_s << false;
    QTest::newRow("redis no host") << u"redis"_s << u"redis://"_s << false;
    QTest::newRow("redis db") << u"redis"_s << u"redis://127.0.0.1/x"_s << false;
    QTest::newRow("redis port") << u"redis"_s << u"redis://127.0.0.1:99999"_s << false;
    QTest::newRow("cluster-timeout") << u"cluster-timeout"_s << u"5000"_s << true;
    QTest::newRow("cluster-timeout low") << u"cluster-timeout"_s << u"299"_s << false;
    QTest::newRow("cluster-timeout high") << u"cluster-timeout"_s << u"600001"_s << false;
    QTest::newRow("unknown key") << u"colour"_s << u"blue"_s << false;
}

void TestHubSettings::applyValues()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(bool, ok);
    HubServiceConfig config;
    QString error;
    QCOMPARE(applyHubSetting(config, key, value, &error), ok);
    QCOMPARE(error.isEmpty(), ok);
    if (!ok)
        QVERIFY2(error.contains(key), qPrintable(error));
}

void TestHubSettings::refusedValuesLeaveConfigUnchanged()
{
    HubServiceConfig config;
    QVERIFY(applyHubSetting(config, u"port"_s, u"9000"_s, nullptr));
    QVERIFY(!applyHubSetting(config, u"port"_s, u"99999"_s, nullptr));
    QCOMPARE(config.port, quint16(9000));
    QVERIFY(applyHubSetting(config, u"ping-interval"_s, u"30"_s, nullptr));
    QCOMPARE(config.hub.pingIntervalMs, 30000);
    QVERIFY(applyHubSetting(config, u"password"_s, u"a, b"_s, nullptr));
    QCOMPARE(config.hub.password, u"a, b"_s);
}

QString TestHubSettings::write(QTemporaryDir &dir, const QByteArray &content)
{
    static int n = 0;
    const QString path = dir.filePath(u"hub%1.conf"_s.arg(++n));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(content);
    return path;
}

void TestHubSettings::configFile()
{
    QTemporaryDir dir;
    const QString path = write(dir, "# PeerLink hub\n"
                                    "; another comment\n"
                                    "\n"
                                    "bind = 0.0.0.0\n"
                                    "port=9100\n"
                                    "name =   Team hub, second floor  \n"
                                    "password = x=y\n"
                                    "max-peers = 50\n"
                                    "rate = 5\n");
    HubServiceConfig config;
    QString error;
    QVERIFY2(loadHubConfigFile(path, config, &error), qPrintable(error));
    QCOMPARE(config.bind, QHostAddress(QHostAddress::AnyIPv4));
    QCOMPARE(config.port, quint16(9100));
    QCOMPARE(config.hub.name, u"Team hub, second floor"_s);
    QCOMPARE(config.hub.password, u"x=y"_s);
    QCOMPARE(config.hub.maxPeers, 50);
    QCOMPARE(config.hub.messagesPerSecond, 5.0);
    QCOMPARE(config.hub.maxMessageBytes, HubConfig().maxMessageBytes); // untouched keys keep their defaults
}

void TestHubSettings::configFileErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no equals") << "port 9000\n"_ba << u":1: expected"_s;
    QTest::newRow("bad value on line 3") << "# c\nport = 1\nport = lots\n"_ba << u":3: port"_s;
    QTest::newRow("unknown key") << "bind = ::\nprot = 1\n"_ba << u":2: unknown setting \"prot\""_s;
    QTest::newRow("invalid utf-8") << "name = \xff\xfe\n"_ba << u"UTF-8"_s;
    QTest::newRow("a bad proxy network") << "port = 1\ntrusted-proxies = 127.0.0.1/32, 10.0.0.0/33\n"_ba
                                         << u":2: trusted-proxies takes networks such as 127.0.0.0/8, ::1 (got \"10.0.0.0/33\")"_s;
}

void TestHubSettings::configFileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = write(dir, content);
    HubServiceConfig config;
    config.port = 1234;
    QString error;
    QVERIFY(!loadHubConfigFile(path, config, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY(error.startsWith(path));
    QCOMPARE(config.port, quint16(1234)); // nothing applied from a bad file
}

void TestHubSettings::everySettingIsDocumented()
{
    const QList<HubSettingInfo> settings = hubSettings();
    QVERIFY(settings.size() >= 11);
    QFile doc(QStringLiteral(PEERLINK_SOURCE_DIR "/packaging/linux/hub.conf"));
    QVERIFY(doc.open(QIODevice::ReadOnly));
    const QString example = QString::fromUtf8(doc.readAll());
    for (const HubSettingInfo &s : settings) {
        QVERIFY(!s.description.isEmpty());
        QVERIFY2(example.contains(u"\n# "_s + s.key + u" ="_s) || example.contains(u'\n' + s.key + u" ="_s),
                 qPrintable(s.key + u" is not in packaging/linux/hub.conf"_s));
    }
    // The shipped example file is itself a valid config.
    HubServiceConfig config;
    QString error;
    QVERIFY2(loadHubConfigFile(doc.fileName(), config, &error), qPrintable(error));
}

void TestHubSettings::banFile()
{
    QTemporaryDir dir;
    const QString path = write(dir, "# bans\n192.0.2.7\nid:spammer   # since Tuesday\n\n2001:db8::7\nid:troll\n");
    BanList bans;
    QString error;
    QVERIFY2(loadBanFile(path, bans, &error), qPrintable(error));
    QCOMPARE(bans.ids, QStringList({ u"spammer"_s, u"troll"_s }));
    QCOMPARE(bans.addresses, QList<QHostAddress>({ QHostAddress(u"192.0.2.7"_s), QHostAddress(u"2001:db8::7"_s) }));
}

void TestHubSettings::badBanFileChangesNothing_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("host name") << "192.0.2.1\nexample.org\n"_ba << u":2: expected an IP address"_s;
    QTest::newRow("bad id") << "id:not valid\n"_ba << u":1: \"not valid\" is not a valid peer id"_s;
}

void TestHubSettings::badBanFileChangesNothing()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    BanList bans;
    bans.ids = { u"kept"_s };
    QString error;
    QVERIFY(!loadBanFile(write(dir, content), bans, &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QCOMPARE(bans.ids, QStringList({ u"kept"_s }));
    QVERIFY(!loadBanFile(dir.filePath(u"missing"_s), bans, &error));
    QVERIFY(error.contains(u"cannot read"_s));
}

// The documentation made from the declarations must be what is checked in: a setting added to the table only, or to
// a document only, fails here. PEERLINK_REGENERATE=1 rewrites the generated parts instead of comparing them.
void TestHubSettings::settingsAgreeEverywhere_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("begin");
    QTest::addColumn<QString>("end");
    QTest::addColumn<QString>("generated");
    QTest::newRow("man page") << u"packaging/man/peerlink-hub.1"_s << u".\\\" BEGIN SETTINGS"_s
                              << u".\\\" END SETTINGS"_s << hubSettingsManPage();
    QTest::newRow("hub.conf") << u"packaging/linux/hub.conf"_s << u"# BEGIN SETTINGS"_s << u"# END SETTINGS"_s
                              << hubSettingsConfFile({ { u"bind"_s, u"0.0.0.0"_s }, { u"port"_s, u"9000"_s },
                                                      { u"data-dir"_s, u"/var/lib/peerlink-hub"_s } });
    QTest::newRow("docs") << u"docs/hub-settings.md"_s << u"<!-- BEGIN SETTINGS"_s << u"<!-- END SETTINGS"_s
                          << hubSettingsMarkdown();
}

void TestHubSettings::settingsAgreeEverywhere()
{
    QFETCH(QString, file);
    QFETCH(QString, begin);
    QFETCH(QString, end);
    QFETCH(QString, generated);
    QFile f(QStringLiteral(PEERLINK_SOURCE_DIR "/") + file);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(file));
    const QString text = QString::fromUtf8(f.readAll());
    f.close();
    const qsizetype b = text.indexOf(begin);
    QVERIFY2(b >= 0, qPrintable(file + u": no "_s + begin));
    const qsizetype from = text.indexOf(u'\n', b) + 1;
    const qsizetype to = text.indexOf(end, from);
    QVERIFY2(to >= from, qPrintable(file + u": no "_s + end));
    if (qEnvironmentVariableIsSet("PEERLINK_REGENERATE")) {
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write((text.left(from) + generated + text.mid(to)).toUtf8());
        return;
    }
    QCOMPARE(text.mid(from, to - from), generated);
}

// Every field of HubConfig that an operator may need has a key: the fields are read from the header itself, so a
// new field without a setting fails here unless it is named below as set another way.
void TestHubSettings::everyConfigFieldHasAKey()
{
    QFile header(QStringLiteral(PEERLINK_SOURCE_DIR "/src/hub/hubconfig.h"));
    QVERIFY(header.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(header.readAll());
    static const QRegularExpression field(uR"(^    [A-Za-z0-9:<>, ]+ (\w+)( = [^;]+)?;\s*$)"_s,
                                          QRegularExpression::MultilineOption);
    QStringList members;
    for (const QRegularExpressionMatch &m : field.globalMatch(text))
        members.append(m.captured(1));
    QVERIFY2(members.size() >= 30, qPrintable(members.join(u' ')));
    QStringList withKeys;
    for (const HubSettingInfo &s : hubSettings())
        withKeys.append(s.member.section(u'.', -1));
    // Set otherwise: the app marks its own peer (hostId), bans come from --ban-file and the hub panel.
    const QStringList otherwise { u"hostId"_s, u"bannedIds"_s, u"bannedAddresses"_s };
    for (const QString &member : std::as_const(members)) {
        QVERIFY2(withKeys.contains(member) || otherwise.contains(member),
                 qPrintable(u"HubConfig::"_s + member + u" has no setting in hubsettings.cpp"_s));
    }
    for (const QString &member : std::as_const(withKeys)) {
        QVERIFY2(members.contains(member) || member == u"bind" || member == u"port",
                 qPrintable(member + u" is not a field of HubConfig"_s));
    }
}

void TestHubSettings::numbersKeepTheirRangeAndUnit()
{
    for (const HubSettingInfo &s : hubSettings()) {
        QVERIFY2(!s.description.isEmpty() && !s.member.isEmpty() && !s.valueName.isEmpty(), qPrintable(s.key));
        // The default as written is accepted as it is.
        if (s.kind != HubSettingKind::File && s.kind != HubSettingKind::Secret) {
            HubServiceConfig config;
            QString error;
            QVERIFY2(applyHubSetting(config, s.key, s.defaultValue, &error), qPrintable(s.key + u": "_s + error));
        }
        if (s.kind != HubSettingKind::Number)
            continue;
        HubServiceConfig config;
        QVERIFY2(applyHubSetting(config, s.key, QString::number(s.minimum), nullptr), qPrintable(s.key));
        QVERIFY2(applyHubSetting(config, s.key, QString::number(s.maximum), nullptr), qPrintable(s.key));
        QVERIFY2(!applyHubSetting(config, s.key, QString::number(s.minimum - 1), nullptr), qPrintable(s.key));
        QVERIFY2(!applyHubSetting(config, s.key, QString::number(s.maximum + 1), nullptr), qPrintable(s.key));
    }
    // Seconds are stored as milliseconds; milliseconds as they are.
    HubServiceConfig config;
    QVERIFY(applyHubSetting(config, u"handshake-timeout"_s, u"7"_s, nullptr));
    QCOMPARE(config.hub.handshakeTimeoutMs, 7000);
    QVERIFY(applyHubSetting(config, u"introduction-timeout"_s, u"9"_s, nullptr));
    QCOMPARE(config.hub.introductionTimeoutMs, 9000);
    QVERIFY(applyHubSetting(config, u"reconnect-grace"_s, u"1500"_s, nullptr));
    QCOMPARE(config.hub.reconnectGraceMs, 1500);
    QVERIFY(applyHubSetting(config, u"hard-frame-bytes"_s, u"300000"_s, nullptr));
    QCOMPARE(config.hub.effectiveHardFrameBytes(), 300000);
    QVERIFY(applyHubSetting(config, u"max-held-messages"_s, u"12"_s, nullptr));
    QCOMPARE(config.hub.maxGhostQueue, 12);
    QVERIFY(applyHubSetting(config, u"max-pending-introductions"_s, u"3"_s, nullptr));
    QCOMPARE(config.hub.maxPendingIntroductions, 3);
    QVERIFY(applyHubSetting(config, u"max-pending-connections"_s, u"64"_s, nullptr));
    QCOMPARE(config.hub.maxPendingConnections, 64);
    // The hub name follows the protocol's name rule everywhere: 64 characters at most.
    QVERIFY(applyHubSetting(config, u"name"_s, QString(64, u'n'), nullptr));
    QVERIFY(!applyHubSetting(config, u"name"_s, QString(65, u'n'), nullptr));
}

void TestHubSettings::reservedKeysAreRefused()
{
    const QStringList dialog = hubDialogSettingKeys();
    for (const QString &key : { u"port"_s, u"bind"_s, u"password"_s, u"name"_s, u"max-peers"_s })
        QVERIFY2(dialog.contains(key), qPrintable(key));
    QVERIFY(!dialog.contains(u"byte-rate"_s));
    HubServiceConfig config;
    QString error;
    QVERIFY(!applyHubSettingsText(u"byte-rate = 5\nmax-peers = 50\n"_s, u"More settings"_s, config, &error, dialog));
    QVERIFY2(error.contains(u":2:"_s) && error.contains(u"max-peers"_s), qPrintable(error));
    QCOMPARE(config.hub.bytesPerSecond, HubConfig().bytesPerSecond); // nothing applied
    QVERIFY(applyHubSettingsText(u"byte-rate = 5\n"_s, u"More settings"_s, config, &error, dialog));
    QCOMPARE(config.hub.bytesPerSecond, 5.0);
}

void TestHubSettings::autobanIgnoreTakesNetworks()
{
    HubServiceConfig config;
    QCOMPARE(findHubSetting(u"autoban-ignore"_s)->defaultValue, u"127.0.0.0/8, ::1"_s);
    QString error;
    QVERIFY2(applyHubSetting(config, u"autoban-ignore"_s, u"10.0.0.0/8, 192.0.2.7 , 2001:db8::/32"_s, &error),
             qPrintable(error));
    QCOMPARE(config.hub.autobanIgnore.size(), 3);
    QCOMPARE(config.hub.autobanIgnore.at(1).second, 32);
    QVERIFY(applyHubSetting(config, u"autoban-ignore"_s, QString(), nullptr));
    QVERIFY(config.hub.autobanIgnore.isEmpty());
    QVERIFY(!applyHubSetting(config, u"autoban-ignore"_s, u"localhost"_s, &error));
    QVERIFY2(error.contains(u"autoban-ignore"_s), qPrintable(error));
}

void TestHubSettings::trustedProxiesTakeNetworks()
{
    HubServiceConfig config;
    QCOMPARE(findHubSetting(u"trusted-proxies"_s)->defaultValue, QString()); // nothing believed by default
    QVERIFY(config.hub.trustedProxies.isEmpty());
    QString error;
    QVERIFY2(applyHubSetting(config, u"trusted-proxies"_s, u"127.0.0.1/32, ::1/128, 10.0.0.0/8, 192.0.2.9"_s, &error),
             qPrintable(error));
    QCOMPARE(config.hub.trustedProxies.size(), 4);
    QCOMPARE(config.hub.trustedProxies.at(1), QHostAddress::parseSubnet(u"::1/128"_s));
    QCOMPARE(config.hub.trustedProxies.at(3).second, 32);
    for (const QString &bad : { u"10.0.0.0/33"_s, u"proxy.example"_s, u"2001:db8::/129"_s, u"10.0.0.0/8 10.1.0.0/16"_s }) {
        const HubServiceConfig before = config;
        QVERIFY2(!applyHubSetting(config, u"trusted-proxies"_s, bad, &error), qPrintable(bad));
        QVERIFY2(error.contains(u"trusted-proxies"_s) && error.contains(bad), qPrintable(error));
        QCOMPARE(config.hub.trustedProxies, before.hub.trustedProxies); // all or nothing
    }
    QVERIFY(applyHubSetting(config, u"trusted-proxies"_s, QString(), nullptr));
    QVERIFY(config.hub.trustedProxies.isEmpty());
}

void TestHubSettings::mailboxSettings()
{
    HubServiceConfig config;
    QCOMPARE(config.hub.mailboxTtlMs, 7LL * 24 * 3600 * 1000); // a week by default
    QString error;
    QVERIFY(applyHubSettingsText(u"mailbox-ttl = 60\nmailbox-messages = 5\nmailbox-bytes = 2048\n"
                                 "mailbox-total-bytes = 4096\n"_s,
                                 u"test"_s, config, &error));
    QCOMPARE(config.hub.mailboxTtlMs, 60000); // seconds, kept in ms
    QCOMPARE(config.hub.mailboxMessages, 5);
    QCOMPARE(config.hub.mailboxBytes, 2048);
    QCOMPARE(config.hub.mailboxTotalBytes, 4096);
}

QTEST_GUILESS_MAIN(TestHubSettings)
#include "tst_hubsettings.moc"
