// Hubs on the local network (issue 16, part 4). The Avahi side is behind LanDiscovery: here a fake stands for it (no
// Avahi daemon in CI, and none may be started on a shared machine's network), so what is tested is the TXT records,
// the announcing rule (on for LAN addresses, off for loopback), the list of found hubs, the connect dialog with and
// without discovery, the hosting dialog's option, and the window announcing its hosted hub. The real Avahi backend
// is checked only for ending in a clear state (Running where a daemon runs, else Unavailable with a reason).
#include "appwindowfixture.h"

#include "app/dialogs.h"
#include "app/landiscovery.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

class FakeDiscovery final : public LanDiscovery
{
public:
    State state() const override { return m_state; }
    QString unavailableReason() const override { return m_state == State::Unavailable ? u"no daemon here"_s : QString(); }
    void announce(const LanAnnouncement &a) override { announced = a; }
    void withdraw() override
    {
        announced.reset();
        ++withdrawals;
    }
    void setState(State s)
    {
        m_state = s;
        Q_EMIT stateChanged();
    }
    std::optional<LanAnnouncement> announced;
    int withdrawals = 0;

private:
    State m_state = State::Running;
};

LanHub hub(const QString &service, const QString &address, bool password = false, const QString &fp = QString())
{
    LanHub h;
    h.service = service;
    h.name = service;
    h.address = QHostAddress(address);
    h.port = 9000;
    h.passwordRequired = password;
    h.fingerprint = fp;
    return h;
}

} // namespace

class TestLanDiscovery : public QObject, public AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void txtRecordsBothWays();
    void announcingRule();
    void foundHubsListed();
    void connectDialogListsHubs();
    void connectDialogSaysWhyNot();
    void hostDialogOption();
    void windowAnnouncesOnlyWhatOthersCanReach();
    void realAvahiEndsClear();
};

void TestLanDiscovery::txtRecordsBothWays()
{
    const LanAnnouncement a { u"我们的 hub"_s, 9000, true, u"AB:CD:EF"_s };
    const QList<QByteArray> txt = lanTxtRecords(a);
    QVERIFY(txt.contains("txtvers=1"));
    QVERIFY(txt.contains("pw=1"));
    QVERIFY(txt.contains("fp=AB:CD:EF"));
    for (const QByteArray &r : txt)
        QVERIFY(r.size() <= 255); // one DNS TXT string each
    LanHub h;
    readLanTxtRecords(txt, h);
    QCOMPARE(h.name, u"我们的 hub"_s);
    QVERIFY(h.passwordRequired);
    QCOMPARE(h.fingerprint, u"AB:CD:EF"_s);
    QVERIFY(!lanTxtRecords({ u"open"_s, 1, false, QString() }).join(' ').contains("fp="));
    // Hostile or unknown records are skipped.
    LanHub other;
    readLanTxtRecords({ "=x", "noequals", "pw=yes", "future=1", "name=" }, other);
    QVERIFY(other.name.isEmpty() && !other.passwordRequired && other.fingerprint.isEmpty());
    // The address to join: wss:// with a certificate.
    QCOMPARE(hub(u"a"_s, u"192.168.1.5"_s).url(), QUrl(u"ws://192.168.1.5:9000"_s));
    QCOMPARE(hub(u"a"_s, u"192.168.1.5"_s, false, u"AB"_s).url(), QUrl(u"wss://192.168.1.5:9000"_s));
}

void TestLanDiscovery::announcingRule()
{
    QVERIFY(announceByDefault(QHostAddress(u"0.0.0.0"_s)));
    QVERIFY(announceByDefault(QHostAddress(u"::"_s)));
    QVERIFY(announceByDefault(QHostAddress(u"192.168.1.5"_s)));
    QVERIFY(!announceByDefault(QHostAddress::LocalHost));
    QVERIFY(!announceByDefault(QHostAddress::LocalHostIPv6));
    const auto a = hostedHubAnnouncement(true, QHostAddress(u"0.0.0.0"_s), u"Lab"_s, 9000, true, u"FP"_s);
    QVERIFY(a);
    QCOMPARE(a->name, u"Lab"_s);
    QCOMPARE(a->port, quint16(9000));
    QVERIFY(a->passwordRequired);
    QCOMPARE(a->fingerprint, u"FP"_s);
    QVERIFY(!hostedHubAnnouncement(false, QHostAddress(u"0.0.0.0"_s), u"Lab"_s, 9000, false, QString()));
    QVERIFY(!hostedHubAnnouncement(true, QHostAddress::LocalHost, u"Lab"_s, 9000, false, QString())); // never
    // The saved option follows the bind address until set.
    QTemporaryDir dir;
    QSettings qs(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    AppSettings s(&qs);
    s.setHostBindAddress(QHostAddress::LocalHost);
    QVERIFY(!s.hostAnnounce());
    s.setHostBindAddress(QHostAddress(u"0.0.0.0"_s));
    QVERIFY(s.hostAnnounce());
    s.setHostAnnounce(false);
    QVERIFY(!s.hostAnnounce());
}

void TestLanDiscovery::foundHubsListed()
{
    FakeDiscovery discovery;
    LanHubsModel model(&discovery);
    Q_EMIT discovery.hubFound(hub(u"Zeta"_s, u"192.168.1.9"_s));
    Q_EMIT discovery.hubFound(hub(u"Alpha"_s, u"fe80::1"_s, true));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(LanHubsModel::NameRole).toString(), u"Alpha"_s); // by name
    QVERIFY(model.index(0).data().toString().contains(u"password"_s));
    QVERIFY(!model.index(1).data().toString().contains(u"password"_s));
    // The same service again, over IPv4: one row, the IPv4 address kept from now on.
    Q_EMIT discovery.hubFound(hub(u"Alpha"_s, u"192.168.1.7"_s, true));
    Q_EMIT discovery.hubFound(hub(u"Alpha"_s, u"fe80::2"_s, true));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(LanHubsModel::UrlRole).toUrl(), QUrl(u"ws://192.168.1.7:9000"_s));
    Q_EMIT discovery.hubLost(u"Zeta"_s);
    QCOMPARE(model.rowCount(), 1);
    Q_EMIT discovery.hubLost(u"unknown"_s);
    QCOMPARE(model.rowCount(), 1);
}

void TestLanDiscovery::connectDialogListsHubs()
{
    QTemporaryDir dir;
    QSettings qs(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    AppSettings settings(&qs);
    settings.setPeerId(u"me"_s);
    FakeDiscovery discovery;
    LanHubsModel model(&discovery);
    ConnectDialog dialog(&settings, nullptr);
    dialog.setLanHubs(&model);
    auto *list = dialog.findChild<QListView *>(u"lanHubList"_s);
    auto *status = dialog.findChild<QLabel *>(u"lanStatusLabel"_s);
    QVERIFY(list && status);
    QVERIFY(list->isHidden());
    QVERIFY(status->text().contains(u"none found yet"_s));
    Q_EMIT discovery.hubFound(hub(u"Lab"_s, u"192.168.1.5"_s, true));
    QVERIFY(!list->isHidden());
    QVERIFY(status->text().contains(u"Choose a hub"_s));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(model.index(0)).center());
    QCOMPARE(dialog.hubUrl(), QUrl(u"ws://192.168.1.5:9000"_s));
    QVERIFY(dialog.findChild<QLabel *>(u"errorLabel"_s)->text().contains(u"password"_s));
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(settings.hubUrl(), QUrl(u"ws://192.168.1.5:9000"_s));
    Q_EMIT discovery.hubLost(u"Lab"_s);
    QVERIFY(list->isHidden());
}

void TestLanDiscovery::connectDialogSaysWhyNot()
{
    QTemporaryDir dir;
    QSettings qs(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    AppSettings settings(&qs);
    FakeDiscovery discovery;
    LanHubsModel model(&discovery);
    ConnectDialog dialog(&settings, nullptr);
    dialog.setLanHubs(&model);
    discovery.setState(LanDiscovery::State::Unavailable);
    auto *status = dialog.findChild<QLabel *>(u"lanStatusLabel"_s);
    QCOMPARE(status->text(), u"no daemon here"_s);
    QVERIFY(!status->isHidden());
    QVERIFY(dialog.findChild<QListView *>(u"lanHubList"_s)->isHidden());
    // Everything else as before: an address typed in.
    dialog.findChild<QLineEdit *>(u"hubUrlEdit"_s)->setText(u"ws://127.0.0.1:9000"_s);
    dialog.findChild<QLineEdit *>(u"idEdit"_s)->setText(u"me"_s);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

void TestLanDiscovery::hostDialogOption()
{
    QTemporaryDir dir;
    QSettings qs(dir.filePath(u"s.ini"_s), QSettings::IniFormat);
    AppSettings settings(&qs);
    settings.setHostBindAddress(QHostAddress(u"0.0.0.0"_s));
    settings.setHubName(u"Lab"_s);
    HostDialog dialog(&settings);
    auto *announce = dialog.findChild<QCheckBox *>(u"announceCheck"_s);
    auto *bind = dialog.findChild<QComboBox *>(u"bindCombo"_s);
    QVERIFY(announce && bind);
    QVERIFY(announce->isChecked()); // a LAN address: on
    bind->setCurrentIndex(bind->findData(u"127.0.0.1"_s));
    QVERIFY(!announce->isChecked()); // loopback: off
    bind->setCurrentIndex(bind->findData(u"0.0.0.0"_s));
    QVERIFY(announce->isChecked());
    announce->click(); // the user's choice holds from now on
    QVERIFY(!announce->isChecked());
    bind->setCurrentIndex(bind->findData(u"::"_s));
    QVERIFY(!announce->isChecked());
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(!settings.hostAnnounce());
}

void TestLanDiscovery::windowAnnouncesOnlyWhatOthersCanReach()
{
    // The window's hosted hub is on loopback (tests never listen elsewhere): ticked or not, it is not announced.
    QVERIFY(setUpApp());
    auto fake = std::make_unique<FakeDiscovery>();
    FakeDiscovery *discovery = fake.get();
    m_window->setLanDiscovery(std::move(fake));
    m_settings->setHostAnnounce(true);
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    QVERIFY(!discovery->announced);
    QVERIFY(discovery->withdrawals >= 1);
    // The window's connect dialog lists what the discovery finds.
    Q_EMIT discovery->hubFound(hub(u"Lab"_s, u"192.168.1.5"_s));
    m_window->openConnectDialog();
    auto *dialog = m_window->findChild<ConnectDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(!dialog->findChild<QListView *>(u"lanHubList"_s)->isHidden());
    QCOMPARE(dialog->findChild<QListView *>(u"lanHubList"_s)->model()->rowCount(), 1);
    dialog->reject();
    m_window->stopHosting();
    QTRY_COMPARE(m_host->state(), HubHost::State::Stopped);
    tearDownApp();
}

void TestLanDiscovery::realAvahiEndsClear()
{
    const auto discovery = makeAvahiDiscovery();
    QTRY_VERIFY_WITH_TIMEOUT(discovery->state() != LanDiscovery::State::Starting, 15000);
    if (discovery->state() == LanDiscovery::State::Unavailable) {
        QVERIFY(discovery->unavailableReason().contains(u"Avahi"_s));
        discovery->announce({ u"x"_s, 1, false, QString() }); // harmless without a daemon
        discovery->withdraw();
    }
}

QTEST_MAIN(TestLanDiscovery)
#include "tst_landiscovery.moc"
