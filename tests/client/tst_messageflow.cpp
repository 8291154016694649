// MessageFlow without sockets: the hub is the frames it emits, the direct links are callbacks, time is a
// number the test moves. Checks before sending, links first, the outbox's resends and parking, refusals and
// acks by ref, duplicates, sealing at send time and opening, and what a changed key holds back.
#include "client/messageflow.h"
#include "client/securechannel.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

const QString hub = u"ws://127.0.0.1:1"_s;

/// One client's flow with a fake hub and fake links.
struct Rig
{
    SecureChannel secure;
    MessageFlow flow { secure };
    qint64 now = 0;
    bool resuming = false;
    QSet<QString> linksUp;
    QHash<QString, QList<MessageRequest>> onLinks; // sent over a link, not confirmed
    QStringList linkE2e; // the e2e of what went over links
    QStringList forgotten; // mids the links were told to forget
    QSignalSpy frames { &flow, &MessageFlow::hubFrameReady };
    QSignalSpy received { &flow, &MessageFlow::messageReceived };
    QSignalSpy acked { &flow, &MessageFlow::messageAcked };
    QSignalSpy errors { &flow, &MessageFlow::errorOccurred };

    Rig()
    {
        flow.setClock([this] { return now; });
        flow.setResuming([this] { return resuming; });
        MessageFlow::Links links;
        links.send = [this](const MessageRequest &m, const QString &e2e) {
            if (!linksUp.contains(m.to))
                return false;
            onLinks[m.to].append(m);
            linkE2e.append(e2e);
            return true;
        };
        links.takeUnacked = [this](const QString &peer) { return onLinks.take(peer); };
        links.forgetUnacked = [this](const QString &mid) { forgotten.append(mid); };
        flow.setLinks(links);
    }

    /// Joined (welcomed with @p limits), as PeerClient does it.
    void join(const HubLimits &limits = {}, const QList<MessageRequest> &linkUnacked = {})
    {
        flow.welcomed(limits, linkUnacked);
        flow.setJoined(true);
        flow.drain();
    }
    /// The `message` frames sent to the hub so far (taken).
    QList<MessageRequest> takeFrames()
    {
        QList<MessageRequest> list;
        for (const QList<QVariant> &args : std::as_const(frames)) {
            const auto decoded = decodeClientMessage(args.at(0).toByteArray());
            if (decoded.ok() && std::holds_alternative<MessageRequest>(decoded.envelope()))
                list.append(std::get<MessageRequest>(decoded.envelope()));
        }
        frames.clear();
        return list;
    }
    ClientError error(int i) const { return errors.at(i).at(0).value<ClientError>(); }
    ChatMessage message(int i) const { return received.at(i).at(0).value<ChatMessage>(); }
};

QStringList mids(const QList<MessageRequest> &list)
{
    QStringList out;
    for (const MessageRequest &r : list)
        out.append(r.mid);
    return out;
}

/// Tells @p a about @p b's presence as the hub would.
void introduce(SecureChannel &a, const SecureChannel &b, const QString &bId)
{
    a.peerPresent(
        bId, b.identity() ? b.identity()->publicKey() : QByteArray(), b.prekey(), b.prekeySignature());
}

} // namespace

class TestMessageFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notJoinedUnlessResuming();
    void localChecks_data();
    void localChecks();
    void ackSettlesEverywhere();
    void linkFirstThenHubAfterDrop();
    void resendsAfterReconnectInOrderAndPaced();
    void refusedByRef();
    void parkedUntilBackOrExpired();
    void duplicatesDeliveredOnce();
    void sealedWhenSentAndOpened();
    void changedKeyBlocksAndHolds();
    void numberedPerPeerAndDeliveredInOrder();
    void noOvertakingThroughALink();
};

void TestMessageFlow::notJoinedUnlessResuming()
{
    Rig rig;
    QVERIFY(rig.flow.send(u"bob"_s, u"hi"_s).isEmpty());
    QCOMPARE(rig.errors.size(), 1);
    QVERIFY(rig.error(0).is(ErrorCode::NotJoined));
    QCOMPARE(rig.error(0).ref, u"message"_s);
    QCOMPARE(rig.flow.outboxSize(), 0);
    // On the way back after a drop: kept, and sent once joined again.
    rig.resuming = true;
    const QString mid = rig.flow.send(u"bob"_s, u"hi"_s);
    QVERIFY(!mid.isEmpty());
    QCOMPARE(rig.flow.outboxSize(), 1);
    QCOMPARE(rig.frames.size(), 0);
    rig.join();
    const auto sent = rig.takeFrames();
    QCOMPARE(mids(sent), QStringList { mid });
    QCOMPARE(sent.at(0).text, u"hi"_s);
    QCOMPARE(sent.at(0).to, u"bob"_s);
}

void TestMessageFlow::localChecks_data()
{
    QTest::addColumn<QString>("to");
    QTest::addColumn<int>("textBytes");
    QTest::addColumn<qint64>("ownLimit");
    QTest::addColumn<qint64>("hubLimit");
    QTest::addColumn<int>("code");

    QTest::newRow("fits") << u"bob"_s << 100 << qint64(0) << qint64(0) << -1;
    QTest::newRow("invalid id") << u"no spaces"_s << 10 << qint64(0) << qint64(0)
                                << int(ErrorCode::InvalidId);
    QTest::newRow("over 64 KiB") << u"bob"_s << 70000 << qint64(0) << qint64(0) << int(ErrorCode::TooLarge);
    QTest::newRow("over own limit") << QString() << 600 << qint64(500) << qint64(0)
                                    << int(ErrorCode::TooLarge);
    QTest::newRow("over the hub's") << u"bob"_s << 600 << qint64(5000) << qint64(500)
                                    << int(ErrorCode::TooLarge);
    QTest::newRow("raised by the hub") << u"bob"_s << 90000 << qint64(0) << qint64(100000) << -1;
}

void TestMessageFlow::localChecks()
{
    QFETCH(QString, to);
    QFETCH(int, textBytes);
    QFETCH(qint64, ownLimit);
    QFETCH(qint64, hubLimit);
    QFETCH(int, code);
    Rig rig;
    rig.flow.setMaxOutgoingMessageBytes(ownLimit);
    HubLimits limits;
    limits.maxMessageBytes = hubLimit;
    rig.join(limits);
    const QString mid = rig.flow.send(to, QString(textBytes, u'x'));
    if (code < 0) {
        QVERIFY(!mid.isEmpty());
        QCOMPARE(rig.errors.size(), 0);
        QCOMPARE(mids(rig.takeFrames()), QStringList { mid });
        return;
    }
    QVERIFY(mid.isEmpty());
    QCOMPARE(rig.errors.size(), 1);
    QVERIFY(rig.error(0).is(ErrorCode(code)));
    QCOMPARE(rig.frames.size(), 0);
    QCOMPARE(rig.flow.outboxSize(), 0);
}

void TestMessageFlow::ackSettlesEverywhere()
{
    Rig rig;
    rig.join();
    const QString mid = rig.flow.send(u"bob"_s, u"hi"_s);
    QCOMPARE(rig.flow.outboxSize(), 1);
    rig.flow.acked(mid);
    QCOMPARE(rig.flow.outboxSize(), 0);
    QCOMPARE(rig.acked.size(), 1);
    QCOMPARE(rig.acked.at(0).at(0).toString(), mid);
    QCOMPARE(rig.forgotten, QStringList { mid }); // a copy waiting for a link's ack is dropped too
}

void TestMessageFlow::linkFirstThenHubAfterDrop()
{
    Rig rig;
    rig.join();
    rig.linksUp.insert(u"bob"_s);
    QStringList sent;
    for (int i = 0; i < 3; ++i)
        sent.append(rig.flow.send(u"bob"_s, u"m%1"_s.arg(i)));
    QCOMPARE(rig.frames.size(), 0);
    QCOMPARE(rig.flow.outboxSize(), 0);
    QCOMPARE(mids(rig.onLinks.value(u"bob"_s)), sent);
    QVERIFY(rig.linkE2e.at(0).isEmpty()); // bob has no key: plain
    // A broadcast never takes a link.
    const QString all = rig.flow.send(QString(), u"everyone"_s);
    QCOMPARE(mids(rig.takeFrames()), QStringList { all });
    // Not joined: what the link did not confirm stays with the links until the welcome.
    rig.flow.setJoined(false);
    rig.flow.linkLost(u"bob"_s);
    QCOMPARE(rig.onLinks.value(u"bob"_s).size(), 3);
    rig.flow.setJoined(true);
    rig.linksUp.clear();
    rig.flow.linkLost(u"bob"_s);
    const auto again = rig.takeFrames();
    QCOMPARE(mids(again), sent); // in order, with the same mids
    QCOMPARE(again.at(2).text, u"m2"_s);
    QCOMPARE(rig.flow.outboxSize(), 4);
}

void TestMessageFlow::resendsAfterReconnectInOrderAndPaced()
{
    Rig rig;
    rig.join();
    QStringList sent;
    for (int i = 0; i < 12; ++i)
        sent.append(rig.flow.send(u"bob"_s, u"m%1"_s.arg(i)));
    QCOMPARE(rig.takeFrames().size(), 12);
    rig.flow.acked(sent.takeFirst());
    // The connection drops; one more waits for the reconnect.
    rig.flow.connectionLost({});
    rig.flow.setJoined(false);
    rig.resuming = true;
    sent.append(rig.flow.send(u"bob"_s, u"late"_s));
    QCOMPARE(rig.frames.size(), 0);
    // Welcomed by a hub allowing 20 messages a second: resends go at 10 a second, one at once; then what a
    // link did not confirm.
    HubLimits limits;
    limits.messagesPerSecond = 20;
    const MessageRequest fromLink { u"linked"_s, u"bob"_s, u"link-1"_s };
    sent.append(fromLink.mid);
    rig.join(limits, { fromLink });
    QCOMPARE(rig.flow.resendRate(), 10);
    QCOMPARE(rig.flow.hubLimits(), limits);
    QList<MessageRequest> all = rig.takeFrames();
    QCOMPARE(all.size(), 1);
    for (int tick = 0; tick < 30 && all.size() < sent.size(); ++tick) {
        rig.flow.drain();
        QCOMPARE(rig.takeFrames().size(), 0); // the same moment: none more
        rig.now += 100; // the pacing timer's tick: one more each time
        rig.flow.drain();
        const auto due = rig.takeFrames();
        QCOMPARE(due.size(), 1);
        all += due;
    }
    QCOMPARE(mids(all), sent);
    QCOMPARE(rig.flow.outboxSize(), sent.size());
    QCOMPARE(rig.errors.size(), 0);
}

void TestMessageFlow::refusedByRef()
{
    Rig rig;
    rig.join();
    const QString first = rig.flow.send(u"bob"_s, u"one"_s);
    const QString second = rig.flow.send(u"bob"_s, u"two"_s);
    rig.takeFrames();
    // Too fast: it goes again, nothing to report.
    QVERIFY(rig.flow.refused(ClientError::fromCode(ErrorCode::RateLimited, u"slow down"_s, first)));
    QCOMPARE(mids(rig.takeFrames()), QStringList { first });
    // Any other refusal settles exactly that message; the caller reports it.
    QVERIFY(!rig.flow.refused(ClientError::fromCode(ErrorCode::BadMessage, u"no"_s, second)));
    QCOMPARE(rig.flow.outboxSize(), 1);
    // A peer that is not expected back: final too.
    QVERIFY(!rig.flow.refused(ClientError::fromCode(ErrorCode::PeerUnavailable, u"gone"_s, first)));
    QCOMPARE(rig.flow.outboxSize(), 0);
    // A ref that is no message of ours changes nothing.
    QVERIFY(!rig.flow.refused(ClientError::fromCode(ErrorCode::RateLimited, u"?"_s, u"join"_s)));
    QCOMPARE(rig.frames.size(), 0);
    QCOMPARE(rig.errors.size(), 0);
}

void TestMessageFlow::parkedUntilBackOrExpired()
{
    Rig rig;
    rig.join();
    rig.flow.connectionLost({ u"bob"_s, u"carol"_s }); // both were there; the hub restarted
    rig.flow.setJoined(false);
    rig.join();
    const QString toBob = rig.flow.send(u"bob"_s, u"hi bob"_s);
    const QString toCarol = rig.flow.send(u"carol"_s, u"hi carol"_s);
    rig.takeFrames();
    QVERIFY(rig.flow.refused(ClientError::fromCode(ErrorCode::PeerUnavailable, u"not here"_s, toBob)));
    QVERIFY(rig.flow.refused(ClientError::fromCode(ErrorCode::PeerUnavailable, u"not here"_s, toCarol)));
    // Bob comes back: his message goes again at once.
    rig.flow.peerBack(u"bob"_s);
    QCOMPARE(mids(rig.takeFrames()), QStringList { toBob });
    // Carol does not: when the park time is up, hers fails.
    rig.now += Outbox::ParkMs - 1;
    rig.flow.expireParked();
    QCOMPARE(rig.errors.size(), 0);
    rig.now += 1;
    rig.flow.expireParked();
    QCOMPARE(rig.errors.size(), 1);
    QVERIFY(rig.error(0).is(ErrorCode::PeerUnavailable));
    QCOMPARE(rig.error(0).ref, toCarol);
    QVERIFY(rig.error(0).message.contains(u"carol"_s));
    QCOMPARE(rig.flow.outboxSize(), 1); // bob's, until acked
}

void TestMessageFlow::duplicatesDeliveredOnce()
{
    Rig rig;
    rig.join();
    const ChatMessage m { u"bob"_s, u"hello"_s, u"alice"_s, u"b-1"_s, 1 };
    rig.flow.receive(m, false); // over the link
    rig.flow.receive(m, true); // again through the hub after the link dropped
    QCOMPARE(rig.received.size(), 1);
    QCOMPARE(rig.message(0).text, u"hello"_s);
    QVERIFY(!rig.message(0).encrypted);
    // Through the hub without a mid: nothing to compare, each is delivered.
    const ChatMessage noMid { u"bob"_s, u"again"_s, QString(), QString() };
    rig.flow.receive(noMid, true);
    rig.flow.receive(noMid, true);
    QCOMPARE(rig.received.size(), 3);
}

void TestMessageFlow::sealedWhenSentAndOpened()
{
    Rig alice, bob;
    alice.secure.setIdentity(Crypto::Identity::generate());
    bob.secure.setIdentity(Crypto::Identity::generate());
    alice.secure.startConnection(hub, u"alice"_s);
    bob.secure.startConnection(hub, u"bob"_s);
    introduce(alice.secure, bob.secure, u"bob"_s);
    introduce(bob.secure, alice.secure, u"alice"_s);
    alice.join();
    bob.join();
    const QString mid = alice.flow.send(u"bob"_s, u"秘密"_s);
    const auto frames = alice.takeFrames();
    QCOMPARE(frames.size(), 1);
    QVERIFY(frames.at(0).text.isEmpty());
    QVERIFY(!frames.at(0).e2e.isEmpty());
    bob.flow.receive(ChatMessage { u"alice"_s, QString(), u"bob"_s, mid, 1, frames.at(0).e2e }, true);
    QCOMPARE(bob.received.size(), 1);
    QCOMPARE(bob.message(0).text, u"秘密"_s);
    QVERIFY(bob.message(0).encrypted);
    // Over a link it is sealed too; the link keeps the text to seal again if it must fall back. (Once the hub
    // acked the first: a message does not overtake one still on its way through the hub.)
    alice.flow.acked(mid);
    alice.linksUp.insert(u"bob"_s);
    alice.flow.send(u"bob"_s, u"direct"_s);
    QVERIFY(!alice.linkE2e.at(0).isEmpty());
    QCOMPARE(alice.onLinks.value(u"bob"_s).at(0).text, u"direct"_s);
    // A tampered message is reported, not delivered, and does not block the real one's mid.
    QString bad = frames.at(0).e2e;
    bad[bad.size() - 3] = bad.at(bad.size() - 3) == u'A' ? u'B' : u'A';
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"dropped a message from alice"_s));
    bob.flow.receive(ChatMessage { u"alice"_s, QString(), u"bob"_s, u"x-1"_s, 1, bad }, true);
    QCOMPARE(bob.received.size(), 1);
    QCOMPARE(bob.errors.size(), 1);
    QCOMPARE(bob.error(0).codeName, QString(ClientError::E2eFailed));
    QCOMPARE(bob.error(0).ref, u"x-1"_s);
}

void TestMessageFlow::changedKeyBlocksAndHolds()
{
    Rig alice;
    SecureChannel bob, impostor;
    alice.secure.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    impostor.setIdentity(Crypto::Identity::generate());
    alice.secure.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    impostor.startConnection(hub, u"bob"_s);
    introduce(alice.secure, bob, u"bob"_s);
    alice.join();
    // Queued for bob while the connection is down; bob comes back with another key.
    alice.flow.connectionLost({});
    alice.flow.setJoined(false);
    alice.resuming = true;
    const QString queued = alice.flow.send(u"bob"_s, u"for the real bob"_s);
    QVERIFY(!queued.isEmpty());
    alice.secure.peerGone(u"bob"_s);
    introduce(alice.secure, impostor, u"bob"_s);
    QCOMPARE(alice.secure.trust(u"bob"_s), SecureChannel::Trust::Changed);
    alice.join();
    QCOMPARE(alice.frames.size(), 0); // not sent to the new key
    QCOMPARE(alice.errors.size(), 1);
    QCOMPARE(alice.error(0).codeName, QString(ClientError::KeyChanged));
    QCOMPARE(alice.error(0).ref, queued);
    QCOMPARE(alice.flow.outboxSize(), 0);
    QVERIFY(alice.forgotten.contains(queued));
    // A new message is refused at once.
    QVERIFY(alice.flow.send(u"bob"_s, u"x"_s).isEmpty());
    QCOMPARE(alice.error(1).codeName, QString(ClientError::KeyChanged));
    QCOMPARE(alice.error(1).ref, u"message"_s);
    // What the new key signs is held until it is trusted, then delivered in order.
    introduce(impostor, alice.secure, u"alice"_s);
    for (int i = 0; i < 2; ++i) {
        const QString mid = u"i-%1"_s.arg(i);
        const QString text = u"held %1"_s.arg(i);
        alice.flow.receive(ChatMessage { u"bob"_s, text, QString(), mid, 1, QString(),
                               impostor.outbound({}, mid, text).sig },
            true);
    }
    QCOMPARE(alice.received.size(), 0);
    QVERIFY(alice.secure.trustKey(u"bob"_s));
    alice.flow.releaseHeld(u"bob"_s);
    QCOMPARE(alice.received.size(), 2);
    QCOMPARE(alice.message(0).text, u"held 0"_s);
    QVERIFY(alice.message(1).signedByKey);
    alice.flow.releaseHeld(u"bob"_s); // nothing twice
    QCOMPARE(alice.received.size(), 2);
}

void TestMessageFlow::numberedPerPeerAndDeliveredInOrder()
{
    // Issue 14: what alice sends each peer is numbered from 1 in her run; bob's flow hands on what arrives out of
    // that order (another path, a resend) in the order she sent it, and gives up waiting for a gap after the hold.
    Rig alice, bob;
    alice.flow.setRun(1764000000000);
    alice.join();
    bob.join();
    bob.flow.setOrderHoldMs(2000);
    for (const QString &text : { u"one"_s, u"two"_s, u"three"_s, u"four"_s, u"five"_s })
        alice.flow.send(u"bob"_s, text);
    alice.flow.send(u"carol"_s, u"carol's first"_s);
    alice.flow.send(QString(), u"to everyone"_s);
    const QList<MessageRequest> frames = alice.takeFrames();
    QCOMPARE(frames.size(), 7);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(frames.at(i).seq, i + 1);
        QCOMPARE(frames.at(i).run, 1764000000000);
    }
    QCOMPARE(frames.at(5).seq, 1); // carol's stream is her own
    QCOMPARE(frames.at(6).seq, 0); // a broadcast is not numbered
    auto arrive = [&bob](const MessageRequest &f) {
        ChatMessage m { u"alice"_s, f.text, f.to, f.mid, 1 };
        m.seq = f.seq;
        m.run = f.run;
        bob.flow.receive(m, true);
    };
    arrive(frames.at(0));
    arrive(frames.at(2)); // three before two: held
    QCOMPARE(bob.received.size(), 1);
    arrive(frames.at(1));
    QCOMPARE(bob.received.size(), 3);
    QCOMPARE(bob.message(1).text, u"two"_s);
    QCOMPARE(bob.message(2).text, u"three"_s);
    arrive(frames.at(2)); // the same again: dropped, not reordered
    QCOMPARE(bob.received.size(), 3);
    arrive(frames.at(4)); // five, and four is lost for now
    QCOMPARE(bob.received.size(), 3);
    bob.now += 1999;
    bob.flow.expireOrder();
    QCOMPARE(bob.received.size(), 3);
    bob.now += 1;
    bob.flow.expireOrder();
    QCOMPARE(bob.received.size(), 4);
    QCOMPARE(bob.message(3).text, u"five"_s);
    arrive(frames.at(3)); // late, but delivered once
    QCOMPARE(bob.received.size(), 5);
    QCOMPARE(bob.message(4).text, u"four"_s);
}

void TestMessageFlow::noOvertakingThroughALink()
{
    // A link that comes up while a message to that peer still waits for the hub's ack does not carry the next one:
    // it would overtake it. Once the hub acked them, the link is used, and the numbering goes on.
    Rig alice;
    alice.join();
    const QString m1 = alice.flow.send(u"bob"_s, u"through the hub"_s);
    alice.linksUp.insert(u"bob"_s);
    const QString m2 = alice.flow.send(u"bob"_s, u"after it"_s);
    QCOMPARE(alice.onLinks.value(u"bob"_s).size(), 0);
    QCOMPARE(alice.takeFrames().size(), 2);
    alice.flow.acked(m1);
    alice.flow.acked(m2);
    alice.flow.send(u"bob"_s, u"by the link now"_s);
    QCOMPARE(alice.onLinks.value(u"bob"_s).size(), 1);
    QCOMPARE(alice.onLinks.value(u"bob"_s).at(0).seq, 3);
    QCOMPARE(alice.takeFrames().size(), 0);
}

QTEST_GUILESS_MAIN(TestMessageFlow)
#include "tst_messageflow.moc"
