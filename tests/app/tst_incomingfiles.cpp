// What the app does with incoming file offers (issue 15, part 1): IncomingFilesPolicy decided from a table, its
// folder check on a real file system, the setting kept by AppSettings, and the settings dialog round-tripping it
// offscreen (the folder picker replaced).
#include "app/appsettings.h"
#include "app/dialogs.h"
#include "app/incomingfiles.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

using Mode = IncomingFilesPolicy::Mode;
using Action = IncomingFilesPolicy::Action;

/// Settings in a file of the test's own, with an id (the dialog checks it).
struct ScratchSettings
{
    QTemporaryDir dir;
    QSettings qs { dir.filePath(u"peerlink.ini"_s), QSettings::IniFormat };
    AppSettings settings { &qs };
    ScratchSettings() { settings.setPeerId(u"me"_s); }
};

class TestIncomingFiles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decide_data();
    void decide();
    void folderProblems();
    void modeNamesRoundTrip();
    void settingsKeepThePolicy();
    void settingsDialogRoundTrips();
    void settingsDialogWantsAFolderToAcceptInto();
};

void TestIncomingFiles::decide_data()
{
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<bool>("verified");
    QTest::addColumn<QString>("folderProblem"); // what the folder check says (empty: the folder is fine)
    QTest::addColumn<Action>("action");
    QTest::addColumn<bool>("noted"); // the user is told why it asks

    const QString missing = u"the folder /x does not exist."_s;
    QTest::newRow("ask, verified") << Mode::Ask << true << QString() << Action::Ask << false;
    QTest::newRow("ask, unverified") << Mode::Ask << false << QString() << Action::Ask << false;
    QTest::newRow("verified peer, good folder") << Mode::AcceptVerified << true << QString() << Action::Accept << false;
    QTest::newRow("unverified peer, good folder") << Mode::AcceptVerified << false << QString() << Action::Ask << false;
    QTest::newRow("verified peer, missing folder") << Mode::AcceptVerified << true << missing << Action::Ask << true;
    QTest::newRow("unverified peer, missing folder") << Mode::AcceptVerified << false << missing << Action::Ask << false;
    QTest::newRow("decline all, verified") << Mode::DeclineAll << true << QString() << Action::Decline << false;
    QTest::newRow("decline all, unverified") << Mode::DeclineAll << false << QString() << Action::Decline << false;
    QTest::newRow("decline all, missing folder") << Mode::DeclineAll << true << missing << Action::Decline << false;
}

void TestIncomingFiles::decide()
{
    QFETCH(Mode, mode);
    QFETCH(bool, verified);
    QFETCH(QString, folderProblem);
    QFETCH(Action, action);
    QFETCH(bool, noted);

    IncomingFilesPolicy policy;
    policy.mode = mode;
    policy.folder = u"/x"_s;
    QStringList checked;
    const auto decision = policy.decide(u"Bob"_s, verified, [&](const QString &folder) {
        checked.append(folder);
        return folderProblem;
    });
    QCOMPARE(decision.action, action);
    QCOMPARE(decision.folder, action == Action::Accept ? u"/x"_s : QString());
    QCOMPARE(!decision.note.isEmpty(), noted);
    if (noted) {
        QVERIFY(decision.note.contains(u"Bob"_s));
        QVERIFY(decision.note.contains(folderProblem));
    }
    // The folder is looked at only when a file would go into it.
    QCOMPARE(checked, mode == Mode::AcceptVerified && verified ? QStringList { u"/x"_s } : QStringList());
}

void TestIncomingFiles::folderProblems()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QCOMPARE(IncomingFilesPolicy::folderProblem(dir.path()), QString());
    QVERIFY(IncomingFilesPolicy::folderProblem(QString()).contains(u"no folder"_s));
    const QString missing = dir.filePath(u"gone"_s);
    QVERIFY(IncomingFilesPolicy::folderProblem(missing).contains(u"does not exist"_s));
    QVERIFY(IncomingFilesPolicy::folderProblem(missing).contains(QDir::toNativeSeparators(missing)));
    QFile file(dir.filePath(u"plain.txt"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(IncomingFilesPolicy::folderProblem(file.fileName()).contains(u"is not a folder"_s));

    // The real check is what decide() uses by default: a missing folder makes it ask.
    IncomingFilesPolicy policy { Mode::AcceptVerified, missing };
    QCOMPARE(policy.decide(u"bob"_s, true).action, Action::Ask);
    policy.folder = dir.path();
    QCOMPARE(policy.decide(u"bob"_s, true).action, Action::Accept);
}

void TestIncomingFiles::modeNamesRoundTrip()
{
    for (Mode mode : { Mode::Ask, Mode::AcceptVerified, Mode::DeclineAll })
        QCOMPARE(IncomingFilesPolicy::modeFromName(IncomingFilesPolicy::modeName(mode)), mode);
    QCOMPARE(IncomingFilesPolicy::modeFromName(u"whatever"_s), Mode::Ask);
    QCOMPARE(IncomingFilesPolicy::modeFromName(QString()), Mode::Ask);
}

void TestIncomingFiles::settingsKeepThePolicy()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"peerlink.ini"_s);
    {
        QSettings qs(file, QSettings::IniFormat);
        AppSettings s(&qs);
        QCOMPARE(s.incomingFiles().mode, Mode::Ask); // today's behaviour by default
        QVERIFY(!s.incomingFiles().folder.isEmpty()); // a folder is proposed (the Downloads folder)
        s.setIncomingFiles(IncomingFilesPolicy { Mode::AcceptVerified, u"/srv/inbox"_s });
        s.sync();
    }
    QSettings qs(file, QSettings::IniFormat);
    AppSettings s(&qs);
    QCOMPARE(s.incomingFiles(), (IncomingFilesPolicy { Mode::AcceptVerified, u"/srv/inbox"_s }));
    s.setIncomingFiles(IncomingFilesPolicy { Mode::DeclineAll, u"/srv/inbox"_s });
    QCOMPARE(s.incomingFiles().mode, Mode::DeclineAll);
}

void TestIncomingFiles::settingsDialogRoundTrips()
{
    ScratchSettings scratch;
    const QTemporaryDir &dir = scratch.dir;
    AppSettings &settings = scratch.settings;
    settings.setIncomingFiles(IncomingFilesPolicy { Mode::AcceptVerified, dir.path() });

    {
        SettingsDialog dialog(&settings);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *combo = dialog.findChild<QComboBox *>(u"incomingFilesCombo"_s);
        auto *folder = dialog.findChild<QLineEdit *>(u"incomingFolderEdit"_s);
        auto *browse = dialog.findChild<QPushButton *>(u"incomingFolderButton"_s);
        QVERIFY(combo && folder && browse);
        QCOMPARE(combo->count(), 3);
        QCOMPARE(combo->currentIndex(), int(Mode::AcceptVerified));
        QCOMPARE(folder->text(), QDir::toNativeSeparators(dir.path()));
        QVERIFY(folder->isEnabled() && browse->isEnabled());

        // The folder is picked with Browse… (the picker starts in the current one).
        const QString picked = dir.filePath(u"verified"_s);
        QString startedIn;
        dialog.setDirectoryPicker([&](QWidget *, const QString &, const QString &start) {
            startedIn = start;
            return picked;
        });
        QTest::mouseClick(browse, Qt::LeftButton);
        QCOMPARE(startedIn, QDir::toNativeSeparators(dir.path()));
        QCOMPARE(folder->text(), QDir::toNativeSeparators(picked));
        dialog.accept();
        QCOMPARE(settings.incomingFiles(), (IncomingFilesPolicy { Mode::AcceptVerified, picked }));
    }
    {
        SettingsDialog dialog(&settings);
        auto *combo = dialog.findChild<QComboBox *>(u"incomingFilesCombo"_s);
        QCOMPARE(combo->currentIndex(), int(Mode::AcceptVerified));
        combo->setCurrentIndex(int(Mode::DeclineAll));
        // The folder only matters when files are accepted into it.
        QVERIFY(!dialog.findChild<QLineEdit *>(u"incomingFolderEdit"_s)->isEnabled());
        QVERIFY(!dialog.findChild<QPushButton *>(u"incomingFolderButton"_s)->isEnabled());
        dialog.accept();
        QCOMPARE(settings.incomingFiles().mode, Mode::DeclineAll);
        QCOMPARE(settings.incomingFiles().folder, dir.filePath(u"verified"_s)); // kept for the next time
    }
    {
        SettingsDialog dialog(&settings);
        auto *combo = dialog.findChild<QComboBox *>(u"incomingFilesCombo"_s);
        QCOMPARE(combo->currentIndex(), int(Mode::DeclineAll));
        combo->setCurrentIndex(int(Mode::Ask));
        dialog.reject(); // Cancel keeps what was there
        QCOMPARE(settings.incomingFiles().mode, Mode::DeclineAll);
    }
}

void TestIncomingFiles::settingsDialogWantsAFolderToAcceptInto()
{
    ScratchSettings scratch;
    AppSettings &settings = scratch.settings;
    SettingsDialog dialog(&settings);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.findChild<QComboBox *>(u"incomingFilesCombo"_s)->setCurrentIndex(int(Mode::AcceptVerified));
    dialog.findChild<QLineEdit *>(u"incomingFolderEdit"_s)->setText(u"  "_s);
    dialog.accept();
    QVERIFY(dialog.isVisible()); // still open
    auto *error = dialog.findChild<QLabel *>(u"errorLabel"_s);
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(u"folder"_s));
    QCOMPARE(settings.incomingFiles().mode, Mode::Ask);
}

QTEST_MAIN(TestIncomingFiles)
#include "tst_incomingfiles.moc"
