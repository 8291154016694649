// PeerClient with identities over real sockets on loopback, against a small hub written here that speaks the
// identity additions (challenge, keys with presence, e2e/sig passed through) and can misbehave on purpose: it
// tampers with and forges what it relays, which is exactly what end-to-end encryption must survive.
#include "client/peerclient.h"
#include "core/secrets.h"
#include "hub/hub.h"
#include "crypto/envelope.h"
#include "crypto/sodium.h"

#include "testmain.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>
#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// A hub of the identity protocol: checks the challenge join's signature itself, announces keys, routes messages
/// and introductions. `tamper` may change any message it relays (the hub is the adversary of e2e).
class FakeHub : public QObject
{
public:
    std::function<void(ChatMessage &)> tamper;
    QList<ChatMessage> relayed; // as they left the hub
    int verifiedJoins = 0;

    ~FakeHub() override
    {
        // The sockets are children: quiet them before the members they report to go.
        const auto sockets = m_sessions.keys();
        for (QWebSocket *s : sockets)
            s->disconnect(this);
    }

    bool listen(quint16 port = 0)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                m_sessions.insert(s, Session {});
                connect(s, &QWebSocket::textMessageReceived, this, [this, s](const QString &t) { onText(s, t); });
                connect(s, &QWebSocket::disconnected, this, [this, s] { onGone(s); });
            }
        });
        return m_server.listen(QHostAddress::LocalHost, port);
    }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1"_s.arg(m_server.serverPort())); }
    quint16 port() const { return m_server.serverPort(); }

private:
    struct Session
    {
        PeerInfo info;
        QByteArray nonce;
        bool joined = false;
    };

    QWebSocket *socketOf(const QString &id) const
    {
        for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
            if (it->joined && it->info.id == id)
                return it.key();
        }
        return nullptr;
    }
    static void send(QWebSocket *s, const QByteArray &frame) { s->sendTextMessage(QString::fromUtf8(frame)); }

    void onText(QWebSocket *s, const QString &text)
    {
        const Decoded<ClientEnvelope> d = decodeClientMessage(text.toUtf8());
        QVERIFY2(d.ok(), qPrintable(text));
        Session &session = m_sessions[s];
        if (const auto *join = std::get_if<JoinRequest>(&d.envelope())) {
            if (!join->key.isEmpty() && join->sig.isEmpty()) {
                session.nonce = randomHex(16).toLatin1();
                send(s, encode(Challenge { QString::fromLatin1(Crypto::toBase64(m_hubId)),
                                           QString::fromLatin1(Crypto::toBase64(session.nonce)) }));
                return;
            }
            if (!join->key.isEmpty()) {
                bool ok[4] = {};
                const QByteArray key = Crypto::fromBase64(join->key.toLatin1(), &ok[0]);
                const QByteArray prekey = Crypto::fromBase64(join->prekey.toLatin1(), &ok[1]);
                const QByteArray sig = Crypto::fromBase64(join->sig.toLatin1(), &ok[2]);
                const QByteArray prekeySig = Crypto::fromBase64(join->prekeySig.toLatin1(), &ok[3]);
                const bool proof = Crypto::verify(
                    key, Crypto::framed("peerlink-join-1", { m_hubId, session.nonce, join->id.toUtf8(), key, prekey }),
                    sig);
                QVERIFY(proof && Crypto::verifyPrekey(key, join->id, prekey, prekeySig));
                ++verifiedJoins;
            }
            Welcome w;
            w.id = join->id;
            w.hub = u"fake"_s;
            w.resume = randomHex(16);
            for (const Session &other : std::as_const(m_sessions)) {
                if (other.joined)
                    w.peers.append(other.info);
            }
            session.info = PeerInfo { join->id, join->name, false, join->key, join->prekey, join->prekeySig };
            session.joined = true;
            send(s, encode(w));
            for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
                if (it.key() != s && it->joined)
                    send(it.key(), encode(PeerConnected { join->id, join->name, false, join->key, join->prekey,
                                                          join->prekeySig }));
            }
        } else if (const auto *m = std::get_if<MessageRequest>(&d.envelope())) {
            ChatMessage out { session.info.id, m->text, m->to, m->mid, 1764000000000, m->e2e, m->sig };
            if (tamper)
                tamper(out);
            relayed.append(out);
            for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
                if (it.key() != s && it->joined && (m->to.isEmpty() || it->info.id == m->to))
                    send(it.key(), encode(out));
            }
            if (!m->mid.isEmpty())
                send(s, encode(Ack { m->mid }));
        } else if (const auto *c = std::get_if<ConnectRequest>(&d.envelope())) {
            if (QWebSocket *target = socketOf(c->peer)) {
                const QString link = randomHex(16);
                m_links.insert(link, { session.info.id, randomHex(16), c->listen });
                send(target, encode(ConnectOffer { session.info.id, {}, link, m_links[link].secret, c->listen,
                                                   u"127.0.0.1"_s }));
            }
        } else if (const auto *a = std::get_if<ConnectAnswer>(&d.envelope())) {
            const Intro intro = m_links.take(a->link);
            if (QWebSocket *requester = socketOf(intro.from); requester && a->accept)
                send(requester,
                     encode(ConnectAccepted { session.info.id, a->link, intro.secret, a->listen, u"127.0.0.1"_s }));
        }
    }

    void onGone(QWebSocket *s)
    {
        const Session gone = m_sessions.take(s);
        s->deleteLater();
        if (!gone.joined)
            return;
        for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
            if (it->joined)
                send(it.key(), encode(PeerDisconnected { gone.info.id }));
        }
    }

    struct Intro
    {
        QString from;
        QString secret;
        QStringList listen;
    };
    QWebSocketServer m_server { u"fake hub"_s, QWebSocketServer::NonSecureMode };
    QHash<QWebSocket *, Session> m_sessions;
    QHash<QString, Intro> m_links;
    const QByteArray m_hubId = randomHex(16).toLatin1();
};

/// Flips one character in the middle of the last part of an envelope (the ciphertext).
QString bend(const QString &e2e)
{
    QString bent = e2e;
    const qsizetype i = bent.lastIndexOf(u'.') + 3;
    bent[i] = bent.at(i) == u'A' ? u'B' : u'A';
    return bent;
}

QList<ChatMessage> messages(const QSignalSpy &spy)
{
    QList<ChatMessage> list;
    for (const auto &args : spy)
        list.append(args.at(0).value<ChatMessage>());
    return list;
}

QList<ClientError> errors(const QSignalSpy &spy)
{
    QList<ClientError> list;
    for (const auto &args : spy)
        list.append(args.at(0).value<ClientError>());
    return list;
}

} // namespace

class TestIdentityClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void encryptedBetweenTwoIdentifiedPeers();
    void tamperedOrForgedE2eIsReportedOthersUnaffected();
    void broadcastSignaturesAreChecked();
    void keyChangeBlocksUntilTrusted();
    void peersWithoutIdentityStillTalk();
    void directLinkFramesAreSealed();
    void badFrameOnASealedLinkLosesNothing();
    void realHubEncryptedMessagesAndSealedLink();
    void realHubKeyChangeOnAFreshHub();
    void realHubResumeWithANewPrekey();
    void realHubStoresForAnOfflinePeer();

private:
    std::unique_ptr<PeerClient> realPeer(Hub &hub, const QString &id, const std::optional<Crypto::Identity> &identity,
                                         const QString &knownKeys = QString());
    std::unique_ptr<PeerClient> peer(const QString &id, const std::optional<Crypto::Identity> &identity,
                                     const QString &knownKeys = QString(), bool listen = false);
    std::unique_ptr<FakeHub> m_hub;
};

void TestIdentityClient::init()
{
    m_hub = std::make_unique<FakeHub>();
    QVERIFY(m_hub->listen());
}

void TestIdentityClient::cleanup()
{
    m_hub.reset();
}

std::unique_ptr<PeerClient> TestIdentityClient::peer(const QString &id, const std::optional<Crypto::Identity> &identity,
                                                     const QString &knownKeys, bool listen)
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(identity);
    if (!c->setKnownKeysFile(knownKeys))
        return nullptr;
    c->setDirectListening(listen, QHostAddress::LocalHost, 0);
    c->setDirectTimeouts(2000, 5000);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(m_hub->url(), id) || !joined.wait())
        return nullptr;
    return c;
}

void TestIdentityClient::encryptedBetweenTwoIdentifiedPeers()
{
    const Crypto::Identity aliceId = Crypto::Identity::generate();
    const Crypto::Identity bobId = Crypto::Identity::generate();
    auto alice = peer(u"alice"_s, aliceId);
    auto bob = peer(u"bob"_s, bobId);
    QVERIFY(alice && bob);
    QCOMPARE(m_hub->verifiedJoins, 2); // both answered the challenge with a good signature
    QCOMPARE(alice->fingerprint(), aliceId.fingerprint());
    QTRY_VERIFY(alice->hasPeer(u"bob"_s));
    QCOMPARE(alice->peerFingerprint(u"bob"_s), bobId.fingerprint());
    QCOMPARE(bob->peerFingerprint(u"alice"_s), aliceId.fingerprint());
    QCOMPARE(alice->peerTrust(u"bob"_s), PeerClient::PeerTrust::Trusted);

    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QSignalSpy aliceAcked(alice.get(), &PeerClient::messageAcked);
    const QString mid = alice->sendMessage(u"bob"_s, u"meet at 6, 秘密"_s);
    QVERIFY(!mid.isEmpty());
    QTRY_COMPARE(bobGot.size(), 1);
    const ChatMessage got = messages(bobGot).at(0);
    QCOMPARE(got.text, u"meet at 6, 秘密"_s);
    QCOMPARE(got.from, u"alice"_s);
    QCOMPARE(got.mid, mid);
    QVERIFY(got.encrypted);
    QTRY_COMPARE(aliceAcked.size(), 1);
    // The hub saw no text.
    QCOMPARE(m_hub->relayed.size(), 1);
    QVERIFY(m_hub->relayed.at(0).text.isEmpty());
    QVERIFY(!m_hub->relayed.at(0).e2e.isEmpty());
    QVERIFY(!m_hub->relayed.at(0).e2e.contains(u"meet"_s));

    QSignalSpy aliceGot(alice.get(), &PeerClient::messageReceived);
    bob->sendMessage(u"alice"_s, u"ok"_s);
    QTRY_COMPARE(aliceGot.size(), 1);
    QVERIFY(messages(aliceGot).at(0).encrypted);
    QCOMPARE(messages(aliceGot).at(0).text, u"ok"_s);
}

void TestIdentityClient::tamperedOrForgedE2eIsReportedOthersUnaffected()
{
    const Crypto::Identity aliceId = Crypto::Identity::generate();
    auto alice = peer(u"alice"_s, aliceId);
    auto bob = peer(u"bob"_s, Crypto::Identity::generate());
    auto carol = peer(u"carol"_s, Crypto::Identity::generate());
    QVERIFY(alice && bob && carol);
    QTRY_VERIFY(alice->hasPeer(u"bob"_s) && alice->hasPeer(u"carol"_s) && bob->hasPeer(u"carol"_s));

    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QSignalSpy bobErrors(bob.get(), &PeerClient::errorOccurred);
    QSignalSpy carolGot(carol.get(), &PeerClient::messageReceived);
    m_hub->tamper = [](ChatMessage &m) {
        if (m.to == u"bob" && !m.e2e.isEmpty())
            m.e2e = bend(m.e2e);
    };
    const QString tampered = alice->sendMessage(u"bob"_s, u"pay carol 10"_s);
    alice->sendMessage(u"carol"_s, u"hello carol"_s);
    QTRY_COMPARE(bobErrors.size(), 1);
    QCOMPARE(errors(bobErrors).at(0).codeName, u"e2e_failed"_s);
    QCOMPARE(errors(bobErrors).at(0).ref, tampered);
    QVERIFY(!errors(bobErrors).at(0).code.has_value()); // a local code, not the hub's
    QTRY_COMPARE(carolGot.size(), 1);
    QVERIFY(messages(carolGot).at(0).encrypted);

    // A message "from alice" sealed by someone else (here: Mallory's key, the hub's forgery) is refused too.
    const Crypto::Identity mallory = Crypto::Identity::generate();
    const Crypto::Prekey bobPrekeyGuess = Crypto::Prekey::generate(mallory, u"bob"_s);
    m_hub->tamper = [&](ChatMessage &m) {
        if (m.to == u"bob") {
            const auto forged = Crypto::OutgoingSession::create(mallory, u"alice"_s, u"bob"_s, aliceId.publicKey(),
                                                                bobPrekeyGuess.publicKey());
            m.e2e = QString::fromLatin1(forged->seal("pay mallory 1000", m.mid));
        }
    };
    const QString forged = alice->sendMessage(u"bob"_s, u"real text"_s);
    QTRY_COMPARE(bobErrors.size(), 2);
    QCOMPARE(errors(bobErrors).at(1).ref, forged);
    // Nor is the text in the clear with the envelope removed (a downgrade).
    m_hub->tamper = [](ChatMessage &m) {
        if (m.to == u"bob") {
            m.e2e.clear();
            m.text = u"plain forgery"_s;
        }
    };
    const QString stripped = alice->sendMessage(u"bob"_s, u"x"_s);
    QTRY_COMPARE(bobErrors.size(), 3);
    QCOMPARE(errors(bobErrors).at(2).ref, stripped);

    // Honest again: bob gets the next message; none of the refused ones was delivered.
    m_hub->tamper = nullptr;
    alice->sendMessage(u"bob"_s, u"all good"_s);
    QTRY_COMPARE(bobGot.size(), 1);
    QCOMPARE(messages(bobGot).at(0).text, u"all good"_s);
    QCOMPARE(carolGot.size(), 1);
}

void TestIdentityClient::broadcastSignaturesAreChecked()
{
    auto alice = peer(u"alice"_s, Crypto::Identity::generate());
    auto bob = peer(u"bob"_s, Crypto::Identity::generate());
    auto plain = peer(u"plain"_s, std::nullopt); // no identity: still checks what it can
    QVERIFY(alice && bob && plain);
    QTRY_VERIFY(bob->hasPeer(u"alice"_s) && plain->hasPeer(u"alice"_s));
    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QSignalSpy plainGot(plain.get(), &PeerClient::messageReceived);
    QSignalSpy bobErrors(bob.get(), &PeerClient::errorOccurred);
    alice->sendMessage(u"hello all"_s);
    QTRY_COMPARE(bobGot.size(), 1);
    QTRY_COMPARE(plainGot.size(), 1);
    QVERIFY(messages(bobGot).at(0).signedByKey);
    QVERIFY(messages(plainGot).at(0).signedByKey);
    QVERIFY(!messages(bobGot).at(0).encrypted);
    QVERIFY(!m_hub->relayed.at(0).sig.isEmpty());

    m_hub->tamper = [](ChatMessage &m) { m.text = u"hello all, send money"_s; };
    const QString changed = alice->sendMessage(u"hello all again"_s);
    QTRY_COMPARE(bobErrors.size(), 1);
    QCOMPARE(errors(bobErrors).at(0).codeName, u"e2e_failed"_s);
    QCOMPARE(errors(bobErrors).at(0).ref, changed);
    m_hub->tamper = [](ChatMessage &m) { m.sig.clear(); };
    alice->sendMessage(u"unsigned now"_s);
    QTRY_COMPARE(bobErrors.size(), 2);
    m_hub->tamper = nullptr;
    alice->sendMessage(u"signed again"_s);
    QTRY_COMPARE(bobGot.size(), 2);
    QCOMPARE(messages(bobGot).at(1).text, u"signed again"_s);
    QCOMPARE(plainGot.size(), 2);
}

void TestIdentityClient::keyChangeBlocksUntilTrusted()
{
    QTemporaryDir dir;
    const QString known = dir.filePath(u"alice.key.known"_s);
    const Crypto::Identity aliceId = Crypto::Identity::generate();
    const Crypto::Identity bobFirst = Crypto::Identity::generate();
    const Crypto::Identity bobSecond = Crypto::Identity::generate();
    {
        auto alice = peer(u"alice"_s, aliceId, known);
        auto bob = peer(u"bob"_s, bobFirst);
        QVERIFY(alice && bob);
        QTRY_COMPARE(alice->peerTrust(u"bob"_s), PeerClient::PeerTrust::Trusted);
    }
    QVERIFY(QFile::exists(known));
#ifdef Q_OS_UNIX
    QCOMPARE(QFile::permissions(known) & (QFile::ReadOther | QFile::WriteOther | QFile::ReadGroup | QFile::WriteGroup),
             QFile::Permissions());
#endif
    // A fresh hub at the same address; alice with the same store; "bob" now has another key.
    const quint16 port = m_hub->port();
    m_hub = std::make_unique<FakeHub>();
    QVERIFY(m_hub->listen(port));
    auto alice = peer(u"alice"_s, aliceId, known);
    QVERIFY(alice);
    QSignalSpy changed(alice.get(), &PeerClient::keyChanged);
    QSignalSpy aliceGot(alice.get(), &PeerClient::messageReceived);
    QSignalSpy aliceErrors(alice.get(), &PeerClient::errorOccurred);
    auto bob = peer(u"bob"_s, bobSecond);
    QVERIFY(bob);
    QTRY_COMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toString(), u"bob"_s);
    QCOMPARE(changed.at(0).at(1).toString(), bobFirst.fingerprint());
    QCOMPARE(changed.at(0).at(2).toString(), bobSecond.fingerprint());
    QCOMPARE(alice->peerTrust(u"bob"_s), PeerClient::PeerTrust::Changed);

    // Nothing goes to it...
    QVERIFY(alice->sendMessage(u"bob"_s, u"are you bob?"_s).isEmpty());
    QCOMPARE(aliceErrors.size(), 1);
    QCOMPARE(errors(aliceErrors).at(0).codeName, u"key_changed"_s);
    QVERIFY(m_hub->relayed.isEmpty());
    // ...and nothing from it is delivered, until alice trusts the new key.
    auto carol = peer(u"carol"_s, std::nullopt);
    QVERIFY(carol);
    QTRY_VERIFY(bob->hasPeer(u"alice"_s) && carol->hasPeer(u"alice"_s));
    bob->sendMessage(u"alice"_s, u"it is me, new laptop"_s);
    bob->sendMessage(u"alice"_s, u"second"_s);
    QTRY_COMPARE(m_hub->relayed.size(), 2);
    // A barrier: the hub relays in order, so when carol's broadcast reaches alice, bob's two messages did before.
    carol->sendMessage(u"barrier"_s);
    QTRY_COMPARE(aliceGot.size(), 1);
    QCOMPARE(messages(aliceGot).at(0).from, u"carol"_s);

    QVERIFY(alice->trustKey(u"bob"_s));
    QCOMPARE(aliceGot.size(), 3); // held, now delivered in order
    QCOMPARE(messages(aliceGot).at(1).text, u"it is me, new laptop"_s);
    QCOMPARE(messages(aliceGot).at(2).text, u"second"_s);
    QVERIFY(messages(aliceGot).at(1).encrypted);
    QCOMPARE(alice->peerTrust(u"bob"_s), PeerClient::PeerTrust::Trusted);
    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QVERIFY(!alice->sendMessage(u"bob"_s, u"welcome back"_s).isEmpty());
    const auto welcomed = [&bobGot] {
        const auto got = messages(bobGot);
        return std::any_of(got.cbegin(), got.cend(),
                           [](const ChatMessage &m) { return m.from == u"alice" && m.encrypted; });
    };
    QTRY_VERIFY(welcomed());

    // Remembered: the next session trusts the new key at once.
    alice.reset();
    auto again = peer(u"alice"_s, aliceId, known);
    QVERIFY(again);
    QTRY_VERIFY(again->hasPeer(u"bob"_s));
    QCOMPARE(again->peerTrust(u"bob"_s), PeerClient::PeerTrust::Trusted);
}

void TestIdentityClient::peersWithoutIdentityStillTalk()
{
    auto alice = peer(u"alice"_s, Crypto::Identity::generate());
    auto old = peer(u"old"_s, std::nullopt);
    QVERIFY(alice && old);
    QTRY_VERIFY(alice->hasPeer(u"old"_s) && old->hasPeer(u"alice"_s));
    QCOMPARE(alice->peerTrust(u"old"_s), PeerClient::PeerTrust::NoKey);
    QVERIFY(alice->peerFingerprint(u"old"_s).isEmpty());
    QSignalSpy oldGot(old.get(), &PeerClient::messageReceived);
    QSignalSpy aliceGot(alice.get(), &PeerClient::messageReceived);
    alice->sendMessage(u"old"_s, u"hi old"_s);
    old->sendMessage(u"alice"_s, u"hi alice"_s);
    QTRY_COMPARE(oldGot.size(), 1);
    QTRY_COMPARE(aliceGot.size(), 1);
    QCOMPARE(messages(oldGot).at(0).text, u"hi old"_s);
    QVERIFY(!messages(oldGot).at(0).encrypted);
    QCOMPARE(messages(aliceGot).at(0).text, u"hi alice"_s);
    QVERIFY(!messages(aliceGot).at(0).encrypted && !messages(aliceGot).at(0).signedByKey);
}

void TestIdentityClient::directLinkFramesAreSealed()
{
    auto alice = peer(u"alice"_s, Crypto::Identity::generate(), QString(), true);
    auto bob = peer(u"bob"_s, Crypto::Identity::generate(), QString(), true);
    QVERIFY(alice && bob);
    QTRY_VERIFY(alice->hasPeer(u"bob"_s) && bob->hasPeer(u"alice"_s));
    QVERIFY(alice->connectToPeer(u"bob"_s));
    QTRY_COMPARE(alice->pathTo(u"bob"_s), PeerClient::Path::Direct);
    QTRY_COMPARE(bob->pathTo(u"alice"_s), PeerClient::Path::Direct);
    QVERIFY(alice->isDirectLinkSealed(u"bob"_s));
    QVERIFY(bob->isDirectLinkSealed(u"alice"_s));

    // What crosses the link after the handshake, as bob's socket reads it.
    QWebSocket *bobsEnd = bob->findChild<QWebSocket *>(u"link:alice"_s);
    QVERIFY(bobsEnd);
    QStringList wire;
    connect(bobsEnd, &QWebSocket::textMessageReceived, this, [&wire](const QString &t) { wire.append(t); });
    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QSignalSpy aliceAcked(alice.get(), &PeerClient::messageAcked);
    const int relayedBefore = int(m_hub->relayed.size());
    alice->sendMessage(u"bob"_s, u"over the link, secretly"_s);
    QTRY_COMPARE(bobGot.size(), 1);
    QCOMPARE(messages(bobGot).at(0).text, u"over the link, secretly"_s);
    QVERIFY(messages(bobGot).at(0).encrypted);
    QTRY_COMPARE(aliceAcked.size(), 1);
    QCOMPARE(m_hub->relayed.size(), relayedBefore); // not through the hub
    QCOMPARE(wire.size(), 1);
    QVERIFY2(wire.at(0).contains(u"\"type\":\"sealed\""_s), qPrintable(wire.at(0)));
    QVERIFY(!wire.at(0).contains(u"secretly"_s) && !wire.at(0).contains(u"message"_s) && !wire.at(0).contains(u"mid"_s));

    // A frame that does not verify (here: injected on alice's socket, as a man in the middle would) closes the
    // link; messages go through the hub again, still end-to-end encrypted.
    QWebSocket *alicesEnd = alice->findChild<QWebSocket *>(u"link:bob"_s);
    QVERIFY(alicesEnd);
    alicesEnd->sendTextMessage(u"{\"type\":\"sealed\",\"box\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"_s);
    QTRY_COMPARE(bob->pathTo(u"alice"_s), PeerClient::Path::Relayed);
    QTRY_COMPARE(alice->pathTo(u"bob"_s), PeerClient::Path::Relayed);
    alice->sendMessage(u"bob"_s, u"through the hub now"_s);
    QTRY_COMPARE(bobGot.size(), 2);
    QCOMPARE(messages(bobGot).at(1).text, u"through the hub now"_s);
    QVERIFY(messages(bobGot).at(1).encrypted);
    QCOMPARE(m_hub->relayed.size(), relayedBefore + 1);
}

void TestIdentityClient::badFrameOnASealedLinkLosesNothing()
{
    auto alice = peer(u"alice"_s, Crypto::Identity::generate(), QString(), true);
    auto bob = peer(u"bob"_s, Crypto::Identity::generate(), QString(), true);
    QVERIFY(alice && bob);
    QTRY_VERIFY(alice->hasPeer(u"bob"_s) && bob->hasPeer(u"alice"_s));
    QVERIFY(alice->connectToPeer(u"bob"_s));
    QTRY_COMPARE(bob->pathTo(u"alice"_s), PeerClient::Path::Direct);
    QTRY_COMPARE(alice->pathTo(u"bob"_s), PeerClient::Path::Direct);
    QVERIFY(alice->isDirectLinkSealed(u"bob"_s));
    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QSignalSpy aliceAcked(alice.get(), &PeerClient::messageAcked);
    // Twenty messages on the link, then a frame that does not verify right behind them: bob closes the link
    // wherever the acks are; what alice has no ack for goes through the hub, sealed again.
    QStringList mids;
    for (int i = 0; i < 20; ++i)
        mids.append(alice->sendMessage(u"bob"_s, u"n%1"_s.arg(i)));
    QWebSocket *alicesEnd = alice->findChild<QWebSocket *>(u"link:bob"_s);
    QVERIFY(alicesEnd);
    alicesEnd->sendTextMessage(u"{\"type\":\"sealed\",\"box\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"_s);
    QTRY_COMPARE(alice->pathTo(u"bob"_s), PeerClient::Path::Relayed);
    QTRY_COMPARE(aliceAcked.size(), 20);
    QTRY_COMPARE(bobGot.size(), 20);
    QStringList texts;
    for (const ChatMessage &m : messages(bobGot)) {
        QVERIFY(m.encrypted);
        texts.append(m.text);
    }
    for (int i = 0; i < 20; ++i)
        QCOMPARE(texts.count(u"n%1"_s.arg(i)), 1); // each once: none lost, none twice
    QStringList acked;
    for (const auto &args : aliceAcked)
        acked.append(args.at(0).toString());
    acked.sort();
    mids.sort();
    QCOMPARE(acked, mids);
}

std::unique_ptr<PeerClient> TestIdentityClient::realPeer(Hub &hub, const QString &id,
                                                         const std::optional<Crypto::Identity> &identity,
                                                         const QString &knownKeys)
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(identity);
    if (!c->setKnownKeysFile(knownKeys))
        return nullptr;
    c->setDirectListening(true, QHostAddress::LocalHost, 0);
    c->setDirectTimeouts(2000, 5000);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(hub.serverUrl(), id) || !joined.wait())
        return nullptr;
    return c;
}

void TestIdentityClient::realHubEncryptedMessagesAndSealedLink()
{
    Hub hub;
    QVERIFY(hub.listen());
    auto alice = realPeer(hub, u"alice"_s, Crypto::Identity::generate());
    auto bob = realPeer(hub, u"bob"_s, Crypto::Identity::generate());
    auto old = realPeer(hub, u"old"_s, std::nullopt);
    QVERIFY(alice && bob && old);
    QTRY_VERIFY(alice->hasPeer(u"bob"_s) && bob->hasPeer(u"alice"_s) && old->hasPeer(u"alice"_s));
    QCOMPARE(alice->peerFingerprint(u"bob"_s), bob->fingerprint());

    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QSignalSpy oldGot(old.get(), &PeerClient::messageReceived);
    alice->sendMessage(u"bob"_s, u"through the real hub"_s);
    alice->sendMessage(u"old"_s, u"to a peer without identity"_s);
    alice->sendMessage(u"to everyone"_s);
    QTRY_COMPARE(bobGot.size(), 2);
    QCOMPARE(messages(bobGot).at(0).text, u"through the real hub"_s);
    QVERIFY(messages(bobGot).at(0).encrypted);
    QVERIFY(messages(bobGot).at(1).signedByKey);
    QTRY_COMPARE(oldGot.size(), 2);
    QVERIFY(!messages(oldGot).at(0).encrypted);
    QCOMPARE(messages(oldGot).at(0).text, u"to a peer without identity"_s);
    QVERIFY(messages(oldGot).at(1).signedByKey);

    // A direct link through the real hub's introduction: sealed; the hub routes nothing meanwhile.
    QVERIFY(alice->connectToPeer(u"bob"_s));
    QTRY_COMPARE(alice->pathTo(u"bob"_s), PeerClient::Path::Direct);
    QTRY_COMPARE(bob->pathTo(u"alice"_s), PeerClient::Path::Direct);
    QVERIFY(alice->isDirectLinkSealed(u"bob"_s) && bob->isDirectLinkSealed(u"alice"_s));
    const quint64 routed = hub.routedMessageCount();
    bob->sendMessage(u"alice"_s, u"over the sealed link"_s);
    QSignalSpy aliceGot(alice.get(), &PeerClient::messageReceived);
    QTRY_COMPARE(aliceGot.size(), 1);
    QVERIFY(messages(aliceGot).at(0).encrypted);
    QCOMPARE(hub.routedMessageCount(), routed);
    // A link with the peer without identity stays HMAC-only, and works.
    QVERIFY(alice->connectToPeer(u"old"_s));
    QTRY_COMPARE(alice->pathTo(u"old"_s), PeerClient::Path::Direct);
    QVERIFY(!alice->isDirectLinkSealed(u"old"_s));
    alice->sendMessage(u"old"_s, u"plain link"_s);
    QTRY_COMPARE(oldGot.size(), 3);
}

void TestIdentityClient::realHubKeyChangeOnAFreshHub()
{
    QTemporaryDir dir;
    const QString known = dir.filePath(u"alice.known"_s);
    const Crypto::Identity aliceId = Crypto::Identity::generate();
    const Crypto::Identity bobFirst = Crypto::Identity::generate();
    quint16 port = 0;
    {
        Hub hub;
        QVERIFY(hub.listen());
        port = hub.serverUrl().port();
        auto alice = realPeer(hub, u"alice"_s, aliceId, known);
        auto bob = realPeer(hub, u"bob"_s, bobFirst);
        QVERIFY(alice && bob);
        QTRY_COMPARE(alice->peerTrust(u"bob"_s), PeerClient::PeerTrust::Trusted);
    }
    Hub fresh; // its bindings are new: it lets another key be "bob"
    QVERIFY(fresh.listen(QHostAddress::LocalHost, port));
    auto alice = realPeer(fresh, u"alice"_s, aliceId, known);
    QVERIFY(alice);
    QSignalSpy changed(alice.get(), &PeerClient::keyChanged);
    const Crypto::Identity bobSecond = Crypto::Identity::generate();
    auto bob = realPeer(fresh, u"bob"_s, bobSecond);
    QVERIFY(bob);
    QTRY_COMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(1).toString(), bobFirst.fingerprint());
    QCOMPARE(changed.at(0).at(2).toString(), bobSecond.fingerprint());
    QSignalSpy aliceErrors(alice.get(), &PeerClient::errorOccurred);
    QVERIFY(alice->sendMessage(u"bob"_s, u"who are you?"_s).isEmpty());
    QCOMPARE(errors(aliceErrors).value(0).codeName, u"key_changed"_s);
    QVERIFY(alice->trustKey(u"bob"_s));
    QSignalSpy bobGot(bob.get(), &PeerClient::messageReceived);
    QVERIFY(!alice->sendMessage(u"bob"_s, u"ok, trusted"_s).isEmpty());
    QTRY_COMPARE(bobGot.size(), 1);
    QVERIFY(messages(bobGot).at(0).encrypted);
}

void TestIdentityClient::realHubResumeWithANewPrekey()
{
    // Bob's socket breaks; he comes back with a new prekey (announced as peer_update). What the hub held for him
    // was sealed to the old one and still opens; what alice seals after the update goes to the new one.
    Hub hub;
    QVERIFY(hub.listen());
    auto alice = realPeer(hub, u"alice"_s, Crypto::Identity::generate());
    PeerClient bob;
    bob.setIdentity(Crypto::Identity::generate());
    bob.setAutoReconnect(true);
    bob.setReconnectDelays(20, 100);
    bob.setDirectListening(false);
    QSignalSpy joined(&bob, &PeerClient::joined);
    QVERIFY(bob.connectToHub(hub.serverUrl(), u"bob"_s));
    QVERIFY(joined.wait());
    QVERIFY(alice);
    QTRY_VERIFY(alice->hasPeer(u"bob"_s));
    QSignalSpy got(&bob, &PeerClient::messageReceived);
    QSignalSpy bobErrors(&bob, &PeerClient::errorOccurred);
    QWebSocket *socket = bob.findChild<QWebSocket *>();
    QVERIFY(socket);
    socket->abort();
    alice->sendMessage(u"bob"_s, u"while you were away"_s);
    QTRY_VERIFY_WITH_TIMEOUT(joined.size() == 2, 10000);
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(messages(got).at(0).text, u"while you were away"_s);
    QVERIFY(messages(got).at(0).encrypted);
    // Once alice has bob's new prekey, her messages are sealed to it.
    QTRY_VERIFY(alice->peerTrust(u"bob"_s) == PeerClient::PeerTrust::Trusted);
    QSignalSpy aliceAcked(alice.get(), &PeerClient::messageAcked);
    alice->sendMessage(u"bob"_s, u"welcome back"_s);
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(messages(got).at(1).text, u"welcome back"_s);
    QVERIFY(messages(got).at(1).encrypted);
    QCOMPARE(bobErrors.size(), 0);
}

void TestIdentityClient::realHubStoresForAnOfflinePeer()
{
    // Issue 14: bob has left; alice still knows his key, so her messages are sealed to his identity and the hub keeps
    // them (messageStored, not messageAcked). When bob joins again, before alice says anything live, he gets them in
    // order, opened and checked against alice's key. Without an identity nothing is sealed: it fails as before.
    HubConfig config;
    config.reconnectGraceMs = 0;
    Hub hub(config);
    QVERIFY(hub.listen());
    const Crypto::Identity bobId = Crypto::Identity::generate();
    auto alice = realPeer(hub, u"alice"_s, Crypto::Identity::generate());
    auto plain = realPeer(hub, u"plain"_s, std::nullopt);
    QVERIFY(alice && plain);
    {
        auto bob = realPeer(hub, u"bob"_s, bobId);
        QVERIFY(bob);
        QTRY_VERIFY(alice->hasPeer(u"bob"_s) && plain->hasPeer(u"bob"_s));
        bob->disconnectFromHub();
        QTRY_VERIFY(!alice->hasPeer(u"bob"_s) && !plain->hasPeer(u"bob"_s));
    }
    QSignalSpy stored(alice.get(), &PeerClient::messageStored);
    QSignalSpy acked(alice.get(), &PeerClient::messageAcked);
    QSignalSpy aliceErrors(alice.get(), &PeerClient::errorOccurred);
    const QString m1 = alice->sendMessage(u"bob"_s, u"first, while you are away"_s);
    const QString m2 = alice->sendMessage(u"bob"_s, u"second"_s);
    QVERIFY(!m1.isEmpty() && !m2.isEmpty());
    QTRY_COMPARE(stored.size(), 2);
    QCOMPARE(stored.at(0).at(0).toString(), m1);
    QCOMPARE(stored.at(1).at(0).toString(), m2);
    QCOMPARE(acked.size(), 0);
    QCOMPARE(aliceErrors.size(), 0);
    QCOMPARE(hub.mailbox().count(u"bob"_s), 2);

    QSignalSpy plainErrors(plain.get(), &PeerClient::errorOccurred);
    plain->sendMessage(u"bob"_s, u"no identity, nothing sealed"_s);
    QTRY_COMPARE(plainErrors.size(), 1);
    QCOMPARE(errors(plainErrors).value(0).codeName, u"peer_unavailable"_s);
    QCOMPARE(hub.mailbox().count(u"bob"_s), 2);

    PeerClient bob;
    bob.setIdentity(bobId);
    bob.setDirectListening(false);
    QSignalSpy got(&bob, &PeerClient::messageReceived);
    QSignalSpy bobErrors(&bob, &PeerClient::errorOccurred);
    QSignalSpy joined(&bob, &PeerClient::joined);
    QVERIFY(bob.connectToHub(hub.serverUrl(), u"bob"_s));
    QVERIFY(joined.wait());
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(messages(got).at(0).text, u"first, while you are away"_s);
    QCOMPARE(messages(got).at(0).mid, m1);
    QCOMPARE(messages(got).at(0).from, u"alice"_s);
    QVERIFY(messages(got).at(0).encrypted);
    QCOMPARE(messages(got).at(1).text, u"second"_s);
    QVERIFY(messages(got).at(1).encrypted);
    QCOMPARE(bobErrors.size(), 0);
    QCOMPARE(hub.mailbox().count(u"bob"_s), 0);
}

PEERLINK_TEST_MAIN(TestIdentityClient)
#include "tst_identityclient.moc"
