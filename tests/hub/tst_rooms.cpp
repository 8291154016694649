// Rooms on the hub (issue 17), over real loopback sockets with raw clients that see the wire: room messages reach the
// joined members only (not an outsider, not a version-1 client, never a removed member); invite-only rooms, the
// creator's and its managers' rights; every limit refused with its code; rooms and membership kept across a hub
// restart on the same data-dir; a member that is away gets the room's messages and keys from the mailbox when it is
// back; the rooms file is read strictly.
#include "hub/hub.h"
#include "hub/rooms.h"
#include "keyedpeer.h"
#include "rawclient.h"

#include "testmain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

QJsonObject room(const QString &op, const QString &name = QString(), const QJsonObject &extra = {})
{
    QJsonObject o = extra;
    o.insert(u"type"_s, u"room"_s);
    o.insert(u"op"_s, op);
    if (!name.isEmpty())
        o.insert(u"room"_s, name);
    return o;
}

QJsonObject roomSend(const QString &name, const QString &mid, const QString &e2e)
{
    return room(u"send"_s, name, { { u"mid"_s, mid }, { u"e2e"_s, e2e } });
}

/// Waits for the next `room` event with @p op (other objects before it are kept); empty after the time-out.
QJsonObject waitRoom(RawClient &client, const QString &op, int timeoutMs = 5000)
{
    QJsonObject found;
    const bool ok = QTest::qWaitFor(
        [&] {
            const QList<QJsonObject> &pending = client.pending();
            for (const QJsonObject &o : pending) {
                if (o.value("type"_L1).toString() == u"room" && o.value("op"_L1).toString() == op) {
                    found = o;
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    if (ok) {
        // Take it out of the queue, and what came before it.
        while (!client.pending().isEmpty() && client.next(0) != found) { }
    }
    return found;
}

/// Whether any room frame (or a room message) is among what @p client received so far.
bool sawRoomTraffic(const RawClient &client)
{
    for (const QJsonObject &o : client.pending()) {
        if (o.value("type"_L1).toString() == u"room")
            return true;
    }
    return false;
}

/// A round trip on @p client: everything the hub sent it before is in by the time this returns.
void sync(RawClient &client)
{
    client.sendJson(room(u"members"_s, u"__nothing__"_s));
    const QJsonObject answer = client.waitFor(u"error"_s);
    QCOMPARE(answer.value("ref"_L1).toString(), u"__nothing__"_s);
}

QStringList ids(const QJsonArray &members)
{
    QStringList list;
    for (const QJsonValue &m : members)
        list.append(m.toObject().value("id"_L1).toString());
    return list;
}

} // namespace

class TestRooms : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void messagesReachJoinedMembersOnly();
    void versionOneClientSeesNoRoomTraffic();
    void inviteOnlyAndTheCreatorsRights();
    void removedMemberGetsNothingMore();
    void limitsAreRefusedWithTheirCodes();
    void badRoomRequestsAreRefused();
    void keysCostNoMessageTokens();
    void roomsSurviveARestartAndAwayMembersGetTheirMail();
    void roomsFileIsReadStrictly();

private:
    static std::unique_ptr<Hub> startHub(const HubConfig &config);
};

std::unique_ptr<Hub> TestRooms::startHub(const HubConfig &config)
{
    auto hub = std::make_unique<Hub>(config);
    if (!hub->listen(QHostAddress::LocalHost, 0))
        qWarning() << hub->errorString();
    return hub;
}

void TestRooms::messagesReachJoinedMembersOnly()
{
    auto hub = startHub(HubConfig());
    const Keyed a(u"alice"_s), b(u"bob"_s), c(u"carol"_s);
    RawClient ca, cb, cc;
    for (auto [peer, client] : { std::pair { &a, &ca }, { &b, &cb }, { &c, &cc } }) {
        QVERIFY(client->open(hub->serverUrl()));
        QCOMPARE(peer->joinOn(*client).value("type"_L1).toString(), u"welcome"_s);
    }
    ca.sendJson(room(u"create"_s, u"team"_s, { { u"topic"_s, u"Ship it 🚀"_s } }));
    QJsonObject joined = waitRoom(ca, u"joined"_s);
    QCOMPARE(joined.value("room"_L1).toString(), u"team"_s);
    QCOMPARE(joined.value("creator"_L1).toString(), u"alice"_s);
    QCOMPARE(joined.value("topic"_L1).toString(), u"Ship it 🚀"_s);
    QCOMPARE(joined.value("invite_only"_L1).toBool(), false);

    cb.sendJson(room(u"join"_s, u"team"_s));
    joined = waitRoom(cb, u"joined"_s);
    QCOMPARE(ids(joined.value("members"_L1).toArray()), QStringList({ u"alice"_s, u"bob"_s }));
    const QJsonObject memberJoined = waitRoom(ca, u"member_joined"_s);
    QCOMPARE(memberJoined.value("peer"_L1).toString(), u"bob"_s);

    // carol sees the open room in the list, but is not in it.
    cc.sendJson(room(u"list"_s));
    const QJsonObject rooms = waitRoom(cc, u"rooms"_s);
    QCOMPARE(rooms.value("rooms"_L1).toArray().size(), 1);
    QCOMPARE(rooms.value("rooms"_L1)[0][u"members"_s].toInt(), 2);
    QCOMPARE(rooms.value("rooms"_L1)[0][u"member"_s].toBool(), false);

    ca.sendJson(roomSend(u"team"_s, u"m1"_s, u"r1.sealed"_s));
    QCOMPARE(ca.waitFor(u"ack"_s).value("mid"_L1).toString(), u"m1"_s);
    const QJsonObject message = waitRoom(cb, u"message"_s);
    QCOMPARE(message.value("from"_L1).toString(), u"alice"_s);
    QCOMPARE(message.value("mid"_L1).toString(), u"m1"_s);
    QCOMPARE(message.value("e2e"_L1).toString(), u"r1.sealed"_s);
    QVERIFY(message.value("ts"_L1).toDouble() > 0);
    // Not to its sender, not to the outsider (who gets the refusal when it tries to send).
    sync(ca);
    QVERIFY(!sawRoomTraffic(ca));
    sync(cc);
    QVERIFY(!sawRoomTraffic(cc));
    cc.sendJson(roomSend(u"team"_s, u"c1"_s, u"r1.x"_s));
    const QJsonObject denied = cc.waitFor(u"error"_s);
    QCOMPARE(denied.value("code"_L1).toString(), u"room_denied"_s);
    QCOMPARE(denied.value("ref"_L1).toString(), u"c1"_s);

    // Presence: members with whether they are online.
    cb.sendJson(room(u"members"_s, u"team"_s));
    const QJsonObject members = waitRoom(cb, u"members"_s);
    QCOMPARE(members.value("members"_L1).toArray().size(), 2);
    QVERIFY(members.value("members"_L1)[0][u"online"_s].toBool());

    // A key goes to one member only.
    ca.sendJson(room(u"key"_s, u"team"_s, { { u"peer"_s, u"bob"_s }, { u"data"_s, u"sealed-key"_s } }));
    const QJsonObject key = waitRoom(cb, u"key"_s);
    QCOMPARE(key.value("from"_L1).toString(), u"alice"_s);
    QCOMPARE(key.value("data"_L1).toString(), u"sealed-key"_s);
    ca.sendJson(room(u"key"_s, u"team"_s, { { u"peer"_s, u"carol"_s }, { u"data"_s, u"sealed-key"_s } }));
    QCOMPARE(ca.waitFor(u"error"_s).value("code"_L1).toString(), u"room_denied"_s);
    sync(cc);
    QVERIFY(!sawRoomTraffic(cc));

    // bob leaves: alice is told, bob gets `left`, and then no more messages.
    cb.sendJson(room(u"leave"_s, u"team"_s));
    QCOMPARE(waitRoom(cb, u"left"_s).value("reason"_L1).toString(), u"left"_s);
    QCOMPARE(waitRoom(ca, u"member_left"_s).value("peer"_L1).toString(), u"bob"_s);
    ca.sendJson(roomSend(u"team"_s, u"m2"_s, u"r1.later"_s));
    QCOMPARE(ca.waitFor(u"ack"_s).value("mid"_L1).toString(), u"m2"_s);
    sync(cb);
    QVERIFY(!sawRoomTraffic(cb));
}

void TestRooms::versionOneClientSeesNoRoomTraffic()
{
    auto hub = startHub(HubConfig());
    const Keyed a(u"alice"_s), b(u"bob"_s);
    RawClient ca, cb, old;
    QVERIFY(ca.open(hub->serverUrl()) && cb.open(hub->serverUrl()) && old.open(hub->serverUrl()));
    QCOMPARE(a.joinOn(ca).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(b.joinOn(cb).value("type"_L1).toString(), u"welcome"_s);
    QVERIFY(!old.join(u"dave"_s).isEmpty()); // the core protocol only: no key
    ca.sendJson(room(u"create"_s, u"team"_s));
    waitRoom(ca, u"joined"_s);
    ca.sendJson(room(u"invite"_s, u"team"_s, { { u"peer"_s, u"dave"_s } })); // an invitation it did not ask for
    cb.sendJson(room(u"join"_s, u"team"_s));
    waitRoom(cb, u"joined"_s);
    ca.sendJson(roomSend(u"team"_s, u"m1"_s, u"r1.x"_s));
    QVERIFY(!waitRoom(cb, u"message"_s).isEmpty());
    // A broadcast after all of it: once dave has it, he would have had anything sent before.
    ca.sendJson(QJsonObject { { u"type"_s, u"message"_s }, { u"text"_s, u"after"_s } });
    QCOMPARE(old.waitFor(u"message"_s).value("text"_L1).toString(), u"after"_s);
    QVERIFY(!sawRoomTraffic(old));
    // And a room request without a key is refused (rooms are end to end).
    old.sendJson(room(u"join"_s, u"team"_s));
    const QJsonObject e = old.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), u"room_denied"_s);
    QCOMPARE(e.value("ref"_L1).toString(), u"team"_s);
}

void TestRooms::inviteOnlyAndTheCreatorsRights()
{
    auto hub = startHub(HubConfig());
    const Keyed a(u"alice"_s), b(u"bob"_s), c(u"carol"_s);
    RawClient ca, cb, cc;
    for (auto [peer, client] : { std::pair { &a, &ca }, { &b, &cb }, { &c, &cc } }) {
        QVERIFY(client->open(hub->serverUrl()));
        QCOMPARE(peer->joinOn(*client).value("type"_L1).toString(), u"welcome"_s);
    }
    ca.sendJson(room(u"create"_s, u"secret"_s, { { u"invite_only"_s, true } }));
    QCOMPARE(waitRoom(ca, u"joined"_s).value("invite_only"_L1).toBool(), true);
    // Not invited: the room is not there for carol, neither to join nor in her list.
    cc.sendJson(room(u"join"_s, u"secret"_s));
    QCOMPARE(cc.waitFor(u"error"_s).value("code"_L1).toString(), u"room_unknown"_s);
    cc.sendJson(room(u"list"_s));
    QCOMPARE(waitRoom(cc, u"rooms"_s).value("rooms"_L1).toArray().size(), 0);
    // Invited (she asked for room traffic above, so she is told at once), she may join and sees it listed.
    ca.sendJson(room(u"invite"_s, u"secret"_s, { { u"peer"_s, u"carol"_s } }));
    ca.sendJson(room(u"invite"_s, u"secret"_s, { { u"peer"_s, u"bob"_s } }));
    const QJsonObject invited = waitRoom(cc, u"invited"_s);
    QCOMPARE(invited.value("from"_L1).toString(), u"alice"_s);
    QCOMPARE(invited.value("room"_L1).toString(), u"secret"_s);
    cc.sendJson(room(u"list"_s));
    QCOMPARE(waitRoom(cc, u"rooms"_s).value("rooms"_L1)[0][u"invited"_s].toBool(), true);
    cc.sendJson(room(u"join"_s, u"secret"_s));
    waitRoom(cc, u"joined"_s);
    cb.sendJson(room(u"join"_s, u"secret"_s));
    waitRoom(cb, u"joined"_s);

    // A plain member may not change the topic, invite, remove, name managers or close.
    for (const QJsonObject &request :
         { room(u"topic"_s, u"secret"_s, { { u"topic"_s, u"mine now"_s } }),
           room(u"invite"_s, u"secret"_s, { { u"peer"_s, u"zed"_s } }),
           room(u"remove"_s, u"secret"_s, { { u"peer"_s, u"carol"_s } }),
           room(u"manager"_s, u"secret"_s, { { u"peer"_s, u"bob"_s } }), room(u"close"_s, u"secret"_s) }) {
        cb.sendJson(request);
        const QJsonObject e = cb.waitFor(u"error"_s);
        QCOMPARE(e.value("code"_L1).toString(), u"room_denied"_s);
        QCOMPARE(e.value("ref"_L1).toString(), u"secret"_s);
    }
    // The creator names bob a manager; then bob changes the topic, and everyone hears it.
    ca.sendJson(room(u"manager"_s, u"secret"_s, { { u"peer"_s, u"bob"_s } }));
    QCOMPARE(waitRoom(cb, u"manager"_s).value("peer"_L1).toString(), u"bob"_s);
    cb.sendJson(room(u"topic"_s, u"secret"_s, { { u"topic"_s, u"话题"_s } }));
    for (RawClient *client : { &ca, &cb, &cc }) {
        const QJsonObject topic = waitRoom(*client, u"topic"_s);
        QCOMPARE(topic.value("topic"_L1).toString(), u"话题"_s);
        QCOMPARE(topic.value("from"_L1).toString(), u"bob"_s);
    }
    // A manager may not name managers, nor remove the creator.
    cb.sendJson(room(u"manager"_s, u"secret"_s, { { u"peer"_s, u"carol"_s } }));
    QCOMPARE(cb.waitFor(u"error"_s).value("code"_L1).toString(), u"room_denied"_s);
    cb.sendJson(room(u"remove"_s, u"secret"_s, { { u"peer"_s, u"alice"_s } }));
    QCOMPARE(cb.waitFor(u"error"_s).value("code"_L1).toString(), u"room_denied"_s);
    // The creator closes it: everyone gets `left` (closed), and the room is gone.
    ca.sendJson(room(u"close"_s, u"secret"_s));
    for (RawClient *client : { &ca, &cb, &cc })
        QCOMPARE(waitRoom(*client, u"left"_s).value("reason"_L1).toString(), u"closed"_s);
    cb.sendJson(room(u"join"_s, u"secret"_s));
    QCOMPARE(cb.waitFor(u"error"_s).value("code"_L1).toString(), u"room_unknown"_s);
    QCOMPARE(hub->rooms().count(), 0);
}

void TestRooms::removedMemberGetsNothingMore()
{
    auto hub = startHub(HubConfig());
    const Keyed a(u"alice"_s), b(u"bob"_s), c(u"carol"_s);
    RawClient ca, cb, cc;
    for (auto [peer, client] : { std::pair { &a, &ca }, { &b, &cb }, { &c, &cc } }) {
        QVERIFY(client->open(hub->serverUrl()));
        QCOMPARE(peer->joinOn(*client).value("type"_L1).toString(), u"welcome"_s);
    }
    ca.sendJson(room(u"create"_s, u"team"_s));
    waitRoom(ca, u"joined"_s);
    for (RawClient *client : { &cb, &cc }) {
        client->sendJson(room(u"join"_s, u"team"_s));
        waitRoom(*client, u"joined"_s);
    }
    ca.sendJson(room(u"remove"_s, u"team"_s, { { u"peer"_s, u"carol"_s } }));
    const QJsonObject left = waitRoom(cc, u"left"_s);
    QCOMPARE(left.value("reason"_L1).toString(), u"removed"_s);
    QCOMPARE(left.value("from"_L1).toString(), u"alice"_s);
    for (RawClient *client : { &ca, &cb }) {
        const QJsonObject gone = waitRoom(*client, u"member_left"_s);
        QCOMPARE(gone.value("peer"_L1).toString(), u"carol"_s);
        QCOMPARE(gone.value("reason"_L1).toString(), u"removed"_s);
    }
    ca.sendJson(roomSend(u"team"_s, u"after"_s, u"r1.after"_s));
    QCOMPARE(waitRoom(cb, u"message"_s).value("mid"_L1).toString(), u"after"_s);
    sync(cc);
    QVERIFY(!sawRoomTraffic(cc)); // nothing on carol's wire at all
    cc.sendJson(roomSend(u"team"_s, u"c2"_s, u"r1.x"_s));
    QCOMPARE(cc.waitFor(u"error"_s).value("code"_L1).toString(), u"room_denied"_s);
}

void TestRooms::limitsAreRefusedWithTheirCodes()
{
    HubConfig config;
    config.maxRooms = 2;
    config.maxRoomsPerPeer = 1;
    config.maxRoomMembers = 2;
    auto hub = startHub(config);
    const Keyed a(u"alice"_s), b(u"bob"_s), c(u"carol"_s);
    RawClient ca, cb, cc;
    for (auto [peer, client] : { std::pair { &a, &ca }, { &b, &cb }, { &c, &cc } }) {
        QVERIFY(client->open(hub->serverUrl()));
        QCOMPARE(peer->joinOn(*client).value("type"_L1).toString(), u"welcome"_s);
    }
    const auto refusal = [](RawClient &client, const QJsonObject &request) -> QString {
        client.sendJson(request);
        const QJsonObject e = client.waitFor(u"error"_s);
        return e.value("code"_L1).toString() + u' ' + e.value("ref"_L1).toString();
    };
    ca.sendJson(room(u"create"_s, u"r1"_s));
    waitRoom(ca, u"joined"_s);
    QCOMPARE(refusal(ca, room(u"create"_s, u"r2"_s)), u"room_limit r2"_s); // alice is in her one room
    QCOMPARE(refusal(cc, room(u"create"_s, u"r1"_s)), u"room_exists r1"_s);
    cb.sendJson(room(u"join"_s, u"r1"_s));
    waitRoom(cb, u"joined"_s);
    QCOMPARE(refusal(cc, room(u"join"_s, u"r1"_s)), u"room_full r1"_s); // two members already
    cc.sendJson(room(u"create"_s, u"r2"_s));
    waitRoom(cc, u"joined"_s);
    QCOMPARE(refusal(cb, room(u"create"_s, u"r3"_s)), u"rooms_full r3"_s); // the hub keeps two
    QCOMPARE(refusal(cb, room(u"join"_s, u"r2"_s)), u"room_limit r2"_s);
    QCOMPARE(hub->rooms().count(), 2);
}

void TestRooms::badRoomRequestsAreRefused()
{
    auto hub = startHub(HubConfig());
    const Keyed a(u"alice"_s);
    RawClient ca;
    QVERIFY(ca.open(hub->serverUrl()));
    QCOMPARE(a.joinOn(ca).value("type"_L1).toString(), u"welcome"_s);
    const auto code = [&ca](const QJsonObject &request) -> QString {
        ca.sendJson(request);
        const QJsonObject e = ca.waitFor(u"error"_s);
        return e.value("code"_L1).toString() + u' ' + e.value("ref"_L1).toString();
    };
    QCOMPARE(code(room(u"fly"_s, u"team"_s)), u"bad_message team"_s);
    QCOMPARE(code(room(u"join"_s, u"no room"_s)), u"bad_message room"_s);
    QCOMPARE(code(room(u"join"_s)), u"bad_message room"_s);
    QCOMPARE(code(room(u"create"_s, u"t"_s, { { u"topic"_s, QString(300, u'x') } })), u"bad_message t"_s);
    QCOMPARE(code(room(u"create"_s, u"t"_s, { { u"invite_only"_s, u"yes"_s } })), u"bad_message t"_s);
    QCOMPARE(code(room(u"invite"_s, u"t"_s, { { u"peer"_s, u"no one"_s } })), u"invalid_id t"_s);
    QCOMPARE(code(room(u"send"_s, u"t"_s, { { u"mid"_s, u"m1"_s } })), u"bad_message m1"_s); // no e2e
    QCOMPARE(code(room(u"key"_s, u"t"_s, { { u"peer"_s, u"bob"_s } })), u"bad_message t"_s);  // no data
    QCOMPARE(code(room(u"leave"_s, u"nowhere"_s)), u"room_unknown nowhere"_s);
    QVERIFY(ca.isOpen()); // refusals, within the budget of invalid input
}

// A member hands its key to every other member at each change of membership: those frames cost bytes, not tokens of
// the message rate, which the room's other requests do.
void TestRooms::keysCostNoMessageTokens()
{
    HubConfig config;
    config.messagesPerSecond = 0.001; // no refill within the test
    config.messageBurst = 3;
    auto hub = startHub(config);
    const Keyed a(u"alice"_s), b(u"bob"_s);
    RawClient ca, cb;
    QVERIFY(ca.open(hub->serverUrl()) && cb.open(hub->serverUrl()));
    QCOMPARE(a.joinOn(ca).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(b.joinOn(cb).value("type"_L1).toString(), u"welcome"_s);
    ca.sendJson(room(u"create"_s, u"team"_s)); // token 1
    waitRoom(ca, u"joined"_s);
    cb.sendJson(room(u"join"_s, u"team"_s));
    waitRoom(cb, u"joined"_s);
    for (int i = 0; i < 10; ++i)
        ca.sendJson(room(u"key"_s, u"team"_s, { { u"peer"_s, u"bob"_s }, { u"data"_s, u"k%1"_s.arg(i) } }));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(waitRoom(cb, u"key"_s).value("data"_L1).toString(), u"k%1"_s.arg(i));
    ca.sendJson(room(u"members"_s, u"team"_s)); // token 2
    waitRoom(ca, u"members"_s);
    ca.sendJson(room(u"members"_s, u"team"_s)); // token 3
    waitRoom(ca, u"members"_s);
    ca.sendJson(room(u"members"_s, u"team"_s)); // none left
    const QJsonObject e = ca.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), u"rate_limited"_s);
    QCOMPARE(e.value("ref"_L1).toString(), u"team"_s);
}

void TestRooms::roomsSurviveARestartAndAwayMembersGetTheirMail()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HubConfig config;
    config.dataDir = dir.path();
    const Keyed a(u"alice"_s), b(u"bob"_s), c(u"carol"_s);
    {
        auto hub = startHub(config);
        RawClient ca, cb, cc;
        for (auto [peer, client] : { std::pair { &a, &ca }, { &b, &cb }, { &c, &cc } }) {
            QVERIFY(client->open(hub->serverUrl()));
            QCOMPARE(peer->joinOn(*client).value("type"_L1).toString(), u"welcome"_s);
        }
        ca.sendJson(room(u"create"_s, u"team"_s, { { u"topic"_s, u"kept"_s }, { u"invite_only"_s, true } }));
        waitRoom(ca, u"joined"_s);
        ca.sendJson(room(u"invite"_s, u"team"_s, { { u"peer"_s, u"bob"_s } }));
        ca.sendJson(room(u"invite"_s, u"team"_s, { { u"peer"_s, u"carol"_s } }));
        cb.sendJson(room(u"join"_s, u"team"_s));
        waitRoom(cb, u"joined"_s);
        // bob goes away (a clean leave: no grace); alice sends to the room, and a new key for him.
        cb.sendJson(QJsonObject { { u"type"_s, u"leave"_s } });
        QVERIFY(cb.waitClosed());
        QCOMPARE(ca.waitFor(u"peer_disconnect"_s).value("id"_L1).toString(), u"bob"_s);
        ca.sendJson(room(u"key"_s, u"team"_s, { { u"peer"_s, u"bob"_s }, { u"data"_s, u"k2"_s } }));
        ca.sendJson(roomSend(u"team"_s, u"away1"_s, u"r1.one"_s));
        QCOMPARE(ca.waitFor(u"ack"_s).value("mid"_L1).toString(), u"away1"_s);
        ca.sendJson(roomSend(u"team"_s, u"away2"_s, u"r1.two"_s));
        QCOMPARE(ca.waitFor(u"ack"_s).value("mid"_L1).toString(), u"away2"_s);
        QTRY_COMPARE(hub->mailbox().count(u"bob"_s), 3);
    }
    // A new hub on the same data-dir.
    auto hub = std::make_unique<Hub>(config);
    QVERIFY2(hub->listen(QHostAddress::LocalHost, 0), qPrintable(hub->errorString()));
    QCOMPARE(hub->rooms().count(), 1);
    const Rooms::Room *kept = hub->rooms().find(u"team"_s);
    QVERIFY(kept);
    QCOMPARE(kept->topic, u"kept"_s);
    QCOMPARE(kept->inviteOnly, true);
    QCOMPARE(kept->members, QStringList({ u"alice"_s, u"bob"_s }));
    QCOMPARE(kept->invited, QStringList({ u"carol"_s }));

    // bob is back: right after his welcome, the key and both messages, in order.
    RawClient cb;
    QVERIFY(cb.open(hub->serverUrl()));
    QCOMPARE(b.joinOn(cb).value("type"_L1).toString(), u"welcome"_s);
    const QJsonObject key = waitRoom(cb, u"key"_s);
    QCOMPARE(key.value("data"_L1).toString(), u"k2"_s);
    QCOMPARE(waitRoom(cb, u"message"_s).value("e2e"_L1).toString(), u"r1.one"_s);
    QCOMPARE(waitRoom(cb, u"message"_s).value("e2e"_L1).toString(), u"r1.two"_s);
    QCOMPARE(hub->mailbox().count(u"bob"_s), 0);
    // His membership is there: list says so, and the room's state comes with it.
    cb.sendJson(room(u"list"_s));
    const QJsonObject joined = waitRoom(cb, u"joined"_s);
    QCOMPARE(joined.value("room"_L1).toString(), u"team"_s);
    QCOMPARE(ids(joined.value("members"_L1).toArray()), QStringList({ u"alice"_s, u"bob"_s }));
    const QJsonArray members = joined.value("members"_L1).toArray();
    QCOMPARE(members[0][u"online"_s].toBool(), false); // alice is not back yet
    QCOMPARE(members[1][u"online"_s].toBool(), true);
    // carol's invitation held too: she may still join.
    RawClient cc;
    QVERIFY(cc.open(hub->serverUrl()));
    QCOMPARE(c.joinOn(cc).value("type"_L1).toString(), u"welcome"_s);
    cc.sendJson(room(u"join"_s, u"team"_s));
    QCOMPARE(waitRoom(cc, u"joined"_s).value("members"_L1).toArray().size(), 3);
    QVERIFY(QFile::exists(QDir(dir.path()).filePath(Rooms::FileName)));

    // The operator releases bob's id: his rooms were the old key's, so he is out of them (kept so on disk).
    QVERIFY(hub->forgetId(u"bob"_s));
    QCOMPARE(hub->rooms().find(u"team"_s)->members, QStringList({ u"alice"_s, u"carol"_s }));
    Rooms onDisk;
    QString error;
    QVERIFY2(onDisk.load(dir.path(), &error), qPrintable(error));
    QCOMPARE(onDisk.find(u"team"_s)->members, QStringList({ u"alice"_s, u"carol"_s }));
}

void TestRooms::roomsFileIsReadStrictly()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Rooms rooms;
    QString error;
    QVERIFY2(rooms.load(dir.path(), &error), qPrintable(error));
    Rooms::Room r;
    r.name = u"team"_s;
    r.creator = u"alice"_s;
    r.members = { u"alice"_s };
    QVERIFY(rooms.create(r, &error));
    QVERIFY(rooms.addMember(u"team"_s, u"bob"_s, &error));
    Rooms again;
    QVERIFY2(again.load(dir.path(), &error), qPrintable(error));
    QCOMPARE(again.find(u"team"_s)->members, QStringList({ u"alice"_s, u"bob"_s }));
    QCOMPARE(again.countOf(u"bob"_s), 1);
    // The last member leaving closes the room.
    QVERIFY(again.removeMember(u"team"_s, u"bob"_s, &error));
    QVERIFY(again.removeMember(u"team"_s, u"alice"_s, &error));
    QCOMPARE(again.count(), 0);

    const QString path = QDir(dir.path()).filePath(Rooms::FileName);
    const auto hubRefuses = [&dir]() -> QString {
        HubConfig config;
        config.dataDir = dir.path();
        Hub hub(config);
        return hub.listen(QHostAddress::LocalHost, 0) ? QString() : hub.errorString();
    };
    // A row that breaks the rules (a member with a bad id), written behind the hub's back: refused, naming the file.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"INSERT INTO rooms (name, topic, invite_only, creator) VALUES ('t', '', 0, 'a')"_s));
        QVERIFY(q.exec(u"INSERT INTO people (room, id, kind) VALUES ('t', 'no such id!', 'member')"_s));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"tamper"_s);
    Rooms broken;
    QVERIFY(!broken.load(dir.path(), &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QString refused = hubRefuses();
    QVERIFY2(refused.contains(Rooms::FileName), qPrintable(refused));
    // Not a database at all: refused too, and left as it is.
    for (const QString &name : QDir(dir.path()).entryList({ u"rooms.sqlite*"_s }))
        QVERIFY(QFile::remove(QDir(dir.path()).filePath(name)));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    QVERIFY(!broken.load(dir.path(), &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    refused = hubRefuses();
    QVERIFY2(refused.contains(Rooms::FileName), qPrintable(refused));
    QCOMPARE(QFileInfo(path).size(), 4096);
}

PEERLINK_TEST_MAIN(TestRooms)
#include "tst_rooms.moc"
