// Store-and-forward (issue 14): the Mailbox on its own (order, limits, expiry with a clock the test sets, a restart on
// the same data-dir, a corrupt file), and the hub around it over real loopback sockets: an end-to-end message to an
// absent peer bound to a key is answered `stored` and handed to that peer, in order and as it was, when it joins
// again; a plain one stays `peer_unavailable`; limits answer `mailbox_full`; expiry answers `expired` (at once, or on
// the sender's next join); a hub restarted on the same data-dir still has what it kept.
#include "crypto/envelope.h"
#include "crypto/identity.h"
#include "hub/hub.h"
#include "hub/mailbox.h"
#include "keyedpeer.h"
#include "rawclient.h"

#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kT0 = 1764000000000; // a fixed "now" for the clock the tests set

QJsonObject sealed(const QString &to, const QString &mid, const QString &e2e = u"2.c2VhbGVk"_s)
{
    return { { u"type"_s, u"message"_s }, { u"to"_s, to }, { u"text"_s, u""_s }, { u"mid"_s, mid }, { u"e2e"_s, e2e } };
}

} // namespace

class TestMailbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The Mailbox alone.
    void keepsOrderAndRemovesDelivered();
    void limitsPerRecipientAndInAll();
    void expiresWithTheClockGiven();
    void survivesARestartOnTheSameDir();
    void storedIsOnDiskOnceCommitted();
    void corruptFileIsAnErrorNamingIt();
    // The hub around it.
    void storedThenDeliveredInOrderOnJoin();
    void plainMessageToAbsentPeerStaysUnavailable();
    void unboundOrOffMeansUnavailable();
    void mailboxFullIsReported();
    void expiredIsReportedNowOrOnNextJoin();
    void hubRestartKeepsStoredMessages();
    void moreThanTheQueueTakesGoesAsItDrains();
    void corruptMailboxStopsTheHub();

private:
    static std::unique_ptr<Hub> startHub(const HubConfig &config, qint64 *clock = nullptr);
};

std::unique_ptr<Hub> TestMailbox::startHub(const HubConfig &config, qint64 *clock)
{
    auto hub = std::make_unique<Hub>(config);
    if (clock)
        hub->setWallClock([clock] { return *clock; });
    if (!hub->listen(QHostAddress::LocalHost, 0))
        qWarning() << hub->errorString();
    return hub;
}

void TestMailbox::keepsOrderAndRemovesDelivered()
{
    Mailbox box;
    QString error;
    QVERIFY2(box.open(QString(), &error), qPrintable(error)); // in memory
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(box.store(u"bob"_s, u"alice"_s, u"m%1"_s.arg(i), "frame" + QByteArray::number(i), kT0 + i),
                 Mailbox::StoreResult::Stored);
    QCOMPARE(box.store(u"carol"_s, u"alice"_s, u"c1"_s, "other", kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.count(u"bob"_s), 3);
    QCOMPARE(box.bytes(u"bob"_s), 18);
    QCOMPARE(box.totalBytes(), 23);
    const QList<Mailbox::Letter> letters = box.pending(u"bob"_s);
    QCOMPARE(letters.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(letters.at(i).mid, u"m%1"_s.arg(i + 1));
        QCOMPARE(letters.at(i).sender, u"alice"_s);
        QCOMPARE(letters.at(i).frame, "frame" + QByteArray::number(i + 1));
    }
    QVERIFY(box.remove({ letters.at(0).id, letters.at(1).id }));
    QCOMPARE(box.count(u"bob"_s), 1);
    QCOMPARE(box.pending(u"bob"_s).constFirst().mid, u"m3"_s);
    QCOMPARE(box.pending(u"carol"_s).size(), 1); // someone else's mail is untouched
    QVERIFY(box.pending(u"nobody"_s).isEmpty());
    // A released id: what was kept for it goes.
    QVERIFY(box.forget(u"bob"_s));
    QCOMPARE(box.count(u"bob"_s), 0);
    QVERIFY(box.pending(u"bob"_s).isEmpty());
    QCOMPARE(box.totalBytes(), 5);
    QCOMPARE(box.totalCount(), 1);
}

void TestMailbox::limitsPerRecipientAndInAll()
{
    Mailbox::Limits limits;
    limits.maxMessages = 2;
    limits.maxBytes = 100;
    limits.maxTotalBytes = 150;
    Mailbox box(limits);
    QString error;
    QVERIFY(box.open(QString(), &error));
    QCOMPARE(box.store(u"bob"_s, u"a"_s, u"1"_s, QByteArray(10, 'x'), kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.store(u"bob"_s, u"a"_s, u"2"_s, QByteArray(10, 'x'), kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.store(u"bob"_s, u"a"_s, u"3"_s, QByteArray(1, 'x'), kT0), Mailbox::StoreResult::RecipientFull);
    QCOMPARE(box.store(u"carol"_s, u"a"_s, u"4"_s, QByteArray(101, 'x'), kT0), Mailbox::StoreResult::RecipientFull);
    QCOMPARE(box.store(u"carol"_s, u"a"_s, u"5"_s, QByteArray(100, 'x'), kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.store(u"dave"_s, u"a"_s, u"6"_s, QByteArray(31, 'x'), kT0), Mailbox::StoreResult::HubFull);
    QCOMPARE(box.store(u"dave"_s, u"a"_s, u"7"_s, QByteArray(30, 'x'), kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.totalBytes(), 150);
    // Delivery frees room again.
    const QList<Mailbox::Letter> bob = box.pending(u"bob"_s);
    QVERIFY(box.remove({ bob.at(0).id }));
    QCOMPARE(box.store(u"bob"_s, u"a"_s, u"8"_s, QByteArray(10, 'x'), kT0), Mailbox::StoreResult::Stored);
}

void TestMailbox::expiresWithTheClockGiven()
{
    Mailbox::Limits limits;
    limits.ttlMs = 1000;
    Mailbox box(limits);
    QString error;
    QVERIFY(box.open(QString(), &error));
    QCOMPARE(box.store(u"bob"_s, u"alice"_s, u"old"_s, "a", kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.store(u"bob"_s, u"carol"_s, u"new"_s, "b", kT0 + 500), Mailbox::StoreResult::Stored);
    QVERIFY(box.expire(kT0 + 999).isEmpty());
    const QList<Mailbox::Letter> gone = box.expire(kT0 + 1000);
    QCOMPARE(gone.size(), 1);
    QCOMPARE(gone.constFirst().mid, u"old"_s);
    QCOMPARE(gone.constFirst().sender, u"alice"_s);
    QCOMPARE(gone.constFirst().recipient, u"bob"_s);
    QCOMPARE(box.count(u"bob"_s), 1);
    QCOMPARE(box.totalBytes(), 1);
    QVERIFY(box.expire(kT0 + 1000).isEmpty()); // reported once

    QVERIFY(box.addNotice(u"alice"_s, u"old"_s, u"bob"_s, kT0 + 1000));
    QVERIFY(box.hasNotices());
    QVERIFY(box.takeNotices(u"carol"_s).isEmpty());
    const auto notices = box.takeNotices(u"alice"_s);
    QCOMPARE(notices.size(), 1);
    QCOMPARE(notices.constFirst().first, u"old"_s);
    QCOMPARE(notices.constFirst().second, u"bob"_s);
    QVERIFY(box.takeNotices(u"alice"_s).isEmpty());
    // A notice waits one more time to live for its sender, then it goes too.
    QVERIFY(box.addNotice(u"carol"_s, u"c1"_s, u"bob"_s, kT0 + 2000));
    box.expire(kT0 + 2999);
    QVERIFY(box.hasNotices());
    box.expire(kT0 + 3000);
    QVERIFY(!box.hasNotices());
    QVERIFY(box.takeNotices(u"carol"_s).isEmpty());
}

void TestMailbox::survivesARestartOnTheSameDir()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    {
        Mailbox box;
        QString error;
        QVERIFY2(box.open(dir.path(), &error), qPrintable(error));
        QVERIFY(QFile::exists(QDir(dir.path()).filePath(Mailbox::FileName)));
        for (int i = 1; i <= 3; ++i)
            QCOMPARE(box.store(u"bob"_s, u"alice"_s, u"m%1"_s.arg(i), "x", kT0), Mailbox::StoreResult::Stored);
        QVERIFY(box.addNotice(u"carol"_s, u"c1"_s, u"dave"_s, kT0));
        // No close(): a crash keeps what was committed.
    }
    Mailbox again;
    QString error;
    QVERIFY2(again.open(dir.path(), &error), qPrintable(error));
    QCOMPARE(again.count(u"bob"_s), 3);
    QCOMPARE(again.totalBytes(), 3);
    const QList<Mailbox::Letter> letters = again.pending(u"bob"_s);
    QCOMPARE(letters.size(), 3);
    QCOMPARE(letters.at(0).mid, u"m1"_s);
    QCOMPARE(letters.at(2).mid, u"m3"_s);
    QCOMPARE(again.takeNotices(u"carol"_s).size(), 1);
}

void TestMailbox::storedIsOnDiskOnceCommitted()
{
    // Group commit: letters stored in one turn share one transaction (one sync); another reader of the file sees
    // them only once commit() returned, which is when the hub answers `stored`.
    QTemporaryDir dir;
    Mailbox box;
    QString error;
    QVERIFY2(box.open(dir.path(), &error), qPrintable(error));
    const auto committedRows = [&dir] {
        int rows = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"reader"_s);
            db.setDatabaseName(QDir(dir.path()).filePath(Mailbox::FileName));
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
            QSqlQuery q(db);
            if (db.open() && q.exec(u"SELECT COUNT(*) FROM letters"_s) && q.next())
                rows = q.value(0).toInt();
        }
        QSqlDatabase::removeDatabase(u"reader"_s);
        return rows;
    };
    QCOMPARE(box.store(u"bob"_s, u"alice"_s, u"m1"_s, "x", kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.store(u"bob"_s, u"alice"_s, u"m2"_s, "y", kT0), Mailbox::StoreResult::Stored);
    QCOMPARE(box.uncommitted(), 2);
    QCOMPARE(box.count(u"bob"_s), 2); // counted against the limits at once
    QCOMPARE(committedRows(), 0);
    QVERIFY(box.commit());
    QCOMPARE(box.uncommitted(), 0);
    QCOMPARE(committedRows(), 2);
    QVERIFY(box.commit()); // nothing open: nothing to do
}

void TestMailbox::corruptFileIsAnErrorNamingIt()
{
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath(Mailbox::FileName);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'Z')); // not a database
    file.close();
    Mailbox box;
    QString error;
    QVERIFY(!box.open(dir.path(), &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY(!box.isOpen());
    QFile kept(path);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray(8192, 'Z')); // left as it was
}

void TestMailbox::storedThenDeliveredInOrderOnJoin()
{
    HubConfig config;
    config.reconnectGraceMs = 0;
    auto hub = startHub(config);
    const Keyed alice(u"alice"_s), bob(u"bob"_s);

    {
        RawClient b; // bob joins once: his id is now bound to his key
        QVERIFY(b.open(hub->serverUrl()));
        QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(b.waitClosed());
    }
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
    QTRY_COMPARE(hub->peerCount(), 1);
    for (int i = 1; i <= 3; ++i) {
        a.sendJson(sealed(u"bob"_s, u"m%1"_s.arg(i), u"2.sealed%1"_s.arg(i)));
        const QJsonObject answer = a.next();
        QCOMPARE(answer.value("type"_L1).toString(), u"stored"_s);
        QCOMPARE(answer.value("mid"_L1).toString(), u"m%1"_s.arg(i));
    }
    QCOMPARE(hub->mailbox().count(u"bob"_s), 3);

    RawClient b;
    QVERIFY(b.open(hub->serverUrl()));
    QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
    for (int i = 1; i <= 3; ++i) {
        const QJsonObject m = b.next(); // right after the welcome, before anything else
        QCOMPARE(m.value("type"_L1).toString(), u"message"_s);
        QCOMPARE(m.value("from"_L1).toString(), u"alice"_s);
        QCOMPARE(m.value("to"_L1).toString(), u"bob"_s);
        QCOMPARE(m.value("mid"_L1).toString(), u"m%1"_s.arg(i));
        QCOMPARE(m.value("e2e"_L1).toString(), u"2.sealed%1"_s.arg(i));
        QVERIFY(m.value("ts"_L1).toInteger() > 0);
    }
    QCOMPARE(hub->mailbox().count(u"bob"_s), 0);
    // Live traffic afterwards as usual, and nothing kept is handed on twice.
    a.sendJson(sealed(u"bob"_s, u"live"_s));
    QCOMPARE(a.waitFor(u"ack"_s).value("mid"_L1).toString(), u"live"_s);
    QCOMPARE(b.next().value("mid"_L1).toString(), u"live"_s);
    QVERIFY(b.pending().isEmpty());
}

void TestMailbox::plainMessageToAbsentPeerStaysUnavailable()
{
    auto hub = startHub(HubConfig());
    const Keyed alice(u"alice"_s), bob(u"bob"_s);
    {
        RawClient b;
        QVERIFY(b.open(hub->serverUrl()));
        QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(b.waitClosed());
    }
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
    a.sendJson({ { u"type"_s, u"message"_s }, { u"to"_s, u"bob"_s }, { u"text"_s, u"plain"_s }, { u"mid"_s, u"p1"_s } });
    const QJsonObject error = a.waitFor(u"error"_s);
    QCOMPARE(error.value("code"_L1).toString(), u"peer_unavailable"_s);
    QCOMPARE(error.value("ref"_L1).toString(), u"p1"_s);
    QCOMPARE(hub->mailbox().totalCount(), 0);
}

void TestMailbox::unboundOrOffMeansUnavailable()
{
    // An id never bound to a key: nobody could open a sealed message for it, so nothing is kept.
    auto hub = startHub(HubConfig());
    const Keyed alice(u"alice"_s);
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
    a.sendJson(sealed(u"stranger"_s, u"s1"_s));
    QCOMPARE(a.waitFor(u"error"_s).value("code"_L1).toString(), u"peer_unavailable"_s);

    // mailbox-messages 0: store-and-forward is off.
    HubConfig off;
    off.mailboxMessages = 0;
    auto hub2 = startHub(off);
    const Keyed bob(u"bob"_s);
    {
        RawClient b;
        QVERIFY(b.open(hub2->serverUrl()));
        QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(b.waitClosed());
    }
    RawClient a2;
    QVERIFY(a2.open(hub2->serverUrl()));
    QCOMPARE(alice.joinOn(a2).value("type"_L1).toString(), u"welcome"_s);
    a2.sendJson(sealed(u"bob"_s, u"s2"_s));
    QCOMPARE(a2.waitFor(u"error"_s).value("code"_L1).toString(), u"peer_unavailable"_s);
}

void TestMailbox::mailboxFullIsReported()
{
    HubConfig config;
    config.mailboxMessages = 2;
    auto hub = startHub(config);
    const Keyed alice(u"alice"_s), bob(u"bob"_s);
    {
        RawClient b;
        QVERIFY(b.open(hub->serverUrl()));
        QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(b.waitClosed());
    }
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
    a.sendJson(sealed(u"bob"_s, u"1"_s));
    a.sendJson(sealed(u"bob"_s, u"2"_s));
    a.sendJson(sealed(u"bob"_s, u"3"_s));
    // `stored` comes once the letter is on disk (group commit at the end of the hub's turn), so the refusal of the
    // third may come first: answers are matched by mid, not by order.
    QStringList storedMids;
    QJsonObject full;
    for (int i = 0; i < 3; ++i) {
        const QJsonObject answer = a.next();
        if (answer.value("type"_L1).toString() == u"stored"_s)
            storedMids.append(answer.value("mid"_L1).toString());
        else
            full = answer;
    }
    QCOMPARE(storedMids, QStringList({ u"1"_s, u"2"_s }));
    QCOMPARE(full.value("type"_L1).toString(), u"error"_s);
    QCOMPARE(full.value("code"_L1).toString(), u"mailbox_full"_s);
    QCOMPARE(full.value("ref"_L1).toString(), u"3"_s);
    QVERIFY(a.isOpen()); // not counted as invalid
}

void TestMailbox::expiredIsReportedNowOrOnNextJoin()
{
    qint64 now = kT0;
    HubConfig config;
    config.mailboxTtlMs = 60000;
    config.reconnectGraceMs = 0;
    auto hub = startHub(config, &now);
    const Keyed alice(u"alice"_s), bob(u"bob"_s), carol(u"carol"_s);
    {
        RawClient b;
        QVERIFY(b.open(hub->serverUrl()));
        QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(b.waitClosed());
    }
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
    a.sendJson(sealed(u"bob"_s, u"a1"_s));
    QCOMPARE(a.waitFor(u"stored"_s).value("mid"_L1).toString(), u"a1"_s);
    {
        RawClient c; // carol stores one and leaves before it expires
        QVERIFY(c.open(hub->serverUrl()));
        QCOMPARE(carol.joinOn(c).value("type"_L1).toString(), u"welcome"_s);
        c.sendJson(sealed(u"bob"_s, u"c1"_s));
        QCOMPARE(c.waitFor(u"stored"_s).value("mid"_L1).toString(), u"c1"_s);
        c.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(c.waitClosed());
    }
    QTRY_COMPARE(hub->peerCount(), 1);

    now += 59999;
    hub->expireMailbox();
    QCOMPARE(hub->mailbox().count(u"bob"_s), 2);
    now += 1; // the time to live is over
    hub->expireMailbox();
    QCOMPARE(hub->mailbox().count(u"bob"_s), 0);
    const QJsonObject expired = a.waitFor(u"error"_s); // alice is online: at once
    QCOMPARE(expired.value("code"_L1).toString(), u"expired"_s);
    QCOMPARE(expired.value("ref"_L1).toString(), u"a1"_s);

    RawClient c; // carol was not: when she next joins, right after her welcome
    QVERIFY(c.open(hub->serverUrl()));
    QCOMPARE(carol.joinOn(c).value("type"_L1).toString(), u"welcome"_s);
    const QJsonObject notice = c.next();
    QCOMPARE(notice.value("code"_L1).toString(), u"expired"_s);
    QCOMPARE(notice.value("ref"_L1).toString(), u"c1"_s);

    RawClient b; // and bob gets nothing
    QVERIFY(b.open(hub->serverUrl()));
    QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
    a.sendJson(sealed(u"bob"_s, u"after"_s));
    QCOMPARE(b.waitFor(u"message"_s).value("mid"_L1).toString(), u"after"_s);
}

void TestMailbox::hubRestartKeepsStoredMessages()
{
    QTemporaryDir dir;
    HubConfig config;
    config.dataDir = dir.path();
    config.reconnectGraceMs = 0;
    const Keyed alice(u"alice"_s), bob(u"bob"_s);
    {
        auto hub = startHub(config);
        QVERIFY(hub->isListening());
        RawClient b;
        QVERIFY(b.open(hub->serverUrl()));
        QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(b.waitClosed());
        RawClient a;
        QVERIFY(a.open(hub->serverUrl()));
        QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
        for (int i = 1; i <= 3; ++i) {
            a.sendJson(sealed(u"bob"_s, u"m%1"_s.arg(i)));
            QCOMPARE(a.waitFor(u"stored"_s).value("mid"_L1).toString(), u"m%1"_s.arg(i));
        }
    }
    auto hub = startHub(config);
    QVERIFY(hub->isListening());
    QCOMPARE(hub->mailbox().count(u"bob"_s), 3);
    RawClient b;
    QVERIFY(b.open(hub->serverUrl()));
    QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(b.next().value("mid"_L1).toString(), u"m%1"_s.arg(i));
    QCOMPARE(hub->mailbox().count(u"bob"_s), 0);

    // Released by the operator: what is kept for the id is dropped with the binding.
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
    b.sendJson({ { u"type"_s, u"leave"_s } });
    QVERIFY(b.waitClosed());
    QTRY_COMPARE(hub->peerCount(), 1);
    a.sendJson(sealed(u"bob"_s, u"late"_s));
    QCOMPARE(a.waitFor(u"stored"_s).value("mid"_L1).toString(), u"late"_s);
    QVERIFY(hub->forgetId(u"bob"_s));
    QCOMPARE(hub->mailbox().count(u"bob"_s), 0);
}

void TestMailbox::moreThanTheQueueTakesGoesAsItDrains()
{
    // 20 letters of about 3 KB for a peer whose output queue may hold 16 KB: handing them all on at its welcome would
    // drop it as not reading (and lose them). They go in parts as its queue drains, all of them, in order, once.
    HubConfig config;
    config.reconnectGraceMs = 0;
    config.maxQueuedBytes = 16384;
    config.joinTimeoutMs = 400; // housekeeping every 100 ms
    auto hub = startHub(config);
    const Keyed alice(u"alice"_s), bob(u"bob"_s);
    {
        RawClient b;
        QVERIFY(b.open(hub->serverUrl()));
        QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(b.waitClosed());
    }
    RawClient a;
    QVERIFY(a.open(hub->serverUrl()));
    QCOMPARE(alice.joinOn(a).value("type"_L1).toString(), u"welcome"_s);
    const QString bulk = u"2."_s + QString(3000, u'x');
    for (int i = 0; i < 20; ++i) {
        a.sendJson(sealed(u"bob"_s, u"m%1"_s.arg(i), bulk));
        QCOMPARE(a.waitFor(u"stored"_s).value("mid"_L1).toString(), u"m%1"_s.arg(i));
    }
    QVERIFY(hub->mailbox().bytes(u"bob"_s) > config.maxQueuedBytes);
    RawClient b;
    QVERIFY(b.open(hub->serverUrl()));
    QCOMPARE(bob.joinOn(b).value("type"_L1).toString(), u"welcome"_s);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(b.waitFor(u"message"_s).value("mid"_L1).toString(), u"m%1"_s.arg(i));
    QVERIFY(b.isOpen());
    QCOMPARE(hub->mailbox().count(u"bob"_s), 0);
    QCOMPARE(hub->peerCount(), 2);
}

void TestMailbox::corruptMailboxStopsTheHub()
{
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath(Mailbox::FileName);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("SQLite format 3\0", 16) + QByteArray(4096, '\x7f'));
    file.close();
    HubConfig config;
    config.dataDir = dir.path();
    Hub hub(config);
    QVERIFY(!hub.listen(QHostAddress::LocalHost, 0));
    QVERIFY(!hub.isListening());
    QVERIFY2(hub.errorString().contains(path), qPrintable(hub.errorString()));
}

PEERLINK_TEST_MAIN(TestMailbox)
#include "tst_mailbox.moc"
