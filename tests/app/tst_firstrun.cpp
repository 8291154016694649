// The first run (issue 16, part 2): a stable id proposed from the person's name, never a random one; --id for one run
// only; the welcome dialog driven offscreen: the id follows the name until edited, is checked as typed, and the name,
// the id and the choice to host or join are what it saves and says.
#include "app/appsettings.h"
#include "app/firstrun.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestFirstRun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void proposesFromTheName_data();
    void proposesFromTheName();
    void idIsStableAndIdIsForOneRun();
    void welcomeFollowsTheNameUntilTheIdIsEdited();
    void welcomeChecksTheIdAsTyped();
    void welcomeSavesNameIdAndChoice();

private:
    QLineEdit *edit(QDialog &d, const char *name) { return d.findChild<QLineEdit *>(QLatin1StringView(name)); }
    QPushButton *okButton(QDialog &d)
    {
        return d.findChild<QDialogButtonBox *>(u"buttons"_s)->button(QDialogButtonBox::Ok);
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_qsettings;
    std::unique_ptr<AppSettings> m_settings;
};

void TestFirstRun::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_qsettings = std::make_unique<QSettings>(m_dir->filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    m_settings = std::make_unique<AppSettings>(m_qsettings.get());
    qputenv("USER", "lei.li");
}

void TestFirstRun::cleanup()
{
    m_settings.reset();
    m_qsettings.reset();
    m_dir.reset();
}

void TestFirstRun::proposesFromTheName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("id");
    QTest::newRow("two words") << u"Li Lei"_s << u"x"_s << u"li-lei"_s;
    QTest::newRow("spaces around and between") << u"  Ann   Lee  "_s << u"x"_s << u"ann-lee"_s;
    QTest::newRow("accents dropped") << u"Zoë Smith"_s << u"x"_s << u"zo-smith"_s;
    QTest::newRow("dots and dashes at the ends") << u"..-dots-.."_s << u"x"_s << u"dots"_s;
    QTest::newRow("chinese name: the user name") << u"小明"_s << u"xiaoming"_s << u"xiaoming"_s;
    QTest::newRow("nothing usable") << u"小明"_s << u"用户"_s << u"me"_s;
    QTest::newRow("long") << QString(100, u'a') << u"x"_s << QString(64, u'a');
}

void TestFirstRun::proposesFromTheName()
{
    QFETCH(QString, name);
    QFETCH(QString, user);
    QFETCH(QString, id);
    QCOMPARE(proposePeerId(name, user), id);
}

void TestFirstRun::idIsStableAndIdIsForOneRun()
{
    QVERIFY(!m_settings->hasSavedPeerId());
    // Nothing saved yet: the same proposal every time, from the user name, no random digits.
    QCOMPARE(m_settings->peerId(), u"lei.li"_s);
    QCOMPARE(m_settings->peerId(), u"lei.li"_s);
    m_settings->setPeerId(u"lilei"_s);
    QVERIFY(m_settings->hasSavedPeerId());
    // --id: this run only.
    m_settings->setSessionPeerId(u"test-run"_s);
    QCOMPARE(m_settings->peerId(), u"test-run"_s);
    AppSettings nextRun(m_qsettings.get());
    QCOMPARE(nextRun.peerId(), u"lilei"_s);
    // Choosing an id in a dialog saves it, and it holds at once.
    m_settings->setPeerId(u"lei"_s);
    QCOMPARE(m_settings->peerId(), u"lei"_s);
}

void TestFirstRun::welcomeFollowsTheNameUntilTheIdIsEdited()
{
    WelcomeDialog d(m_settings.get());
    QCOMPARE(edit(d, "idEdit")->text(), u"lei.li"_s); // no name yet: from the user name
    QTest::keyClicks(edit(d, "nameEdit"), u"Ann Lee"_s);
    QCOMPARE(edit(d, "idEdit")->text(), u"ann-lee"_s);
    edit(d, "idEdit")->clear();
    QTest::keyClicks(edit(d, "idEdit"), u"annie"_s);
    QTest::keyClicks(edit(d, "nameEdit"), u" Jr"_s);
    QCOMPARE(edit(d, "idEdit")->text(), u"annie"_s); // the user's own choice stays
    QCOMPARE(d.displayName(), u"Ann Lee Jr"_s);
}

void TestFirstRun::welcomeChecksTheIdAsTyped()
{
    WelcomeDialog d(m_settings.get());
    d.show();
    auto *error = d.findChild<QLabel *>(u"idErrorLabel"_s);
    QVERIFY(okButton(d)->isEnabled());
    QVERIFY(error->isHidden());
    QTest::keyClicks(edit(d, "idEdit"), u" x"_s); // a space: not an id
    QVERIFY(!okButton(d)->isEnabled());
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(u"no spaces"_s));
    edit(d, "idEdit")->clear();
    QTest::keyClicks(edit(d, "idEdit"), u"ok-id"_s);
    QVERIFY(okButton(d)->isEnabled());
    QVERIFY(error->isHidden());
    // Accepting with a bad id does nothing (Enter in a field, say).
    edit(d, "idEdit")->clear();
    QTest::keyClick(edit(d, "idEdit"), Qt::Key_Return);
    QVERIFY(d.isVisible());
    QVERIFY(!m_settings->hasSavedPeerId());
}

void TestFirstRun::welcomeSavesNameIdAndChoice()
{
    WelcomeDialog d(m_settings.get());
    QCOMPARE(d.choice(), WelcomeDialog::Choice::Host); // hosting is offered first
    edit(d, "nameEdit")->insert(u"李雷 Li"_s); // typed (keyClicks is ASCII only): textEdited like a user edit
    QCOMPARE(d.peerId(), u"li"_s);
    d.findChild<QRadioButton *>(u"joinRadio"_s)->setChecked(true);
    QCOMPARE(d.choice(), WelcomeDialog::Choice::Join);
    okButton(d)->click();
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(m_settings->displayName(), u"李雷 Li"_s);
    QCOMPARE(m_settings->peerId(), u"li"_s);
    QVERIFY(m_settings->hasSavedPeerId());
}

QTEST_MAIN(TestFirstRun)
#include "tst_firstrun.moc"
