// Delivery and read receipts end to end (issue 14): signed by the recipient, passed on by the hub, believed only when
// the signature verifies; batched; off for read receipts when the user says so; kept by the hub for a sender who is
// away. And the order guarantee where the mailbox and live traffic meet. Over real sockets on loopback against the
// real hub, plus the checks of Receipts itself.
#include "client/peerclient.h"
#include "client/receipts.h"
#include "client/securechannel.h"
#include "core/rules.h"
#include "crypto/sodium.h"
#include "hub/hub.h"
#include "hub/hubconfig.h"
#include "hub/mailbox.h"

#include "rawclient.h"
#include "testmain.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

const QString kHub = u"ws://127.0.0.1:1/"_s;

std::unique_ptr<PeerClient> joinedPeer(Hub &hub, const QString &id, const std::optional<Crypto::Identity> &identity,
                                       const QString &knownKeys = QString())
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(identity);
    if (!knownKeys.isEmpty() && !c->setKnownKeysFile(knownKeys))
        return nullptr;
    c->setDirectListening(false);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(hub.serverUrl(), id) || !joined.wait())
        return nullptr;
    return c;
}

/// The (peer, mid) pairs of a messageDelivered / messageRead spy.
QStringList pairs(const QSignalSpy &spy)
{
    QStringList out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).toString() + u' ' + args.at(1).toString());
    return out;
}

/// Two SecureChannels that know each other, as after both joined one hub.
struct Pair
{
    SecureChannel a, b;
    Pair()
    {
        a.setIdentity(Crypto::Identity::generate());
        b.setIdentity(Crypto::Identity::generate());
        a.startConnection(kHub, u"a"_s);
        b.startConnection(kHub, u"b"_s);
        a.peerPresent(u"b"_s, b.identity()->publicKey(), b.prekey(), b.prekeySignature());
        b.peerPresent(u"a"_s, a.identity()->publicKey(), a.prekey(), a.prekeySignature());
    }
};

/// A hub with two peers that joined with identities and see each other.
struct TwoPeers
{
    Hub hub;
    std::unique_ptr<PeerClient> alice, bob;
    bool start()
    {
        if (!hub.listen())
            return false;
        alice = joinedPeer(hub, u"alice"_s, Crypto::Identity::generate());
        bob = joinedPeer(hub, u"bob"_s, Crypto::Identity::generate());
        return alice && bob && QTest::qWaitFor([this] { return alice->hasPeer(u"bob"_s); });
    }
};

} // namespace

class TestReceipts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deliveredThenReadOverTheHub();
    void readReceiptsOffSendsNone();
    void receiptForAnAbsentSenderIsKeptByTheHub();
    void onlySignedReceiptsAreBelieved();
    void batchedAndOnlyWithKeys();
    void hubPassesOnlyReceiptsFromKeys();
    void rejoiningWhileStoringGetsAllOnceInOrder();
};

void TestReceipts::deliveredThenReadOverTheHub()
{
    TwoPeers two;
    QVERIFY(two.start());
    PeerClient *alice = two.alice.get(), *bob = two.bob.get();
    QSignalSpy acked(alice, &PeerClient::messageAcked);
    QSignalSpy delivered(alice, &PeerClient::messageDelivered);
    QSignalSpy read(alice, &PeerClient::messageRead);
    QSignalSpy got(bob, &PeerClient::messageReceived);
    const QString m1 = alice->sendMessage(u"bob"_s, u"one"_s);
    const QString m2 = alice->sendMessage(u"bob"_s, u"two"_s);
    QTRY_COMPARE(delivered.size(), 2);
    QCOMPARE(pairs(delivered), QStringList({ u"bob "_s + m1, u"bob "_s + m2 }));
    QCOMPARE(acked.size(), 2); // the hub's word came too, and first
    QCOMPARE(got.size(), 2);
    QCOMPARE(read.size(), 0); // nobody has looked yet
    bob->markRead(u"alice"_s, { m1, m2 });
    QTRY_COMPARE(read.size(), 2);
    QCOMPARE(pairs(read), QStringList({ u"bob "_s + m1, u"bob "_s + m2 }));
}

void TestReceipts::readReceiptsOffSendsNone()
{
    TwoPeers two;
    QVERIFY(two.start());
    PeerClient *alice = two.alice.get(), *bob = two.bob.get();
    bob->setReadReceipts(false);
    QSignalSpy delivered(alice, &PeerClient::messageDelivered);
    QSignalSpy read(alice, &PeerClient::messageRead);
    const QString m1 = alice->sendMessage(u"bob"_s, u"one"_s);
    QTRY_COMPARE(delivered.size(), 1);
    bob->markRead(u"alice"_s, { m1 });
    // A later message's delivered receipt goes after any read receipt bob would have sent: none came before it.
    const QString m2 = alice->sendMessage(u"bob"_s, u"two"_s);
    QTRY_COMPARE(delivered.size(), 2);
    QCOMPARE(pairs(delivered).last(), u"bob "_s + m2);
    QCOMPARE(read.size(), 0);
}

void TestReceipts::receiptForAnAbsentSenderIsKeptByTheHub()
{
    HubConfig config;
    config.reconnectGraceMs = 0;
    Hub hub(config);
    QVERIFY(hub.listen());
    const Crypto::Identity aliceId = Crypto::Identity::generate();
    const Crypto::Identity bobId = Crypto::Identity::generate();
    // Each keeps the keys it met on file, as the app and the CLI do: the next run checks what comes from them.
    QTemporaryDir dir;
    const QString aliceKeys = dir.filePath(u"alice-keys"_s), bobKeys = dir.filePath(u"bob-keys"_s);
    QString mid;
    {
        auto bob = joinedPeer(hub, u"bob"_s, bobId, bobKeys); // bound, then away
        auto alice = joinedPeer(hub, u"alice"_s, aliceId, aliceKeys);
        QVERIFY(alice && bob);
        QTRY_VERIFY(alice->hasPeer(u"bob"_s));
        bob->disconnectFromHub();
        QTRY_VERIFY(!alice->hasPeer(u"bob"_s));
        QSignalSpy stored(alice.get(), &PeerClient::messageStored);
        mid = alice->sendMessage(u"bob"_s, u"while you are away"_s);
        QTRY_COMPARE(stored.size(), 1);
        alice->disconnectFromHub();
    }
    // bob comes back, gets it, confirms it: alice is away now, so the hub keeps the receipt for her.
    auto bob = std::make_unique<PeerClient>();
    bob->setIdentity(bobId);
    QVERIFY(bob->setKnownKeysFile(bobKeys));
    bob->setDirectListening(false);
    QSignalSpy got(bob.get(), &PeerClient::messageReceived);
    QVERIFY(bob->connectToHub(hub.serverUrl(), u"bob"_s));
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().mid, mid);
    bob->markRead(u"alice"_s, { mid });
    QTRY_COMPARE(hub.mailbox().count(u"alice"_s), 2);
    // alice joins again and hears both, in order.
    auto alice = std::make_unique<PeerClient>();
    alice->setIdentity(aliceId);
    QVERIFY(alice->setKnownKeysFile(aliceKeys));
    alice->setDirectListening(false);
    QSignalSpy delivered(alice.get(), &PeerClient::messageDelivered);
    QSignalSpy read(alice.get(), &PeerClient::messageRead);
    QVERIFY(alice->connectToHub(hub.serverUrl(), u"alice"_s));
    QTRY_COMPARE(read.size(), 1);
    QCOMPARE(pairs(delivered), QStringList({ u"bob "_s + mid }));
    QCOMPARE(pairs(read), QStringList({ u"bob "_s + mid }));
    QCOMPARE(hub.mailbox().count(u"alice"_s), 0);
}

void TestReceipts::onlySignedReceiptsAreBelieved()
{
    Pair p;
    Receipts atA(p.a);
    QSignalSpy heard(&atA, &Receipts::receiptReceived);
    const QStringList mids { u"m1"_s, u"m2"_s };
    const QString good = p.b.signReceipt(u"a"_s, ReceiptKind::Delivered, mids);
    QVERIFY(!good.isEmpty());
    // What the hub could try: another kind, other mids, another recipient, a signature of its own.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropped a receipt from b"_s));
    atA.received(Receipt { u"b"_s, u"a"_s, ReceiptKind::Read, mids, good, 1 });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropped a receipt from b"_s));
    atA.received(Receipt { u"b"_s, u"a"_s, ReceiptKind::Delivered, { u"m1"_s, u"m3"_s }, good, 1 });
    const Crypto::Identity hubKey = Crypto::Identity::generate();
    const QString forged = QString::fromLatin1(Crypto::toBase64(
        Crypto::signReceipt(hubKey, u"b"_s, u"a"_s, u"delivered"_s, mids)));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropped a receipt from b"_s));
    atA.received(Receipt { u"b"_s, u"a"_s, ReceiptKind::Delivered, mids, forged, 1 });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropped a receipt from c"_s));
    atA.received(Receipt { u"c"_s, u"a"_s, ReceiptKind::Delivered, mids, good, 1 }); // no key known for c
    QCOMPARE(heard.size(), 0);
    atA.received(Receipt { u"b"_s, u"a"_s, ReceiptKind::Delivered, mids, good, 1 });
    QCOMPARE(heard.size(), 1);
    QCOMPARE(heard.at(0).at(0).toString(), u"b"_s);
    QCOMPARE(heard.at(0).at(2).toStringList(), mids);
}

void TestReceipts::batchedAndOnlyWithKeys()
{
    Pair p;
    Receipts atB(p.b);
    QSignalSpy frames(&atB, &Receipts::hubFrameReady);
    // Not joined: they wait.
    for (int i = 0; i < 150; ++i)
        atB.messageDelivered(ChatMessage { u"a"_s, QString(), u"b"_s, u"m%1"_s.arg(i), 0 });
    atB.messagesRead(u"a"_s, { u"m0"_s });
    atB.messageDelivered(ChatMessage { u"a"_s, QString(), QString(), u"broadcast"_s, 0 }); // not confirmed
    atB.messageDelivered(ChatMessage { u"stranger"_s, QString(), u"b"_s, u"x1"_s, 0 }); // no key known: none
    QCOMPARE(atB.pendingCount(), 151);
    QVERIFY(!frames.wait(100));
    atB.setJoined(true);
    QTRY_COMPARE(frames.size(), 3); // 100 + 50 delivered, 1 read
    int deliveredMids = 0;
    for (const QList<QVariant> &args : frames) {
        const auto decoded = decodeClientMessage(args.at(0).toByteArray());
        QVERIFY(decoded.ok());
        const auto &r = std::get<ReceiptRequest>(decoded.envelope());
        QCOMPARE(r.to, u"a"_s);
        bool ok = false;
        QVERIFY(Crypto::verifyReceipt(p.b.identity()->publicKey(), u"b"_s, u"a"_s, receiptKindName(r.kind), r.mids,
                                      Crypto::fromBase64(r.sig.toLatin1(), &ok)));
        if (r.kind == ReceiptKind::Delivered)
            deliveredMids += int(r.mids.size());
        else
            QCOMPARE(r.mids, QStringList({ u"m0"_s }));
    }
    QCOMPARE(deliveredMids, 150);
    QCOMPARE(atB.pendingCount(), 0);
    // Joined, a full batch goes at once, without waiting for the batching timer.
    for (int i = 0; i < Rules::MaxReceiptMids; ++i)
        atB.messageDelivered(ChatMessage { u"a"_s, QString(), u"b"_s, u"n%1"_s.arg(i), 0 });
    QCOMPARE(frames.size(), 4);
    QCOMPARE(atB.pendingCount(), 0);
    // Without an identity nothing is signed, so nothing goes.
    SecureChannel anonymous;
    Receipts none(anonymous);
    none.setJoined(true);
    none.messageDelivered(ChatMessage { u"a"_s, QString(), u"me"_s, u"m1"_s, 0 });
    QCOMPARE(none.pendingCount(), 0);
}

void TestReceipts::hubPassesOnlyReceiptsFromKeys()
{
    // The recipient of a receipt checks its signature; the hub lets only peers that joined with a key send one (a
    // version-1 peer gets bad_message). A receipt for nobody (not joined, not bound) is dropped without an answer.
    Hub hub;
    QVERIFY(hub.listen());
    Test::RawClient plain;
    QVERIFY(plain.open(hub.serverUrl()));
    QCOMPARE(plain.join(u"plain"_s).value(u"type"_s).toString(), u"welcome"_s);
    const QString sig = QString(85, u'C') + u'A';
    plain.sendJson({ { u"type"_s, u"receipt"_s }, { u"to"_s, u"x"_s }, { u"kind"_s, u"read"_s },
                     { u"mids"_s, QJsonArray { u"m1"_s } }, { u"sig"_s, sig } });
    const QJsonObject error = plain.waitFor(u"error"_s);
    QCOMPARE(error.value(u"code"_s).toString(), u"bad_message"_s);
    QCOMPARE(error.value(u"ref"_s).toString(), u"receipt"_s);

    auto keyed = joinedPeer(hub, u"keyed"_s, Crypto::Identity::generate());
    QVERIFY(keyed);
    QSignalSpy errors(keyed.get(), &PeerClient::errorOccurred);
    keyed->markRead(u"nobody"_s, { u"m1"_s }); // no key known for nobody: not even sent
    auto other = joinedPeer(hub, u"other"_s, Crypto::Identity::generate());
    QVERIFY(other);
    QSignalSpy got(other.get(), &PeerClient::messageReceived);
    keyed->sendMessage(u"other"_s, u"still talking"_s);
    QVERIFY(got.wait());
    QCOMPARE(errors.size(), 0);
}

void TestReceipts::rejoiningWhileStoringGetsAllOnceInOrder()
{
    // bob comes back while alice's messages are still being stored for him: what the mailbox kept (handed over in
    // small pieces: the hub's queue for him is small) and what goes live after his return meet at his client, which
    // shows every one once, in the order alice sent them; alice hears each delivered.
    HubConfig config;
    config.reconnectGraceMs = 0;
    config.maxQueuedBytes = 16 * 1024;
    Hub hub(config);
    QVERIFY(hub.listen());
    QTemporaryDir dir;
    const Crypto::Identity bobId = Crypto::Identity::generate();
    auto alice = joinedPeer(hub, u"alice"_s, Crypto::Identity::generate(), dir.filePath(u"alice-keys"_s));
    QVERIFY(alice);
    {
        auto bob = joinedPeer(hub, u"bob"_s, bobId, dir.filePath(u"bob-keys"_s));
        QVERIFY(bob);
        QTRY_VERIFY(alice->hasPeer(u"bob"_s));
        bob->disconnectFromHub();
        QTRY_VERIFY(!alice->hasPeer(u"bob"_s));
    }
    QSignalSpy stored(alice.get(), &PeerClient::messageStored);
    QSignalSpy delivered(alice.get(), &PeerClient::messageDelivered);
    constexpr int total = 200;
    QStringList sentMids;
    for (int i = 0; i < 120; ++i)
        sentMids.append(alice->sendMessage(u"bob"_s, u"message %1"_s.arg(i)));
    QTRY_VERIFY(stored.size() >= 40); // some on disk, more on their way
    auto bob = std::make_unique<PeerClient>();
    bob->setIdentity(bobId);
    QVERIFY(bob->setKnownKeysFile(dir.filePath(u"bob-keys"_s)));
    bob->setDirectListening(false);
    QSignalSpy got(bob.get(), &PeerClient::messageReceived);
    QVERIFY(bob->connectToHub(hub.serverUrl(), u"bob"_s));
    for (int i = 120; i < total; ++i) {
        sentMids.append(alice->sendMessage(u"bob"_s, u"message %1"_s.arg(i)));
        if (i % 10 == 0)
            QCoreApplication::processEvents(); // let the hub's event loop turn between them
    }
    QVERIFY(!sentMids.contains(QString()));
    QTRY_COMPARE_WITH_TIMEOUT(got.size(), total, 20000);
    for (int i = 0; i < total; ++i)
        QCOMPARE(got.at(i).at(0).value<ChatMessage>().text, u"message %1"_s.arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), total, 20000);
    QStringList deliveredMids;
    for (const QList<QVariant> &args : std::as_const(delivered))
        deliveredMids.append(args.at(1).toString());
    deliveredMids.sort();
    sentMids.sort();
    QCOMPARE(deliveredMids, sentMids);
    QCOMPARE(hub.mailbox().count(u"bob"_s), 0);
}

PEERLINK_TEST_MAIN(TestReceipts)
#include "tst_receipts.moc"
