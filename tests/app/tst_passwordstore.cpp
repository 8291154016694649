// Hub passwords in the system keychain (issue 16, part 6): through Qt Keychain where a keychain answers, else only in
// plain text when the user allows it; a password an older PeerLink left in plain text moves into the keychain. The
// keychain is a fake here (no keychain daemon in CI); the real backend is checked for saying "unavailable" clearly.
#include "app/appsettings.h"
#include "app/dialogs.h"
#include "app/passwordstore.h"
#include "fakesecrets.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

const QUrl kHub(u"ws://192.168.1.5:9000"_s);

/// What the password store hands over for @p hub, once it answers.
QString loaded(PasswordStore &store, const QUrl &hub)
{
    std::optional<QString> got;
    store.load(hub, [&got](const QString &password) { got = password; });
    if (!QTest::qWaitFor([&got] { return got.has_value(); }, 5000))
        return u"<no answer>"_s;
    return *got;
}

} // namespace

class TestPasswordStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void keptInTheKeychain();
    void plainTextMovesIntoTheKeychain();
    void withoutKeychainOnlyWhenAllowed();
    void dialogWithKeychain();
    void dialogWithoutKeychainSaysSo();
    void hostPasswordInTheKeychain();
    void hostPasswordWithoutKeychain();
    void hostDialogSaysWhere();
    void realBackendWithoutServiceIsUnavailable();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_qs;
    std::unique_ptr<AppSettings> m_settings;
    QString fileText() const
    {
        m_qs->sync();
        QFile f(m_qs->fileName());
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
};

void TestPasswordStore::init()
{
    m_settings.reset();
    m_qs.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    m_qs = std::make_unique<QSettings>(m_dir->filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    m_settings = std::make_unique<AppSettings>(m_qs.get());
    m_settings->setHubUrl(kHub);
}

void TestPasswordStore::keptInTheKeychain()
{
    FakeKeychain keychain;
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    QCOMPARE(store.keychain(), PasswordStore::Keychain::Unknown);
    QSignalSpy checked(&store, &PasswordStore::keychainChecked);
    QSignalSpy saved(&store, &PasswordStore::saved);
    store.save(kHub, u"early"_s, true, false); // before the keychain answered: waits for it, then goes there
    QVERIFY(checked.wait());
    QCOMPARE(store.keychain(), PasswordStore::Keychain::Available);
    QTRY_COMPARE(saved.size(), 1);
    QCOMPARE(keychain.entries.value(PasswordStore::keyFor(kHub)), u"early"_s);
    QVERIFY(!fileText().contains(u"early"_s));

    store.save(kHub, u"s3cret 密码"_s, true, false);
    QVERIFY(saved.wait());
    QCOMPARE(saved.last().at(0).toBool(), true);
    QCOMPARE(keychain.entries.value(PasswordStore::keyFor(kHub)), u"s3cret 密码"_s);
    QVERIFY(!fileText().contains(u"s3cret"_s)); // never in the settings file
    QVERIFY(m_settings->plainTextPassword().isEmpty());
    QCOMPARE(loaded(store, kHub), u"s3cret 密码"_s);
    QCOMPARE(loaded(store, QUrl(u"ws://elsewhere:1"_s)), QString()); // per hub

    // "Remember" unticked: forgotten, in the keychain too.
    store.save(kHub, u"s3cret 密码"_s, false, false);
    QVERIFY(saved.wait());
    QVERIFY(keychain.entries.isEmpty());
    QCOMPARE(loaded(store, kHub), QString());
}

void TestPasswordStore::plainTextMovesIntoTheKeychain()
{
    // As an older PeerLink left it: remembered, in plain text.
    m_qs->setValue(u"connection/rememberPassword"_s, true);
    m_qs->setValue(u"connection/password"_s, u"old-plain"_s);
    QVERIFY(m_settings->passwordInPlainText());
    FakeKeychain keychain;
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    QCOMPARE(loaded(store, kHub), u"old-plain"_s); // waits for the keychain; the password is there meanwhile
    QTRY_VERIFY(!keychain.entries.isEmpty());
    QTRY_VERIFY(!fileText().contains(u"old-plain"_s));
    QCOMPARE(keychain.entries.value(PasswordStore::keyFor(kHub)), u"old-plain"_s);
    QVERIFY(!m_settings->passwordInPlainText());
    QVERIFY(m_settings->rememberPassword());
    QCOMPARE(loaded(store, kHub), u"old-plain"_s); // now from the keychain
}

void TestPasswordStore::withoutKeychainOnlyWhenAllowed()
{
    FakeKeychain keychain;
    keychain.available = false;
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    QSignalSpy checked(&store, &PasswordStore::keychainChecked);
    QVERIFY(checked.wait());
    QCOMPARE(checked.first().at(0).toBool(), false);
    QCOMPARE(store.keychain(), PasswordStore::Keychain::Unavailable);

    QSignalSpy saved(&store, &PasswordStore::saved);
    store.save(kHub, u"not-kept"_s, true, false); // remember, but plain text not allowed: not stored
    QVERIFY(saved.wait());
    QVERIFY(!fileText().contains(u"not-kept"_s));
    QCOMPARE(loaded(store, kHub), QString());

    store.save(kHub, u"kept-plain"_s, true, true); // allowed: in the settings file, as asked
    QVERIFY(saved.wait());
    QVERIFY(fileText().contains(u"kept-plain"_s));
    QVERIFY(m_settings->passwordInPlainText());
    QCOMPARE(loaded(store, kHub), u"kept-plain"_s);

    store.save(kHub, u"kept-plain"_s, false, true); // forgotten
    QVERIFY(saved.wait());
    QVERIFY(!fileText().contains(u"kept-plain"_s));
}

void TestPasswordStore::dialogWithKeychain()
{
    FakeKeychain keychain;
    keychain.entries.insert(PasswordStore::keyFor(kHub), u"from-keychain"_s);
    m_settings->setRememberPassword(true);
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    ConnectDialog dialog(m_settings.get(), &store);
    auto *password = dialog.findChild<QLineEdit *>(u"passwordEdit"_s);
    auto *plain = dialog.findChild<QCheckBox *>(u"plainTextCheck"_s);
    auto *label = dialog.findChild<QLabel *>(u"keychainLabel"_s);
    QVERIFY(password && plain && label);
    QTRY_COMPARE(password->text(), u"from-keychain"_s);
    QVERIFY(plain->isHidden()); // no plain text where a keychain answers
    {
        // An invitation to another hub filled in before the keychain answered: not this hub's password.
        ConnectDialog other(m_settings.get(), &store);
        other.setHubUrl(QUrl(u"ws://10.0.0.9:9000"_s));
        QCOMPARE(loaded(store, kHub), u"from-keychain"_s); // answered after the dialog's own load
        QVERIFY(other.findChild<QLineEdit *>(u"passwordEdit"_s)->text().isEmpty());
    }
    QVERIFY(label->text().contains(u"keychain"_s));

    password->setText(u"changed"_s);
    QSignalSpy saved(&store, &PasswordStore::saved);
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(saved.wait());
    QCOMPARE(keychain.entries.value(PasswordStore::keyFor(kHub)), u"changed"_s);
    QVERIFY(!fileText().contains(u"changed"_s));
}

void TestPasswordStore::dialogWithoutKeychainSaysSo()
{
    FakeKeychain keychain;
    keychain.available = false;
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    ConnectDialog dialog(m_settings.get(), &store);
    auto *remember = dialog.findChild<QCheckBox *>(u"rememberPasswordCheck"_s);
    auto *plain = dialog.findChild<QCheckBox *>(u"plainTextCheck"_s);
    auto *label = dialog.findChild<QLabel *>(u"keychainLabel"_s);
    auto *password = dialog.findChild<QLineEdit *>(u"passwordEdit"_s);
    QTRY_COMPARE(store.keychain(), PasswordStore::Keychain::Unavailable);
    QVERIFY(!remember->isChecked());
    QVERIFY(!plain->isHidden());
    QVERIFY(!plain->isEnabled()); // nothing to remember yet
    remember->setChecked(true);
    QVERIFY(!label->isHidden());
    QVERIFY(label->text().contains(u"No system keychain"_s));
    QVERIFY(plain->isEnabled());
    QVERIFY(!plain->isChecked());

    // Remember ticked, plain text not: the password is not stored.
    password->setText(u"typed"_s);
    QSignalSpy saved(&store, &PasswordStore::saved);
    dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(saved.wait());
    QVERIFY(!fileText().contains(u"typed"_s));

    // Next time, with plain text ticked: stored there, and the box comes back ticked.
    ConnectDialog again(m_settings.get(), &store);
    again.findChild<QCheckBox *>(u"plainTextCheck"_s)->setChecked(true);
    again.findChild<QLineEdit *>(u"passwordEdit"_s)->setText(u"typed"_s);
    again.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(saved.wait());
    QVERIFY(fileText().contains(u"typed"_s));
    ConnectDialog third(m_settings.get(), &store);
    QVERIFY(third.findChild<QCheckBox *>(u"plainTextCheck"_s)->isChecked());
    QTRY_COMPARE(third.findChild<QLineEdit *>(u"passwordEdit"_s)->text(), u"typed"_s);
}

void TestPasswordStore::hostPasswordInTheKeychain()
{
    // Left in plain text by an older PeerLink: moved into the keychain, out of the file.
    m_settings->setHostPassword(u"old-host"_s);
    FakeKeychain keychain;
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    std::optional<QString> got;
    store.loadHost([&got](const QString &p) { got = p; });
    QTRY_VERIFY(got);
    QCOMPARE(*got, u"old-host"_s);
    QTRY_VERIFY(!fileText().contains(u"old-host"_s));
    QCOMPARE(keychain.entries.value(PasswordStore::hostKey()), u"old-host"_s);
    QVERIFY(m_settings->hostPasswordInKeychain());
    got.reset();
    store.loadHost([&got](const QString &p) { got = p; });
    QTRY_VERIFY(got);
    QCOMPARE(*got, u"old-host"_s); // from the keychain now

    QSignalSpy saved(&store, &PasswordStore::saved);
    store.saveHost(u"new-host"_s, false);
    QVERIFY(saved.wait());
    QCOMPARE(keychain.entries.value(PasswordStore::hostKey()), u"new-host"_s);
    QVERIFY(!fileText().contains(u"new-host"_s));
    QVERIFY(!m_settings->hostPasswordAsked());
    store.saveHost(QString(), false); // no password any more: none kept
    QVERIFY(saved.wait());
    QVERIFY(!keychain.entries.contains(PasswordStore::hostKey()));
    QVERIFY(!m_settings->hostPasswordInKeychain());
}

void TestPasswordStore::hostPasswordWithoutKeychain()
{
    FakeKeychain keychain;
    keychain.available = false;
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    QSignalSpy saved(&store, &PasswordStore::saved);
    store.saveHost(u"nowhere"_s, false); // not allowed in plain text: kept nowhere, asked for when hosting
    QVERIFY(saved.wait());
    QVERIFY(!fileText().contains(u"nowhere"_s));
    QVERIFY(m_settings->hostPasswordAsked());
    QVERIFY(!m_settings->hostPasswordInKeychain());
    store.saveHost(u"plain-host"_s, true); // allowed
    QVERIFY(saved.wait());
    QVERIFY(fileText().contains(u"plain-host"_s));
    QVERIFY(!m_settings->hostPasswordAsked());
    std::optional<QString> got;
    store.loadHost([&got](const QString &p) { got = p; });
    QTRY_VERIFY(got);
    QCOMPARE(*got, u"plain-host"_s);
}

void TestPasswordStore::hostDialogSaysWhere()
{
    FakeKeychain keychain;
    keychain.available = false;
    PasswordStore store(m_settings.get(), std::make_unique<FakeBackend>(&keychain));
    HostDialog dialog(m_settings.get());
    auto *plain = dialog.findChild<QCheckBox *>(u"plainTextCheck"_s);
    auto *label = dialog.findChild<QLabel *>(u"keychainLabel"_s);
    QVERIFY(plain && label);
    QVERIFY(plain->isHidden() && label->isHidden()); // no store: the file, as before
    dialog.setPasswordStore(&store);
    QTRY_COMPARE(store.keychain(), PasswordStore::Keychain::Unavailable);
    QVERIFY(label->isHidden()); // no password typed: nothing to keep
    dialog.findChild<QLineEdit *>(u"passwordEdit"_s)->setText(u"secret"_s);
    QVERIFY(!label->isHidden());
    QVERIFY(label->text().contains(u"No system keychain"_s));
    QVERIFY(!plain->isHidden() && plain->isEnabled() && !plain->isChecked());
}

void TestPasswordStore::realBackendWithoutServiceIsUnavailable()
{
    // No session bus (CI, a bare machine): Qt Keychain finds no service, and the store says so.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY"); // no X11 autolaunch of a bus either
    PasswordStore store(m_settings.get(), makeSystemSecretBackend());
    QTRY_COMPARE_WITH_TIMEOUT(store.keychain(), PasswordStore::Keychain::Unavailable, 30000);
}

QTEST_MAIN(TestPasswordStore)
#include "tst_passwordstore.moc"
