#include "protocol.h"

#include "jsonwriter.h"

#include "rules.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace PeerLink {

namespace {

using namespace Qt::StringLiterals;

// Field names, shared by encoder and decoder.
constexpr QLatin1StringView kType("type");
constexpr QLatin1StringView kId("id");
constexpr QLatin1StringView kName("name");
constexpr QLatin1StringView kPassword("password");
constexpr QLatin1StringView kResume("resume");
constexpr QLatin1StringView kClient("client");
constexpr QLatin1StringView kText("text");
constexpr QLatin1StringView kTo("to");
constexpr QLatin1StringView kMid("mid");
constexpr QLatin1StringView kPeer("peer");
constexpr QLatin1StringView kPeers("peers");
constexpr QLatin1StringView kFrom("from");
constexpr QLatin1StringView kHub("hub");
constexpr QLatin1StringView kVersion("version");
constexpr QLatin1StringView kTs("ts");
constexpr QLatin1StringView kCode("code");
constexpr QLatin1StringView kMessage("message");
constexpr QLatin1StringView kRef("ref");
constexpr QLatin1StringView kHost("host");
constexpr QLatin1StringView kListen("listen");
constexpr QLatin1StringView kLink("link");
constexpr QLatin1StringView kSecret("secret");
constexpr QLatin1StringView kAddrs("addrs");
constexpr QLatin1StringView kObserved("observed");
constexpr QLatin1StringView kReason("reason");
constexpr QLatin1StringView kLimits("limits");
constexpr QLatin1StringView kBinaryFiles("binary_files");
constexpr QLatin1StringView kMaxMessageBytes("max_message_bytes");
constexpr QLatin1StringView kRate("rate");
constexpr QLatin1StringView kBurst("burst");
constexpr QLatin1StringView kByteRate("byte_rate");
constexpr QLatin1StringView kByteBurst("byte_burst");
constexpr QLatin1StringView kKey("key");
constexpr QLatin1StringView kPrekey("prekey");
constexpr QLatin1StringView kPrekeySig("prekey_sig");
constexpr QLatin1StringView kSig("sig");
constexpr QLatin1StringView kE2e("e2e");
constexpr QLatin1StringView kNonce("nonce");
constexpr QLatin1StringView kSeq("seq");
constexpr QLatin1StringView kRun("run");
constexpr QLatin1StringView kKind("kind");
constexpr QLatin1StringView kMids("mids");
constexpr QLatin1StringView kTid("tid");
constexpr QLatin1StringView kOp("op");
constexpr QLatin1StringView kData("data");
constexpr QLatin1StringView kFileRate("file_rate");
constexpr QLatin1StringView kRoom("room");
constexpr QLatin1StringView kTopic("topic");
constexpr QLatin1StringView kInviteOnly("invite_only");
constexpr QLatin1StringView kCreator("creator");
constexpr QLatin1StringView kManagers("managers");
constexpr QLatin1StringView kMembers("members");
constexpr QLatin1StringView kRooms("rooms");
constexpr QLatin1StringView kOnline("online");
constexpr QLatin1StringView kMember("member");
constexpr QLatin1StringView kInvited("invited");

// Longest free-form token fields (resume, client, password), in characters.
constexpr int kMaxTokenLength = 256;

/// Reads typed fields of one object and remembers the first problem.
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString ref)
        : m_object(object)
        , m_ref(std::move(ref))
    {
    }

    /// A required string field.
    QString required(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (!v.isString()) {
            fail(ErrorCode::BadMessage,
                 v.isUndefined() || v.isNull() ? u"missing string field '%1'"_s.arg(key)
                                               : u"field '%1' must be a string"_s.arg(key));
            return QString();
        }
        return v.toString();
    }

    /// An optional string field; null counts as absent.
    QString optional(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return QString();
        if (!v.isString()) {
            fail(ErrorCode::BadMessage, u"field '%1' must be a string"_s.arg(key));
            return QString();
        }
        return v.toString();
    }

    /// An optional whole number in [0, Rules::MaxSequence]; absent or null: 0.
    qint64 optionalCount(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return 0;
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d > double(Rules::MaxSequence) || d != double(qint64(d))) {
            fail(ErrorCode::BadMessage, u"field '%1' must be a whole number from 0 to 2^53-1"_s.arg(key));
            return 0;
        }
        return qint64(d);
    }

    /// A required array of 1 to Rules::MaxReceiptMids valid message ids.
    QStringList requiredMids(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        const QJsonArray a = v.toArray();
        QStringList mids;
        if (!v.isArray() || a.isEmpty() || a.size() > Rules::MaxReceiptMids) {
            fail(ErrorCode::BadMessage, u"'%1' must be an array of 1 to %2 message ids"_s.arg(key).arg(
                                            Rules::MaxReceiptMids));
            return mids;
        }
        mids.reserve(a.size());
        for (const QJsonValue &e : a) {
            if (!e.isString() || !Rules::isValidMid(e.toString())) {
                fail(ErrorCode::BadMessage, u"'%1' entries are message ids of 1 to 64 characters"_s.arg(key));
                return QStringList();
            }
            mids.append(e.toString());
        }
        return mids;
    }

    /// An optional boolean; absent or null: false.
    bool optionalBool(QLatin1StringView key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return false;
        if (!v.isBool()) {
            fail(ErrorCode::BadMessage, u"field '%1' must be true or false"_s.arg(key));
            return false;
        }
        return v.toBool();
    }

    /// A required receipt kind ("delivered" or "read").
    ReceiptKind requiredKind(QLatin1StringView key)
    {
        const QString kind = required(key);
        if (kind == u"read")
            return ReceiptKind::Read;
        if (kind != u"delivered" && !m_failed)
            fail(ErrorCode::BadMessage, u"'%1' is \"delivered\" or \"read\""_s.arg(key));
        return ReceiptKind::Delivered;
    }

    void fail(ErrorCode code, const QString &message)
    {
        if (!m_failed) {
            m_failed = true;
            m_error = DecodeError { code, message, m_ref };
        }
    }

    void setRef(const QString &ref) { m_ref = ref; }
    bool failed() const { return m_failed; }
    const DecodeError &error() const { return m_error; }

private:
    const QJsonObject &m_object;
    QString m_ref;
    bool m_failed = false;
    DecodeError m_error;
};

template<typename Envelope>
Decoded<Envelope> refuse(ErrorCode code, const QString &message, const QString &ref = QString())
{
    return Decoded<Envelope> { DecodeError { code, message, ref } };
}

/// Parses the text as one JSON object with a string `type`; on failure fills @p error.
bool parseObject(const QByteArray &utf8, QJsonObject &object, QString &type, DecodeError &error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        error = { ErrorCode::BadJson,
                  u"invalid JSON at offset %1: %2"_s.arg(parseError.offset).arg(parseError.errorString()),
                  QString() };
        return false;
    }
    if (!doc.isObject()) {
        error = { ErrorCode::BadMessage, u"expected a JSON object"_s, QString() };
        return false;
    }
    object = doc.object();
    const QJsonValue t = object.value(kType);
    if (!t.isString()) {
        error = { ErrorCode::BadMessage, u"missing string field 'type'"_s, QString() };
        return false;
    }
    type = t.toString();
    return true;
}

QJsonObject withoutKeys(QJsonObject object, std::initializer_list<QLatin1StringView> keys)
{
    for (QLatin1StringView key : keys)
        object.remove(key);
    return object;
}

/// An optional array of endpoints; anything else, or a bad entry, fails @p r.
QStringList endpoints(const QJsonObject &o, QLatin1StringView key, FieldReader &r)
{
    const QJsonValue v = o.value(key);
    QStringList list;
    if (v.isUndefined() || v.isNull())
        return list;
    if (!v.isArray() || v.toArray().size() > Rules::MaxEndpoints) {
        r.fail(ErrorCode::BadMessage, u"'%1' must be an array of at most %2 endpoints"_s.arg(key).arg(Rules::MaxEndpoints));
        return list;
    }
    for (const QJsonValue &e : v.toArray()) {
        if (!e.isString() || !Rules::isValidEndpoint(e.toString())) {
            r.fail(ErrorCode::BadMessage, u"'%1' entries look like 192.0.2.1:9000 or [2001:db8::1]:9000"_s.arg(key));
            return QStringList();
        }
        list.append(e.toString());
    }
    return list;
}

/// Whether the identity fields of a peer (key, prekey, prekey_sig) are all absent or all well formed.
bool validPeerKeys(const QString &key, const QString &prekey, const QString &prekeySig)
{
    if (key.isEmpty() && prekey.isEmpty() && prekeySig.isEmpty())
        return true;
    return Rules::isBase64UrlOf(key, Rules::KeyBytes) && Rules::isBase64UrlOf(prekey, Rules::KeyBytes)
        && Rules::isBase64UrlOf(prekeySig, Rules::SignatureBytes);
}

const QString kBadPeerKeys = QStringLiteral(
    "'key' and 'prekey' are base64url (no padding) of 32 bytes and 'prekey_sig' of 64, all three or none");

QJsonArray toArray(const QStringList &list)
{
    QJsonArray a;
    for (const QString &s : list)
        a.append(s);
    return a;
}

void insertIfSet(QJsonObject &o, QLatin1StringView key, const QString &value)
{
    if (!value.isEmpty())
        o.insert(key, value);
}

QByteArray toBytes(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject typed(QLatin1StringView type)
{
    QJsonObject o;
    o.insert(kType, QJsonValue(QString(type)));
    return o;
}

/// The ops of a `room` request (issue 17) and the fields each needs besides `op`.
struct RoomOpRule
{
    QLatin1StringView op;
    bool room;  ///< `room` required
    bool peer;  ///< `peer` required
    bool topic; ///< `topic` read (optional)
    bool send;  ///< `mid` and `e2e` required
    bool data;  ///< `data` required
};
constexpr RoomOpRule kRoomOps[] = {
    { "create"_L1, true, false, true, false, false },  { "join"_L1, true, false, false, false, false },
    { "leave"_L1, true, false, false, false, false },  { "invite"_L1, true, true, false, false, false },
    { "remove"_L1, true, true, false, false, false },  { "manager"_L1, true, true, false, false, false },
    { "topic"_L1, true, false, true, false, false },   { "close"_L1, true, false, false, false, false },
    { "list"_L1, false, false, false, false, false },  { "members"_L1, true, false, false, false, false },
    { "send"_L1, true, false, false, true, false },    { "key"_L1, true, true, false, false, true },
};

/// Decodes a `room` request: the fields its op needs, strictly. Errors answer the `mid` of a `send` when it is
/// valid, else the room's name when it is valid, else "room".
Decoded<ClientEnvelope> decodeRoomRequest(FieldReader &r)
{
    RoomRequest q;
    q.op = r.required(kOp);
    q.room = r.optional(kRoom);
    q.mid = r.optional(kMid);
    if (r.failed())
        return Decoded<ClientEnvelope> { r.error() };
    const QString ref = q.op == u"send" && Rules::isValidMid(q.mid) ? q.mid
        : Rules::isValidRoomName(q.room)                           ? q.room
                                                                   : u"room"_s;
    r.setRef(ref);
    const RoomOpRule *rule = nullptr;
    for (const RoomOpRule &candidate : kRoomOps) {
        if (candidate.op == q.op)
            rule = &candidate;
    }
    if (!rule)
        return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"unknown room op '%1'"_s.arg(q.op.left(16)), ref);
    if (rule->room && !Rules::isValidRoomName(q.room))
        return refuse<ClientEnvelope>(ErrorCode::BadMessage,
                                      u"a room's name is 1 to 64 characters of A-Z a-z 0-9 . _ -"_s, ref);
    if (rule->peer) {
        q.peer = r.required(kPeer);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isValidId(q.peer))
            return refuse<ClientEnvelope>(ErrorCode::InvalidId, u"'peer' is not a valid peer id"_s, ref);
    }
    if (rule->topic) {
        q.topic = q.op == u"topic" ? r.required(kTopic) : r.optional(kTopic);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isValidTopic(q.topic))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"a topic is at most 256 printable characters"_s, ref);
    }
    if (q.op == u"create") {
        q.inviteOnly = r.optionalBool(kInviteOnly);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
    }
    if (rule->send) {
        q.e2e = r.required(kE2e);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isValidMid(q.mid))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"a room message needs a 'mid' of 1 to 64 characters"_s,
                                          ref);
        if (q.e2e.isEmpty())
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"a room message carries its sealed text in 'e2e'"_s,
                                          ref);
    } else {
        q.mid.clear();
    }
    if (rule->data) {
        q.data = r.required(kData);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (q.data.isEmpty())
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'data' is the sealed room key"_s, ref);
    }
    if (!rule->room)
        q.room.clear();
    return Decoded<ClientEnvelope> { ClientEnvelope(q) };
}

/// A room's members as the hub lists them: [{id, online}]; anything else fails @p r.
QList<RoomMember> roomMembers(const QJsonObject &o, FieldReader &r)
{
    QList<RoomMember> list;
    const QJsonValue v = o.value(kMembers);
    if (v.isUndefined() || v.isNull())
        return list;
    if (!v.isArray()) {
        r.fail(ErrorCode::BadMessage, u"'members' must be an array"_s);
        return list;
    }
    for (const QJsonValue &e : v.toArray()) {
        const QJsonObject m = e.toObject();
        const QString id = m.value(kId).toString();
        if (!e.isObject() || !Rules::isValidId(id)) {
            r.fail(ErrorCode::BadMessage, u"'members' entries are {id, online}"_s);
            return QList<RoomMember>();
        }
        list.append(RoomMember { id, m.value(kOnline).toBool() });
    }
    return list;
}

/// The rooms of a `rooms` event: [{room, topic, invite_only, members, member, invited}].
QList<RoomSummary> roomSummaries(const QJsonObject &o, FieldReader &r)
{
    QList<RoomSummary> list;
    const QJsonValue v = o.value(kRooms);
    if (v.isUndefined() || v.isNull())
        return list;
    if (!v.isArray()) {
        r.fail(ErrorCode::BadMessage, u"'rooms' must be an array"_s);
        return list;
    }
    for (const QJsonValue &e : v.toArray()) {
        const QJsonObject m = e.toObject();
        RoomSummary s { m.value(kRoom).toString(), m.value(kTopic).toString(), m.value(kInviteOnly).toBool(),
                        m.value(kMembers).toInt(), m.value(kMember).toBool(), m.value(kInvited).toBool() };
        if (!e.isObject() || !Rules::isValidRoomName(s.room) || !Rules::isValidTopic(s.topic) || s.members < 0) {
            r.fail(ErrorCode::BadMessage, u"'rooms' entries are {room, topic, invite_only, members, member, invited}"_s);
            return QList<RoomSummary>();
        }
        list.append(s);
    }
    return list;
}

} // namespace

// ---- Client to hub decoding -----------------------------------------------------------------------------------

Decoded<ClientEnvelope> decodeClientMessage(const QByteArray &utf8)
{
    QJsonObject o;
    QString type;
    DecodeError parseError;
    if (!parseObject(utf8, o, type, parseError))
        return Decoded<ClientEnvelope> { parseError };

    FieldReader r(o, type);
    if (type == u"join") {
        JoinRequest join;
        join.id = r.required(kId);
        join.name = r.optional(kName);
        join.password = r.optional(kPassword);
        join.resume = r.optional(kResume);
        join.client = r.optional(kClient);
        join.key = r.optional(kKey);
        join.prekey = r.optional(kPrekey);
        join.prekeySig = r.optional(kPrekeySig);
        join.sig = r.optional(kSig);
        join.binaryFiles = o.value(kBinaryFiles).toBool(); // anything but true: no
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isValidId(join.id))
            return refuse<ClientEnvelope>(ErrorCode::InvalidId,
                                          u"an id is 1 to 64 characters of A-Z a-z 0-9 . _ -"_s, type);
        if (!join.name.isEmpty() && !Rules::isValidName(join.name))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage,
                                          u"a name is at most 64 printable characters"_s, type);
        if (join.password.size() > kMaxTokenLength || join.resume.size() > kMaxTokenLength
            || join.client.size() > kMaxTokenLength)
            return refuse<ClientEnvelope>(ErrorCode::BadMessage,
                                          u"password, resume and client are at most 256 characters"_s, type);
        if (!validPeerKeys(join.key, join.prekey, join.prekeySig) || (join.key.isEmpty() && !join.sig.isEmpty()))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, kBadPeerKeys + u"; 'sig' only with a key"_s, type);
        if (!join.sig.isEmpty() && !Rules::isBase64UrlOf(join.sig, Rules::SignatureBytes))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'sig' is base64url (no padding) of 64 bytes"_s,
                                          type);
        return Decoded<ClientEnvelope> { ClientEnvelope(join) };
    }
    if (type == u"message") {
        MessageRequest m;
        m.mid = r.optional(kMid);
        if (!r.failed() && !m.mid.isEmpty()) {
            if (!Rules::isValidMid(m.mid))
                return refuse<ClientEnvelope>(ErrorCode::BadMessage,
                                              u"a mid is 1 to 64 characters"_s, type);
            r.setRef(m.mid);
        }
        m.text = r.required(kText);
        m.to = r.optional(kTo);
        // e2e and sig are looked for only when the object has more fields than the plain ones seen so far, so a
        // plain message (the hub's hot path) is decoded with no lookup more than before. A field present but null
        // or empty is not counted, which only means looking for nothing.
        const qsizetype plain = 2 + (m.to.isNull() ? 0 : 1) + (m.mid.isNull() ? 0 : 1);
        if (o.size() > plain) {
            m.e2e = r.optional(kE2e);
            m.sig = r.optional(kSig);
            m.seq = r.optionalCount(kSeq);
            m.run = r.optionalCount(kRun);
        }
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (m.run > 0 && m.seq == 0)
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'run' comes with a 'seq'"_s,
                                          m.mid.isEmpty() ? type : m.mid);
        if (!m.to.isNull() && !Rules::isValidId(m.to))
            return refuse<ClientEnvelope>(ErrorCode::InvalidId, u"'to' is not a valid peer id"_s,
                                          m.mid.isEmpty() ? type : m.mid);
        // The hub never opens e2e or checks sig (it does not know the text they cover); only their shape is checked.
        if (!m.e2e.isEmpty() && !m.text.isEmpty())
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"a message with 'e2e' has an empty 'text'"_s,
                                          m.mid.isEmpty() ? type : m.mid);
        if (!m.sig.isEmpty() && !Rules::isBase64UrlOf(m.sig, Rules::SignatureBytes))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'sig' is base64url (no padding) of 64 bytes"_s,
                                          m.mid.isEmpty() ? type : m.mid);
        return Decoded<ClientEnvelope> { ClientEnvelope(m) };
    }
    if (type == u"connect_to_peer") {
        ConnectRequest c;
        c.peer = r.required(kPeer);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isValidId(c.peer))
            return refuse<ClientEnvelope>(ErrorCode::InvalidId, u"'peer' is not a valid peer id"_s, type);
        c.listen = endpoints(o, kListen, r);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        c.extra = withoutKeys(o, { kType, kPeer, kFrom, kListen });
        return Decoded<ClientEnvelope> { ClientEnvelope(c) };
    }
    if (type == u"connect_accept" || type == u"connect_decline") {
        ConnectAnswer a;
        a.accept = type == u"connect_accept";
        a.peer = r.required(kPeer);
        a.link = r.required(kLink);
        a.reason = r.optional(kReason).left(256);
        a.listen = endpoints(o, kListen, r);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isValidId(a.peer))
            return refuse<ClientEnvelope>(ErrorCode::InvalidId, u"'peer' is not a valid peer id"_s, type);
        if (!Rules::isValidToken(a.link))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'link' is not a link id"_s, type);
        return Decoded<ClientEnvelope> { ClientEnvelope(a) };
    }
    if (type == u"leave")
        return Decoded<ClientEnvelope> { ClientEnvelope(LeaveRequest {}) };
    if (type == u"receipt") {
        ReceiptRequest rr;
        rr.to = r.required(kTo);
        rr.kind = r.requiredKind(kKind);
        rr.mids = r.requiredMids(kMids);
        rr.sig = r.required(kSig);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isValidId(rr.to))
            return refuse<ClientEnvelope>(ErrorCode::InvalidId, u"'to' is not a valid peer id"_s, type);
        if (!Rules::isBase64UrlOf(rr.sig, Rules::SignatureBytes))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'sig' is base64url (no padding) of 64 bytes"_s,
                                          type);
        return Decoded<ClientEnvelope> { ClientEnvelope(rr) };
    }

    if (type == u"file") {
        FileRequest f;
        f.to = r.required(kTo);
        f.tid = r.required(kTid);
        f.op = r.required(kOp);
        f.data = r.required(kData);
        if (r.failed())
            return Decoded<ClientEnvelope> { r.error() };
        if (!Rules::isTransferId(f.tid))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'tid' is 32 lower-case hex digits"_s, type);
        if (!Rules::isValidId(f.to))
            return refuse<ClientEnvelope>(ErrorCode::InvalidId, u"'to' is not a valid peer id"_s, f.tid);
        if (!Rules::isFileOp(f.op))
            return refuse<ClientEnvelope>(ErrorCode::BadMessage, u"'op' is 1 to 16 of a-z"_s, f.tid);
        return Decoded<ClientEnvelope> { ClientEnvelope(f) };
    }

    if (type == u"room")
        return decodeRoomRequest(r);

    return refuse<ClientEnvelope>(ErrorCode::UnknownType, u"unknown message type '%1'"_s.arg(type.left(64)),
                                  type.left(64));
}

// ---- Hub to client decoding -----------------------------------------------------------------------------------

Decoded<HubEnvelope> decodeHubMessage(const QByteArray &utf8)
{
    QJsonObject o;
    QString type;
    DecodeError parseError;
    if (!parseObject(utf8, o, type, parseError))
        return Decoded<HubEnvelope> { parseError };

    FieldReader r(o, type);
    if (type == u"welcome") {
        Welcome w;
        w.id = r.required(kId);
        w.hub = r.optional(kHub);
        w.version = r.optional(kVersion);
        w.resume = r.optional(kResume);
        // Limits are advice for the client: a malformed or negative value is ignored, never a reason to drop a welcome.
        const QJsonObject limits = o.value(kLimits).toObject();
        const auto number = [&limits](QLatin1StringView key) {
            const double v = limits.value(key).toDouble(0);
            return std::isfinite(v) && v > 0 ? v : 0.0;
        };
        w.limits.maxMessageBytes = qint64(std::min(number(kMaxMessageBytes), 1e15));
        w.limits.messagesPerSecond = number(kRate);
        w.limits.messageBurst = number(kBurst);
        w.limits.bytesPerSecond = number(kByteRate);
        w.limits.fileBytesPerSecond = number(kFileRate);
        w.limits.maxRooms = number(kRooms);
        w.limits.byteBurst = number(kByteBurst);
        w.limits.binaryFiles = number(kBinaryFiles) == 1;
        const QJsonValue peers = o.value(kPeers);
        if (!peers.isArray())
            r.fail(ErrorCode::BadMessage, u"field 'peers' must be an array"_s);
        for (const QJsonValue &p : peers.toArray()) {
            const QJsonObject po = p.toObject();
            const QString id = po.value(kId).toString();
            if (!Rules::isValidId(id)) {
                r.fail(ErrorCode::BadMessage, u"a peer in 'peers' has no valid id"_s);
                break;
            }
            PeerInfo info { id, po.value(kName).toString(), po.value(kHost).toBool(), po.value(kKey).toString(),
                            po.value(kPrekey).toString(), po.value(kPrekeySig).toString() };
            if (!validPeerKeys(info.key, info.prekey, info.prekeySig)) {
                r.fail(ErrorCode::BadMessage, kBadPeerKeys);
                break;
            }
            w.peers.append(info);
        }
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(w) };
    }
    if (type == u"peer_connect") {
        PeerConnected p { r.required(kId),          r.optional(kName),      o.value(kHost).toBool(),
                          r.optional(kKey),         r.optional(kPrekey),    r.optional(kPrekeySig) };
        if (!r.failed() && !validPeerKeys(p.key, p.prekey, p.prekeySig))
            r.fail(ErrorCode::BadMessage, kBadPeerKeys);
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(p) };
    }
    if (type == u"peer_disconnect") {
        PeerDisconnected p { r.required(kId) };
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(p) };
    }
    if (type == u"message") {
        ChatMessage m;
        m.from = r.required(kFrom);
        m.text = r.required(kText);
        m.to = r.optional(kTo);
        m.mid = r.optional(kMid);
        m.e2e = r.optional(kE2e);
        m.sig = r.optional(kSig);
        m.seq = r.optionalCount(kSeq);
        m.run = r.optionalCount(kRun);
        const QJsonValue ts = o.value(kTs);
        if (!ts.isUndefined() && !ts.isDouble())
            r.fail(ErrorCode::BadMessage, u"field 'ts' must be a number"_s);
        m.ts = ts.toInteger();
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(m) };
    }
    if (type == u"ack") {
        Ack a { r.required(kMid) };
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(a) };
    }
    if (type == u"stored") {
        Stored st { r.required(kMid) };
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(st) };
    }
    if (type == u"receipt") {
        Receipt rc;
        rc.from = r.required(kFrom);
        rc.to = r.required(kTo);
        rc.kind = r.requiredKind(kKind);
        rc.mids = r.requiredMids(kMids);
        rc.sig = r.required(kSig);
        rc.ts = r.optionalCount(kTs);
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(rc) };
    }
    if (type == u"room") {
        RoomEvent e;
        e.op = r.required(kOp);
        e.room = r.optional(kRoom);
        e.from = r.optional(kFrom);
        e.peer = r.optional(kPeer);
        e.topic = r.optional(kTopic);
        e.inviteOnly = r.optionalBool(kInviteOnly);
        e.creator = r.optional(kCreator);
        e.mid = r.optional(kMid);
        e.e2e = r.optional(kE2e);
        e.data = r.optional(kData);
        e.reason = r.optional(kReason);
        e.ts = r.optionalCount(kTs);
        e.members = roomMembers(o, r);
        e.rooms = roomSummaries(o, r);
        const QJsonValue managers = o.value(kManagers);
        for (const QJsonValue &m : managers.toArray()) {
            if (!m.isString() || !Rules::isValidId(m.toString()))
                r.fail(ErrorCode::BadMessage, u"'managers' lists peer ids"_s);
            e.managers.append(m.toString());
        }
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        if (!Rules::isRoomOp(e.op) || (!e.room.isEmpty() && !Rules::isValidRoomName(e.room))
            || (!e.from.isEmpty() && !Rules::isValidId(e.from)) || (!e.peer.isEmpty() && !Rules::isValidId(e.peer))
            || !Rules::isValidTopic(e.topic))
            return refuse<HubEnvelope>(ErrorCode::BadMessage, u"a room event needs a valid op, room and ids"_s, type);
        return Decoded<HubEnvelope> { HubEnvelope(e) };
    }
    if (type == u"file") {
        FileFrame f { r.required(kFrom), r.required(kTid), r.required(kOp), r.required(kData) };
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        if (!Rules::isValidId(f.from) || !Rules::isTransferId(f.tid) || !Rules::isFileOp(f.op))
            return refuse<HubEnvelope>(ErrorCode::BadMessage, u"a file frame needs a valid from, tid and op"_s, type);
        return Decoded<HubEnvelope> { HubEnvelope(f) };
    }
    if (type == u"connect_to_peer") {
        ConnectOffer c;
        c.from = r.required(kFrom);
        c.link = r.optional(kLink);
        c.secret = r.optional(kSecret);
        c.observed = r.optional(kObserved);
        c.addrs = endpoints(o, kAddrs, r);
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        c.extra = withoutKeys(o, { kType, kFrom, kLink, kSecret, kObserved, kAddrs });
        return Decoded<HubEnvelope> { HubEnvelope(c) };
    }
    if (type == u"connect_accept") {
        ConnectAccepted a;
        a.from = r.required(kFrom);
        a.link = r.required(kLink);
        a.secret = r.required(kSecret);
        a.observed = r.optional(kObserved);
        a.addrs = endpoints(o, kAddrs, r);
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(a) };
    }
    if (type == u"challenge") {
        Challenge c { r.required(kHub), r.required(kNonce) };
        if (!r.failed()
            && (!Rules::isBase64UrlOf(c.hub, Rules::KeyBytes) || !Rules::isBase64UrlOf(c.nonce, Rules::KeyBytes)))
            r.fail(ErrorCode::BadMessage, u"'hub' and 'nonce' are base64url (no padding) of 32 bytes"_s);
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(c) };
    }
    if (type == u"peer_update") {
        PeerUpdate u { r.required(kId), r.required(kKey), r.required(kPrekey), r.required(kPrekeySig) };
        if (!r.failed() && !validPeerKeys(u.key, u.prekey, u.prekeySig))
            r.fail(ErrorCode::BadMessage, kBadPeerKeys);
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(u) };
    }
    if (type == u"error") {
        ErrorReply e;
        e.code = r.required(kCode);
        e.message = r.optional(kMessage);
        e.ref = r.optional(kRef);
        if (r.failed())
            return Decoded<HubEnvelope> { r.error() };
        return Decoded<HubEnvelope> { HubEnvelope(e) };
    }
    return refuse<HubEnvelope>(ErrorCode::UnknownType, u"unknown message type '%1'"_s.arg(type.left(64)),
                               type.left(64));
}

// ---- Encoding -------------------------------------------------------------------------------------------------

QByteArray encode(const JoinRequest &m)
{
    QJsonObject o = typed("join"_L1);
    o.insert(kId, m.id);
    insertIfSet(o, kName, m.name);
    insertIfSet(o, kPassword, m.password);
    insertIfSet(o, kResume, m.resume);
    insertIfSet(o, kClient, m.client);
    insertIfSet(o, kKey, m.key);
    insertIfSet(o, kPrekey, m.prekey);
    insertIfSet(o, kPrekeySig, m.prekeySig);
    insertIfSet(o, kSig, m.sig);
    if (m.binaryFiles)
        o.insert(kBinaryFiles, true);
    return toBytes(o);
}

QByteArray encode(const MessageRequest &m)
{
    QJsonObject o = typed("message"_L1);
    o.insert(kText, m.text);
    insertIfSet(o, kTo, m.to);
    insertIfSet(o, kMid, m.mid);
    insertIfSet(o, kE2e, m.e2e);
    insertIfSet(o, kSig, m.sig);
    if (m.seq > 0) {
        o.insert(kSeq, m.seq);
        if (m.run > 0)
            o.insert(kRun, m.run);
    }
    return toBytes(o);
}

QByteArray encode(const ReceiptRequest &m)
{
    QJsonObject o = typed("receipt"_L1);
    o.insert(kTo, m.to);
    o.insert(kKind, receiptKindName(m.kind));
    o.insert(kMids, toArray(m.mids));
    o.insert(kSig, m.sig);
    return toBytes(o);
}

QByteArray encode(const FileRequest &m)
{
    JsonWriter w(64 + m.data.size());
    w.string(kData, m.data).string(kOp, m.op).string(kTid, m.tid).string(kTo, m.to).string(kType, u"file");
    return w.take();
}

QByteArray encode(const FileFrame &m)
{
    JsonWriter w(64 + m.data.size());
    w.string(kData, m.data).string(kFrom, m.from).string(kOp, m.op).string(kTid, m.tid).string(kType, u"file");
    return w.take();
}

QByteArray encode(const RoomRequest &m)
{
    QJsonObject o = typed("room"_L1);
    o.insert(kOp, m.op);
    insertIfSet(o, kRoom, m.room);
    if (m.op == u"topic")
        o.insert(kTopic, m.topic); // "" clears it
    else
        insertIfSet(o, kTopic, m.topic);
    if (m.inviteOnly)
        o.insert(kInviteOnly, true);
    insertIfSet(o, kPeer, m.peer);
    insertIfSet(o, kMid, m.mid);
    insertIfSet(o, kE2e, m.e2e);
    insertIfSet(o, kData, m.data);
    return toBytes(o);
}

QByteArray encode(const RoomEvent &m)
{
    QJsonObject o = typed("room"_L1);
    o.insert(kOp, m.op);
    insertIfSet(o, kRoom, m.room);
    insertIfSet(o, kFrom, m.from);
    insertIfSet(o, kPeer, m.peer);
    insertIfSet(o, kMid, m.mid);
    insertIfSet(o, kE2e, m.e2e);
    insertIfSet(o, kData, m.data);
    insertIfSet(o, kReason, m.reason);
    if (m.op == u"joined" || m.op == u"topic")
        o.insert(kTopic, m.topic);
    if (m.op == u"joined") {
        o.insert(kInviteOnly, m.inviteOnly);
        o.insert(kCreator, m.creator);
        o.insert(kManagers, toArray(m.managers));
    }
    if (m.op == u"joined" || m.op == u"members") {
        QJsonArray members;
        for (const RoomMember &member : m.members)
            members.append(QJsonObject { { kId, member.id }, { kOnline, member.online } });
        o.insert(kMembers, members);
    }
    if (m.op == u"rooms") {
        QJsonArray rooms;
        for (const RoomSummary &s : m.rooms)
            rooms.append(QJsonObject { { kRoom, s.room },
                                       { kTopic, s.topic },
                                       { kInviteOnly, s.inviteOnly },
                                       { kMembers, s.members },
                                       { kMember, s.member },
                                       { kInvited, s.invited } });
        o.insert(kRooms, rooms);
    }
    if (m.ts > 0)
        o.insert(kTs, m.ts);
    return toBytes(o);
}

QByteArray encode(const ConnectRequest &m)
{
    QJsonObject o = m.extra;
    o.insert(kType, QStringLiteral("connect_to_peer"));
    o.insert(kPeer, m.peer);
    if (!m.listen.isEmpty())
        o.insert(kListen, toArray(m.listen));
    return toBytes(o);
}

QByteArray encode(const ConnectAnswer &m)
{
    QJsonObject o = typed(m.accept ? "connect_accept"_L1 : "connect_decline"_L1);
    o.insert(kPeer, m.peer);
    o.insert(kLink, m.link);
    if (!m.listen.isEmpty())
        o.insert(kListen, toArray(m.listen));
    insertIfSet(o, kReason, m.reason);
    return toBytes(o);
}

QByteArray encode(const LeaveRequest &)
{
    return toBytes(typed("leave"_L1));
}

QByteArray encode(const ClientEnvelope &m)
{
    return std::visit([](const auto &v) { return encode(v); }, m);
}

QByteArray encodePeerEntry(const PeerInfo &p)
{
    JsonWriter po(24 + p.id.size() + p.name.size() + (p.key.isEmpty() ? 0 : 220));
    if (p.host)
        po.boolean(kHost, true);
    po.string(kId, p.id).optionalString(kKey, p.key).optionalString(kName, p.name);
    po.optionalString(kPrekey, p.prekey).optionalString(kPrekeySig, p.prekeySig);
    return po.take();
}

QByteArray encodeLimits(const HubLimits &limits)
{
    // Keys in alphabetical order, numbers as QJsonDocument writes them (integers without a fraction).
    const auto number = [](double v) { return QByteArray::number(v, 'g', 15); };
    QByteArray out;
    out.reserve(132);
    out.append(limits.binaryFiles ? "{\"binary_files\":1," : "{");
    out.append("\"burst\":").append(number(limits.messageBurst));
    out.append(",\"byte_burst\":").append(number(limits.byteBurst));
    out.append(",\"byte_rate\":").append(number(limits.bytesPerSecond));
    if (limits.fileBytesPerSecond > 0)
        out.append(",\"file_rate\":").append(number(limits.fileBytesPerSecond));
    out.append(",\"max_message_bytes\":").append(QByteArray::number(limits.maxMessageBytes));
    out.append(",\"rate\":").append(number(limits.messagesPerSecond));
    if (limits.maxRooms > 0)
        out.append(",\"rooms\":").append(number(limits.maxRooms));
    out.append('}');
    return out;
}

QByteArray encodeWelcome(const Welcome &m, const QByteArray &peersArray)
{
    JsonWriter w(96 + peersArray.size());
    w.string(kHub, m.hub).string(kId, m.id);
    if (!m.limits.isEmpty())
        w.raw(kLimits, encodeLimits(m.limits));
    w.raw(kPeers, peersArray).optionalString(kResume, m.resume);
    w.string(kType, u"welcome").string(kVersion, m.version);
    return w.take();
}

QByteArray encode(const Welcome &m)
{
    // Written directly like the messages below: a welcome lists every peer, so in a crowd of joins its cost adds
    // up to the square of the crowd. Keys in alphabetical order, as QJsonDocument writes them.
    QByteArray peers;
    peers.reserve(2 + m.peers.size() * 24);
    peers.append('[');
    for (qsizetype i = 0; i < m.peers.size(); ++i) {
        if (i > 0)
            peers.append(',');
        peers.append(encodePeerEntry(m.peers.at(i)));
    }
    peers.append(']');
    return encodeWelcome(m, peers);
}

// The messages the hub sends most are written directly (JsonWriter), keys in alphabetical order like
// QJsonDocument, so the bytes are the same.
QByteArray encode(const PeerConnected &m)
{
    JsonWriter w(48 + m.id.size() + m.name.size() + (m.key.isEmpty() ? 0 : 220));
    if (m.host)
        w.boolean(kHost, true);
    w.string(kId, m.id).optionalString(kKey, m.key).optionalString(kName, m.name);
    w.optionalString(kPrekey, m.prekey).optionalString(kPrekeySig, m.prekeySig).string(kType, u"peer_connect");
    return w.take();
}

QByteArray encode(const Challenge &m)
{
    return JsonWriter(128).string(kHub, m.hub).string(kNonce, m.nonce).string(kType, u"challenge").take();
}

QByteArray encode(const PeerUpdate &m)
{
    JsonWriter w(260 + m.id.size());
    w.string(kId, m.id).string(kKey, m.key).string(kPrekey, m.prekey).string(kPrekeySig, m.prekeySig);
    return w.string(kType, u"peer_update").take();
}

QByteArray encode(const PeerDisconnected &m)
{
    return JsonWriter(48 + m.id.size()).string(kId, m.id).string(kType, u"peer_disconnect").take();
}

QByteArray encode(const ChatMessage &m)
{
    // e2e and sig are written only when present: a plain message costs what it did.
    JsonWriter w(80 + m.from.size() + m.text.size() * 3 + m.to.size() + m.mid.size() + m.e2e.size() + m.sig.size());
    w.optionalString(kE2e, m.e2e).string(kFrom, m.from).optionalString(kMid, m.mid);
    if (m.seq > 0) {
        if (m.run > 0)
            w.integer(kRun, m.run);
        w.integer(kSeq, m.seq);
    }
    w.optionalString(kSig, m.sig).string(kText, m.text).optionalString(kTo, m.to);
    w.integer(kTs, m.ts).string(kType, u"message");
    return w.take();
}

QByteArray encode(const Ack &m)
{
    return JsonWriter(32 + m.mid.size()).string(kMid, m.mid).string(kType, u"ack").take();
}

QByteArray encode(const Stored &m)
{
    return JsonWriter(32 + m.mid.size()).string(kMid, m.mid).string(kType, u"stored").take();
}

QByteArray encode(const Receipt &m)
{
    QJsonObject o = typed("receipt"_L1);
    o.insert(kFrom, m.from);
    o.insert(kTo, m.to);
    o.insert(kKind, receiptKindName(m.kind));
    o.insert(kMids, toArray(m.mids));
    o.insert(kSig, m.sig);
    o.insert(kTs, m.ts);
    return toBytes(o);
}

QString receiptKindName(ReceiptKind kind)
{
    return kind == ReceiptKind::Read ? u"read"_s : u"delivered"_s;
}

QByteArray encode(const ConnectOffer &m)
{
    QJsonObject o = m.extra;
    o.insert(kType, QStringLiteral("connect_to_peer"));
    o.insert(kFrom, m.from);
    insertIfSet(o, kLink, m.link);
    insertIfSet(o, kSecret, m.secret);
    if (!m.addrs.isEmpty())
        o.insert(kAddrs, toArray(m.addrs));
    insertIfSet(o, kObserved, m.observed);
    return toBytes(o);
}

QByteArray encode(const ConnectAccepted &m)
{
    QJsonObject o = typed("connect_accept"_L1);
    o.insert(kFrom, m.from);
    o.insert(kLink, m.link);
    o.insert(kSecret, m.secret);
    o.insert(kAddrs, toArray(m.addrs));
    insertIfSet(o, kObserved, m.observed);
    return toBytes(o);
}

QByteArray encode(const ErrorReply &m)
{
    QJsonObject o = typed("error"_L1);
    o.insert(kCode, m.code);
    o.insert(kMessage, m.message);
    insertIfSet(o, kRef, m.ref);
    return toBytes(o);
}

QByteArray encode(const HubEnvelope &m)
{
    return std::visit([](const auto &v) { return encode(v); }, m);
}

ErrorReply makeError(ErrorCode code, const QString &message, const QString &ref)
{
    return ErrorReply { errorCodeName(code), message, ref };
}

QString typeName(const ClientEnvelope &m)
{
    if (const auto *a = std::get_if<ConnectAnswer>(&m))
        return a->accept ? u"connect_accept"_s : u"connect_decline"_s;
    static const QString names[] = { u"join"_s, u"message"_s, u"connect_to_peer"_s, u"leave"_s, QString(),
                                     u"receipt"_s, u"file"_s, u"room"_s };
    return names[m.index()];
}

QString typeName(const HubEnvelope &m)
{
    static const QString names[] = { u"welcome"_s, u"peer_connect"_s,     u"peer_disconnect"_s, u"message"_s,
                                     u"ack"_s,     u"connect_to_peer"_s, u"error"_s,           u"connect_accept"_s,
                                     u"challenge"_s, u"peer_update"_s, u"stored"_s, u"receipt"_s, u"file"_s,
                                     u"room"_s };
    return names[m.index()];
}

} // namespace PeerLink
