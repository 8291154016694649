// Rooms in the app (issue 17), driven offscreen over a real hub on loopback: "Join room…" makes or joins a room, which
// appears in the conversation list with its unread count; its title names its topic and members; what a member says
// arrives in it (end to end) and is kept and found in the same history as the other conversations; what one types
// goes to the room's members; "Leave room" leaves it (sending is then blocked); an invitation is shown with Accept /
// Decline, and Accept joins.
#include "appwindowfixture.h"
#include "app/conversationmodel.h"
#include "app/peerlistmodel.h"
#include "client/roomchannel.h"
#include "crypto/identity.h"
#include "history/messagestore.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QInputDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

class TestAppRooms : public QObject, private AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup() { tearDownApp(); }
    void joinTalkAndLeaveARoom();
    void invitationIsAcceptedOrDeclined();
    void createInviteOnlyRoomInviteAndSeeMembers();

private:
    /// bob, with an identity, joined to the test's hub.
    std::unique_ptr<PeerClient> keyedPeer(const QString &id);
    bool appJoins();

    std::unique_ptr<History::MessageStore> m_store;
};

void TestAppRooms::init()
{
    QVERIFY(setUpApp());
    m_store = std::make_unique<History::MessageStore>();
    QVERIFY(m_store->open(m_dir->filePath(u"history.sqlite"_s)));
    m_controller->setHistory(m_store.get());
    m_client->setIdentity(Crypto::Identity::generate());
}

std::unique_ptr<PeerClient> TestAppRooms::keyedPeer(const QString &id)
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(Crypto::Identity::generate());
    c->setDirectListening(false);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(m_hub->serverUrl(), id) || !joined.wait())
        return nullptr;
    return c;
}

bool TestAppRooms::appJoins()
{
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, u"Me"_s, QString());
    return joined.wait() || !joined.isEmpty();
}

void TestAppRooms::joinTalkAndLeaveARoom()
{
    auto *join = m_window->findChild<QAction *>(u"actionJoinRoom"_s);
    auto *leave = m_window->findChild<QAction *>(u"actionLeaveRoom"_s);
    QVERIFY(join && leave);
    QVERIFY(!join->isEnabled()); // not connected yet
    QVERIFY(appJoins());
    QTRY_VERIFY(join->isEnabled());
    auto bob = keyedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_client->hasPeer(u"bob"_s));

    // Join room… → a dialog → "#team" → the room is made and listed.
    join->trigger();
    auto *dialog = child<QInputDialog>("joinRoomDialog");
    QVERIFY(dialog);
    dialog->setTextValue(u"#team"_s);
    dialog->accept();
    PeerListModel *list = m_controller->peerModel();
    QTRY_VERIFY(m_controller->isInRoom(u"#team"_s));
    QVERIFY(list->contains(u"#team"_s));
    QVERIFY(list->indexOf(u"#team"_s).data(PeerListModel::RoomRole).toBool());
    QVERIFY(list->isOnline(u"#team"_s));

    // bob joins and speaks: it arrives in the room's conversation, unread while another one is shown.
    QVERIFY(bob->rooms()->join(u"team"_s, true));
    QTRY_COMPARE(m_controller->roomMembers(u"#team"_s), QStringList({ u"me"_s, u"bob"_s }));
    QTRY_VERIFY(bob->rooms()->rooms().contains(u"team"_s));
    bob->rooms()->send(u"team"_s, u"hello app 你好"_s);
    ConversationModel *room = m_controller->conversation(u"#team"_s);
    QTRY_COMPARE(room->rowCount(), 1);
    QCOMPARE(room->index(0).data(ConversationModel::TextRole).toString(), u"hello app 你好"_s);
    QCOMPARE(m_controller->unread(u"#team"_s), 1);
    QVERIFY(list->indexOf(u"#team"_s).data(Qt::DisplayRole).toString().contains(u"[1]"_s));

    // Shown: read, titled with its members; what is typed goes to bob, end to end.
    auto *peerList = child<QListView>("peerList");
    peerList->setCurrentIndex(list->indexOf(u"#team"_s));
    QTRY_COMPARE(m_controller->activeConversation(), u"#team"_s);
    m_controller->setWindowActive(true); // (offscreen, the window is not made active by itself)
    QCOMPARE(m_controller->unread(u"#team"_s), 0);
    const QString title = child<QLabel>("conversationTitle")->text();
    QVERIFY2(title.contains(u"#team"_s) && title.contains(u"bob"_s), qPrintable(title));
    QSignalSpy bobReads(bob->rooms(), &RoomChannel::messageReceived);
    typeAndEnter(u"hi room"_s);
    QTRY_COMPARE(bobReads.size(), 1);
    QCOMPARE(bobReads.at(0).at(2).toString(), u"hi room"_s);
    QTRY_COMPARE(room->rowCount(), 2);
    QTRY_COMPARE(room->index(1).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Sent);

    // The same history as every conversation: kept under "#team", and found.
    QVERIFY(m_store->conversations().contains(u"#team"_s));
    const QList<History::SearchHit> hits = m_controller->search(u"hello"_s);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.at(0).conversation, u"#team"_s);

    // Leave room: out of it, the conversation stays, sending is blocked.
    QVERIFY(leave->isEnabled());
    leave->trigger();
    QTRY_VERIFY(!m_controller->isInRoom(u"#team"_s));
    QVERIFY(list->contains(u"#team"_s));
    QVERIFY(!list->isOnline(u"#team"_s));
    QVERIFY(!m_controller->sendBlockedReason(u"#team"_s).isEmpty());
    QVERIFY(!child<QPushButton>("sendButton")->isEnabled());
    QVERIFY(!leave->isEnabled());
}

void TestAppRooms::invitationIsAcceptedOrDeclined()
{
    QVERIFY(appJoins());
    auto bob = keyedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_client->hasPeer(u"bob"_s));
    QSignalSpy made(bob->rooms(), &RoomChannel::joined);
    QVERIFY(bob->rooms()->create(u"secret"_s, u"plans"_s, true));
    QVERIFY(made.wait());
    QVERIFY(bob->rooms()->create(u"other"_s, QString(), true));
    QTRY_COMPARE(made.size(), 2);

    // Declined: nothing joined (the hub keeps the invitation).
    QSignalSpy invited(m_controller.get(), &ChatController::roomInvitationReceived);
    bob->rooms()->invite(u"other"_s, u"me"_s);
    QVERIFY(invited.wait());
    auto *box = child<QMessageBox>("roomInvitation");
    QVERIFY(box);
    QVERIFY(box->text().contains(u"#other"_s));
    box->button(QMessageBox::No)->click();
    QTRY_VERIFY(!child<QMessageBox>("roomInvitation"));
    QVERIFY(m_controller->pendingInvitations().isEmpty());

    // Accepted: in the room.
    bob->rooms()->invite(u"secret"_s, u"me"_s);
    QVERIFY(invited.wait());
    box = child<QMessageBox>("roomInvitation");
    QVERIFY(box);
    QVERIFY(box->text().contains(u"#secret"_s) && box->text().contains(u"bob"_s));
    box->button(QMessageBox::Yes)->click();
    QTRY_VERIFY(m_controller->isInRoom(u"#secret"_s));
    QCOMPARE(m_controller->roomTopic(u"#secret"_s), u"plans"_s);
    QVERIFY(!m_controller->isInRoom(u"#other"_s));
}

// Create room… with a topic, invite-only; Invite to room… bob, who joins; the members dock lists both, with presence.
void TestAppRooms::createInviteOnlyRoomInviteAndSeeMembers()
{
    QVERIFY(appJoins());
    auto bob = keyedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_client->hasPeer(u"bob"_s));
    auto *create = m_window->findChild<QAction *>(u"actionCreateRoom"_s);
    auto *invite = m_window->findChild<QAction *>(u"actionInviteToRoom"_s);
    QVERIFY(create && invite);
    QTRY_VERIFY(create->isEnabled());
    QVERIFY(!invite->isEnabled()); // no room shown
    create->trigger();
    auto *dialog = child<QDialog>("createRoomDialog");
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(u"roomName"_s)->setText(u"#plans"_s);
    dialog->findChild<QLineEdit *>(u"roomTopic"_s)->setText(u"春天的计划"_s);
    dialog->findChild<QCheckBox *>(u"roomInviteOnly"_s)->setChecked(true);
    dialog->accept();
    QTRY_VERIFY(m_controller->isInRoom(u"#plans"_s));
    QCOMPARE(m_controller->roomTopic(u"#plans"_s), u"春天的计划"_s);
    // Invite-only: bob cannot join uninvited.
    QSignalSpy bobErrors(bob.get(), &PeerClient::errorOccurred);
    bob->rooms()->join(u"plans"_s, false);
    QTRY_COMPARE(bobErrors.size(), 1);
    QCOMPARE(bobErrors.at(0).at(0).value<ClientError>().codeName, u"room_unknown"_s);

    m_controller->setActiveConversation(u"#plans"_s);
    auto *dock = child<QDockWidget>("membersDock");
    auto *members = child<QListWidget>("roomMembers");
    QTRY_VERIFY(dock->isVisible());
    QCOMPARE(members->count(), 1);
    QTRY_VERIFY(invite->isEnabled());
    QSignalSpy bobInvited(bob->rooms(), &RoomChannel::invited);
    invite->trigger();
    auto *who = child<QInputDialog>("inviteDialog");
    QVERIFY(who);
    who->setTextValue(u"bob"_s);
    who->accept();
    QTRY_COMPARE(bobInvited.size(), 1);
    QCOMPARE(bobInvited.at(0).at(1).toString(), u"me"_s);
    bob->rooms()->join(u"plans"_s, false);
    QTRY_COMPARE(members->count(), 2);
    QCOMPARE(members->item(1)->data(Qt::UserRole).toString(), u"bob"_s);
    QCOMPARE(members->item(1)->text(), u"bob"_s); // online
    // bob goes offline: the list says so.
    bob->disconnectFromHub();
    QTRY_COMPARE(members->item(1)->text(), tr("%1 (offline)").arg(u"bob"_s));
    // Another conversation: no members dock.
    m_controller->setActiveConversation(QString());
    QTRY_VERIFY(!dock->isVisible());
}

QTEST_MAIN(TestAppRooms)
#include "tst_approoms.moc"
