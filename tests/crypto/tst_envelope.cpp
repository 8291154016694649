// End-to-end messages: sealed to a peer's prekey by a session its sender signed; what the hub may do to them fails.
#include "crypto/envelope.h"

#include <QTest>

using namespace PeerLink::Crypto;
using namespace Qt::StringLiterals;

class TestEnvelope : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void tamperingIsDetected_data();
    void tamperingIsDetected();
    void anotherPrekeyCannotOpen();
    void forgedSessionIsRefused();
    void prekeySignatures();
    void decoderIsStrict_data();
    void decoderIsStrict();
    void broadcastSignatures();
    void offlineRoundTrip();
    void offlineRefusals_data();
    void offlineRefusals();

private:
    const Identity m_alice = Identity::generate();
    const Identity m_bob = Identity::generate();
    const Identity m_mallory = Identity::generate();
};

void TestEnvelope::roundTrip()
{
    const Prekey bobPrekey = Prekey::generate(m_bob, u"bob"_s);
    const auto session = OutgoingSession::create(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), bobPrekey.publicKey());
    QVERIFY(session);
    IncomingSessions bob(m_bob, u"bob"_s, bobPrekey);
    const QByteArray text = u"你好, bob 👋"_s.toUtf8();
    const QByteArray e2e = session->seal(text, u"m1"_s);
    QVERIFY(!e2e.contains(text));
    const auto opened = bob.open(e2e, u"alice"_s, m_alice.publicKey(), u"m1"_s);
    QCOMPARE(opened.failure, IncomingSessions::Failure::None);
    QCOMPARE(opened.plaintext.value_or(QByteArray()), text);
    // The same text twice gives two different ciphertexts (random nonces).
    QVERIFY(session->seal(text, u"m2"_s) != session->seal(text, u"m2"_s));
    QCOMPARE(bob.open(session->seal("", u"m3"_s), u"alice"_s, m_alice.publicKey(), u"m3"_s).plaintext.value_or("x"),
             QByteArray());
}

void TestEnvelope::tamperingIsDetected_data()
{
    QTest::addColumn<int>("part"); // which part of the envelope to bend, or -1: move it to another mid/sender
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("mid");
    QTest::addColumn<int>("failure");
    QTest::newRow("ciphertext") << 4 << u"alice"_s << u"m1"_s << int(IncomingSessions::Failure::Tampered);
    QTest::newRow("nonce") << 3 << u"alice"_s << u"m1"_s << int(IncomingSessions::Failure::Tampered);
    QTest::newRow("signature") << 2 << u"alice"_s << u"m1"_s << int(IncomingSessions::Failure::BadSignature);
    QTest::newRow("ephemeral") << 1 << u"alice"_s << u"m1"_s << int(IncomingSessions::Failure::BadSignature);
    QTest::newRow("other mid") << -1 << u"alice"_s << u"m2"_s << int(IncomingSessions::Failure::Tampered);
    QTest::newRow("other sender") << -1 << u"carol"_s << u"m1"_s << int(IncomingSessions::Failure::BadSignature);
}

void TestEnvelope::tamperingIsDetected()
{
    QFETCH(int, part);
    QFETCH(QString, from);
    QFETCH(QString, mid);
    QFETCH(int, failure);
    const Prekey bobPrekey = Prekey::generate(m_bob, u"bob"_s);
    const auto session = OutgoingSession::create(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), bobPrekey.publicKey());
    QByteArray e2e = session->seal("pay 10 to carol", u"m1"_s);
    if (part >= 0) {
        QList<QByteArray> parts = e2e.split('.');
        bool ok = false;
        QByteArray raw = fromBase64(parts[part], &ok);
        QVERIFY(ok);
        raw[raw.size() / 2] = char(raw[raw.size() / 2] ^ 0x20);
        parts[part] = toBase64(raw);
        e2e = parts.join('.');
    }
    IncomingSessions bob(m_bob, u"bob"_s, bobPrekey);
    const auto opened = bob.open(e2e, from, m_alice.publicKey(), mid);
    QVERIFY(!opened.plaintext);
    QCOMPARE(int(opened.failure), failure);
    // The session itself is fine: the untouched message still opens.
    QVERIFY(bob.open(session->seal("ok", u"m9"_s), u"alice"_s, m_alice.publicKey(), u"m9"_s).plaintext);
}

void TestEnvelope::anotherPrekeyCannotOpen()
{
    // Forward secrecy at work: a message made for last connection's prekey does not open with the new one.
    const Prekey old = Prekey::generate(m_bob, u"bob"_s);
    const Prekey fresh = Prekey::generate(m_bob, u"bob"_s);
    const auto session = OutgoingSession::create(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), old.publicKey());
    IncomingSessions bob(m_bob, u"bob"_s, fresh);
    const auto opened = bob.open(session->seal("secret", u"m1"_s), u"alice"_s, m_alice.publicKey(), u"m1"_s);
    QVERIFY(!opened.plaintext);
    QCOMPARE(opened.failure, IncomingSessions::Failure::BadSignature);
}

void TestEnvelope::forgedSessionIsRefused()
{
    // Mallory (the hub, say) makes a session to Bob and claims it is Alice's: her signature does not verify as Alice's.
    const Prekey bobPrekey = Prekey::generate(m_bob, u"bob"_s);
    const auto forged = OutgoingSession::create(m_mallory, u"alice"_s, u"bob"_s, m_bob.publicKey(), bobPrekey.publicKey());
    IncomingSessions bob(m_bob, u"bob"_s, bobPrekey);
    const auto opened = bob.open(forged->seal("I am alice", u"m1"_s), u"alice"_s, m_alice.publicKey(), u"m1"_s);
    QVERIFY(!opened.plaintext);
    QCOMPARE(opened.failure, IncomingSessions::Failure::BadSignature);
    // Nor can a session for Bob be opened by Mallory with her own prekey.
    const Prekey malloryPrekey = Prekey::generate(m_mallory, u"bob"_s);
    const auto toBob = OutgoingSession::create(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), bobPrekey.publicKey());
    IncomingSessions mallory(m_mallory, u"bob"_s, malloryPrekey);
    QVERIFY(!mallory.open(toBob->seal("for bob", u"m2"_s), u"alice"_s, m_alice.publicKey(), u"m2"_s).plaintext);
}

void TestEnvelope::prekeySignatures()
{
    const Prekey p = Prekey::generate(m_bob, u"bob"_s);
    QVERIFY(verifyPrekey(m_bob.publicKey(), u"bob"_s, p.publicKey(), p.signature()));
    QVERIFY(!verifyPrekey(m_bob.publicKey(), u"bobby"_s, p.publicKey(), p.signature()));
    QVERIFY(!verifyPrekey(m_alice.publicKey(), u"bob"_s, p.publicKey(), p.signature()));
    QVERIFY(!verifyPrekey(m_bob.publicKey(), u"bob"_s, Prekey::generate(m_bob, u"bob"_s).publicKey(), p.signature()));
    QVERIFY(!OutgoingSession::create(m_alice, u"a"_s, u"b"_s, m_bob.publicKey(), "short"));
}

void TestEnvelope::decoderIsStrict_data()
{
    const Prekey p = Prekey::generate(m_bob, u"bob"_s);
    const QByteArray good = OutgoingSession::create(m_alice, u"a"_s, u"b"_s, m_bob.publicKey(), p.publicKey())
                                ->seal("x", u"m"_s);
    const QList<QByteArray> parts = good.split('.');
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::newRow("good") << good << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("version 2") << "2" + good.mid(1) << false;
    QTest::newRow("four parts") << good.left(good.lastIndexOf('.')) << false;
    QTest::newRow("six parts") << good + ".AA" << false;
    QTest::newRow("short ephemeral") << QByteArray("1." + parts[1].left(20) + '.' + parts[2] + '.' + parts[3] + '.' + parts[4]) << false;
    QTest::newRow("short signature") << QByteArray("1." + parts[1] + '.' + parts[2].left(40) + '.' + parts[3] + '.' + parts[4]) << false;
    QTest::newRow("short nonce") << QByteArray("1." + parts[1] + '.' + parts[2] + '.' + parts[3].left(8) + '.' + parts[4]) << false;
    QTest::newRow("no tag") << QByteArray("1." + parts[1] + '.' + parts[2] + '.' + parts[3] + ".AAAA") << false;
    QTest::newRow("padding") << good + "=" << false;
    QTest::newRow("huge") << QByteArray(30 * 1024 * 1024, 'A') << false;
}

void TestEnvelope::decoderIsStrict()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QCOMPARE(decodeSealed(text).has_value(), ok);
    if (ok)
        QCOMPARE(encodeSealed(*decodeSealed(text)), text);
}

void TestEnvelope::broadcastSignatures()
{
    const QByteArray sig = signBroadcast(m_alice, u"alice"_s, u"m1"_s, u"hello all"_s);
    QVERIFY(verifyBroadcast(m_alice.publicKey(), u"alice"_s, u"m1"_s, u"hello all"_s, sig));
    QVERIFY(!verifyBroadcast(m_alice.publicKey(), u"alice"_s, u"m1"_s, u"hello all!"_s, sig));
    QVERIFY(!verifyBroadcast(m_alice.publicKey(), u"alice"_s, u"m2"_s, u"hello all"_s, sig));
    QVERIFY(!verifyBroadcast(m_alice.publicKey(), u"mallory"_s, u"m1"_s, u"hello all"_s, sig));
    QVERIFY(!verifyBroadcast(m_mallory.publicKey(), u"alice"_s, u"m1"_s, u"hello all"_s, sig));
}

void TestEnvelope::offlineRoundTrip()
{
    const QByteArray text = u"留言 for later, bob"_s.toUtf8();
    const QByteArray e2e = sealOffline(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), u"m1"_s, text);
    QVERIFY(e2e.startsWith("2."));
    QVERIFY(isOfflineEnvelope(e2e));
    QVERIFY(!isOfflineEnvelope("1.abc"));
    QVERIFY(!e2e.contains(text));
    bool ok = false;
    QVERIFY(!fromBase64(e2e.mid(2), &ok).isEmpty() && ok); // one base64url part, no padding
    const OpenedOffline opened = openOffline(m_bob, u"bob"_s, e2e, u"alice"_s, m_alice.publicKey(), u"m1"_s);
    QCOMPARE(opened.failure, OfflineFailure::None);
    QCOMPARE(opened.plaintext.value_or(QByteArray()), text);
    // Random per seal (an ephemeral key in every sealed box); an empty text works too.
    QVERIFY(sealOffline(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), u"m1"_s, text) != e2e);
    const QByteArray empty = sealOffline(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), u"m2"_s, "");
    QCOMPARE(openOffline(m_bob, u"bob"_s, empty, u"alice"_s, m_alice.publicKey(), u"m2"_s).plaintext.value_or("x"),
             QByteArray());
    // Not a key: nothing sealed.
    QVERIFY(sealOffline(m_alice, u"alice"_s, u"bob"_s, QByteArray(5, 'k'), u"m1"_s, text).isEmpty());
}

void TestEnvelope::offlineRefusals_data()
{
    QTest::addColumn<QByteArray>("e2e");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("mid");
    QTest::addColumn<bool>("openedByMallory");
    QTest::addColumn<int>("failure");
    const QByteArray good = sealOffline(m_alice, u"alice"_s, u"bob"_s, m_bob.publicKey(), u"m1"_s, "hi");
    QByteArray bent = good;
    bent[bent.size() - 5] = bent.at(bent.size() - 5) == 'A' ? 'B' : 'A';
    // Mallory seals to bob but signs as herself, claiming to be alice.
    const QByteArray forged = sealOffline(m_mallory, u"alice"_s, u"bob"_s, m_bob.publicKey(), u"m1"_s, "hi");
    const int malformed = int(OfflineFailure::Malformed), notForMe = int(OfflineFailure::NotForMe),
              badSig = int(OfflineFailure::BadSignature);
    QTest::newRow("not version 2") << ("1." + good.mid(2)) << u"bob"_s << u"alice"_s << u"m1"_s << false << malformed;
    QTest::newRow("bad base64") << QByteArray("2.*&^") << u"bob"_s << u"alice"_s << u"m1"_s << false << malformed;
    QTest::newRow("padding") << (good + "=") << u"bob"_s << u"alice"_s << u"m1"_s << false << malformed;
    QTest::newRow("too short") << QByteArray("2.AAAA") << u"bob"_s << u"alice"_s << u"m1"_s << false << malformed;
    QTest::newRow("bent ciphertext") << bent << u"bob"_s << u"alice"_s << u"m1"_s << false << notForMe;
    QTest::newRow("someone else's") << good << u"bob"_s << u"alice"_s << u"m1"_s << true << notForMe;
    QTest::newRow("other mid") << good << u"bob"_s << u"alice"_s << u"m2"_s << false << badSig;
    QTest::newRow("other sender") << good << u"bob"_s << u"carol"_s << u"m1"_s << false << badSig;
    QTest::newRow("other recipient id") << good << u"bobby"_s << u"alice"_s << u"m1"_s << false << badSig;
    QTest::newRow("forged signer") << forged << u"bob"_s << u"alice"_s << u"m1"_s << false << badSig;
}

void TestEnvelope::offlineRefusals()
{
    QFETCH(QByteArray, e2e);
    QFETCH(QString, to);
    QFETCH(QString, from);
    QFETCH(QString, mid);
    QFETCH(bool, openedByMallory);
    QFETCH(int, failure);
    const OpenedOffline opened
        = openOffline(openedByMallory ? m_mallory : m_bob, to, e2e, from, m_alice.publicKey(), mid);
    QVERIFY(!opened.plaintext);
    QCOMPARE(int(opened.failure), failure);
}

QTEST_GUILESS_MAIN(TestEnvelope)
#include "tst_envelope.moc"
