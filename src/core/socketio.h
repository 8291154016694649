#pragma once

#include "errorcode.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

/// Engine.IO v4 and Socket.IO v5 (issue 18): the packets a socket.io-client speaks, and the mapping of its events
/// onto PeerLink's own protocol (docs/protocol.md, "socket.io peers"). Pure functions, no sockets: table-tested and
/// fuzzed (fuzz_socketio).
namespace PeerLink::SocketIo {

/// Engine.IO's record separator between the packets of one HTTP long-polling body.
constexpr char RecordSeparator = '\x1e';

/// Engine.IO v4 packet types: the first character of a text packet.
enum class EngineType : char {
    Open = '0',
    Close = '1',
    Ping = '2',
    Pong = '3',
    Message = '4',
    Upgrade = '5',
    Noop = '6',
};

struct EnginePacket
{
    EngineType type = EngineType::Noop;
    QByteArrayView data; ///< what follows the type character (a view into the parsed bytes)
};

/// One Engine.IO text packet; nullopt for an empty packet, an unknown type, or a binary packet (`b` + base64 on
/// the polling transport: @p binary is set then).
std::optional<EnginePacket> parseEnginePacket(QByteArrayView packet, bool *binary = nullptr);
/// The packets of a polling body (split at RecordSeparator; an empty body has none).
QList<QByteArrayView> splitPayload(QByteArrayView body);

/// Socket.IO v5 packet types: the first character of an Engine.IO message.
enum class PacketType {
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

struct Packet
{
    PacketType type = PacketType::Event;
    QByteArray nsp = QByteArrayLiteral("/"); ///< the namespace
    qint64 ackId = -1;                       ///< -1: the sender wants no acknowledgement
    int attachments = 0;                     ///< binary packets only
    QByteArrayView data;                     ///< the JSON payload, not checked here (may be empty)
};

/// Parses the Socket.IO packet in an Engine.IO message; nullopt with @p error set when it is malformed (an unknown
/// type, a namespace without its comma, an attachment count without its dash, an acknowledgement id of more than 15
/// digits). Binary packets parse (the caller refuses them).
std::optional<Packet> parsePacket(QByteArrayView bytes, QString *error);

/// What a client emitted: an EVENT's data is a JSON array whose first element is the event's name.
struct Event
{
    QString name;
    QJsonValue arg;    ///< the first argument (Undefined when there is none)
    int extraArgs = 0; ///< arguments after the first, which the mapping ignores
};

/// The event in an EVENT packet's data; nullopt with @p code / @p error set (bad_json: not JSON; bad_message: not
/// an array starting with a string).
std::optional<Event> parseEvent(QByteArrayView json, ErrorCode *code, QString *error);

/// A client's event as the native request the hub reads (the mapping's table "client -> hub").
struct Inbound
{
    QByteArray native; ///< UTF-8 JSON object with its `type`; empty when refused
    QString mid;       ///< a `message`'s mid (the client's or @p madeUpMid), else empty
    ErrorCode code = ErrorCode::BadMessage;
    QString error;     ///< why it was refused (readable English)
};

/// Maps @p event: `join` (an object or the id as a string), `message` (a string or `{text, to?, mid?}`),
/// `connect_to_peer` (the id as a string or `{peer}`), `leave`, and any other name with an object argument to the
/// native object of that type. A message without a mid gets @p madeUpMid when it is not empty (the client wants an
/// answer).
Inbound toNative(const Event &event, const QString &madeUpMid = QString());

/// The fast path of toNative() for the event socket.io clients send most, a plain `message` without an
/// acknowledgement: `["message","TEXT"]` or `["message",{"text":…,"to":…,"mid":…}]` as socket.io-client writes them
/// becomes the native request by splicing bytes, when scanPlainMessage() then accepts it (so it means exactly what
/// toNative() makes of it; fuzz_socketio checks this). Empty otherwise: the caller takes the full way.
/// @p eventData must be valid UTF-8.
QByteArray plainMessageToNative(QByteArrayView eventData);

/// The value of the top-level `type` member of the hub's JSON object @p json (which the hub wrote: valid JSON),
/// or empty.
QByteArray topLevelType(QByteArrayView json);

/// What a socket.io client gets for the hub's frame @p json of type @p type: the Engine.IO message (`42[...]`)
/// emitting the event of that name. `peer_connect` and `peer_disconnect` carry the id as a string (the tutorial's
/// form), `connect_to_peer` and `connect_accept` only `{from}` (a socket.io peer makes no direct links); everything
/// else the native object without its `type` (the event's name says it).
QByteArray eventFromNative(QByteArrayView json, QByteArrayView type);

/// `43<id>[json]`: the answer to a client's acknowledgement callback (Engine.IO message prefix included).
QByteArray ackPacket(qint64 id, QByteArrayView json);
/// `40{"sid":...}`: the main namespace is connected.
QByteArray connectPacket(QByteArrayView sid);
/// `44[nsp,]{"message":...,"data":{"code":...}}`: a refused connection (socket.io-client: `connect_error`).
/// @p code may be empty (no data).
QByteArray connectErrorPacket(QByteArrayView nsp, const QString &message, QByteArrayView code);
/// Engine.IO's open packet.
QByteArray openPacket(QByteArrayView sid, bool canUpgrade, int pingIntervalMs, int pingTimeoutMs, qint64 maxPayload);

/// Engine.IO's HTTP errors: the code in the JSON body of a 400 / 403 answer.
enum class EngineError {
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
};
/// `{"code":N,"message":"..."}` with Engine.IO's own message for @p error.
QByteArray engineErrorBody(EngineError error);

} // namespace PeerLink::SocketIo
