#include "roomchannel.h"

#include "client/clienterror.h"
#include "client/logging.h"
#include "client/securechannel.h"
#include "core/rules.h"
#include "crypto/roomcipher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// Sender keys kept per member and room: the last few, so that a message sealed just before a change still opens.
constexpr int kKeptGenerations = 4;

/// The mid a sender key is sealed under on the pairwise channel: binds it to the room (the channel binds sender and
/// recipient).
QString keyMid(const QString &room)
{
    return u"roomkey."_s + room;
}

QString keyOf(const QString &room, const QString &sender)
{
    return room + u'\n' + sender;
}

} // namespace

RoomChannel::RoomChannel(SecureChannel &secure, QObject *parent)
    : QObject(parent)
    , m_secure(secure)
{
}

bool RoomChannel::fail(const QString &code, const QString &message, const QString &ref)
{
    // A protocol code when it is one (the hub would have answered the same), else a local one.
    Q_EMIT errorOccurred(ClientError::fromWire(code, message, ref));
    return false;
}

void RoomChannel::request(const RoomRequest &request)
{
    m_used = true;
    Q_EMIT hubFrameReady(encode(request));
}

void RoomChannel::welcomed(bool hubHasRooms)
{
    // Our rooms' state and fresh keys: what changed while we were away (members gone, keys lost with a restart).
    m_quietLists = 0; // the answers to a list on the last connection will not come
    m_listsPending = 0;
    m_confirmed.clear();
    // Keys sent on the last connection may have been lost with it: each room gets a new one once the hub confirms it.
    const QStringList known = m_rooms.keys();
    m_rekey = QSet<QString>(known.cbegin(), known.cend());
    if (m_used || (hubHasRooms && m_secure.hasIdentity())) {
        ++m_quietLists;
        list();
    }
}

bool RoomChannel::join(const QString &room, bool createIfMissing)
{
    if (!Rules::isValidRoomName(room))
        return fail(errorCodeName(ErrorCode::BadMessage),
                    tr("A room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -"), room);
    if (createIfMissing)
        m_joining.insert(room);
    RoomRequest r { u"join"_s, room };
    request(r);
    return true;
}

bool RoomChannel::create(const QString &room, const QString &topic, bool inviteOnly)
{
    if (!Rules::isValidRoomName(room))
        return fail(errorCodeName(ErrorCode::BadMessage),
                    tr("A room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -"), room);
    if (!Rules::isValidTopic(topic))
        return fail(errorCodeName(ErrorCode::BadMessage), tr("A topic is at most 256 printable characters."), room);
    RoomRequest r { u"create"_s, room, topic, inviteOnly };
    request(r);
    return true;
}

bool RoomChannel::leave(const QString &room)
{
    if (!Rules::isValidRoomName(room))
        return fail(errorCodeName(ErrorCode::BadMessage),
                    tr("A room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -"), room);
    request(RoomRequest { u"leave"_s, room });
    return true;
}

bool RoomChannel::invite(const QString &room, const QString &peer)
{
    if (!Rules::isValidRoomName(room) || !Rules::isValidId(peer))
        return fail(errorCodeName(ErrorCode::InvalidId), tr("Not a valid room name or peer id."), room);
    RoomRequest r { u"invite"_s, room };
    r.peer = peer;
    request(r);
    return true;
}

bool RoomChannel::remove(const QString &room, const QString &peer)
{
    if (!Rules::isValidRoomName(room) || !Rules::isValidId(peer))
        return fail(errorCodeName(ErrorCode::InvalidId), tr("Not a valid room name or peer id."), room);
    RoomRequest r { u"remove"_s, room };
    r.peer = peer;
    request(r);
    return true;
}

bool RoomChannel::setTopic(const QString &room, const QString &topic)
{
    if (!Rules::isValidRoomName(room) || !Rules::isValidTopic(topic))
        return fail(errorCodeName(ErrorCode::BadMessage), tr("A topic is at most 256 printable characters."), room);
    request(RoomRequest { u"topic"_s, room, topic });
    return true;
}

bool RoomChannel::close(const QString &room)
{
    if (!Rules::isValidRoomName(room))
        return fail(errorCodeName(ErrorCode::BadMessage),
                    tr("A room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -"), room);
    request(RoomRequest { u"close"_s, room });
    return true;
}

void RoomChannel::list()
{
    if (m_listsPending++ == 0)
        m_confirmed.clear(); // from here on, each room we are in is said again before the answer
    request(RoomRequest { u"list"_s });
}

bool RoomChannel::requestMembers(const QString &room)
{
    if (!Rules::isValidRoomName(room))
        return fail(errorCodeName(ErrorCode::BadMessage),
                    tr("A room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -"), room);
    request(RoomRequest { u"members"_s, room });
    return true;
}

QString RoomChannel::send(const QString &room, const QString &text)
{
    if (!m_secure.hasIdentity()) {
        fail(QString(ClientError::E2eFailed), tr("Rooms are end to end and need an identity."), room);
        return QString();
    }
    const QString mid = u"r"_s + QString::fromLatin1(Crypto::randomBytes(8).toHex());
    const auto it = m_rooms.constFind(room);
    if (it == m_rooms.cend()) {
        if (m_joining.contains(room) || m_creating.contains(room)) {
            // Said right after /join: it goes once we are in (sealed then, with the key of then).
            m_waiting[room].append({ mid, text });
            return mid;
        }
        fail(errorCodeName(ErrorCode::RoomDenied), tr("You are not in the room %1; join it first.").arg(room), room);
        return QString();
    }
    return sendSealed(room, mid, text) ? mid : QString();
}

bool RoomChannel::sendSealed(const QString &room, const QString &mid, const QString &text)
{
    const Room &state = m_rooms[room];
    RoomRequest r { u"send"_s, room };
    r.mid = mid;
    r.e2e = QString::fromLatin1(Crypto::sealRoomMessage(*m_secure.identity(), state.key, state.generation, room,
                                                        m_self, mid, text.toUtf8()));
    const QByteArray frame = encode(r);
    // The hub closes a connection that sends more than its limit (1009): refused here instead, as direct messages are.
    if (m_maxFrameBytes > 0 && frame.size() > m_maxFrameBytes)
        return fail(errorCodeName(ErrorCode::TooLarge),
                    tr("The message is too large for this hub: %1 bytes sealed, at most %2.")
                        .arg(frame.size())
                        .arg(m_maxFrameBytes),
                    mid);
    m_used = true;
    Q_EMIT hubFrameReady(frame);
    return true;
}

bool RoomChannel::refused(const ClientError &error)
{
    const QString room = error.ref;
    if (error.is(ErrorCode::RoomUnknown) && m_joining.remove(room)) {
        m_creating.insert(room); // not there: this join makes it
        request(RoomRequest { u"create"_s, room });
        return true;
    }
    if (error.is(ErrorCode::RoomExists) && m_creating.remove(room)) {
        request(RoomRequest { u"join"_s, room }); // someone made it meanwhile: join it
        return true;
    }
    if (m_joining.remove(room) + m_creating.remove(room) > 0) {
        // The join failed for good: what waited for it is not sent (each said so, by its mid).
        for (const auto &[mid, text] : m_waiting.take(room))
            Q_EMIT errorOccurred(ClientError::fromWire(error.codeName, error.message, mid));
    }
    return false;
}

void RoomChannel::received(const RoomEvent &e)
{
    if (e.op == u"joined") {
        m_joining.remove(e.room);
        m_creating.remove(e.room);
        QStringList members;
        for (const RoomMember &m : e.members)
            members.append(m.id);
        m_confirmed.insert(e.room);
        const auto known = m_rooms.constFind(e.room);
        // A fresh key for the members of now (and a request for theirs) when we are new to the room, or it changed
        // while we did not hear of it (we were away); not when the hub only says again what we knew (a /rooms).
        const bool changed = m_rekey.remove(e.room) || known == m_rooms.cend() || known->key.isEmpty()
            || QSet<QString>(known->members.cbegin(), known->members.cend())
                != QSet<QString>(members.cbegin(), members.cend());
        m_rooms[e.room].members = members;
        if (changed)
            rotate(e.room);
        Q_EMIT joined(e.room, e.topic, members);
        for (const auto &[mid, text] : m_waiting.take(e.room))
            sendSealed(e.room, mid, text);
    } else if (e.op == u"left") {
        m_rooms.remove(e.room);
        Q_EMIT left(e.room, e.reason, e.from);
    } else if (e.op == u"member_joined") {
        if (auto it = m_rooms.find(e.room); it != m_rooms.end()) {
            if (!it->members.contains(e.peer))
                it->members.append(e.peer);
            rotate(e.room); // a newcomer never gets a key that opened what was said before it came
        }
        Q_EMIT memberJoined(e.room, e.peer);
    } else if (e.op == u"member_left") {
        if (auto it = m_rooms.find(e.room); it != m_rooms.end()) {
            it->members.removeAll(e.peer);
            rotate(e.room); // one who left cannot read what is said after
        }
        Q_EMIT memberLeft(e.room, e.peer, e.reason);
    } else if (e.op == u"invited") {
        Q_EMIT invited(e.room, e.from);
    } else if (e.op == u"topic") {
        Q_EMIT topicChanged(e.room, e.topic, e.from);
    } else if (e.op == u"rooms") {
        // Every room we are in came as `joined` before this answer: one that did not is one we were taken out of (or
        // that was closed) while we were away.
        if (m_listsPending > 0) {
            --m_listsPending;
            const QStringList known = m_rooms.keys();
            for (const QString &room : known) {
                if (!m_confirmed.contains(room)) {
                    m_rooms.remove(room);
                    Q_EMIT left(room, u"gone"_s, QString());
                }
            }
            m_confirmed.clear();
        }
        if (m_quietLists > 0)
            --m_quietLists; // the answer to our own list after a welcome: its `joined` events said what matters
        else
            Q_EMIT listed(e.rooms);
    } else if (e.op == u"members") {
        Q_EMIT membersListed(e.room, e.members);
    } else if (e.op == u"key") {
        keyReceived(e);
    } else if (e.op == u"message") {
        messageArrived(e);
    }
    // Anything else (`manager`, later additions) needs nothing of the client.
}

void RoomChannel::rotate(const QString &room)
{
    Room &r = m_rooms[room];
    if (!m_secure.hasIdentity())
        return;
    r.key = Crypto::generateRoomKey();
    // Numbered on from a random start: a restarted client does not reuse a generation others still hold.
    r.generation = r.generation == 0 ? qFromBigEndian<quint32>(Crypto::randomBytes(4).constData()) | 1u
                                     : r.generation + 1;
    for (const QString &peer : std::as_const(r.members)) {
        if (peer != m_self)
            sendKeyTo(room, peer, !m_keys.contains(keyOf(room, peer)));
    }
}

void RoomChannel::sendKeyTo(const QString &room, const QString &peer, bool want)
{
    const Room &r = m_rooms[room];
    const QJsonObject payload { { u"room"_s, room },
                                { u"gen"_s, qint64(r.generation) },
                                { u"key"_s, QString::fromLatin1(Crypto::toBase64(Crypto::roomKeyBytes(r.key))) },
                                { u"want"_s, want } };
    const SecureChannel::Outbound out
        = m_secure.outbound(peer, keyMid(room), QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)));
    // Sealed to its prekey of now, or to its identity while it is away (the hub keeps it); never in the clear.
    if ((out.kind != SecureChannel::Outbound::Kind::Sealed && out.kind != SecureChannel::Outbound::Kind::Absent)
        || out.e2e.isEmpty()) {
        qCWarning(lcClient).noquote() << "room" << room << ": no key of" << peer
                                      << "known to seal our room key to; it cannot read us until it is back";
        return;
    }
    RoomRequest q { u"key"_s, room };
    q.peer = peer;
    q.data = out.e2e;
    Q_EMIT hubFrameReady(encode(q));
}

void RoomChannel::keyReceived(const RoomEvent &e)
{
    const SecureChannel::Inbound in = m_secure.inbound(e.from, m_self, keyMid(e.room), QString(), e.data, QString());
    if (in.kind != SecureChannel::Inbound::Kind::Deliver || !in.encrypted) {
        qCWarning(lcClient).noquote() << "room" << e.room << ": a key from" << e.from << "did not open:" << in.problem;
        return;
    }
    const QJsonObject o = QJsonDocument::fromJson(in.text.toUtf8()).object();
    const double gen = o.value("gen"_L1).toDouble(-1);
    const auto key = Crypto::roomKeyFromBytes(Crypto::fromBase64(o.value("key"_L1).toString().toLatin1(), nullptr));
    if (o.value("room"_L1).toString() != e.room || gen < 0 || gen > 4294967295.0 || !key) {
        qCWarning(lcClient).noquote() << "room" << e.room << ": a malformed key from" << e.from;
        return;
    }
    auto &kept = m_keys[keyOf(e.room, e.from)];
    kept.removeIf([gen](const auto &k) { return k.first == quint32(gen); });
    kept.append({ quint32(gen), *key });
    while (kept.size() > kKeptGenerations)
        kept.removeFirst();
    // It has none of ours (it restarted, or we were away): hand it ours, not asking again.
    if (o.value("want"_L1).toBool() && m_rooms.contains(e.room) && m_rooms[e.room].members.contains(e.from))
        sendKeyTo(e.room, e.from, false);
}

void RoomChannel::messageArrived(const RoomEvent &e)
{
    const auto refuse = [&](const QString &why) {
        qCWarning(lcClient).noquote() << "room" << e.room << ": message" << e.mid << "from" << e.from << why;
        Q_EMIT errorOccurred(ClientError::local(
            QString(ClientError::E2eFailed), tr("A message from %1 in %2 could not be opened.").arg(e.from, e.room),
            e.mid));
    };
    const std::optional<Crypto::RoomSealed> sealed = Crypto::decodeRoomSealed(e.e2e.toLatin1());
    if (!sealed)
        return refuse(u"is malformed"_s);
    if (!Crypto::verifyRoomMessage(*sealed, m_secure.knownKey(e.from), e.room, e.from, e.mid))
        return refuse(u"is not signed by its sender's known key"_s);
    for (const auto &[generation, key] : m_keys.value(keyOf(e.room, e.from))) {
        if (generation != sealed->generation)
            continue;
        if (const auto text = Crypto::openRoomMessage(*sealed, key, e.room, e.from, e.mid)) {
            Q_EMIT messageReceived(e.room, e.from, QString::fromUtf8(*text), e.mid, e.ts);
            return;
        }
    }
    refuse(u"is sealed with a key we do not have"_s);
    // Its key to us was lost (a connection that died with it, a full mailbox): ask for the current one, once per
    // generation, so that what it says next opens.
    if (m_rooms.contains(e.room) && m_rooms[e.room].members.contains(e.from)
        && !m_asked.contains(keyOf(e.room, e.from) + u'\n' + QString::number(sealed->generation))) {
        m_asked.insert(keyOf(e.room, e.from) + u'\n' + QString::number(sealed->generation));
        sendKeyTo(e.room, e.from, true);
    }
}

} // namespace PeerLink
