// DirectPaths: two of them on loopback, with the test playing the hub (it turns one side's introduction into
// the other side's offer), so that paths, policies, acks over the link, unacked messages and retries are seen
// one by one.
#include "client/directpaths.h"
#include "core/protocol.h"
#include "core/secrets.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// One side: its DirectPaths and what it asked the hub to send.
struct Side
{
    explicit Side(const QString &id)
        : paths(std::make_unique<DirectPaths>())
        , self(id)
    {
        paths->setPresence([](const QString &) { return true; });
        QObject::connect(
            paths.get(), &DirectPaths::hubFrameReady, paths.get(), [this](const QByteArray &frame) {
                const Decoded<ClientEnvelope> d = decodeClientMessage(frame);
                QVERIFY(d.ok());
                toHub.append(d.envelope());
            });
    }

    /// The last frame for the hub of type T (nullopt if the last one is not a T).
    template<typename T> std::optional<T> last() const
    {
        if (toHub.isEmpty() || !std::holds_alternative<T>(toHub.constLast()))
            return std::nullopt;
        return std::get<T>(toHub.constLast());
    }

    std::unique_ptr<DirectPaths> paths;
    QString self;
    QList<ClientEnvelope> toHub;
};

} // namespace

class TestDirectPaths : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void linkIsMadeThroughAnIntroduction();
    void messagesAreAckedByTheirPeerOnly();
    void unackedComeBackWhenTheLinkDrops();
    void policies_data();
    void policies();
    void declinedIsNotAskedAgain();
    void failedDialIsRetriedWithBackoff();
    void peerLeavingWhileConnectingIsAnError();

private:
    /// a asks for b, the "hub" introduces them, b accepts by its policy; returns the link id.
    QString introduce(const QStringList &bAddrs = {});
    bool link();

    std::unique_ptr<Side> m_a;
    std::unique_ptr<Side> m_b;
    QString m_secret;
};

void TestDirectPaths::init()
{
    m_a = std::make_unique<Side>(u"a"_s);
    m_b = std::make_unique<Side>(u"b"_s);
    for (Side *s : { m_a.get(), m_b.get() }) {
        s->paths->setListening(true, QHostAddress(QHostAddress::LocalHost), 0);
        s->paths->start(s->self);
        QVERIFY(s->paths->isListening());
        QCOMPARE(s->paths->endpoints().size(), 1);
    }
    m_secret = randomHex(32);
}

void TestDirectPaths::cleanup()
{
    m_a.reset();
    m_b.reset();
}

QString TestDirectPaths::introduce(const QStringList &bAddrs)
{
    m_a->paths->want(u"b"_s);
    const auto request = m_a->last<ConnectRequest>();
    if (!request)
        return QString();
    const QString linkId = randomHex(16);
    m_b->paths->offered(ConnectOffer { u"a"_s, {}, linkId, m_secret, request->listen, QString() });
    const auto answer = m_b->last<ConnectAnswer>();
    if (answer && answer->accept) {
        m_a->paths->accepted(ConnectAccepted {
            u"b"_s, linkId, m_secret, bAddrs.isEmpty() ? answer->listen : bAddrs, QString() });
    }
    return linkId;
}

bool TestDirectPaths::link()
{
    if (introduce().isEmpty())
        return false;
    return QTest::qWaitFor(
        [this] {
            return m_a->paths->pathTo(u"b"_s) == DirectPaths::Path::Direct
                && m_b->paths->pathTo(u"a"_s) == DirectPaths::Path::Direct;
        },
        10000);
}

void TestDirectPaths::linkIsMadeThroughAnIntroduction()
{
    QSignalSpy aPath(m_a->paths.get(), &DirectPaths::pathChanged);
    QSignalSpy bRequested(m_b->paths.get(), &DirectPaths::connectRequested);
    QVERIFY(link());
    QCOMPARE(bRequested.size(), 1);
    QCOMPARE(bRequested.at(0).at(0).toString(), u"a"_s);
    // a: connecting while it asked, then direct.
    QCOMPARE(aPath.first().at(1).value<DirectPaths::Path>(), DirectPaths::Path::Connecting);
    QCOMPARE(aPath.last().at(1).value<DirectPaths::Path>(), DirectPaths::Path::Direct);
    QCOMPARE(m_a->paths->pathTo(u"nobody"_s), DirectPaths::Path::Relayed);
    // The introduction carried a's endpoints; b's answer its own.
    QCOMPARE(std::get<ConnectRequest>(m_a->toHub.at(0)).listen, m_a->paths->endpoints());
    QCOMPARE(m_b->last<ConnectAnswer>()->listen, m_b->paths->endpoints());
}

void TestDirectPaths::messagesAreAckedByTheirPeerOnly()
{
    QVERIFY(link());
    QSignalSpy arrived(m_b->paths.get(), &DirectPaths::messageArrived);
    QSignalSpy acked(m_a->paths.get(), &DirectPaths::messageAcked);
    QVERIFY(m_a->paths->send(MessageRequest { u"over the link"_s, u"b"_s, u"m1"_s }, 1764000000000));
    QVERIFY(!m_a->paths->send(MessageRequest { u"no link"_s, u"c"_s, u"m2"_s }, 0)); // nobody linked: the hub's job
    QTRY_COMPARE(arrived.size(), 1);
    const ChatMessage m = arrived.at(0).at(0).value<ChatMessage>();
    QCOMPARE(m.from, u"a"_s); // the link says who sent it
    QCOMPARE(m.to, u"b"_s);
    QCOMPARE(m.text, u"over the link"_s);
    QCOMPARE(m.mid, u"m1"_s);
    QCOMPARE(m.ts, 1764000000000);
    QTRY_COMPARE(acked.size(), 1);
    QCOMPARE(acked.at(0).at(0).toString(), u"m1"_s);
    QVERIFY(m_a->paths->takeUnacked(u"b"_s).isEmpty());
}

void TestDirectPaths::unackedComeBackWhenTheLinkDrops()
{
    QVERIFY(link());
    QSignalSpy lost(m_a->paths.get(), &DirectPaths::linkLost);
    QVERIFY(m_a->paths->send(MessageRequest { u"one"_s, u"b"_s, u"m1"_s }, 0));
    QVERIFY(m_a->paths->send(MessageRequest { u"two"_s, u"b"_s, u"m2"_s }, 0));
    m_b->paths->peerLeft(u"a"_s); // b drops the link before it reads them: no acks
    QTRY_COMPARE(lost.size(), 1);
    QCOMPARE(lost.at(0).at(0).toString(), u"b"_s);
    QCOMPARE(m_a->paths->pathTo(u"b"_s), DirectPaths::Path::Relayed);
    const QList<MessageRequest> unacked = m_a->paths->takeUnacked(u"b"_s);
    QCOMPARE(unacked.size(), 2); // oldest first, for the hub
    QCOMPARE(unacked.at(0).mid, u"m1"_s);
    QCOMPARE(unacked.at(1).mid, u"m2"_s);
    QCOMPARE(unacked.at(1).to, u"b"_s);
    QVERIFY(m_a->paths->takeUnacked(u"b"_s).isEmpty()); // handed over once
}

void TestDirectPaths::policies_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<bool>("requested"); // connectRequested emitted
    QTest::addColumn<int>("answer"); // 0 none yet, 1 accept, 2 decline

    QTest::newRow("accept all") << int(DirectPaths::Policy::AcceptAll) << true << 1;
    QTest::newRow("ask") << int(DirectPaths::Policy::Ask) << true << 0;
    QTest::newRow("decline all") << int(DirectPaths::Policy::DeclineAll) << false << 2;
}

void TestDirectPaths::policies()
{
    QFETCH(int, policy);
    QFETCH(bool, requested);
    QFETCH(int, answer);
    m_b->paths->setPolicy(DirectPaths::Policy(policy));
    QSignalSpy bRequested(m_b->paths.get(), &DirectPaths::connectRequested);
    m_b->paths->offered(ConnectOffer { u"a"_s, {}, randomHex(16), m_secret, {}, QString() });
    QCOMPARE(bRequested.size(), requested ? 1 : 0);
    const auto sent = m_b->last<ConnectAnswer>();
    QCOMPARE(sent.has_value(), answer != 0);
    if (sent)
        QCOMPARE(sent->accept, answer == 1);
    if (answer == 0) { // asked: the user decides
        QVERIFY(m_b->paths->decline(u"a"_s, u"not now"_s));
        QCOMPARE(m_b->last<ConnectAnswer>()->reason, u"not now"_s);
        QVERIFY(!m_b->paths->accept(u"a"_s)); // answered once
    }
}

void TestDirectPaths::declinedIsNotAskedAgain()
{
    m_a->paths->setRetryDelays(10, 20);
    m_a->paths->want(u"b"_s);
    QCOMPARE(m_a->paths->pathTo(u"b"_s), DirectPaths::Path::Connecting);
    m_a->paths->declined(u"b"_s);
    QCOMPARE(m_a->paths->pathTo(u"b"_s), DirectPaths::Path::Relayed);
    m_a->paths->peerJoined(u"b"_s); // b comes back: not wanted any more
    QCOMPARE(m_a->toHub.size(), 1);
}

void TestDirectPaths::failedDialIsRetriedWithBackoff()
{
    // An endpoint where nothing listens: the dial fails, and a asks the hub again after the retry delay.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const QString nowhere = u"127.0.0.1:%1"_s.arg(closed.serverPort());
    closed.close();
    m_a->paths->setRetryDelays(20, 40);
    QSignalSpy aPath(m_a->paths.get(), &DirectPaths::pathChanged);
    QVERIFY(!introduce({ nowhere }).isEmpty());
    QCOMPARE(m_a->toHub.size(), 1);
    QTRY_VERIFY(
        aPath.size() >= 2 && aPath.at(1).at(1).value<DirectPaths::Path>() == DirectPaths::Path::Relayed);
    QTRY_COMPARE(m_a->toHub.size(), 2); // asked again, by itself
    QVERIFY(m_a->last<ConnectRequest>().has_value());
    QCOMPARE(m_a->last<ConnectRequest>()->peer, u"b"_s);
}

void TestDirectPaths::peerLeavingWhileConnectingIsAnError()
{
    QSignalSpy errors(m_a->paths.get(), &DirectPaths::errorOccurred);
    m_a->paths->want(u"b"_s);
    m_a->paths->peerLeft(u"b"_s);
    QCOMPARE(errors.size(), 1);
    const ClientError e = errors.at(0).at(0).value<ClientError>();
    QVERIFY(e.is(ErrorCode::PeerUnavailable));
    QCOMPARE(e.ref, u"connect_to_peer"_s);
    QCOMPARE(m_a->paths->pathTo(u"b"_s), DirectPaths::Path::Relayed);
    m_a->paths->peerJoined(u"b"_s); // whoever joins as b next is not asked for
    QCOMPARE(m_a->toHub.size(), 1);
}

QTEST_GUILESS_MAIN(TestDirectPaths)
#include "tst_directpaths.moc"
