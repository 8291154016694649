// The app's side of identities (issue 13): the profile's key file, the verified marks, the identity and verify
// dialogs, and (against a real hub on loopback) key changes, the lock mark and forgetting an id from the hub panel.
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/hubhost.h"
#include "app/hubpanel.h"
#include "app/identitydialogs.h"
#include "app/languagemanager.h"
#include "app/mainwindow.h"
#include "app/profileidentity.h"
#include "client/peerclient.h"
#include "hub/hub.h"

#include <QAction>
#include <QFrame>
#include <QInputDialog>
#include <QListView>
#include <QPlainTextEdit>

#include <QClipboard>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QMessageBox>
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
    void refusedKeyIsShownByTheWindow();
    void verifyDialogShowsBothAndMarks();
    void identityReachesTheClient();
    void brokenKnownKeysFileIsReported();
    void nothingToVerifyWithoutKeys();
    void verifyThenKeyChangeWarnsBlocksAndAcceptReenables();
    void forgetIdFromTheHubPanel();
    void verifiedMarkHoldsAcrossRestarts();
    void peerBackWithoutAKeyIsWarnedOnThatHubOnly();

    void messageForAnAbsentPeerIsShownAsKeptByTheHub();
    void readReceiptsWhenShownUnlessTurnedOff();

private:
    static std::unique_ptr<PeerClient> peerWithIdentity(const QUrl &hub, const QString &id,
                                                        const Crypto::Identity &identity);
};

namespace {

/// The app's chat side with its profile's identity, joined as "me" to a hub of its own.
struct AppOnHub
{
    QTemporaryDir dir;
    Hub hub;
    ProfileIdentity mine { dir.filePath(u"profile"_s) };
    PeerClient client;
    ChatController controller { &client };
    bool start()
    {
        if (!hub.listen() || !mine.load() || !mine.applyTo(&client))
            return false;
        QSignalSpy joined(&client, &PeerClient::joined);
        return controller.connectToHub(hub.serverUrl(), u"me"_s, {}) && joined.wait();
    }
};

} // namespace

std::unique_ptr<PeerClient> TestAppIdentity::peerWithIdentity(const QUrl &hub, const QString &id,
                                                              const Crypto::Identity &identity)
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(identity);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(hub, id) || !joined.wait())
        return nullptr;
    return c;
}

void TestAppIdentity::messageForAnAbsentPeerIsShownAsKeptByTheHub()
{
    // A peer bound to its key is away: the hub keeps what is sealed for it, and the conversation says so instead
    // of "sending…" for ever; when the peer is back it gets the message.
    AppOnHub app;
    QVERIFY(app.start());
    Hub &hub = app.hub;
    PeerClient &client = app.client;
    ChatController &controller = app.controller;
    const Crypto::Identity bobKey = Crypto::Identity::generate();
    {
        auto bob = peerWithIdentity(hub.serverUrl(), u"bob"_s, bobKey);
        QVERIFY(bob);
        QTRY_COMPARE(controller.peerFingerprint(u"bob"_s), bobKey.fingerprint());
        bob->disconnectFromHub();
        QTRY_VERIFY(!client.hasPeer(u"bob"_s));
    }
    controller.setActiveConversation(u"bob"_s);
    QSignalSpy stored(&client, &PeerClient::messageStored);
    QSignalSpy refused(&controller, &ChatController::errorReported);
    QVERIFY2(controller.sendToActive(u"while you were away"_s),
             qPrintable(refused.isEmpty() ? QString() : refused.constLast().at(0).toString()));
    QVERIFY(stored.wait());
    ConversationModel *conversation = controller.conversation(u"bob"_s);
    const QModelIndex last = conversation->index(conversation->rowCount() - 1);
    QTRY_COMPARE(last.data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Stored);
    QVERIFY(last.data(Qt::DisplayRole).toString().contains(u"kept by the hub"_s));
    QVERIFY(!last.data(Qt::DisplayRole).toString().contains(u"sending"_s));
    auto bob = std::make_unique<PeerClient>();
    bob->setIdentity(bobKey);
    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QVERIFY(bob->connectToHub(hub.serverUrl(), u"bob"_s));
    QTRY_COMPARE(bobGot.size(), 1);
    QCOMPARE(bobGot.at(0).at(0).value<ChatMessage>().text, u"while you were away"_s);
    QVERIFY(bobGot.at(0).at(0).value<ChatMessage>().encrypted);
    // Then bob's own signed receipts move the mark on: delivered, and read once his user saw it.
    QTRY_COMPARE(last.data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Delivered);
    QVERIFY(last.data(Qt::DisplayRole).toString().endsWith(u"✓✓"_s));
    bob->markRead(u"me"_s, { bobGot.at(0).at(0).value<ChatMessage>().mid });
    QTRY_COMPARE(last.data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Read);
    QVERIFY(last.data(Qt::ToolTipRole).toString().contains(u"Read"_s));
}

void TestAppIdentity::readReceiptsWhenShownUnlessTurnedOff()
{
    // A message from a peer with a key gets a read receipt when it is shown: at once when its conversation is open
    // in the active window, otherwise when the user opens it. With the setting off, none is ever sent.
    AppOnHub app;
    QVERIFY(app.start());
    Hub &hub = app.hub;
    PeerClient &client = app.client;
    ChatController &controller = app.controller;
    auto bob = peerWithIdentity(hub.serverUrl(), u"bob"_s, Crypto::Identity::generate());
    QVERIFY(bob);
    QTRY_VERIFY(client.hasPeer(u"bob"_s));
    QSignalSpy delivered(bob.get(), &PeerClient::messageDelivered);
    QSignalSpy read(bob.get(), &PeerClient::messageRead);

    controller.setWindowActive(true);
    controller.setActiveConversation(QString()); // Everyone is shown, not bob
    const QString m1 = bob->sendMessage(u"me"_s, u"one"_s);
    QTRY_COMPARE(delivered.size(), 1);
    const QString m2 = bob->sendMessage(u"me"_s, u"two"_s);
    QTRY_COMPARE(delivered.size(), 2);
    QCOMPARE(read.size(), 0); // not shown yet
    controller.setActiveConversation(u"bob"_s);
    QTRY_COMPARE(read.size(), 2);
    QCOMPARE(read.at(0).at(1).toString(), m1);
    QCOMPARE(read.at(1).at(1).toString(), m2);
    const QString m3 = bob->sendMessage(u"me"_s, u"three, while you look"_s);
    QTRY_COMPARE(read.size(), 3);
    QCOMPARE(read.at(2).at(1).toString(), m3);

    controller.setReadReceipts(false);
    bob->sendMessage(u"me"_s, u"four"_s);
    QTRY_COMPARE(delivered.size(), 4);
    const QString m5 = bob->sendMessage(u"me"_s, u"five"_s); // its delivered receipt follows any read of four
    QTRY_COMPARE(delivered.size(), 5);
    QCOMPARE(delivered.at(4).at(1).toString(), m5);
    QCOMPARE(read.size(), 3);
}

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

void TestAppIdentity::refusedKeyIsShownByTheWindow()
{
    QTemporaryDir dir;
    ProfileIdentity made(dir.filePath(u"profile"_s));
    QVERIFY(made.load());
    QVERIFY(QFile::setPermissions(made.keyFile(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                                                     | QFile::ReadUser | QFile::WriteUser));
    ProfileIdentity identity(dir.filePath(u"profile"_s));
    QVERIFY(!identity.load());
    QSettings qs(dir.filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    AppSettings settings(&qs);
    PeerClient client;
    identity.applyTo(&client);
    ChatController controller(&client);
    LanguageManager language;
    HubHost host;
    MainWindow window(&controller, &host, &settings, &language);
    window.show();
    window.setProfileIdentity(&identity);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>(u"identityProblem"_s)) != nullptr);
    QVERIFY(box->text().contains(identity.keyFile()));
    QVERIFY(box->text().contains(u"other users"_s));
    box->accept();
    // My identity says it again, and where the key would be.
    window.findChild<QAction *>(u"actionMyIdentity"_s)->trigger();
    IdentityDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<IdentityDialog *>()) != nullptr);
    QCOMPARE(dialog->findChild<QLabel *>(u"identityError"_s)->text(), identity.errorText());
    QVERIFY(!client.hasIdentity()); // the app works on without one
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

// Two clients with two identities against a real hub: "me" (the app: window, controller, profile identity) and bob.
// Bob is verified in person; then he comes back with another key (the hub was told to forget his id): the app warns
// in his conversation, drops the mark, sends him nothing, shows nothing from him, until the user accepts the new key.
void TestAppIdentity::verifyThenKeyChangeWarnsBlocksAndAcceptReenables()
{
    QTemporaryDir dir;
    Hub hub;
    QVERIFY(hub.listen());
    QSettings qs(dir.filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    AppSettings settings(&qs);
    ProfileIdentity mine(dir.filePath(u"profile"_s));
    QVERIFY(mine.load());
    PeerClient client;
    QVERIFY(mine.applyTo(&client));
    ChatController controller(&client);
    controller.setVerifiedStore(&settings);
    LanguageManager language;
    HubHost host;
    MainWindow window(&controller, &host, &settings, &language);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.setProfileIdentity(&mine);
    QVERIFY(!window.findChild<QMessageBox *>(u"identityProblem"_s)); // nothing wrong to report

    QSignalSpy joined(&client, &PeerClient::joined);
    window.connectToHub(hub.serverUrl(), u"me"_s, u"Me"_s, QString());
    QVERIFY(joined.wait());
    const Crypto::Identity bobFirst = Crypto::Identity::generate();
    auto bob = peerWithIdentity(hub.serverUrl(), u"bob"_s, bobFirst);
    QVERIFY(bob);
    PeerListModel *peers = controller.peerModel();
    QTRY_VERIFY(peers->contains(u"bob"_s));
    QTRY_COMPARE(controller.peerFingerprint(u"bob"_s), bobFirst.fingerprint());
    QVERIFY(!controller.isVerified(u"bob"_s));

    // Verify… from the peer list: both fingerprints side by side; marking keeps the mark with bob's fingerprint.
    auto *peerList = window.findChild<QListView *>(u"peerList"_s);
    peerList->setCurrentIndex(peers->indexOf(u"bob"_s));
    QCOMPARE(controller.activeConversation(), u"bob"_s);
    auto *verifyAction = window.findChild<QAction *>(u"actionVerifyPeer"_s);
    QVERIFY(verifyAction->isEnabled());
    verifyAction->trigger();
    VerifyPeerDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<VerifyPeerDialog *>()) != nullptr);
    QCOMPARE(dialog->findChild<QLabel *>(u"peerFingerprint"_s)->text().simplified(), bobFirst.fingerprint());
    QCOMPARE(dialog->findChild<QLabel *>(u"ownFingerprint"_s)->text().simplified(), mine.fingerprint());
    dialog->findChild<QPushButton *>(u"markVerifiedButton"_s)->click();
    QVERIFY(controller.isVerified(u"bob"_s));
    QCOMPARE(settings.verifiedFingerprint(hub.serverUrl(), u"bob"_s), bobFirst.fingerprint());
    QVERIFY(peers->indexOf(u"bob"_s).data(PeerListModel::VerifiedRole).toBool());
    QVERIFY(peers->indexOf(u"bob"_s).data(Qt::DisplayRole).toString().contains(u"✓"_s));
    auto *title = window.findChild<QLabel *>(u"conversationTitle"_s);
    QVERIFY(title->text().contains(u"✓"_s));

    // End-to-end encrypted both ways, with the lock mark.
    auto *input = window.findChild<QPlainTextEdit *>(u"messageInput"_s);
    auto *sendButton = window.findChild<QPushButton *>(u"sendButton"_s);
    QVERIFY(sendButton->isEnabled());
    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    input->setPlainText(u"hello bob"_s);
    sendButton->click();
    QVERIFY(bobGot.wait());
    QCOMPARE(bobGot.at(0).at(0).value<ChatMessage>().text, u"hello bob"_s);
    QVERIFY(bobGot.at(0).at(0).value<ChatMessage>().encrypted);
    ConversationModel *talk = controller.conversation(u"bob"_s);
    QCOMPARE(talk->rowCount(), 1);
    QVERIFY(talk->index(0).data(ConversationModel::EncryptedRole).toBool());
    bob->sendMessage(u"me"_s, u"hello me"_s);
    QTRY_COMPARE(talk->rowCount(), 2);
    QVERIFY(talk->index(1).data(ConversationModel::EncryptedRole).toBool());
    QVERIFY(!talk->index(1).data(Qt::DecorationRole).isNull()); // the lock
    QVERIFY(talk->index(1).data(Qt::ToolTipRole).toString().contains(u"End-to-end encrypted"_s));

    // Bob comes back with another key.
    peerList->setCurrentIndex(peers->indexOf(QString())); // looking at Everyone: the change is notified
    QSignalSpy gone(&client, &PeerClient::peerDisconnected);
    bob.reset();
    QVERIFY(gone.wait());
    QString why;
    QVERIFY2(hub.forgetId(u"bob"_s, &why), qPrintable(why));
    QSignalSpy changed(&client, &PeerClient::keyChanged);
    QSignalSpy notified(&controller, &ChatController::notificationRequested);
    const Crypto::Identity bobSecond = Crypto::Identity::generate();
    auto bob2 = peerWithIdentity(hub.serverUrl(), u"bob"_s, bobSecond);
    QVERIFY(bob2);
    QTRY_COMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(1).toString(), bobFirst.fingerprint());
    QCOMPARE(changed.at(0).at(2).toString(), bobSecond.fingerprint());
    QVERIFY(controller.hasKeyChanged(u"bob"_s));
    QVERIFY(!controller.isVerified(u"bob"_s));
    QCOMPARE(settings.verifiedFingerprint(hub.serverUrl(), u"bob"_s), QString()); // the mark is dropped, for good
    QTRY_VERIFY(peers->indexOf(u"bob"_s).data(PeerListModel::KeyChangedRole).toBool());
    QVERIFY(!peers->indexOf(u"bob"_s).data(PeerListModel::VerifiedRole).toBool());
    QCOMPARE(notified.size(), 1);
    QVERIFY(notified.at(0).at(0).toString().contains(u"bob"_s));

    // In bob's conversation: the warning bar, and sending is off with the reason.
    peerList->setCurrentIndex(peers->indexOf(u"bob"_s));
    auto *bar = window.findChild<QFrame *>(u"keyChangeBar"_s);
    QVERIFY(bar->isVisible());
    QVERIFY(window.findChild<QLabel *>(u"keyChangeLabel"_s)->text().contains(u"key changed"_s));
    QVERIFY(!title->text().contains(u"✓"_s));
    // Verify… from the bar shows the new key's numbers and says the key changed.
    window.findChild<QPushButton *>(u"verifyKeyButton"_s)->click();
    QTRY_VERIFY((dialog = window.findChild<VerifyPeerDialog *>()) != nullptr);
    QCOMPARE(dialog->findChild<QLabel *>(u"peerFingerprint"_s)->text().simplified(), bobSecond.fingerprint());
    QVERIFY(dialog->findChild<QLabel *>(u"verifyIntro"_s)->text().contains(u"key changed"_s));
    dialog->reject();
    QTRY_VERIFY(!window.findChild<VerifyPeerDialog *>());
    QVERIFY(controller.hasKeyChanged(u"bob"_s)); // closing it changes nothing
    QVERIFY(!sendButton->isEnabled());
    QVERIFY(!sendButton->toolTip().isEmpty());
    QSignalSpy refused(&controller, &ChatController::errorReported);
    QSignalSpy bob2Got(bob2.get(), &PeerClient::messageReceived);
    input->setPlainText(u"are you bob?"_s);
    QTest::keyClick(input, Qt::Key_Return);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(talk->rowCount(), 2); // nothing went out
    // What the new key sends is held back meanwhile.
    QSignalSpy hubTookIt(bob2.get(), &PeerClient::messageAcked);
    bob2->sendMessage(u"me"_s, u"it is me, new laptop"_s);
    QVERIFY(hubTookIt.wait());
    QCOMPARE(talk->rowCount(), 2);
    QVERIFY(bob2Got.isEmpty());

    // Accept the new key: the bar goes, sending works again, and what bob sent meanwhile shows.
    QVERIFY(controller.canAcceptNewKey(u"bob"_s));
    window.findChild<QPushButton *>(u"acceptKeyButton"_s)->click();
    QVERIFY(!controller.hasKeyChanged(u"bob"_s));
    QVERIFY(!bar->isVisible());
    QVERIFY(sendButton->isEnabled());
    QVERIFY(!controller.isVerified(u"bob"_s)); // accepted is not verified
    QTRY_COMPARE(talk->rowCount(), 3);
    QCOMPARE(talk->index(2).data(ConversationModel::TextRole).toString(), u"it is me, new laptop"_s);
    input->setPlainText(u"welcome back"_s);
    sendButton->click();
    QTRY_COMPARE(bob2Got.size(), 1);
    QCOMPARE(bob2Got.at(0).at(0).value<ChatMessage>().text, u"welcome back"_s);
    QVERIFY(bob2Got.at(0).at(0).value<ChatMessage>().encrypted);
    window.shutdown();
}

// The hosted hub keeps ids bound to keys (in memory); its panel's "Forget id…" releases one for a new key.
void TestAppIdentity::forgetIdFromTheHubPanel()
{
    HubHost host;
    HubPanel panel(&host);
    panel.show();
    QSignalSpy started(&host, &HubHost::started);
    QVERIFY(host.start(HubConfig(), QHostAddress(QHostAddress::LocalHost), 0));
    QVERIFY(started.wait());
    const QUrl url = host.localUrl();
    {
        const Crypto::Identity aliceKey = Crypto::Identity::generate();
        auto first = peerWithIdentity(url, u"alice"_s, aliceKey);
        QVERIFY(first);
        // The host sees the fingerprint each peer joined with, to compare before releasing an id.
        QTRY_COMPARE(panel.peersModel()->rowCount(), 1);
        QCOMPARE(panel.peersModel()->index(0, HubPeersModel::FingerprintColumn).data().toString(),
                 aliceKey.fingerprint());
        QSignalSpy left(&host, &HubHost::peerLeft);
        first.reset();
        QVERIFY(left.wait());
    }
    // Another key may not take the id...
    PeerClient second;
    second.setIdentity(Crypto::Identity::generate());
    QSignalSpy errors(&second, &PeerClient::errorOccurred);
    QVERIFY(second.connectToHub(url, u"alice"_s));
    QTRY_VERIFY(!errors.isEmpty());
    QCOMPARE(errors.last().at(0).value<ClientError>().codeName, u"id_bound"_s);
    second.disconnectFromHub();

    // ... until the host forgets it: the button asks which id, the selected peer's by default.
    auto *forget = panel.findChild<QPushButton *>(u"forgetIdButton"_s);
    QVERIFY(forget->isEnabled());
    forget->click();
    QInputDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = panel.findChild<QInputDialog *>(u"forgetIdDialog"_s)) != nullptr);
    QVERIFY(dialog->labelText().contains(u"lost their key"_s));
    QSignalSpy forgotten(&host, &HubHost::idForgetDone);
    dialog->setTextValue(u"alice"_s);
    dialog->accept();
    QVERIFY(forgotten.wait());
    QCOMPARE(forgotten.at(0).at(0).toString(), u"alice"_s);
    QVERIFY(forgotten.at(0).at(1).toBool()); // it was bound
    QVERIFY(forgotten.at(0).at(2).toString().isEmpty()); // and is no more
    auto *notice = panel.findChild<QLabel *>(u"noticeLabel"_s);
    QVERIFY(notice->isVisible());
    QVERIFY(notice->text().contains(u"alice"_s));

    QSignalSpy joined(&second, &PeerClient::joined);
    QVERIFY(second.connectToHub(url, u"alice"_s));
    QVERIFY(joined.wait());

    // An id that was never bound is said so.
    panel.forgetId();
    QTRY_VERIFY((dialog = panel.findChild<QInputDialog *>(u"forgetIdDialog"_s)) != nullptr);
    dialog->setTextValue(u"nobody"_s);
    dialog->accept();
    QVERIFY(forgotten.wait());
    QVERIFY(!forgotten.at(1).at(1).toBool());
    QVERIFY(notice->text().contains(u"nobody"_s));

    second.disconnectFromHub();
    QSignalSpy stopped(&host, &HubHost::stopped);
    host.stop();
    QVERIFY(stopped.wait());
}

// The mark is kept with the fingerprint: the next start (a new client and controller on the same profile) shows bob
// verified again when he comes back with the same key, and the open conversation's title follows.
void TestAppIdentity::verifiedMarkHoldsAcrossRestarts()
{
    QTemporaryDir dir;
    Hub hub;
    QVERIFY(hub.listen());
    const Crypto::Identity bobKey = Crypto::Identity::generate();
    const QString file = dir.filePath(u"peerlink.ini"_s);
    {
        QSettings qs(file, QSettings::IniFormat);
        AppSettings settings(&qs);
        ProfileIdentity mine(dir.filePath(u"profile"_s));
        QVERIFY(mine.load());
        PeerClient client;
        mine.applyTo(&client);
        ChatController controller(&client);
        controller.setVerifiedStore(&settings);
        QSignalSpy joined(&client, &PeerClient::joined);
        QVERIFY(controller.connectToHub(hub.serverUrl(), u"me"_s, {}));
        QVERIFY(joined.wait());
        auto bob = peerWithIdentity(hub.serverUrl(), u"bob"_s, bobKey);
        QVERIFY(bob);
        QTRY_VERIFY(!controller.peerFingerprint(u"bob"_s).isEmpty());
        QVERIFY(controller.markVerified(u"bob"_s));
        settings.sync();
        QSignalSpy left(&hub, &Hub::peerLeft);
        client.disconnectFromHub();
        bob->disconnectFromHub();
        QTRY_COMPARE(left.size(), 2);
    }
    QSettings qs(file, QSettings::IniFormat);
    AppSettings settings(&qs);
    ProfileIdentity mine(dir.filePath(u"profile"_s));
    QVERIFY(mine.load());
    PeerClient client;
    mine.applyTo(&client);
    ChatController controller(&client);
    controller.setVerifiedStore(&settings);
    controller.setActiveConversation(u"bob"_s);
    QSignalSpy joined(&client, &PeerClient::joined);
    QVERIFY(controller.connectToHub(hub.serverUrl(), u"me"_s, {}));
    QVERIFY(joined.wait());
    QSignalSpy trust(&controller, &ChatController::peerTrustChanged);
    auto bob = peerWithIdentity(hub.serverUrl(), u"bob"_s, bobKey);
    QVERIFY(bob);
    QTRY_VERIFY(controller.isVerified(u"bob"_s));
    QTRY_VERIFY(controller.peerModel()->indexOf(u"bob"_s).data(PeerListModel::VerifiedRole).toBool());
    QVERIFY(!trust.isEmpty());
    QVERIFY(controller.conversationTitle(u"bob"_s).contains(u"✓"_s));
    QVERIFY(!controller.hasKeyChanged(u"bob"_s));
}

// A peer known by a key that comes back with none is a change too (worded as such); and the warning belongs to that
// hub: connecting to another one clears it.
void TestAppIdentity::peerBackWithoutAKeyIsWarnedOnThatHubOnly()
{
    QTemporaryDir dir;
    Hub hub;
    QVERIFY(hub.listen());
    ProfileIdentity mine(dir.filePath(u"profile"_s));
    QVERIFY(mine.load());
    PeerClient client;
    mine.applyTo(&client);
    ChatController controller(&client);
    QSignalSpy joined(&client, &PeerClient::joined);
    QVERIFY(controller.connectToHub(hub.serverUrl(), u"me"_s, {}));
    QVERIFY(joined.wait());
    {
        auto bob = peerWithIdentity(hub.serverUrl(), u"bob"_s, Crypto::Identity::generate());
        QVERIFY(bob);
        QTRY_VERIFY(!controller.peerFingerprint(u"bob"_s).isEmpty());
        QSignalSpy gone(&client, &PeerClient::peerDisconnected);
        bob.reset();
        QVERIFY(gone.wait());
    }
    QVERIFY(hub.forgetId(u"bob"_s));
    QSignalSpy changed(&controller, &ChatController::keyChangeDetected);
    PeerClient keyless;
    QSignalSpy keylessJoined(&keyless, &PeerClient::joined);
    QVERIFY(keyless.connectToHub(hub.serverUrl(), u"bob"_s));
    QVERIFY(keylessJoined.wait());
    QTRY_COMPARE(changed.size(), 1);
    QVERIFY(controller.hasKeyChanged(u"bob"_s));
    QVERIFY(controller.keyChangeText(u"bob"_s).contains(u"without the key"_s));
    QVERIFY(!controller.sendBlockedReason(u"bob"_s).isEmpty());
    QVERIFY(!controller.send(u"bob"_s, u"hello?"_s));
    // While the keyless bob is away the change cannot be accepted; it still holds.
    QVERIFY(controller.canAcceptNewKey(u"bob"_s));
    QSignalSpy away(&client, &PeerClient::peerDisconnected);
    keyless.disconnectFromHub();
    QVERIFY(away.wait());
    QVERIFY(!controller.canAcceptNewKey(u"bob"_s));
    QVERIFY(!controller.acceptNewKey(u"bob"_s));
    QVERIFY(controller.hasKeyChanged(u"bob"_s));

    Hub other;
    QVERIFY(other.listen());
    QSignalSpy trust(&controller, &ChatController::peerTrustChanged);
    controller.disconnectFromHub();
    QVERIFY(controller.hasKeyChanged(u"bob"_s)); // leaving is not enough: back on this hub, it still holds
    QVERIFY(controller.connectToHub(other.serverUrl(), u"me"_s, {}));
    QVERIFY(!controller.hasKeyChanged(u"bob"_s));
    QVERIFY(!trust.isEmpty());
    QVERIFY(!controller.peerModel()->indexOf(u"bob"_s).data(PeerListModel::KeyChangedRole).toBool());
    QVERIFY(joined.wait());
}

QTEST_MAIN(TestAppIdentity)
#include "tst_appidentity.moc"
