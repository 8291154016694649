// Rooms end to end between real clients (issue 17): three PeerClients with identities on a real hub over loopback, two
// in a room. Room messages are sealed with each sender's key, which it hands the other members over the pairwise
// end-to-end channel: the member reads them, the outsider gets nothing; a removed member cannot read what is said
// after its removal (the hub does not send it, and the ciphertext taken off the wire does not open with what it
// holds); a member that was away reads what was said meanwhile when it is back (the hub's mailbox); a join of a room
// that is not there makes it. Plus the sender-key cipher on its own.
#include "client/peerclient.h"
#include "client/roomchannel.h"
#include "crypto/roomcipher.h"
#include "hub/hub.h"
#include "hub/hubconfig.h"

#include "testmain.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

std::unique_ptr<PeerClient> joinedPeer(Hub &hub, const QString &id, const Crypto::Identity &identity)
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(identity);
    c->setDirectListening(false);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(hub.serverUrl(), id) || !joined.wait())
        return nullptr;
    return c;
}

/// A hub and alice, bob and carol with identities, who all see each other.
struct ThreePeers
{
    explicit ThreePeers(const HubConfig &config = HubConfig())
        : hub(config)
    {
    }
    Hub hub;
    Crypto::Identity aliceKey = Crypto::Identity::generate(), bobKey = Crypto::Identity::generate(),
                     carolKey = Crypto::Identity::generate();
    std::unique_ptr<PeerClient> alice, bob, carol;
    bool start()
    {
        if (!hub.listen(QHostAddress::LocalHost, 0))
            return false;
        alice = joinedPeer(hub, u"alice"_s, aliceKey);
        bob = joinedPeer(hub, u"bob"_s, bobKey);
        carol = joinedPeer(hub, u"carol"_s, carolKey);
        return alice && bob && carol && QTest::qWaitFor([this] {
                   return alice->hasPeer(u"bob"_s) && alice->hasPeer(u"carol"_s) && bob->hasPeer(u"carol"_s);
               });
    }
    /// start(), then alice makes #team and bob joins it.
    bool startWithTeam() { return start() && enter(alice.get(), QStringLiteral("team")) && enter(bob.get(), QStringLiteral("team")); }
    /// @p client joins (or makes) @p room and waits until it is in it.
    static bool enter(PeerClient *client, const QString &room)
    {
        QSignalSpy joined(client->rooms(), &RoomChannel::joined);
        client->rooms()->join(room, true);
        return joined.wait() || !joined.isEmpty();
    }
};

/// The texts a messageReceived spy of RoomChannel saw.
QStringList texts(const QSignalSpy &spy)
{
    QStringList out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(2).toString());
    return out;
}

} // namespace

class TestRoomClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cipherOpensOnlyWithTheKeyAndSender();
    void memberReadsOutsiderGetsNothing();
    void removedMemberCannotReadLaterMessages();
    void awayMemberReadsWhatWasSaidOnReturn();
    void saidRightAfterJoinGoesOnceIn();
    void roomsGoOnAfterAHubRestart();
    void restartedClientFindsItsRoomsAndKeys();
    void removedWhileAwayLearnsItOnReturn();
    void aMissingKeyIsAskedForOnce();
    void tooLargeIsRefusedBeforeSending();
};

void TestRoomClient::cipherOpensOnlyWithTheKeyAndSender()
{
    const Crypto::Identity alice = Crypto::Identity::generate(), mallory = Crypto::Identity::generate();
    const Crypto::SecretBytes key = Crypto::generateRoomKey(), other = Crypto::generateRoomKey();
    const QByteArray e2e = Crypto::sealRoomMessage(alice, key, 7, u"team"_s, u"alice"_s, u"m1"_s, "hello 房间");
    const auto sealed = Crypto::decodeRoomSealed(e2e);
    QVERIFY(sealed);
    QCOMPARE(sealed->generation, 7u);
    QVERIFY(Crypto::verifyRoomMessage(*sealed, alice.publicKey(), u"team"_s, u"alice"_s, u"m1"_s));
    QCOMPARE(Crypto::openRoomMessage(*sealed, key, u"team"_s, u"alice"_s, u"m1"_s).value_or("x"), "hello 房间");
    // Another key, room, sender or mid: nothing opens or verifies.
    QVERIFY(!Crypto::openRoomMessage(*sealed, other, u"team"_s, u"alice"_s, u"m1"_s));
    QVERIFY(!Crypto::openRoomMessage(*sealed, key, u"other"_s, u"alice"_s, u"m1"_s));
    QVERIFY(!Crypto::openRoomMessage(*sealed, key, u"team"_s, u"bob"_s, u"m1"_s));
    QVERIFY(!Crypto::verifyRoomMessage(*sealed, alice.publicKey(), u"team"_s, u"alice"_s, u"m2"_s));
    QVERIFY(!Crypto::verifyRoomMessage(*sealed, mallory.publicKey(), u"team"_s, u"alice"_s, u"m1"_s));
    // A member who holds the key cannot speak as another: its own signature is not the sender's.
    const auto forged = Crypto::decodeRoomSealed(
        Crypto::sealRoomMessage(mallory, key, 7, u"team"_s, u"alice"_s, u"m3"_s, "I am alice"));
    QVERIFY(forged);
    QVERIFY(!Crypto::verifyRoomMessage(*forged, alice.publicKey(), u"team"_s, u"alice"_s, u"m3"_s));
    // The decoder is strict.
    const QByteArray rest = e2e.mid(e2e.indexOf('.', 3)); // ".NONCE.CIPHERTEXT.SIGNATURE"
    for (const QByteArray &bad : QList<QByteArray> { QByteArray(), QByteArray("r1"), QByteArray("r2.1.a.b.c"),
                                                     QByteArray("r1.x.a.b.c"), QByteArray("r1.-1") + rest,
                                                     e2e + QByteArray(".more"), QByteArray("r1.99999999999") + rest,
                                                     QByteArray("r2.7") + rest })
        QVERIFY2(!Crypto::decodeRoomSealed(bad), bad.constData());
}

void TestRoomClient::memberReadsOutsiderGetsNothing()
{
    ThreePeers p;
    QVERIFY(p.start());
    QVERIFY(ThreePeers::enter(p.alice.get(), u"team"_s)); // not there: made
    QSignalSpy aliceSees(p.alice->rooms(), &RoomChannel::memberJoined);
    QVERIFY(ThreePeers::enter(p.bob.get(), u"team"_s));
    QTRY_COMPARE(aliceSees.size(), 1);
    QCOMPARE(p.alice->rooms()->members(u"team"_s), QStringList({ u"alice"_s, u"bob"_s }));

    QSignalSpy bobReads(p.bob->rooms(), &RoomChannel::messageReceived);
    QSignalSpy carolReads(p.carol->rooms(), &RoomChannel::messageReceived);
    QSignalSpy carolMessages(p.carol.get(), &PeerClient::messageReceived);
    QSignalSpy acked(p.alice.get(), &PeerClient::messageAcked);
    const QString mid = p.alice->rooms()->send(u"team"_s, u"hello-room 你好"_s);
    QVERIFY(!mid.isEmpty());
    QTRY_COMPARE(texts(bobReads), QStringList({ u"hello-room 你好"_s }));
    QCOMPARE(bobReads.at(0).at(0).toString(), u"team"_s);
    QCOMPARE(bobReads.at(0).at(1).toString(), u"alice"_s);
    QCOMPARE(bobReads.at(0).at(3).toString(), mid);
    QTRY_VERIFY(!acked.isEmpty());
    // And back: bob's key reached alice too.
    QSignalSpy aliceReads(p.alice->rooms(), &RoomChannel::messageReceived);
    p.bob->rooms()->send(u"team"_s, u"hi alice"_s);
    QTRY_COMPARE(texts(aliceReads), QStringList({ u"hi alice"_s }));
    // Listing the rooms says again what bob knew: no new key for it.
    const quint32 generation = p.bob->rooms()->keyGeneration(u"team"_s);
    QSignalSpy listed(p.bob->rooms(), &RoomChannel::listed);
    p.bob->rooms()->list();
    QVERIFY(listed.wait());
    QCOMPARE(listed.at(0).at(0).value<QList<RoomSummary>>().size(), 1);
    QCOMPARE(p.bob->rooms()->keyGeneration(u"team"_s), generation);
    // carol: a broadcast after all of it arrives, the room's messages never did.
    p.alice->sendMessage(u"to everyone"_s);
    QTRY_COMPARE(carolMessages.size(), 1);
    QCOMPARE(carolReads.size(), 0);
    // Not a member: carol cannot send to it either (refused before anything goes).
    QSignalSpy carolErrors(p.carol.get(), &PeerClient::errorOccurred);
    QVERIFY(p.carol->rooms()->send(u"team"_s, u"let me in"_s).isEmpty());
    QCOMPARE(carolErrors.size(), 1);
}

void TestRoomClient::removedMemberCannotReadLaterMessages()
{
    ThreePeers p;
    QVERIFY(p.startWithTeam());
    QVERIFY(ThreePeers::enter(p.carol.get(), u"team"_s));
    QSignalSpy carolReads(p.carol->rooms(), &RoomChannel::messageReceived);
    QSignalSpy bobReads(p.bob->rooms(), &RoomChannel::messageReceived);
    p.alice->rooms()->send(u"team"_s, u"before"_s);
    QTRY_COMPARE(texts(carolReads), QStringList({ u"before"_s }));
    QTRY_COMPARE(texts(bobReads), QStringList({ u"before"_s }));

    // Every room frame the hub writes, as the wire has it.
    QList<QByteArray> written;
    p.hub.setFrameObserver([&written](bool incoming, QByteArrayView utf8) {
        if (!incoming && utf8.contains("\"type\":\"room\""))
            written.append(utf8.toByteArray());
    });
    const quint32 before = p.alice->rooms()->keyGeneration(u"team"_s);
    QSignalSpy carolLeft(p.carol->rooms(), &RoomChannel::left);
    QSignalSpy aliceSaw(p.alice->rooms(), &RoomChannel::memberLeft);
    p.alice->rooms()->remove(u"team"_s, u"carol"_s);
    QTRY_COMPARE(carolLeft.size(), 1);
    QCOMPARE(carolLeft.at(0).at(1).toString(), u"removed"_s);
    QTRY_COMPARE(aliceSaw.size(), 1);
    QVERIFY(p.alice->rooms()->keyGeneration(u"team"_s) != before); // a new key, for bob only

    p.alice->rooms()->send(u"team"_s, u"after"_s);
    QTRY_COMPARE(texts(bobReads), QStringList({ u"before"_s, u"after"_s }));
    QCOMPARE(texts(carolReads), QStringList({ u"before"_s }));
    // The hub wrote carol no room message after her removal; and the one bob got does not open with carol's keys.
    std::optional<RoomEvent> afterMessage;
    for (const QByteArray &frame : std::as_const(written)) {
        const Decoded<HubEnvelope> d = decodeHubMessage(frame);
        QVERIFY(d.ok());
        const RoomEvent &e = std::get<RoomEvent>(d.envelope());
        if (e.op == u"message")
            afterMessage = e;
    }
    QVERIFY(afterMessage);
    QSignalSpy carolErrors(p.carol.get(), &PeerClient::errorOccurred);
    p.carol->rooms()->received(*afterMessage); // as if the hub had sent it to her after all
    QCOMPARE(carolReads.size(), 1);
    QCOMPARE(carolErrors.size(), 1);
    QCOMPARE(carolErrors.at(0).at(0).value<ClientError>().codeName, QString(ClientError::E2eFailed));
}

void TestRoomClient::awayMemberReadsWhatWasSaidOnReturn()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HubConfig config;
    config.dataDir = dir.path();
    ThreePeers p(config);
    QVERIFY(p.start());
    QVERIFY(ThreePeers::enter(p.alice.get(), u"team"_s));
    QVERIFY(ThreePeers::enter(p.bob.get(), u"team"_s));
    QSignalSpy bobReads(p.bob->rooms(), &RoomChannel::messageReceived);
    p.alice->rooms()->send(u"team"_s, u"while here"_s);
    QTRY_COMPARE(texts(bobReads), QStringList({ u"while here"_s }));

    QSignalSpy gone(p.alice.get(), &PeerClient::peerDisconnected);
    p.bob->disconnectFromHub();
    QTRY_COMPARE(gone.size(), 1);
    QSignalSpy acked(p.alice.get(), &PeerClient::messageAcked);
    p.alice->rooms()->send(u"team"_s, u"while away 1"_s);
    p.alice->rooms()->send(u"team"_s, u"while away 2"_s);
    QTRY_COMPARE(acked.size(), 2);
    QTRY_COMPARE(p.hub.mailbox().count(u"bob"_s), 2);

    QSignalSpy joined(p.bob.get(), &PeerClient::joined);
    QVERIFY(p.bob->connectToHub(p.hub.serverUrl(), u"bob"_s));
    QVERIFY(joined.wait());
    QTRY_COMPARE(texts(bobReads), QStringList({ u"while here"_s, u"while away 1"_s, u"while away 2"_s }));
    // Back in the room (the hub said so after the welcome), with a fresh key alice gets.
    QTRY_COMPARE(p.bob->rooms()->rooms(), QStringList({ u"team"_s }));
    QSignalSpy aliceReads(p.alice->rooms(), &RoomChannel::messageReceived);
    p.bob->rooms()->send(u"team"_s, u"back"_s);
    QTRY_COMPARE(texts(aliceReads), QStringList({ u"back"_s }));
}

// A script says "/join #room" and "/to #room …" at once: the message waits for the join (or the create the join
// becomes) and then goes sealed with the key of then.
void TestRoomClient::saidRightAfterJoinGoesOnceIn()
{
    ThreePeers p;
    QVERIFY(p.start());
    QVERIFY(ThreePeers::enter(p.alice.get(), u"quick"_s));
    QSignalSpy aliceReads(p.alice->rooms(), &RoomChannel::messageReceived);
    QVERIFY(p.bob->rooms()->join(u"quick"_s, true));
    QVERIFY(!p.bob->rooms()->send(u"quick"_s, u"first words"_s).isEmpty());
    QTRY_COMPARE(texts(aliceReads), QStringList({ u"first words"_s }));

    QSignalSpy acked(p.carol.get(), &PeerClient::messageAcked);
    QVERIFY(p.carol->rooms()->join(u"fresh"_s, true)); // not there: made
    const QString mid = p.carol->rooms()->send(u"fresh"_s, u"alone"_s);
    QVERIFY(!mid.isEmpty());
    QTRY_COMPARE(acked.size(), 1);
    QCOMPARE(acked.at(0).at(0).toString(), mid);
    QCOMPARE(p.carol->rooms()->rooms(), QStringList({ u"fresh"_s }));
}

// The hub restarts on the same data-dir and port; the clients come back by themselves, ask for their rooms again, get
// their membership back from the hub, make new keys (their peers' prekeys are new), and the room goes on: the
// member reads, the outsider does not.
void TestRoomClient::roomsGoOnAfterAHubRestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HubConfig config;
    config.dataDir = dir.path();
    config.reconnectGraceMs = 0;
    auto p = std::make_unique<ThreePeers>(config);
    QVERIFY(p->start());
    const quint16 port = p->hub.serverPort();
    for (PeerClient *c : { p->alice.get(), p->bob.get(), p->carol.get() }) {
        c->setAutoReconnect(true);
        c->setReconnectDelays(50, 200);
    }
    QVERIFY(ThreePeers::enter(p->alice.get(), u"team"_s));
    QVERIFY(ThreePeers::enter(p->bob.get(), u"team"_s));
    const quint32 before = p->bob->rooms()->keyGeneration(u"team"_s);

    // The hub goes away (its clients stay, and try again) and a new one starts on the same place.
    QSignalSpy bobBack(p->bob.get(), &PeerClient::joined);
    QSignalSpy aliceBack(p->alice.get(), &PeerClient::joined);
    QSignalSpy bobRejoined(p->bob->rooms(), &RoomChannel::joined);
    QSignalSpy aliceRejoined(p->alice->rooms(), &RoomChannel::joined);
    p->hub.close();
    QTRY_COMPARE(p->bob->state(), PeerClient::State::Reconnecting);
    Hub again(config);
    QVERIFY2(again.listen(QHostAddress::LocalHost, port), qPrintable(again.errorString()));
    QCOMPARE(again.rooms().find(u"team"_s)->members, QStringList({ u"alice"_s, u"bob"_s }));
    QTRY_VERIFY_WITH_TIMEOUT(!bobBack.isEmpty() && !aliceBack.isEmpty(), 10000);
    QTRY_VERIFY(!bobRejoined.isEmpty() && !aliceRejoined.isEmpty()); // the hub's word: still members
    // Keys sent just before the hub went (bob's join) may have gone with it: each member makes a new one once back.
    QTRY_VERIFY(p->bob->rooms()->keyGeneration(u"team"_s) != before);

    QSignalSpy bobReads(p->bob->rooms(), &RoomChannel::messageReceived);
    QSignalSpy carolReads(p->carol->rooms(), &RoomChannel::messageReceived);
    QTRY_VERIFY(p->alice->hasPeer(u"bob"_s));
    p->alice->rooms()->send(u"team"_s, u"after the restart"_s);
    QTRY_COMPARE(texts(bobReads), QStringList({ u"after the restart"_s }));
    QSignalSpy aliceReads(p->alice->rooms(), &RoomChannel::messageReceived);
    p->bob->rooms()->send(u"team"_s, u"and back"_s);
    QTRY_COMPARE(texts(aliceReads), QStringList({ u"and back"_s }));
    QCOMPARE(carolReads.size(), 0);
    p.reset(); // the clients go before the hub they are connected to
}

// bob's program restarts (a new client with the same identity, no keys in memory): the hub announced rooms, so the
// new client asks for its rooms at once, learns it is in #team, hands alice a new key and asks for hers; then it
// reads her again. A client without rooms in use sends nothing of rooms to a hub that does not announce them.
void TestRoomClient::restartedClientFindsItsRoomsAndKeys()
{
    ThreePeers p;
    QVERIFY(p.startWithTeam());
    QSignalSpy gone(p.alice.get(), &PeerClient::peerDisconnected);
    p.bob.reset();
    QTRY_COMPARE(gone.size(), 1);

    auto bob = std::make_unique<PeerClient>();
    bob->setIdentity(p.bobKey);
    bob->setDirectListening(false);
    QSignalSpy inRoom(bob->rooms(), &RoomChannel::joined);
    QSignalSpy listed(bob->rooms(), &RoomChannel::listed);
    QVERIFY(bob->connectToHub(p.hub.serverUrl(), u"bob"_s));
    QTRY_COMPARE(inRoom.size(), 1); // nobody typed /join: the hub's list said so
    QCOMPARE(inRoom.at(0).at(0).toString(), u"team"_s);
    QCOMPARE(listed.size(), 0); // the automatic list is not shown as the user's

    QSignalSpy bobReads(bob->rooms(), &RoomChannel::messageReceived);
    QTRY_VERIFY(p.alice->hasPeer(u"bob"_s));
    // alice answers bob's request for her key before anything else she sends him; then she speaks.
    QTRY_COMPARE(p.alice->rooms()->members(u"team"_s), QStringList({ u"alice"_s, u"bob"_s }));
    QSignalSpy aliceReads(p.alice->rooms(), &RoomChannel::messageReceived);
    bob->rooms()->send(u"team"_s, u"I am back"_s);
    QTRY_COMPARE(texts(aliceReads), QStringList({ u"I am back"_s })); // bob's new key reached her
    p.alice->rooms()->send(u"team"_s, u"welcome back"_s);
    QTRY_COMPARE(texts(bobReads), QStringList({ u"welcome back"_s })); // and hers, him
}

// bob is away when alice removes him: when he is back, the hub's list no longer has the room, and bob's client says
// he is out of it ("gone"); he cannot send to it.
void TestRoomClient::removedWhileAwayLearnsItOnReturn()
{
    ThreePeers p;
    QVERIFY(p.startWithTeam());
    QSignalSpy gone(p.alice.get(), &PeerClient::peerDisconnected);
    p.bob->disconnectFromHub();
    QTRY_COMPARE(gone.size(), 1);
    QSignalSpy aliceSaw(p.alice->rooms(), &RoomChannel::memberLeft);
    p.alice->rooms()->remove(u"team"_s, u"bob"_s);
    QTRY_COMPARE(aliceSaw.size(), 1);

    QSignalSpy left(p.bob->rooms(), &RoomChannel::left);
    QVERIFY(p.bob->connectToHub(p.hub.serverUrl(), u"bob"_s));
    QTRY_COMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).toString(), u"team"_s);
    QCOMPARE(left.at(0).at(1).toString(), u"gone"_s);
    QVERIFY(p.bob->rooms()->rooms().isEmpty());
    QVERIFY(p.bob->rooms()->send(u"team"_s, u"still here?"_s).isEmpty());
}

// A message sealed with a key bob never got (it was lost with a connection, or a full mailbox): bob asks alice for her
// key, once for that generation, and reads what she says next.
void TestRoomClient::aMissingKeyIsAskedForOnce()
{
    ThreePeers p;
    QVERIFY(p.startWithTeam());
    QTRY_COMPARE(p.alice->rooms()->members(u"team"_s).size(), 2);
    // Both ways read: the keys of the join have all arrived.
    QSignalSpy aliceReads(p.alice->rooms(), &RoomChannel::messageReceived);
    p.bob->rooms()->send(u"team"_s, u"ping"_s);
    QTRY_COMPARE(aliceReads.size(), 1);
    QSignalSpy bobReads(p.bob->rooms(), &RoomChannel::messageReceived);
    p.alice->rooms()->send(u"team"_s, u"pong"_s);
    QTRY_COMPARE(texts(bobReads), QStringList({ u"pong"_s }));
    int keysIn = 0;
    p.hub.setFrameObserver([&keysIn](bool incoming, QByteArrayView utf8) {
        if (incoming && utf8.contains("\"op\":\"key\""))
            ++keysIn;
    });
    // alice's message under a generation bob does not hold (as if its key had been lost on the way).
    RoomEvent lost { u"message"_s, u"team"_s };
    lost.from = u"alice"_s;
    lost.mid = u"lost1"_s;
    lost.e2e = QString::fromLatin1(Crypto::sealRoomMessage(p.aliceKey, Crypto::generateRoomKey(), 12345, u"team"_s,
                                                           u"alice"_s, u"lost1"_s, "lost"));
    QSignalSpy bobErrors(p.bob.get(), &PeerClient::errorOccurred);
    p.bob->rooms()->received(lost);
    QCOMPARE(bobErrors.size(), 1); // reported: it did not open
    QTRY_COMPARE(keysIn, 2);        // bob asks (his key, want); alice answers with hers
    lost.mid = u"lost2"_s;
    lost.e2e = QString::fromLatin1(Crypto::sealRoomMessage(p.aliceKey, Crypto::generateRoomKey(), 12345, u"team"_s,
                                                           u"alice"_s, u"lost2"_s, "lost"));
    p.bob->rooms()->received(lost); // the same generation: not asked again
    p.alice->rooms()->send(u"team"_s, u"next"_s);
    QTRY_COMPARE(texts(bobReads), QStringList({ u"pong"_s, u"next"_s }));
    QCOMPARE(keysIn, 2);
}

// A room message that would be over the hub's message limit once sealed is refused by the client (too_large, by its
// mid), not sent for the hub to close the connection over.
void TestRoomClient::tooLargeIsRefusedBeforeSending()
{
    HubConfig config;
    config.maxMessageBytes = 2048;
    ThreePeers p(config);
    QVERIFY(p.startWithTeam());
    QSignalSpy errors(p.alice.get(), &PeerClient::errorOccurred);
    QVERIFY(p.alice->rooms()->send(u"team"_s, QString(3000, u'x')).isEmpty());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"too_large"_s);
    QSignalSpy bobReads(p.bob->rooms(), &RoomChannel::messageReceived);
    QVERIFY(!p.alice->rooms()->send(u"team"_s, QString(500, u'y')).isEmpty()); // still joined, still in the room
    QTRY_COMPARE(bobReads.size(), 1);
    QVERIFY(p.alice->isJoined());
}

PEERLINK_TEST_MAIN(TestRoomClient)
#include "tst_roomclient.moc"
