// Identities on the hub (issue 13) over real loopback sockets: the challenge-response join, id bindings kept in the
// data-dir across restarts, replayed or misdirected proofs, v1 clients next to keyed ones, require-identity,
// forget-id, and e2e/sig passed on untouched (the hub never sees a sealed text). The client side is built
// elsewhere, so the test speaks the protocol itself and makes the cryptography with src/crypto.
#include "crypto/envelope.h"
#include "crypto/identity.h"
#include "hub/hub.h"
#include "hub/idbindings.h"
#include "rawclient.h"

#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(Crypto::toBase64(bytes));
}

QByteArray unb64(const QString &text)
{
    return Crypto::fromBase64(text.toLatin1(), nullptr);
}

/// A peer with an identity, as the real client will be: its key, a prekey for this connection, and the join's fields.
struct Keyed
{
    QString id;
    Crypto::Identity identity;
    Crypto::Prekey prekey;

    explicit Keyed(const QString &peerId, const Crypto::Identity &key = Crypto::Identity::generate())
        : id(peerId)
        , identity(key)
        , prekey(Crypto::Prekey::generate(key, peerId))
    {
    }

    QJsonObject join() const
    {
        return { { u"type"_s, u"join"_s },
                 { u"id"_s, id },
                 { u"key"_s, b64(identity.publicKey()) },
                 { u"prekey"_s, b64(prekey.publicKey()) },
                 { u"prekey_sig"_s, b64(prekey.signature()) } };
    }
    /// The proof for a challenge from @p hubId with @p nonce (raw bytes).
    QString proof(const QByteArray &hubId, const QByteArray &nonce) const
    {
        return b64(identity.sign(Crypto::framed("peerlink-join-1", { hubId, nonce, id.toUtf8(), identity.publicKey(),
                                                                     prekey.publicKey() })));
    }
};

} // namespace

class TestIdentityHub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boundJoinSurvivesARestart();
    void anotherKeyIsRefused();
    void replayedOrMisdirectedProofIsRefused();
    void v1ClientJoinsNextToKeyedPeers();
    void requireIdentityRefusesV1();
    void forgetIdReleasesTheId();
    void forgetIdOnTheCommandLine();
    void boundIdsAreLimited();
    void e2eAndSigPassThroughUntouched();
    void resumeWithANewPrekeyIsAnnounced();
    void malformedIdentityIsBadMessage();
    void corruptBindingsStopTheHub_data();
    void corruptBindingsStopTheHub();

private:
    static std::unique_ptr<Hub> startHub(const HubConfig &config = HubConfig());
    /// Joins @p peer on @p client (challenge, then proof); returns the hub's last answer (welcome or error).
    static QJsonObject joinKeyed(RawClient &client, const Keyed &peer, const QJsonObject &extra = {});
};

std::unique_ptr<Hub> TestIdentityHub::startHub(const HubConfig &config)
{
    auto hub = std::make_unique<Hub>(config);
    if (!hub->listen(QHostAddress::LocalHost, 0))
        qWarning() << hub->errorString();
    return hub;
}

QJsonObject TestIdentityHub::joinKeyed(RawClient &client, const Keyed &peer, const QJsonObject &extra)
{
    QJsonObject join = peer.join();
    for (auto it = extra.begin(); it != extra.end(); ++it)
        join.insert(it.key(), it.value());
    client.sendJson(join);
    const QJsonObject challenge = client.next();
    if (challenge.value("type"_L1).toString() != u"challenge")
        return challenge;
    join.insert(u"sig"_s, peer.proof(unb64(challenge.value("hub"_L1).toString()),
                                      unb64(challenge.value("nonce"_L1).toString())));
    client.sendJson(join);
    return client.next();
}

void TestIdentityHub::boundJoinSurvivesARestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HubConfig config;
    config.dataDir = dir.filePath(u"state"_s);
    const Keyed alice(u"alice"_s);
    {
        auto hub = startHub(config);
        QVERIFY(hub->isListening());
        RawClient c;
        QVERIFY(c.open(hub->serverUrl()));
        const QJsonObject welcome = joinKeyed(c, alice);
        QCOMPARE(welcome.value("type"_L1).toString(), u"welcome"_s);
        QCOMPARE(hub->boundKey(u"alice"_s), b64(alice.identity.publicKey()));
    }
    QVERIFY(QFile::exists(QDir(config.dataDir).filePath(IdBindings::BindingsFile)));
    QVERIFY(QFile::exists(QDir(config.dataDir).filePath(IdBindings::HubIdFile)));

    // A new process on the same data-dir: the same hub id, the binding still there.
    auto hub = startHub(config);
    QCOMPARE(hub->boundKey(u"alice"_s), b64(alice.identity.publicKey()));
    RawClient thief;
    QVERIFY(thief.open(hub->serverUrl()));
    const QJsonObject refused = joinKeyed(thief, Keyed(u"alice"_s));
    QCOMPARE(refused.value("code"_L1).toString(), u"id_bound"_s);
    QCOMPARE(refused.value("ref"_L1).toString(), u"join"_s);
    thief.sendJson({ { u"type"_s, u"join"_s }, { u"id"_s, u"alice"_s } }); // no key at all
    QCOMPARE(thief.next().value("code"_L1).toString(), u"id_bound"_s);
    QVERIFY(thief.isOpen());

    RawClient owner;
    QVERIFY(owner.open(hub->serverUrl()));
    const Keyed aliceAgain(u"alice"_s, alice.identity); // the same key, a new prekey
    QCOMPARE(joinKeyed(owner, aliceAgain).value("type"_L1).toString(), u"welcome"_s);
}

void TestIdentityHub::anotherKeyIsRefused()
{
    auto hub = startHub();
    const Keyed alice(u"alice"_s);
    auto owner = std::make_unique<RawClient>();
    QVERIFY(owner->open(hub->serverUrl()));
    QCOMPARE(joinKeyed(*owner, alice).value("type"_L1).toString(), u"welcome"_s);

    // While the owner is there (id_bound before id_taken: the key decides), and after it left.
    RawClient other;
    QVERIFY(other.open(hub->serverUrl()));
    QCOMPARE(joinKeyed(other, Keyed(u"alice"_s)).value("code"_L1).toString(), u"id_bound"_s);
    owner->sendJson({ { u"type"_s, u"leave"_s } });
    QVERIFY(owner->waitClosed());
    QTRY_COMPARE(hub->peerCount(), 0);
    QCOMPARE(joinKeyed(other, Keyed(u"alice"_s)).value("code"_L1).toString(), u"id_bound"_s);
    // The connection stays usable, like after id_taken.
    QVERIFY(other.isOpen());
    QCOMPARE(joinKeyed(other, Keyed(u"carol"_s)).value("type"_L1).toString(), u"welcome"_s);
}

void TestIdentityHub::replayedOrMisdirectedProofIsRefused()
{
    auto hub = startHub();
    const Keyed alice(u"alice"_s);

    // A proof captured on one connection proves nothing on another: its nonce is not that connection's.
    RawClient first;
    QVERIFY(first.open(hub->serverUrl()));
    first.sendJson(alice.join());
    const QJsonObject challenge = first.waitFor(u"challenge"_s);
    const QByteArray hubId = unb64(challenge.value("hub"_L1).toString());
    QCOMPARE(hubId.size(), 32);
    const QString captured = alice.proof(hubId, unb64(challenge.value("nonce"_L1).toString()));

    RawClient replay;
    QVERIFY(replay.open(hub->serverUrl()));
    replay.sendJson(alice.join());
    const QJsonObject own = replay.waitFor(u"challenge"_s);
    QVERIFY(own.value("nonce"_L1) != challenge.value("nonce"_L1));
    QCOMPARE(own.value("hub"_L1), challenge.value("hub"_L1));
    QJsonObject replayed = alice.join();
    replayed.insert(u"sig"_s, captured);
    replay.sendJson(replayed);
    QJsonObject answer = replay.next();
    QCOMPARE(answer.value("code"_L1).toString(), u"bad_proof"_s);
    QCOMPARE(answer.value("ref"_L1).toString(), u"join"_s);
    // The nonce was used up by the failed proof: the right proof for it is refused now too.
    QJsonObject late = alice.join();
    late.insert(u"sig"_s, alice.proof(hubId, unb64(own.value("nonce"_L1).toString())));
    replay.sendJson(late);
    QCOMPARE(replay.next().value("code"_L1).toString(), u"bad_proof"_s);

    // A proof made for another hub's id (the right nonce) is refused.
    RawClient misdirected;
    QVERIFY(misdirected.open(hub->serverUrl()));
    misdirected.sendJson(alice.join());
    const QByteArray nonce = unb64(misdirected.waitFor(u"challenge"_s).value("nonce"_L1).toString());
    QJsonObject elsewhere = alice.join();
    elsewhere.insert(u"sig"_s, alice.proof(Crypto::randomBytes(32), nonce));
    misdirected.sendJson(elsewhere);
    QCOMPARE(misdirected.next().value("code"_L1).toString(), u"bad_proof"_s);

    // A prekey signed by another key is refused although the join's own signature is good.
    RawClient badPrekey;
    QVERIFY(badPrekey.open(hub->serverUrl()));
    QJsonObject forged = alice.join();
    forged.insert(u"prekey_sig"_s, b64(Crypto::Prekey::generate(Crypto::Identity::generate(), u"alice"_s).signature()));
    badPrekey.sendJson(forged);
    const QByteArray nonce2 = unb64(badPrekey.waitFor(u"challenge"_s).value("nonce"_L1).toString());
    forged.insert(u"sig"_s, alice.proof(hubId, nonce2));
    badPrekey.sendJson(forged);
    QCOMPARE(badPrekey.next().value("code"_L1).toString(), u"bad_proof"_s);

    // Nothing was bound by any of it; the first connection still joins with its own nonce.
    QVERIFY(hub->boundKey(u"alice"_s).isEmpty());
    QJsonObject good = alice.join();
    good.insert(u"sig"_s, captured);
    first.sendJson(good);
    QCOMPARE(first.next().value("type"_L1).toString(), u"welcome"_s);
}

void TestIdentityHub::v1ClientJoinsNextToKeyedPeers()
{
    auto hub = startHub();
    const Keyed alice(u"alice"_s);
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(joinKeyed(a, alice).value("type"_L1).toString(), u"welcome"_s);

    // A client that knows only version 1 never sees a challenge and joins as before.
    RawClient bob;
    QVERIFY(bob.open(hub->serverUrl()));
    const QJsonObject welcome = bob.join(u"bob"_s);
    QCOMPARE(welcome.value("type"_L1).toString(), u"welcome"_s);
    // It is told alice's key with her presence (and may ignore it) ...
    const QJsonObject entry = welcome.value("peers"_L1).toArray().at(0).toObject();
    QCOMPARE(entry.value("id"_L1).toString(), u"alice"_s);
    QCOMPARE(entry.value("key"_L1).toString(), b64(alice.identity.publicKey()));
    QCOMPARE(entry.value("prekey"_L1).toString(), b64(alice.prekey.publicKey()));
    QCOMPARE(entry.value("prekey_sig"_L1).toString(), b64(alice.prekey.signature()));
    // ... and its own presence carries none; nothing is bound for it.
    const QJsonObject connected = a.waitFor(u"peer_connect"_s);
    QCOMPARE(connected.value("id"_L1).toString(), u"bob"_s);
    QVERIFY(!connected.contains("key"_L1));
    QVERIFY(!connected.contains("prekey"_L1));
    QVERIFY(hub->boundKey(u"bob"_s).isEmpty());
    // The operator sees who joined with which key.
    const QList<HubPeer> peers = hub->peers();
    QCOMPARE(peers.size(), 2);
    QCOMPARE(peers.at(0).key, b64(alice.identity.publicKey()));
    QVERIFY(peers.at(1).key.isEmpty());
}

void TestIdentityHub::requireIdentityRefusesV1()
{
    HubConfig config;
    config.requireIdentity = true;
    auto hub = startHub(config);
    RawClient v1;
    QVERIFY(v1.open(hub->serverUrl()));
    v1.sendJson({ { u"type"_s, u"join"_s }, { u"id"_s, u"bob"_s } });
    const QJsonObject error = v1.next();
    QCOMPARE(error.value("code"_L1).toString(), u"identity_required"_s);
    QCOMPARE(error.value("ref"_L1).toString(), u"join"_s);
    QVERIFY(v1.waitClosed());
    QCOMPARE(v1.closeCode(), int(QWebSocketProtocol::CloseCodePolicyViolated));

    RawClient keyed;
    QVERIFY(keyed.open(hub->serverUrl()));
    QCOMPARE(joinKeyed(keyed, Keyed(u"bob"_s)).value("type"_L1).toString(), u"welcome"_s);
}

void TestIdentityHub::forgetIdReleasesTheId()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HubConfig config;
    config.dataDir = dir.path();
    auto hub = startHub(config);
    {
        RawClient owner;
        QVERIFY(owner.open(hub->serverUrl()));
        QCOMPARE(joinKeyed(owner, Keyed(u"alice"_s)).value("type"_L1).toString(), u"welcome"_s);
    }
    QTRY_COMPARE(hub->peerCount(), 0);
    QString error;
    QVERIFY(!hub->forgetId(u"nobody"_s, &error));
    QVERIFY2(error.contains(u"nobody"_s), qPrintable(error));
    QVERIFY(hub->forgetId(u"alice"_s, &error));
    QVERIFY(hub->boundKey(u"alice"_s).isEmpty());

    // Another key takes the id now, and that binding is the one kept.
    const Keyed newOwner(u"alice"_s);
    RawClient c;
    QVERIFY(c.open(hub->serverUrl()));
    QCOMPARE(joinKeyed(c, newOwner).value("type"_L1).toString(), u"welcome"_s);
    IdBindings onDisk;
    QVERIFY(onDisk.load(dir.path(), &error));
    QCOMPARE(onDisk.keyOf(u"alice"_s), b64(newOwner.identity.publicKey()));
}

// peerlink-hub --data-dir DIR --forget-id ID: says what it did and exits 0, or says why not and exits 1.
void TestIdentityHub::forgetIdOnTheCommandLine()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString key = b64(Crypto::Identity::generate().publicKey());
    {
        IdBindings bindings;
        QString error;
        QVERIFY(bindings.load(dir.path(), &error));
        QVERIFY(bindings.bind(u"alice"_s, key, &error));
        QVERIFY(bindings.bind(u"bob"_s, b64(Crypto::Identity::generate().publicKey()), &error));
    }
    const auto run = [&dir](const QStringList &arguments) {
        QProcess hub;
        hub.start(QStringLiteral(PEERLINK_HUB_BIN), arguments);
        hub.waitForFinished(20000);
        return std::make_pair(hub.exitCode(), QString::fromUtf8(hub.readAllStandardOutput() + hub.readAllStandardError()));
    };
    auto [code, output] = run({ u"--data-dir"_s, dir.path(), u"--forget-id"_s, u"alice"_s });
    QCOMPARE(code, 0);
    QVERIFY2(output.contains(u"alice"_s) && output.contains(key), qPrintable(output));
    IdBindings after;
    QString error;
    QVERIFY(after.load(dir.path(), &error));
    QVERIFY(after.keyOf(u"alice"_s).isEmpty());
    QVERIFY(!after.keyOf(u"bob"_s).isEmpty());

    std::tie(code, output) = run({ u"--data-dir"_s, dir.path(), u"--forget-id"_s, u"alice"_s });
    QCOMPARE(code, 1);
    QVERIFY2(output.contains(u"not bound"_s), qPrintable(output));
    std::tie(code, output) = run({ u"--forget-id"_s, u"alice"_s });
    QCOMPARE(code, 1);
    QVERIFY2(output.contains(u"data"_s), qPrintable(output));
}

// max-bound-ids: a join that would bind one more id is refused (hub_full, 1008); bound ids and v1 joins go on.
void TestIdentityHub::boundIdsAreLimited()
{
    HubConfig config;
    config.maxBoundIds = 1;
    auto hub = startHub(config);
    const Keyed alice(u"alice"_s);
    {
        RawClient a;
        QVERIFY(a.open(hub->serverUrl()));
        QCOMPARE(joinKeyed(a, alice).value("type"_L1).toString(), u"welcome"_s);
    }
    RawClient bob;
    QVERIFY(bob.open(hub->serverUrl()));
    const QJsonObject refused = joinKeyed(bob, Keyed(u"bob"_s));
    QCOMPARE(refused.value("code"_L1).toString(), u"hub_full"_s);
    QVERIFY(bob.waitClosed());
    QCOMPARE(bob.closeCode(), int(QWebSocketProtocol::CloseCodePolicyViolated));
    QVERIFY(hub->boundKey(u"bob"_s).isEmpty());

    QTRY_COMPARE(hub->peerCount(), 0);
    RawClient again, v1;
    QVERIFY(again.open(hub->serverUrl()));
    QCOMPARE(joinKeyed(again, Keyed(u"alice"_s, alice.identity)).value("type"_L1).toString(), u"welcome"_s);
    QVERIFY(v1.open(hub->serverUrl()));
    QVERIFY(!v1.join(u"carol"_s).isEmpty());
}

void TestIdentityHub::e2eAndSigPassThroughUntouched()
{
    auto hub = startHub();
    QList<QByteArray> frames;
    hub->setFrameObserver([&frames](bool, QByteArrayView utf8) { frames.append(utf8.toByteArray()); });
    const Keyed alice(u"alice"_s), bob(u"bob"_s);
    RawClient a, b;
    QVERIFY(a.open(hub->serverUrl()));
    QVERIFY(b.open(hub->serverUrl()));
    QCOMPARE(joinKeyed(a, alice).value("type"_L1).toString(), u"welcome"_s);
    const QJsonObject welcome = joinKeyed(b, bob);
    QCOMPARE(welcome.value("type"_L1).toString(), u"welcome"_s);
    const QJsonObject aliceEntry = welcome.value("peers"_L1).toArray().at(0).toObject();
    QCOMPARE(a.waitFor(u"peer_connect"_s).value("key"_L1).toString(), b64(bob.identity.publicKey()));

    // Sealed with what the hub announced of bob.
    const QByteArray secret = u"the cake is in the oven, 蛋糕"_s.toUtf8();
    const auto session = Crypto::OutgoingSession::create(alice.identity, u"alice"_s, u"bob"_s,
                                                         bob.identity.publicKey(), bob.prekey.publicKey());
    QVERIFY(session);
    const QString e2e = QString::fromLatin1(session->seal(secret, u"m1"_s));
    a.sendJson({ { u"type"_s, u"message"_s }, { u"to"_s, u"bob"_s }, { u"text"_s, QString() }, { u"e2e"_s, e2e },
                 { u"mid"_s, u"m1"_s } });
    const QJsonObject sealed = b.waitFor(u"message"_s);
    QCOMPARE(sealed.value("e2e"_L1).toString(), e2e);
    QCOMPARE(sealed.value("text"_L1).toString(), QString());
    QCOMPARE(a.waitFor(u"ack"_s).value("mid"_L1).toString(), u"m1"_s);
    Crypto::IncomingSessions inbox(bob.identity, u"bob"_s, bob.prekey);
    const auto opened = inbox.open(e2e.toLatin1(), u"alice"_s, unb64(aliceEntry.value("key"_L1).toString()), u"m1"_s);
    QCOMPARE(opened.plaintext.value_or(QByteArray()), secret);

    // A signed broadcast: the signature arrives as sent and verifies.
    const QString sig = b64(Crypto::signBroadcast(alice.identity, u"alice"_s, u"m2"_s, u"hello all"_s));
    a.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, u"hello all"_s }, { u"sig"_s, sig }, { u"mid"_s, u"m2"_s } });
    const QJsonObject broadcast = b.waitFor(u"message"_s);
    QCOMPARE(broadcast.value("sig"_L1).toString(), sig);
    QVERIFY(Crypto::verifyBroadcast(alice.identity.publicKey(), u"alice"_s, u"m2"_s, u"hello all"_s, unb64(sig)));

    // The observer saw the sealed message go in and out, and never its text.
    QTRY_VERIFY(std::count_if(frames.cbegin(), frames.cend(),
                              [&e2e](const QByteArray &f) { return f.contains(e2e.toLatin1()); })
                >= 2);
    for (const QByteArray &frame : std::as_const(frames))
        QVERIFY2(!frame.contains(secret) && !frame.contains("the cake"), frame.constData());
    const qsizetype seen = frames.size();
    hub->setFrameObserver({});
    a.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, u"unobserved"_s }, { u"mid"_s, u"m3"_s } });
    QCOMPARE(b.waitFor(u"message"_s).value("text"_L1).toString(), u"unobserved"_s);
    QCOMPARE(frames.size(), seen);
}

void TestIdentityHub::resumeWithANewPrekeyIsAnnounced()
{
    auto hub = startHub();
    const Keyed alice(u"alice"_s), bob(u"bob"_s);
    RawClient a, b, carol;
    QVERIFY(a.open(hub->serverUrl()));
    QVERIFY(b.open(hub->serverUrl()));
    QVERIFY(carol.open(hub->serverUrl()));
    const QJsonObject aliceWelcome = joinKeyed(a, alice);
    QCOMPARE(joinKeyed(b, bob).value("type"_L1).toString(), u"welcome"_s);
    QVERIFY(!carol.join(u"carol"_s).isEmpty()); // a v1 peer
    b.waitFor(u"peer_connect"_s);

    // alice comes back on a new connection with a new prekey (a resume): bob hears of it, carol does not.
    const Keyed aliceAgain(u"alice"_s, alice.identity);
    RawClient a2;
    QVERIFY(a2.open(hub->serverUrl()));
    QCOMPARE(joinKeyed(a2, aliceAgain, { { u"resume"_s, aliceWelcome.value("resume"_L1) } }).value("type"_L1).toString(),
             u"welcome"_s);
    const QJsonObject update = b.waitFor(u"peer_update"_s);
    QCOMPARE(update.value("id"_L1).toString(), u"alice"_s);
    QCOMPARE(update.value("key"_L1).toString(), b64(alice.identity.publicKey()));
    QCOMPARE(update.value("prekey"_L1).toString(), b64(aliceAgain.prekey.publicKey()));
    QCOMPARE(update.value("prekey_sig"_L1).toString(), b64(aliceAgain.prekey.signature()));
    // carol is sent something after it, so the absence of a peer_update before it means something.
    b.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, u"after"_s } });
    QCOMPARE(carol.waitFor(u"message"_s).value("text"_L1).toString(), u"after"_s);
    for (const QJsonObject &o : carol.pending())
        QVERIFY(o.value("type"_L1).toString() != u"peer_update");
}

void TestIdentityHub::malformedIdentityIsBadMessage()
{
    auto hub = startHub();
    RawClient c;
    QVERIFY(c.open(hub->serverUrl()));
    QJsonObject join = Keyed(u"alice"_s).join();
    join.insert(u"key"_s, u"not-a-key"_s);
    c.sendJson(join);
    QJsonObject error = c.next();
    QCOMPARE(error.value("code"_L1).toString(), u"bad_message"_s);
    QCOMPARE(error.value("ref"_L1).toString(), u"join"_s);
    join = Keyed(u"alice"_s).join();
    join.insert(u"sig"_s, u"AAAA"_s);
    c.sendJson(join);
    QCOMPARE(c.next().value("code"_L1).toString(), u"bad_message"_s);
    // A proof with no challenge outstanding on this connection.
    join = Keyed(u"alice"_s).join();
    join.insert(u"sig"_s, QString(QString(85, u'A') + u'A'));
    c.sendJson(join);
    QCOMPARE(c.next().value("code"_L1).toString(), u"bad_proof"_s);
    QVERIFY(c.isOpen());
}

void TestIdentityHub::corruptBindingsStopTheHub_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("where");
    const QByteArray key = Crypto::toBase64(Crypto::Identity::generate().publicKey());
    const QByteArray header = "# peerlink-hub id bindings 1\n";
    QTest::newRow("no header") << u"id-bindings"_s << "alice " + key + '\n' << u"id-bindings:1:"_s;
    QTest::newRow("bad key on line 3") << u"id-bindings"_s << header + "alice " + key + "\nbob xyz\n"
                                       << u"id-bindings:3:"_s;
    QTest::newRow("bad id") << u"id-bindings"_s << header + "a b " + key + '\n' << u"id-bindings:2:"_s;
    QTest::newRow("bound twice") << u"id-bindings"_s << header + "alice " + key + "\nalice " + key + '\n'
                                 << u"id-bindings:3:"_s;
    QTest::newRow("long line") << u"id-bindings"_s << header + "alice " + key + '\n' + QByteArray(100000, 'x') + '\n'
                               << u"id-bindings:3:"_s;
    QTest::newRow("empty") << u"id-bindings"_s << QByteArray() << u"id-bindings:1:"_s;
    QTest::newRow("hub id") << u"hub-id"_s << "short\n"_ba << u"hub-id:1:"_s;
}

void TestIdentityHub::corruptBindingsStopTheHub()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QString, where);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile f(dir.filePath(file));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    HubConfig config;
    config.dataDir = dir.path();
    Hub hub(config);
    QVERIFY(!hub.listen(QHostAddress::LocalHost, 0));
    QVERIFY2(hub.errorString().contains(where), qPrintable(hub.errorString()));
    QVERIFY(!hub.isListening());
    // The file is left as it was for the operator to look at.
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), content);
}

PEERLINK_TEST_MAIN(TestIdentityHub)
#include "tst_identity_hub.moc"
