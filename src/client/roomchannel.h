#pragma once

#include "core/protocol.h"
#include "crypto/sodium.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

namespace PeerLink {

class ClientError;
class SecureChannel;

/// The client's side of rooms (issue 17): the rooms this peer is in as the hub said, its own sender key per room and
/// the keys the other members handed it, and the `room` frames to send. Each member seals its room messages with a
/// sender key of its own (Crypto::sealRoomMessage) and hands that key to each other member sealed over the pairwise
/// end-to-end channel (SecureChannel: to its prekey, or to its identity while it is away). On every change of
/// membership (a member joins, leaves or is removed; this peer joins or comes back) it makes a new key and hands it
/// to the members of now, so that one who left cannot read what is said after. PeerClient feeds it the hub's room
/// events and sends what it asks for; nothing goes to the hub before the user uses rooms (an older hub would refuse
/// the unknown type).
class RoomChannel : public QObject
{
    Q_OBJECT
public:
    explicit RoomChannel(SecureChannel &secure, QObject *parent = nullptr);

    /// This peer's id on the hub (set at each connection).
    void setSelf(const QString &id) { m_self = id; }
    /// The largest frame the hub takes (its announced message limit); a room message larger when sealed is refused
    /// here (too_large) rather than sent. 0: no limit known.
    void setMaxFrameBytes(qint64 bytes) { m_maxFrameBytes = bytes; }
    /// The connection was welcomed by a hub that keeps rooms (@p hubHasRooms: it announced `rooms` in its limits) or
    /// not: asks it for our rooms (their state, new keys) when it keeps them and we have an identity, or when rooms
    /// were used. Nothing goes to a hub that did not announce rooms before the user uses them.
    void welcomed(bool hubHasRooms);

    /// Requests; false (and errorOccurred) when one cannot be sent as asked.
    bool join(const QString &room, bool createIfMissing);
    bool create(const QString &room, const QString &topic, bool inviteOnly);
    bool leave(const QString &room);
    bool invite(const QString &room, const QString &peer);
    bool remove(const QString &room, const QString &peer);
    bool setTopic(const QString &room, const QString &topic);
    bool close(const QString &room);
    void list();
    bool requestMembers(const QString &room);
    /// Seals @p text with this peer's sender key of @p room and sends it; returns the mid (empty when not sent). Said
    /// while a join of @p room is under way, it waits for the join and goes then.
    QString send(const QString &room, const QString &text);

    /// One `room` event from the hub.
    void received(const RoomEvent &event);
    /// An error from the hub: true when it answered a room request of ours and was dealt with here (a join of a
    /// room that is not there becomes a create, a create of one that appeared meanwhile a join).
    bool refused(const ClientError &error);

    /// The rooms this peer is a member of, as the hub last said.
    QStringList rooms() const { return m_rooms.keys(); }
    QStringList members(const QString &room) const { return m_rooms.value(room).members; }
    /// The generation of this peer's current sender key in @p room (0: none yet).
    quint32 keyGeneration(const QString &room) const { return m_rooms.value(room).generation; }

Q_SIGNALS:
    /// A frame (a `room` request) to send to the hub.
    void hubFrameReady(const QByteArray &utf8);
    /// This peer is in @p room now (after create, join, or at a reconnect), with @p members.
    void joined(const QString &room, const QString &topic, const QStringList &members);
    /// This peer is not in @p room any more: "left", "removed" (by @p by), "closed", or "gone" (taken out or closed
    /// while we were away: the hub's list after a reconnect no longer has it).
    void left(const QString &room, const QString &reason, const QString &by);
    void memberJoined(const QString &room, const QString &peer);
    void memberLeft(const QString &room, const QString &peer, const QString &reason);
    void invited(const QString &room, const QString &from);
    void topicChanged(const QString &room, const QString &topic, const QString &from);
    void listed(const QList<PeerLink::RoomSummary> &rooms);
    void membersListed(const QString &room, const QList<PeerLink::RoomMember> &members);
    /// A room message that opened and whose signature verified.
    void messageReceived(const QString &room, const QString &from, const QString &text, const QString &mid, qint64 ts);
    void errorOccurred(const PeerLink::ClientError &error);

private:
    struct Room
    {
        QStringList members;
        Crypto::SecretBytes key; // this peer's sender key
        quint32 generation = 0;
    };

    void request(const RoomRequest &request);
    /// Seals @p text with our key of @p room (we are in it) and sends it as @p mid.
    bool sendSealed(const QString &room, const QString &mid, const QString &text);
    /// A new sender key for @p room, handed to every other member.
    void rotate(const QString &room);
    /// Hands this peer's current key of @p room to @p peer; @p want: ask for its key back.
    void sendKeyTo(const QString &room, const QString &peer, bool want);
    void keyReceived(const RoomEvent &event);
    void messageArrived(const RoomEvent &event);
    bool fail(const QString &code, const QString &message, const QString &ref);

    SecureChannel &m_secure;
    QString m_self;
    qint64 m_maxFrameBytes = 0;
    bool m_used = false; // the user used rooms: the hub is asked for them again after a reconnect
    int m_quietLists = 0; // lists asked for by welcomed(): their `rooms` answer is not the user's
    int m_listsPending = 0; // lists not answered yet
    QSet<QString> m_confirmed; // rooms the hub said we are in since the last list's answer
    QSet<QString> m_rekey;     // rooms to give a new key once the hub confirms them after a reconnect
    QSet<QString> m_asked;     // room, sender and generation of keys we asked for again (once each)
    QHash<QString, Room> m_rooms;
    /// Keys other members handed us: room + '\n' + sender -> its last few (generation, key), oldest first.
    QHash<QString, QList<std::pair<quint32, Crypto::SecretBytes>>> m_keys;
    QSet<QString> m_joining;  // join asked for, to be created when missing
    QSet<QString> m_creating; // create asked for by a join, to be joined when it exists
    QHash<QString, QList<std::pair<QString, QString>>> m_waiting; // room -> (mid, text) said before we were in
};

} // namespace PeerLink
