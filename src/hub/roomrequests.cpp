#include "roomrequests.h"

#include "hub/cluster.h"
#include "hub/hubconfig.h"
#include "hub/hubsession.h"
#include "hub/idbindings.h"
#include "hub/logging.h"
#include "hub/mailbox.h"
#include "hub/registry.h"

namespace PeerLink {

using namespace Qt::StringLiterals;

RoomRequests::RoomRequests(const HubConfig &config, Rooms &rooms, Registry &registry, IdBindings &bindings,
                           Mailbox &mailbox, const std::function<qint64()> &wallClock, HubRequests::Owner &owner)
    : m_config(config)
    , m_rooms(rooms)
    , m_registry(registry)
    , m_bindings(bindings)
    , m_mailbox(mailbox)
    , m_wallClock(wallClock)
    , m_owner(owner)
{
}

void RoomRequests::saved(bool ok, const QString &error) const
{
    if (!ok)
        qCWarning(lcHub).noquote() << "rooms:" << error << "(the change holds until the hub stops)";
}

void RoomRequests::handle(HubSession *session, const RoomRequest &request)
{
    // The peer asked for room traffic: from now on it may be told of invitations (a version-1 client never asks).
    session->setWantsRooms(true);
    const QString ref = request.op == u"send" ? request.mid : request.room;
    if (request.op == u"create") {
        create(session, request);
        return;
    }
    if (request.op == u"list") {
        list(session);
        return;
    }
    const QString self = session->id();
    const Rooms::Room *room = m_rooms.find(request.room);
    const bool member = room && room->members.contains(self);
    // An invite-only room is not there for whoever is neither in it nor invited (nor its creator).
    if (!room || (room->inviteOnly && !member && !room->invited.contains(self) && room->creator != self)) {
        HubRequests::sendError(session, ErrorCode::RoomUnknown, u"There is no room %1 on this hub."_s.arg(request.room),
                               ref);
        return;
    }
    if (request.op == u"join") {
        join(session, *room);
        return;
    }
    if (request.op == u"members") {
        RoomEvent e { u"members"_s, room->name };
        e.members = membersOf(*room);
        session->send(encode(e));
        return;
    }
    if (!member) {
        HubRequests::sendError(session, ErrorCode::RoomDenied, u"You are not a member of %1."_s.arg(room->name), ref);
        return;
    }
    if (request.op == u"leave") {
        leave(session, *room);
    } else if (request.op == u"send") {
        send(session, *room, request);
    } else if (request.op == u"key") {
        sendKey(session, *room, request);
    } else if (!room->isManager(self) || (request.op == u"manager" && room->creator != self)) {
        HubRequests::sendError(session, ErrorCode::RoomDenied,
                               request.op == u"manager"
                                   ? u"Only the creator of %1 names its managers."_s.arg(room->name)
                                   : u"Only the creator of %1 and the managers it named may do that."_s.arg(room->name),
                               ref);
    } else if (request.op == u"invite") {
        invite(session, *room, request.peer);
    } else if (request.op == u"remove") {
        remove(session, *room, request.peer);
    } else if (request.op == u"manager") {
        if (!room->members.contains(request.peer)) {
            HubRequests::sendError(session, ErrorCode::RoomDenied,
                                   u"%1 is not a member of %2."_s.arg(request.peer, room->name), ref);
            return;
        }
        QString error;
        saved(m_rooms.addManager(room->name, request.peer, &error), error);
        if (m_cluster)
            m_cluster->publishRoomOp(u"manager"_s, room->name, { request.peer });
        RoomEvent e { u"manager"_s, room->name };
        e.peer = request.peer;
        e.from = self;
        tellMembers(*room, e);
    } else if (request.op == u"topic") {
        QString error;
        saved(m_rooms.setTopic(room->name, request.topic, &error), error);
        if (m_cluster)
            m_cluster->publishRoomOp(u"topic"_s, room->name, { request.topic });
        RoomEvent e { u"topic"_s, room->name };
        e.from = self;
        e.topic = request.topic;
        tellMembers(*room, e);
    } else if (request.op == u"close") {
        RoomEvent e { u"left"_s, room->name };
        e.from = self;
        e.reason = u"closed"_s;
        tellMembers(*room, e);
        QString error;
        if (m_cluster)
            m_cluster->publishRoomOp(u"close"_s, room->name, {});
        saved(m_rooms.close(room->name, &error), error); // `room` points at nothing from here on
        qCInfo(lcHub).noquote() << "room" << request.room << "closed by" << self;
    }
}

void RoomRequests::create(HubSession *session, const RoomRequest &request)
{
    const QString self = session->id();
    if (m_rooms.find(request.room)) {
        HubRequests::sendError(session, ErrorCode::RoomExists, u"A room %1 exists already."_s.arg(request.room),
                               request.room);
        return;
    }
    if (m_rooms.count() >= m_config.maxRooms) {
        HubRequests::sendError(session, ErrorCode::RoomsFull,
                               u"This hub keeps at most %1 rooms."_s.arg(m_config.maxRooms), request.room);
        return;
    }
    if (m_rooms.countOf(self) >= m_config.maxRoomsPerPeer) {
        HubRequests::sendError(session, ErrorCode::RoomLimit,
                               u"A peer is in at most %1 rooms on this hub."_s.arg(m_config.maxRoomsPerPeer),
                               request.room);
        return;
    }
    Rooms::Room room;
    room.name = request.room;
    room.topic = request.topic;
    room.inviteOnly = request.inviteOnly;
    room.creator = self;
    room.members = { self };
    QString error;
    saved(m_rooms.create(room, &error), error);
    if (m_cluster)
        m_cluster->publishRoomCreate(room);
    qCInfo(lcHub).noquote() << "room" << room.name << "created by" << self << (room.inviteOnly ? "(invite-only)" : "");
    session->send(encode(joinedEvent(*m_rooms.find(room.name))));
}

void RoomRequests::join(HubSession *session, const Rooms::Room &room)
{
    const QString self = session->id();
    if (room.members.contains(self)) {
        session->send(encode(joinedEvent(room))); // already in: its state again
        return;
    }
    if (m_rooms.countOf(self) >= m_config.maxRoomsPerPeer) {
        HubRequests::sendError(session, ErrorCode::RoomLimit,
                               u"A peer is in at most %1 rooms on this hub."_s.arg(m_config.maxRoomsPerPeer), room.name);
        return;
    }
    if (room.members.size() >= m_config.maxRoomMembers) {
        HubRequests::sendError(session, ErrorCode::RoomFull,
                               u"A room has at most %1 members on this hub."_s.arg(m_config.maxRoomMembers), room.name);
        return;
    }
    QString error;
    if (m_cluster)
        m_cluster->publishRoomOp(u"add"_s, room.name, { self });
    saved(m_rooms.addMember(room.name, self, &error), error);
    RoomEvent e { u"member_joined"_s, room.name };
    e.peer = self;
    tellMembers(room, e, self);
    session->send(encode(joinedEvent(room)));
}

void RoomRequests::leave(HubSession *session, const Rooms::Room &room)
{
    const QString self = session->id();
    const QString name = room.name;
    RoomEvent e { u"member_left"_s, name };
    e.peer = self;
    e.reason = u"left"_s;
    tellMembers(room, e, self);
    QString error;
    if (m_cluster)
        m_cluster->publishRoomOp(u"remove"_s, name, { self });
    saved(m_rooms.removeMember(name, self, &error), error); // may close the room: `room` is not used after
    RoomEvent out { u"left"_s, name };
    out.reason = u"left"_s;
    out.from = self;
    session->send(encode(out));
}

void RoomRequests::invite(HubSession *session, const Rooms::Room &room, const QString &peer)
{
    if (room.members.contains(peer) || room.invited.contains(peer))
        return; // nothing to do: no answer, as for a first invitation
    if (room.invited.size() >= m_config.maxRoomMembers) {
        HubRequests::sendError(session, ErrorCode::RoomFull,
                               u"A room has at most %1 invitations waiting."_s.arg(m_config.maxRoomMembers), room.name);
        return;
    }
    QString error;
    if (m_cluster)
        m_cluster->publishRoomOp(u"invite"_s, room.name, { peer });
    saved(m_rooms.invite(room.name, peer, &error), error);
    // Told now only when it asked for room traffic on this connection; otherwise it sees it in its next list.
    RoomEvent e { u"invited"_s, room.name };
    e.from = session->id();
    e.topic = room.topic;
    if (HubSession *target = m_registry.live(peer); target && target->wantsRooms())
        target->send(encode(e));
    else if (!target && m_cluster && m_cluster->isRemote(peer))
        m_cluster->sendRoomFrame(peer, encode(e));
}

void RoomRequests::remove(HubSession *session, const Rooms::Room &room, const QString &peer)
{
    if (!room.members.contains(peer) && !room.invited.contains(peer)) {
        HubRequests::sendError(session, ErrorCode::RoomDenied, u"%1 is not a member of %2."_s.arg(peer, room.name),
                               room.name);
        return;
    }
    if (peer == room.creator) {
        HubRequests::sendError(session, ErrorCode::RoomDenied,
                               u"The creator of %1 cannot be removed; it may close the room."_s.arg(room.name),
                               room.name);
        return;
    }
    const QString name = room.name;
    const bool wasMember = room.members.contains(peer);
    QString error;
    if (m_cluster)
        m_cluster->publishRoomOp(u"remove"_s, name, { peer });
    saved(m_rooms.removeMember(name, peer, &error), error);
    if (!wasMember)
        return; // an invitation taken back
    const Rooms::Room *after = m_rooms.find(name);
    RoomEvent e { u"member_left"_s, name };
    e.peer = peer;
    e.from = session->id();
    e.reason = u"removed"_s;
    if (after)
        tellMembers(*after, e);
    RoomEvent out { u"left"_s, name };
    out.from = session->id();
    out.reason = u"removed"_s;
    if (HubSession *target = m_registry.live(peer))
        target->send(encode(out));
    else if (m_cluster && m_cluster->isRemote(peer))
        m_cluster->sendRoomFrame(peer, encode(out));
}

void RoomRequests::list(HubSession *session)
{
    const QString self = session->id();
    RoomEvent answer { u"rooms"_s };
    QStringList mine = m_rooms.roomsOf(self);
    mine.sort();
    for (const QString &name : std::as_const(mine))
        session->send(encode(joinedEvent(*m_rooms.find(name))));
    for (const Rooms::Room *room : m_rooms.all()) {
        const bool member = room->members.contains(self);
        const bool invited = room->invited.contains(self);
        if (room->inviteOnly && !member && !invited && room->creator != self)
            continue;
        answer.rooms.append(RoomSummary { room->name, room->topic, room->inviteOnly, int(room->members.size()), member,
                                          invited });
    }
    std::sort(answer.rooms.begin(), answer.rooms.end(),
              [](const RoomSummary &a, const RoomSummary &b) { return a.room < b.room; });
    session->send(encode(answer));
}

void RoomRequests::send(HubSession *session, const Rooms::Room &room, const RoomRequest &request)
{
    RoomEvent out { u"message"_s, room.name };
    out.from = session->id();
    out.mid = request.mid;
    out.e2e = request.e2e; // sealed with the sender's room key: the hub cannot read it
    out.ts = m_wallClock();
    const QByteArray frame = encode(out);
    for (const QString &id : room.members) {
        if (id != out.from && handTo(id, out.from, frame, out.ts))
            ++m_delivered;
    }
    session->countSent();
    session->send(encode(Ack { request.mid }));
}

void RoomRequests::sendKey(HubSession *session, const Rooms::Room &room, const RoomRequest &request)
{
    if (!room.members.contains(request.peer) || request.peer == session->id()) {
        HubRequests::sendError(session, ErrorCode::RoomDenied,
                               u"%1 is not another member of %2."_s.arg(request.peer, room.name), room.name);
        return;
    }
    RoomEvent out { u"key"_s, room.name };
    out.from = session->id();
    out.data = request.data; // the sender's room key, sealed to that member: the hub cannot read it
    if (handTo(request.peer, out.from, encode(out), m_wallClock()))
        ++m_delivered;
}

bool RoomRequests::handTo(const QString &id, const QString &sender, const QByteArray &frame, qint64 ts)
{
    const Registry::Entry *entry = m_registry.find(id);
    if (entry && entry->session) {
        m_owner.deliver(entry->session, frame);
        return true;
    }
    if (!entry && m_cluster && m_cluster->isRemote(id)) {
        m_cluster->sendRoomFrame(id, frame); // its hub delivers it, or holds it in its grace
        return true;
    }
    if (entry)
        return m_registry.hold(*entry->grace, Registry::Held { frame, sender, QString() });
    if (!m_mailbox.isOpen() || m_bindings.keyOf(id).isEmpty())
        return false;
    // Away: kept like a message to it (the same limits), without a mid: it expires silently, as no single sender
    // waits for one member's copy. A member whose mailbox is full misses it (logged).
    if (m_mailbox.store(id, sender, QString(), frame, ts) != Mailbox::StoreResult::Stored) {
        qCInfo(lcHub).noquote() << "mailbox: a room frame for" << id << "was not kept (full)";
        return false;
    }
    m_owner.mailboxWritten();
    return true;
}

RoomEvent RoomRequests::joinedEvent(const Rooms::Room &room) const
{
    RoomEvent e { u"joined"_s, room.name };
    e.topic = room.topic;
    e.inviteOnly = room.inviteOnly;
    e.creator = room.creator;
    e.managers = room.managers;
    e.members = membersOf(room);
    return e;
}

QList<RoomMember> RoomRequests::membersOf(const Rooms::Room &room) const
{
    QList<RoomMember> members;
    members.reserve(room.members.size());
    for (const QString &id : room.members)
        members.append(RoomMember { id, m_registry.find(id) != nullptr || (m_cluster && m_cluster->isRemote(id)) });
    return members;
}

void RoomRequests::tellMembers(const Rooms::Room &room, const RoomEvent &event, const QString &except)
{
    const QByteArray frame = encode(event);
    for (const QString &id : room.members) {
        if (id == except)
            continue;
        if (HubSession *s = m_registry.live(id))
            m_owner.deliver(s, frame);
        else if (m_cluster && m_cluster->isRemote(id))
            m_cluster->sendRoomFrame(id, frame);
    }
}

} // namespace PeerLink
