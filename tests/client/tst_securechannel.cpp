// The end-to-end side of a client without sockets: keys from presence checked and remembered, messages sealed to
// a peer's current prekey and opened, broadcasts signed and checked, changed keys blocked until trusted.
#include "client/securechannel.h"
#include "crypto/linkcipher.h"
#include "crypto/sodium.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestSecureChannel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sealedBetweenTwoPeers();
    void tamperedOrForgedIsRejected();
    void resendAfterReconnectUsesTheNewPrekey();
    void broadcastsAreSignedAndChecked();
    void keyChangeBlocksUntilTrusted();
    void peersWithoutIdentityStayV1();
    void badPrekeyIsNotUsed();
    void keysInTheirWireForm();
    void absentPeerGetsTheOfflineEnvelope();

private:
    static const QString hub;
    /// Tells @p a about @p b's presence as the hub would.
    static void introduce(SecureChannel &a, const SecureChannel &b, const QString &bId)
    {
        a.peerPresent(bId, b.identity() ? b.identity()->publicKey() : QByteArray(), b.prekey(), b.prekeySignature());
    }
};

const QString TestSecureChannel::hub = u"ws://127.0.0.1:1"_s;

void TestSecureChannel::sealedBetweenTwoPeers()
{
    SecureChannel alice, bob;
    alice.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    introduce(alice, bob, u"bob"_s);
    introduce(bob, alice, u"alice"_s);
    QCOMPARE(alice.trust(u"bob"_s), SecureChannel::Trust::Trusted);
    QCOMPARE(alice.peerFingerprint(u"bob"_s), bob.fingerprint());
    const auto out = alice.outbound(u"bob"_s, u"m1"_s, u"秘密 hello"_s);
    QCOMPARE(out.kind, SecureChannel::Outbound::Kind::Sealed);
    QVERIFY(!out.e2e.contains(u"hello"_s));
    const auto in = bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, QString(), out.e2e, QString());
    QCOMPARE(in.kind, SecureChannel::Inbound::Kind::Deliver);
    QCOMPARE(in.text, u"秘密 hello"_s);
    QVERIFY(in.encrypted);
    // A plain message claiming to be from alice (who has a key) is not accepted.
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m2"_s, u"hi"_s, QString(), QString()).kind,
             SecureChannel::Inbound::Kind::Reject);
}

void TestSecureChannel::tamperedOrForgedIsRejected()
{
    SecureChannel alice, bob, mallory;
    alice.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    mallory.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    mallory.startConnection(hub, u"alice"_s); // claims to be alice
    introduce(alice, bob, u"bob"_s);
    introduce(mallory, bob, u"bob"_s);
    introduce(bob, alice, u"alice"_s);
    QString e2e = alice.outbound(u"bob"_s, u"m1"_s, u"pay 10"_s).e2e;
    e2e[e2e.size() - 3] = e2e.at(e2e.size() - 3) == u'A' ? u'B' : u'A';
    auto in = bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, QString(), e2e, QString());
    QCOMPARE(in.kind, SecureChannel::Inbound::Kind::Reject);
    QVERIFY(!in.problem.isEmpty());
    const QString forged = mallory.outbound(u"bob"_s, u"m2"_s, u"pay 1000"_s).e2e;
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m2"_s, QString(), forged, QString()).kind,
             SecureChannel::Inbound::Kind::Reject);
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m3"_s, QString(), u"1.garbage"_s, QString()).kind,
             SecureChannel::Inbound::Kind::Reject);
    // Moved to another mid: refused too.
    const QString good = alice.outbound(u"bob"_s, u"m4"_s, u"ok"_s).e2e;
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m5"_s, QString(), good, QString()).kind,
             SecureChannel::Inbound::Kind::Reject);
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m4"_s, QString(), good, QString()).kind,
             SecureChannel::Inbound::Kind::Deliver);
}

void TestSecureChannel::resendAfterReconnectUsesTheNewPrekey()
{
    SecureChannel alice, bob;
    alice.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    introduce(alice, bob, u"bob"_s);
    const QString old = alice.outbound(u"bob"_s, u"m1"_s, u"hello"_s).e2e;
    // Bob reconnects: a new prekey; the old envelope does not open, the same text sealed again does.
    const QByteArray oldPrekey = bob.prekey();
    bob.startConnection(hub, u"bob"_s);
    QVERIFY(bob.prekey() != oldPrekey);
    introduce(bob, alice, u"alice"_s);
    introduce(alice, bob, u"bob"_s);
    // What the hub held for bob while he was away still opens for a moment (his last prekey is kept)...
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, QString(), old, QString()).text, u"hello"_s);
    // ...and not after that (forward secrecy).
    bob.forgetPreviousPrekey();
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, QString(), old, QString()).kind,
             SecureChannel::Inbound::Kind::Reject);
    const QString again = alice.outbound(u"bob"_s, u"m1"_s, u"hello"_s).e2e;
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, QString(), again, QString()).text, u"hello"_s);
}

void TestSecureChannel::broadcastsAreSignedAndChecked()
{
    SecureChannel alice, bob;
    alice.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s); // bob has no identity: he still checks alice's signatures
    introduce(bob, alice, u"alice"_s);
    const auto out = alice.outbound(QString(), u"b1"_s, u"hello all"_s);
    QCOMPARE(out.kind, SecureChannel::Outbound::Kind::Plain);
    QVERIFY(!out.sig.isEmpty());
    const auto in = bob.inbound(u"alice"_s, QString(), u"b1"_s, u"hello all"_s, QString(), out.sig);
    QCOMPARE(in.kind, SecureChannel::Inbound::Kind::Deliver);
    QVERIFY(in.signedByKey);
    QVERIFY(!in.encrypted);
    QCOMPARE(bob.inbound(u"alice"_s, QString(), u"b1"_s, u"hello ALL"_s, QString(), out.sig).kind,
             SecureChannel::Inbound::Kind::Reject);
    QCOMPARE(bob.inbound(u"alice"_s, QString(), u"b2"_s, u"unsigned"_s, QString(), QString()).kind,
             SecureChannel::Inbound::Kind::Reject);
}

void TestSecureChannel::keyChangeBlocksUntilTrusted()
{
    SecureChannel alice, bob, impostor;
    alice.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    impostor.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    impostor.startConnection(hub, u"bob"_s);
    introduce(alice, bob, u"bob"_s);
    alice.peerGone(u"bob"_s);
    // Another key for bob on the same hub: blocked.
    const auto presence = alice.peerPresent(u"bob"_s, impostor.identity()->publicKey(), impostor.prekey(),
                                            impostor.prekeySignature());
    QCOMPARE(presence.kind, SecureChannel::Presence::Kind::Changed);
    QCOMPARE(presence.oldFingerprint, bob.fingerprint());
    QCOMPARE(presence.newFingerprint, impostor.fingerprint());
    QCOMPARE(alice.trust(u"bob"_s), SecureChannel::Trust::Changed);
    QCOMPARE(alice.outbound(u"bob"_s, u"m1"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::KeyChanged);
    // Its next prekey (a peer_update) is not a new change to announce; it stays blocked.
    impostor.startConnection(hub, u"bob"_s);
    QCOMPARE(alice.peerPresent(u"bob"_s, impostor.identity()->publicKey(), impostor.prekey(), impostor.prekeySignature())
                 .kind,
             SecureChannel::Presence::Kind::StillChanged);
    QCOMPARE(alice.trust(u"bob"_s), SecureChannel::Trust::Changed);
    introduce(impostor, alice, u"alice"_s);
    const QString sig = impostor.outbound(QString(), u"b1"_s, u"hi"_s).sig;
    QCOMPARE(alice.inbound(u"bob"_s, QString(), u"b1"_s, u"hi"_s, QString(), sig).kind,
             SecureChannel::Inbound::Kind::Hold);
    // The same hub in another store: only this hub's binding counts.
    QVERIFY(alice.trustKey(u"bob"_s));
    QCOMPARE(alice.trust(u"bob"_s), SecureChannel::Trust::Trusted);
    QCOMPARE(alice.outbound(u"bob"_s, u"m1"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::Sealed);
    QVERIFY(!alice.trustKey(u"bob"_s)); // nothing left to accept
    // Remembered: the new key is the known one now.
    alice.peerGone(u"bob"_s);
    QCOMPARE(alice.peerPresent(u"bob"_s, impostor.identity()->publicKey(), impostor.prekey(), impostor.prekeySignature())
                 .kind,
             SecureChannel::Presence::Kind::Trusted);
    // A known peer that comes without a key: blocked too (a downgrade).
    alice.peerGone(u"bob"_s);
    QCOMPARE(alice.peerPresent(u"bob"_s, {}, {}, {}).kind, SecureChannel::Presence::Kind::Changed);
    QCOMPARE(alice.outbound(u"bob"_s, u"m2"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::KeyChanged);
    // Absent, with a known key: not sent in the clear.
    alice.peerGone(u"bob"_s);
    QCOMPARE(alice.outbound(u"bob"_s, u"m3"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::Absent);
}

void TestSecureChannel::peersWithoutIdentityStayV1()
{
    SecureChannel alice, bob;
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    introduce(alice, bob, u"bob"_s);
    QCOMPARE(alice.trust(u"bob"_s), SecureChannel::Trust::NoKey);
    QVERIFY(alice.peerFingerprint(u"bob"_s).isEmpty());
    const auto out = alice.outbound(u"bob"_s, u"m1"_s, u"hi"_s);
    QCOMPARE(out.kind, SecureChannel::Outbound::Kind::Plain);
    QVERIFY(out.e2e.isEmpty() && out.sig.isEmpty());
    const auto in = bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, u"hi"_s, QString(), QString());
    QCOMPARE(in.kind, SecureChannel::Inbound::Kind::Deliver);
    QCOMPARE(in.text, u"hi"_s);
    QVERIFY(!in.encrypted && !in.signedByKey);
    QCOMPARE(alice.outbound(u"nobody"_s, u"m2"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::Plain);
}

void TestSecureChannel::badPrekeyIsNotUsed()
{
    SecureChannel alice, bob;
    alice.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    const auto presence = alice.peerPresent(u"bob"_s, bob.identity()->publicKey(),
                                            Crypto::EphemeralKey::generate().publicKey(), bob.prekeySignature());
    QCOMPARE(presence.kind, SecureChannel::Presence::Kind::BadPrekey);
    QCOMPARE(alice.outbound(u"bob"_s, u"m1"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::NoPrekey);
}

void TestSecureChannel::keysInTheirWireForm()
{
    const auto b64 = [](const QByteArray &bytes) { return QString::fromLatin1(Crypto::toBase64(bytes)); };
    SecureChannel alice, bob, plain;
    alice.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    plain.startConnection(hub, u"carol"_s);
    // The join carries the keys in base64url; without identity, none.
    JoinRequest join { u"bob"_s, QString(), QString(), QString(), QString() };
    bob.addJoinKeys(join);
    QCOMPARE(join.key, b64(bob.identity()->publicKey()));
    QCOMPARE(join.prekey, b64(bob.prekey()));
    QCOMPARE(join.prekeySig, b64(bob.prekeySignature()));
    JoinRequest v1 { u"carol"_s, QString(), QString(), QString(), QString() };
    plain.addJoinKeys(v1);
    QVERIFY(v1.key.isEmpty() && v1.prekey.isEmpty() && v1.prekeySig.isEmpty());
    // Announced as the hub sends them: decoded, then as peerPresent().
    QCOMPARE(alice.peerAnnounced(u"bob"_s, join.key, join.prekey, join.prekeySig).kind,
             SecureChannel::Presence::Kind::Trusted);
    QCOMPARE(alice.outbound(u"bob"_s, u"m1"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::Sealed);
    // A prekey that does not decode counts as none (its signature then signs nothing): nothing to seal for.
    alice.peerGone(u"bob"_s);
    QCOMPARE(alice.peerAnnounced(u"bob"_s, join.key, u"not base64!"_s, join.prekeySig).kind,
             SecureChannel::Presence::Kind::BadPrekey);
    QCOMPARE(alice.outbound(u"bob"_s, u"m2"_s, u"x"_s).kind, SecureChannel::Outbound::Kind::NoPrekey);
    // The challenge's answer is the join signature in base64url; nothing without identity or with bad input.
    const QByteArray hubId("hub-identity"), nonce("0123456789abcdef");
    QCOMPARE(bob.answerChallenge(b64(hubId), b64(nonce)), std::optional<QString>(b64(bob.joinSignature(hubId, nonce))));
    QVERIFY(!bob.answerChallenge(u"*"_s, b64(nonce)));
    QVERIFY(!bob.answerChallenge(b64(hubId), u"*"_s));
    QVERIFY(!plain.answerChallenge(b64(hubId), b64(nonce)));
}

void TestSecureChannel::absentPeerGetsTheOfflineEnvelope()
{
    SecureChannel alice, bob, mallory;
    alice.setIdentity(Crypto::Identity::generate());
    bob.setIdentity(Crypto::Identity::generate());
    mallory.setIdentity(Crypto::Identity::generate());
    alice.startConnection(hub, u"alice"_s);
    bob.startConnection(hub, u"bob"_s);
    mallory.startConnection(hub, u"alice"_s); // claims to be alice
    introduce(alice, bob, u"bob"_s);
    introduce(bob, alice, u"alice"_s); // bob remembers alice's key
    introduce(mallory, bob, u"bob"_s);
    alice.peerGone(u"bob"_s);
    mallory.peerGone(u"bob"_s);
    const auto out = alice.outbound(u"bob"_s, u"m1"_s, u"while you were away"_s);
    QCOMPARE(out.kind, SecureChannel::Outbound::Kind::Absent);
    QVERIFY(out.e2e.startsWith(u"2."_s));
    QVERIFY(!out.e2e.contains(u"away"_s));

    // Bob comes back on a new connection (a new prekey) before alice is there: her remembered key checks it.
    bob.startConnection(hub, u"bob"_s);
    const auto in = bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, QString(), out.e2e, QString());
    QCOMPARE(in.kind, SecureChannel::Inbound::Kind::Deliver);
    QCOMPARE(in.text, u"while you were away"_s);
    QVERIFY(in.encrypted);
    // Moved to another mid, or signed by someone else claiming to be alice: refused.
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m2"_s, QString(), out.e2e, QString()).kind,
             SecureChannel::Inbound::Kind::Reject);
    const auto forged = mallory.outbound(u"bob"_s, u"m1"_s, u"pay mallory"_s);
    QVERIFY(forged.e2e.startsWith(u"2."_s));
    QCOMPARE(bob.inbound(u"alice"_s, u"bob"_s, u"m1"_s, QString(), forged.e2e, QString()).kind,
             SecureChannel::Inbound::Kind::Reject);

    // Without an identity nothing is sealed (the message waits or fails as before).
    SecureChannel plain;
    plain.startConnection(hub, u"carol"_s);
    introduce(plain, bob, u"bob"_s);
    plain.peerGone(u"bob"_s);
    const auto none = plain.outbound(u"bob"_s, u"m1"_s, u"hi"_s);
    QCOMPARE(none.kind, SecureChannel::Outbound::Kind::Absent);
    QVERIFY(none.e2e.isEmpty());
}

QTEST_GUILESS_MAIN(TestSecureChannel)
#include "tst_securechannel.moc"
