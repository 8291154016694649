#include "socketio.h"

#include "jsonwriter.h"
#include "messagescan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace PeerLink::SocketIo {

using namespace Qt::StringLiterals;

std::optional<EnginePacket> parseEnginePacket(QByteArrayView packet, bool *binary)
{
    if (binary)
        *binary = false;
    if (packet.isEmpty())
        return std::nullopt;
    const char t = packet.front();
    if (t == 'b') {
        if (binary)
            *binary = true;
        return std::nullopt;
    }
    if (t < '0' || t > '6')
        return std::nullopt;
    return EnginePacket { EngineType(t), packet.sliced(1) };
}

QList<QByteArrayView> splitPayload(QByteArrayView body)
{
    QList<QByteArrayView> packets;
    qsizetype start = 0;
    while (start <= body.size() && !body.isEmpty()) {
        const qsizetype end = body.indexOf(RecordSeparator, start);
        if (end < 0) {
            packets.append(body.sliced(start));
            break;
        }
        packets.append(body.sliced(start, end - start));
        start = end + 1;
    }
    return packets;
}

std::optional<Packet> parsePacket(QByteArrayView bytes, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<Packet> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (bytes.isEmpty())
        return fail(u"empty socket.io packet"_s);
    const char t = bytes.front();
    if (t < '0' || t > '6')
        return fail(u"unknown socket.io packet type"_s);
    Packet p;
    p.type = PacketType(t - '0');
    qsizetype i = 1;
    const qsizetype n = bytes.size();
    if (p.type == PacketType::BinaryEvent || p.type == PacketType::BinaryAck) {
        // <attachments>-
        qsizetype digits = 0;
        int count = 0;
        while (i < n && bytes[i] >= '0' && bytes[i] <= '9' && digits < 6) {
            count = count * 10 + (bytes[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || i >= n || bytes[i] != '-')
            return fail(u"binary socket.io packet without its attachment count"_s);
        p.attachments = count;
        ++i;
    }
    if (i < n && bytes[i] == '/') {
        const qsizetype comma = bytes.indexOf(',', i);
        if (comma < 0) {
            // A namespace may end the packet ("1/chat" has no comma in some writers): take the rest.
            if (bytes.sliced(i).contains('[') || bytes.sliced(i).contains('{'))
                return fail(u"socket.io namespace without its comma"_s);
            p.nsp = bytes.sliced(i).toByteArray();
            i = n;
        } else {
            p.nsp = bytes.sliced(i, comma - i).toByteArray();
            i = comma + 1;
        }
        if (p.nsp.size() > 256)
            return fail(u"socket.io namespace too long"_s);
    }
    qsizetype digits = 0;
    qint64 id = 0;
    while (i < n && bytes[i] >= '0' && bytes[i] <= '9') {
        if (++digits > 15)
            return fail(u"socket.io acknowledgement id too long"_s);
        id = id * 10 + (bytes[i] - '0');
        ++i;
    }
    if (digits > 0)
        p.ackId = id;
    p.data = bytes.sliced(i);
    return p;
}

std::optional<Event> parseEvent(QByteArrayView json, ErrorCode *code, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *code = ErrorCode::BadJson;
        *error = u"The event is not valid JSON: %1."_s.arg(parseError.errorString());
        return std::nullopt;
    }
    const QJsonArray array = doc.array();
    if (!doc.isArray() || array.isEmpty() || !array.first().isString()) {
        *code = ErrorCode::BadMessage;
        *error = u"An event is a JSON array starting with the event's name."_s;
        return std::nullopt;
    }
    Event e;
    e.name = array.first().toString();
    e.arg = array.size() > 1 ? array.at(1) : QJsonValue(QJsonValue::Undefined);
    e.extraArgs = int(std::max<qsizetype>(0, array.size() - 2));
    return e;
}

namespace {

Inbound refused(ErrorCode code, const QString &why)
{
    Inbound in;
    in.code = code;
    in.error = why;
    return in;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

Inbound toNative(const Event &event, const QString &madeUpMid)
{
    const QString &name = event.name;
    const QJsonValue &arg = event.arg;
    if (name.isEmpty() || name.size() > 64)
        return refused(ErrorCode::BadMessage, u"An event's name is 1 to 64 characters."_s);
    Inbound in;
    if (name == "join"_L1) {
        QJsonObject o;
        if (arg.isString()) {
            o.insert("id"_L1, arg);
        } else if (arg.isObject()) {
            o = arg.toObject();
        } else {
            return refused(ErrorCode::BadMessage, u"join takes {id} or the id as a string."_s);
        }
        o.insert("type"_L1, name);
        in.native = compact(o);
        return in;
    }
    if (name == "message"_L1) {
        if (arg.isString()) {
            JsonWriter w(arg.toString().size() + 64);
            w.optionalString("mid"_L1, madeUpMid).string("text"_L1, arg.toString()).string("type"_L1, u"message");
            in.native = w.take();
            in.mid = madeUpMid;
            return in;
        }
        if (!arg.isObject())
            return refused(ErrorCode::BadMessage, u"message takes a text or {text, to, mid}."_s);
        QJsonObject o = arg.toObject();
        const QJsonValue mid = o.value("mid"_L1);
        if (mid.isString() && !mid.toString().isEmpty()) {
            in.mid = mid.toString();
        } else if ((mid.isUndefined() || mid.isNull()) && !madeUpMid.isEmpty()) {
            o.insert("mid"_L1, madeUpMid);
            in.mid = madeUpMid;
        }
        o.insert("type"_L1, name);
        in.native = compact(o);
        return in;
    }
    if (name == "connect_to_peer"_L1) {
        QJsonObject o;
        if (arg.isString())
            o.insert("peer"_L1, arg);
        else if (arg.isObject())
            o = arg.toObject();
        else
            return refused(ErrorCode::BadMessage, u"connect_to_peer takes the peer's id or {peer}."_s);
        // A socket.io peer makes no direct links: whatever it lists, it listens nowhere.
        o.remove("listen"_L1);
        o.insert("type"_L1, name);
        in.native = compact(o);
        return in;
    }
    if (name == "leave"_L1) {
        in.native = QByteArrayLiteral("{\"type\":\"leave\"}");
        return in;
    }
    QJsonObject o = arg.isObject() ? arg.toObject() : QJsonObject();
    if (!arg.isObject() && !arg.isUndefined() && !arg.isNull())
        return refused(ErrorCode::BadMessage, u"The event %1 takes an object."_s.arg(name.left(64)));
    o.insert("type"_L1, name);
    in.native = compact(o);
    return in;
}

QByteArray plainMessageToNative(QByteArrayView eventData)
{
    constexpr QByteArrayView head("[\"message\",");
    if (!eventData.startsWith(head) || !eventData.endsWith(']') || eventData.size() < head.size() + 3)
        return QByteArray();
    const QByteArrayView arg = eventData.sliced(head.size(), eventData.size() - head.size() - 1);
    QByteArray native;
    native.reserve(arg.size() + 32);
    if (arg.front() == '{' && arg.back() == '}') {
        native.append("{\"type\":\"message\",").append(arg.sliced(1));
    } else if (arg.front() == '"' && arg.back() == '"') {
        native.append("{\"type\":\"message\",\"text\":").append(arg).append('}');
    } else {
        return QByteArray();
    }
    // Only what the hub's own fast path reads as a plain message (type, text, to, mid, each once): a second `type`,
    // a trailing argument or anything unusual goes the full way.
    return scanPlainMessage(native) ? native : QByteArray();
}

namespace {

/// Finds the top-level `type` member of @p json (the hub wrote it: valid JSON, only strings and nesting need to be
/// followed): its value, and where the member starts (its key's quote) and ends (after its value's quote).
QByteArray findTopLevelType(QByteArrayView json, qsizetype *memberStart, qsizetype *memberEnd)
{
    const qsizetype n = json.size();
    int depth = 0;
    bool expectKey = false;
    for (qsizetype i = 0; i < n; ++i) {
        const char c = json[i];
        if (c == '"') {
            const qsizetype start = i + 1;
            ++i;
            while (i < n && json[i] != '"') {
                if (json[i] == '\\')
                    ++i;
                ++i;
            }
            if (depth == 1 && expectKey) {
                const QByteArrayView key = json.sliced(start, std::min(i, n) - start);
                if (key == "type" && i + 2 < n && json[i + 1] == ':' && json[i + 2] == '"') {
                    const qsizetype vStart = i + 3;
                    qsizetype j = vStart;
                    while (j < n && json[j] != '"') {
                        if (json[j] == '\\')
                            return QByteArray(); // the hub's types need no escapes
                        ++j;
                    }
                    if (memberStart)
                        *memberStart = start - 1;
                    if (memberEnd)
                        *memberEnd = std::min(j + 1, n);
                    return json.sliced(vStart, std::min(j, n) - vStart).toByteArray();
                }
                expectKey = false;
            }
            continue;
        }
        switch (c) {
        case '{':
            ++depth;
            expectKey = depth == 1;
            break;
        case '[':
            ++depth;
            break;
        case '}':
        case ']':
            --depth;
            break;
        case ',':
            expectKey = depth == 1;
            break;
        default:
            break;
        }
    }
    return QByteArray();
}

/// @p json without its top-level `type` member (and the comma that went with it).
QByteArray withoutType(QByteArrayView json)
{
    qsizetype start = -1;
    qsizetype end = -1;
    if (findTopLevelType(json, &start, &end).isEmpty() || start < 0)
        return json.toByteArray();
    if (end < json.size() && json[end] == ',') {
        ++end; // a member follows: its comma goes
    } else {
        qsizetype comma = start - 1;
        while (comma > 0 && (json[comma] == ' ' || json[comma] == '\n' || json[comma] == '\t' || json[comma] == '\r'))
            --comma;
        if (comma > 0 && json[comma] == ',')
            start = comma; // the last member: the comma before it goes
    }
    QByteArray out;
    out.reserve(json.size() - (end - start));
    out.append(json.first(start)).append(json.sliced(end));
    return out;
}

} // namespace

QByteArray topLevelType(QByteArrayView json)
{
    return findTopLevelType(json, nullptr, nullptr);
}

namespace {

QByteArray event(QByteArrayView type, QByteArrayView jsonArg)
{
    QByteArray out;
    out.reserve(type.size() + jsonArg.size() + 8);
    out.append("42[\"", 4).append(type).append("\",", 2).append(jsonArg).append(']');
    return out;
}

} // namespace

QByteArray eventFromNative(QByteArrayView json, QByteArrayView type)
{
    if (type == "peer_connect" || type == "peer_disconnect") {
        const QJsonObject o = QJsonDocument::fromJson(json.toByteArray()).object();
        QByteArray id;
        JsonWriter::appendString(id, o.value("id"_L1).toString());
        return event(type, id);
    }
    if (type == "connect_to_peer" || type == "connect_accept") {
        const QJsonObject o = QJsonDocument::fromJson(json.toByteArray()).object();
        JsonWriter w;
        w.string("from"_L1, o.value("from"_L1).toString());
        return event(type, w.take());
    }
    // The event's name says what `type` said: the argument is the rest of the object (the tutorial's
    // {from, text, ts}).
    return event(type, withoutType(json));
}

QByteArray ackPacket(qint64 id, QByteArrayView json)
{
    QByteArray out("43");
    out.append(QByteArray::number(id)).append('[').append(json).append(']');
    return out;
}

QByteArray connectPacket(QByteArrayView sid)
{
    QByteArray out("40{\"sid\":\"");
    out.append(sid).append("\"}");
    return out;
}

QByteArray connectErrorPacket(QByteArrayView nsp, const QString &message, QByteArrayView code)
{
    QByteArray out("44");
    if (!nsp.isEmpty() && nsp != "/")
        out.append(nsp).append(',');
    JsonWriter w;
    if (!code.isEmpty()) {
        QByteArray data("{\"code\":");
        JsonWriter::appendString(data, QString::fromUtf8(code));
        data.append('}');
        w.raw("data"_L1, data);
    }
    w.string("message"_L1, message);
    out.append(w.take());
    return out;
}

QByteArray openPacket(QByteArrayView sid, bool canUpgrade, int pingIntervalMs, int pingTimeoutMs, qint64 maxPayload)
{
    QByteArray out("0{\"sid\":\"");
    out.append(sid).append("\",\"upgrades\":").append(canUpgrade ? "[\"websocket\"]" : "[]");
    out.append(",\"pingInterval\":").append(QByteArray::number(pingIntervalMs));
    out.append(",\"pingTimeout\":").append(QByteArray::number(pingTimeoutMs));
    out.append(",\"maxPayload\":").append(QByteArray::number(maxPayload)).append('}');
    return out;
}

QByteArray engineErrorBody(EngineError error)
{
    const char *message = "";
    switch (error) {
    case EngineError::UnknownTransport:
        message = "Transport unknown";
        break;
    case EngineError::UnknownSid:
        message = "Session ID unknown";
        break;
    case EngineError::BadHandshakeMethod:
        message = "Bad handshake method";
        break;
    case EngineError::BadRequest:
        message = "Bad request";
        break;
    case EngineError::Forbidden:
        message = "Forbidden";
        break;
    case EngineError::UnsupportedProtocolVersion:
        message = "Unsupported protocol version";
        break;
    }
    return "{\"code\":" + QByteArray::number(int(error)) + ",\"message\":\"" + message + "\"}";
}

} // namespace PeerLink::SocketIo
