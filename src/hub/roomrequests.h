#pragma once

#include "core/protocol.h"
#include "hub/hubrequests.h"
#include "hub/rooms.h"

#include <functional>

namespace PeerLink {

class HubSession;
class IdBindings;
class Mailbox;
class Registry;
class Cluster;
class Rooms;
struct HubConfig;

/// The hub's side of rooms (issue 17): who may create, join, leave, invite, remove, name managers, change the topic
/// and close, within the hub's room limits; and the fan-out of a room's messages and sender keys to its members
/// (live, held in their grace, or kept in the mailbox for a member that is away). HubRequests hands it every
/// `room` request of a joined peer with an identity, already counted against the message rate. The room's texts
/// are sealed end to end by the members: the hub passes `e2e` and `data` on untouched.
class RoomRequests
{
public:
    RoomRequests(const HubConfig &config, Rooms &rooms, Registry &registry, IdBindings &bindings, Mailbox &mailbox,
                 const std::function<qint64()> &wallClock, HubRequests::Owner &owner);

    /// Cluster mode (issue 19): changes are recorded in Redis for every hub, and members on other hubs are reached
    /// through it.
    void setCluster(Cluster *cluster) { m_cluster = cluster; }

    /// One request from @p session (joined, with a key).
    void handle(HubSession *session, const RoomRequest &request);

    /// Room messages and keys handed on (a message to N members counts N, stored ones included).
    quint64 deliveryCount() const { return m_delivered; }

private:
    void create(HubSession *session, const RoomRequest &request);
    void join(HubSession *session, const Rooms::Room &room);
    void leave(HubSession *session, const Rooms::Room &room);
    void invite(HubSession *session, const Rooms::Room &room, const QString &peer);
    void remove(HubSession *session, const Rooms::Room &room, const QString &peer);
    void list(HubSession *session);
    void send(HubSession *session, const Rooms::Room &room, const RoomRequest &request);
    void sendKey(HubSession *session, const Rooms::Room &room, const RoomRequest &request);

    /// The `joined` event of @p room: its state now.
    RoomEvent joinedEvent(const Rooms::Room &room) const;
    QList<RoomMember> membersOf(const Rooms::Room &room) const;
    /// Sends @p event to every live member of @p room but @p except.
    void tellMembers(const Rooms::Room &room, const RoomEvent &event, const QString &except = QString());
    /// Hands @p frame to member @p id: live, held in its grace, or kept in the mailbox while it is away (bound).
    /// False when it could not be (away and not kept).
    bool handTo(const QString &id, const QString &sender, const QByteArray &frame, qint64 ts);
    /// Logs a room state that could not be saved (it holds in memory).
    void saved(bool ok, const QString &error) const;

    const HubConfig &m_config;
    Rooms &m_rooms;
    Registry &m_registry;
    IdBindings &m_bindings;
    Mailbox &m_mailbox;
    const std::function<qint64()> &m_wallClock;
    HubRequests::Owner &m_owner;
    quint64 m_delivered = 0;
    Cluster *m_cluster = nullptr;
};

} // namespace PeerLink
