// The app's side of identities (issue 13): the profile's key file, the verified marks, the identity and verify
// dialogs, and (against a real hub on loopback) key changes, the lock mark and forgetting an id from the hub panel.
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/identitydialogs.h"
#include "app/profileidentity.h"
#include "client/peerclient.h"

#include <QClipboard>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestAppIdentity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyFileIsMadeOwnerOnlyAndKept();
    void sharedKeyFileIsRefusedInWords();
    void verifiedMarksPersistPerHubAndId();
    void identityDialogShowsAndCopies();
    void identityDialogSaysWhyThereIsNone();
    void verifyDialogShowsBothAndMarks();
    void identityReachesTheClient();
    void brokenKnownKeysFileIsReported();
    void nothingToVerifyWithoutKeys();
};

void TestAppIdentity::keyFileIsMadeOwnerOnlyAndKept()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(u"profile"_s); // not there yet: made on first use
    QString fingerprint;
    {
        ProfileIdentity identity(folder);
        QVERIFY(!QFile::exists(identity.keyFile()));
        QVERIFY(identity.load());
        QVERIFY(identity.isValid());
        QVERIFY(identity.errorText().isEmpty());
        QCOMPARE(QFileInfo(identity.keyFile()).absolutePath(), QFileInfo(folder).absoluteFilePath());
        QCOMPARE(QFileInfo(identity.knownKeysFile()).absolutePath(), QFileInfo(folder).absoluteFilePath());
        const QFile::Permissions p = QFileInfo(identity.keyFile()).permissions();
        QVERIFY(p & QFile::ReadOwner);
        QVERIFY(p & QFile::WriteOwner);
        QCOMPARE(p & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther), QFile::Permissions());
        fingerprint = identity.fingerprint();
        QVERIFY(fingerprint.contains(QRegularExpression(u"^\\d{5}( \\d{5}){5}$"_s)));
    }
    ProfileIdentity again(folder); // the next start
    QVERIFY(again.load());
    QCOMPARE(again.fingerprint(), fingerprint);
}

void TestAppIdentity::sharedKeyFileIsRefusedInWords()
{
    QTemporaryDir dir;
    ProfileIdentity made(dir.path());
    QVERIFY(made.load());
    QVERIFY(QFile::setPermissions(made.keyFile(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther
                                                     | QFile::ReadUser | QFile::WriteUser));
    ProfileIdentity identity(dir.path());
    QVERIFY(!identity.load());
    QVERIFY(!identity.isValid());
    QVERIFY(identity.refusedAsShared());
    QVERIFY(identity.fingerprint().isEmpty());
    QVERIFY(identity.errorText().contains(made.keyFile()));
    QVERIFY(identity.errorText().contains(u"other users"_s));
    // Not replaced behind the user's back: the same key is there once it is private again.
    QVERIFY(QFile::setPermissions(made.keyFile(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser));
    QVERIFY(identity.load());
    QCOMPARE(identity.fingerprint(), made.fingerprint());
    QVERIFY(identity.errorText().isEmpty());
}

void TestAppIdentity::verifiedMarksPersistPerHubAndId()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"peerlink.ini"_s);
    const QUrl hub(u"ws://example.org:9000"_s);
    const QUrl other(u"wss://other.example:9443/"_s);
    {
        QSettings qs(file, QSettings::IniFormat);
        AppSettings s(&qs);
        QCOMPARE(s.verifiedFingerprint(hub, u"bob"_s), QString());
        s.setVerifiedFingerprint(hub, u"bob"_s, u"11111 22222 33333 44444 55555 66666"_s);
        s.setVerifiedFingerprint(other, u"bob"_s, u"99999 22222 33333 44444 55555 66666"_s);
        s.setVerifiedFingerprint(hub, u"carol"_s, u"12345 22222 33333 44444 55555 66666"_s);
        s.sync();
    }
    QSettings qs(file, QSettings::IniFormat);
    AppSettings s(&qs);
    QCOMPARE(s.verifiedFingerprint(hub, u"bob"_s), u"11111 22222 33333 44444 55555 66666"_s);
    QCOMPARE(s.verifiedFingerprint(QUrl(u"wss://other.example:9443"_s), u"bob"_s), u"99999 22222 33333 44444 55555 66666"_s);
    QCOMPARE(s.verifiedFingerprint(hub, u"carol"_s), u"12345 22222 33333 44444 55555 66666"_s);
    QCOMPARE(s.verifiedFingerprint(hub, u"dave"_s), QString());
    s.setVerifiedFingerprint(hub, u"bob"_s, QString());
    QCOMPARE(s.verifiedFingerprint(hub, u"bob"_s), QString());
    QCOMPARE(s.verifiedFingerprint(hub, u"carol"_s), u"12345 22222 33333 44444 55555 66666"_s);
}

void TestAppIdentity::identityDialogShowsAndCopies()
{
    QTemporaryDir dir;
    ProfileIdentity identity(dir.path());
    QVERIFY(identity.load());
    IdentityDialog dialog(&identity);
    dialog.show();
    auto *print = dialog.findChild<QLabel *>(u"ownFingerprint"_s);
    QVERIFY(print && print->isVisible());
    QCOMPARE(print->text().simplified(), identity.fingerprint());
    QCOMPARE(print->text().count(u'\n'), 1); // two lines of three groups, as people read them out
    QVERIFY(!dialog.findChild<QLabel *>(u"identityError"_s)->isVisible());
    auto *copy = dialog.findChild<QPushButton *>(u"copyFingerprint"_s);
    QVERIFY(copy->isEnabled());
    copy->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), identity.fingerprint());
}

void TestAppIdentity::identityDialogSaysWhyThereIsNone()
{
    QTemporaryDir dir;
    ProfileIdentity made(dir.path());
    QVERIFY(made.load());
    QVERIFY(QFile::setPermissions(made.keyFile(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther
                                                     | QFile::ReadUser | QFile::WriteUser));
    ProfileIdentity identity(dir.path());
    QVERIFY(!identity.load());
    IdentityDialog dialog(&identity);
    dialog.show();
    auto *error = dialog.findChild<QLabel *>(u"identityError"_s);
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), identity.errorText());
    QVERIFY(!dialog.findChild<QLabel *>(u"ownFingerprint"_s)->isVisible());
    QVERIFY(!dialog.findChild<QPushButton *>(u"copyFingerprint"_s)->isEnabled());
}

void TestAppIdentity::verifyDialogShowsBothAndMarks()
{
    const QString theirs = u"11111 22222 33333 44444 55555 66666"_s;
    const QString mine = u"12121 23232 34343 45454 56565 67676"_s;
    {
        VerifyPeerDialog dialog(u"bob"_s, u"Bob"_s, theirs, mine, false);
        dialog.show();
        QCOMPARE(dialog.findChild<QLabel *>(u"peerFingerprint"_s)->text().simplified(), theirs);
        QCOMPARE(dialog.findChild<QLabel *>(u"ownFingerprint"_s)->text().simplified(), mine);
        auto *mark = dialog.findChild<QPushButton *>(u"markVerifiedButton"_s);
        QVERIFY(mark->isVisible());
        QVERIFY(!dialog.findChild<QPushButton *>(u"unmarkVerifiedButton"_s)->isVisible());
        QSignalSpy marked(&dialog, &VerifyPeerDialog::markRequested);
        mark->click();
        QCOMPARE(marked.size(), 1);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    {
        VerifyPeerDialog dialog(u"bob"_s, u"Bob"_s, theirs, mine, true);
        dialog.show();
        QVERIFY(!dialog.findChild<QPushButton *>(u"markVerifiedButton"_s)->isVisible());
        auto *unmark = dialog.findChild<QPushButton *>(u"unmarkVerifiedButton"_s);
        QVERIFY(unmark->isVisible());
        QSignalSpy unmarked(&dialog, &VerifyPeerDialog::unmarkRequested);
        unmark->click();
        QCOMPARE(unmarked.size(), 1);
    }
    {
        VerifyPeerDialog dialog(u"old"_s, QString(), QString(), mine, false); // a peer without a key
        dialog.show();
        QVERIFY(!dialog.findChild<QPushButton *>(u"markVerifiedButton"_s)->isVisible());
        QVERIFY(!dialog.findChild<QLabel *>(u"peerFingerprint"_s)->isVisible());
        QVERIFY(dialog.findChild<QLabel *>(u"verifyIntro"_s)->text().contains(u"no key"_s));
    }
}

void TestAppIdentity::identityReachesTheClient()
{
    QTemporaryDir dir;
    ProfileIdentity identity(dir.path());
    QVERIFY(identity.load());
    PeerClient client;
    QVERIFY(!client.hasIdentity());
    QVERIFY(identity.applyTo(&client));
    QVERIFY(client.hasIdentity());
    QCOMPARE(client.fingerprint(), identity.fingerprint());
    QVERIFY(identity.knownKeysErrorText().isEmpty());

    // A refused key file: the client joins without an identity (the v1 join), and the app works on.
    QVERIFY(QFile::setPermissions(identity.keyFile(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther
                                                         | QFile::ReadUser | QFile::WriteUser));
    ProfileIdentity refused(dir.path());
    QVERIFY(!refused.load());
    PeerClient without;
    refused.applyTo(&without);
    QVERIFY(!without.hasIdentity());
    QVERIFY(without.fingerprint().isEmpty());
}

void TestAppIdentity::brokenKnownKeysFileIsReported()
{
    QTemporaryDir dir;
    ProfileIdentity identity(dir.path());
    QVERIFY(identity.load());
    QFile known(identity.knownKeysFile());
    QVERIFY(known.open(QIODevice::WriteOnly));
    known.write("this is not a known-keys line\n");
    known.close();
    QVERIFY(known.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser));
    PeerClient client;
    QVERIFY(!identity.applyTo(&client));
    QVERIFY(identity.knownKeysErrorText().contains(identity.knownKeysFile()));
    QVERIFY(client.hasIdentity()); // the identity is used all the same
    QFile again(identity.knownKeysFile());
    QVERIFY(again.open(QIODevice::ReadOnly));
    QCOMPARE(again.readAll(), QByteArray("this is not a known-keys line\n")); // left as it is
}

void TestAppIdentity::nothingToVerifyWithoutKeys()
{
    QTemporaryDir dir;
    QSettings qs(dir.filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    AppSettings settings(&qs);
    PeerClient client;
    ChatController controller(&client);
    controller.setVerifiedStore(&settings);
    QVERIFY(controller.ownFingerprint().isEmpty());
    QVERIFY(!controller.markVerified(u"bob"_s)); // no key to verify
    QVERIFY(!controller.isVerified(u"bob"_s));
    QVERIFY(!controller.hasKeyChanged(u"bob"_s));
    QVERIFY(controller.keyChangeText(u"bob"_s).isEmpty());
    QVERIFY(controller.sendBlockedReason(u"bob"_s).isEmpty());
    QVERIFY(!controller.acceptNewKey(u"bob"_s));
}

QTEST_MAIN(TestAppIdentity)
#include "tst_appidentity.moc"
