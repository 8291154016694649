#pragma once

#include "errorcode.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <variant>

namespace PeerLink {

/// The protocol version string a hub announces in `welcome`.
inline const QString ProtocolVersion = QStringLiteral("peerlink/1");

/// A joined peer as others see it.
struct PeerInfo
{
    QString id;
    QString name;
    /// This peer hosts the hub (an addition to the core protocol: `"host": true`).
    bool host = false;
    /// Additions (identities): the peer's Ed25519 key, its X25519 prekey for this connection and the key's signature
    /// of it (`key`, `prekey`, `prekey_sig`, base64url); all empty for a peer that joined without an identity.
    QString key {};
    QString prekey {};
    QString prekeySig {};
    friend bool operator==(const PeerInfo &a, const PeerInfo &b)
    {
        return a.id == b.id && a.name == b.name && a.host == b.host && a.key == b.key && a.prekey == b.prekey
            && a.prekeySig == b.prekeySig;
    }
};

// ---- Client to hub -------------------------------------------------------------------------------------------

/// `join`: the first object on a connection.
struct JoinRequest
{
    QString id;
    QString name;
    QString password;
    QString resume;
    QString client;
    /// Additions (identities; `{}` so that initialisations listing only the older fields stay warning-free),
    /// base64url without padding: the Ed25519 key (32 bytes), this connection's X25519
    /// prekey (32), the key's signature of the prekey (`prekey_sig`, 64), all three or none; and the proof (`sig`,
    /// 64) answering the hub's `challenge`, only with a key.
    QString key {};
    QString prekey {};
    QString prekeySig {};
    QString sig {};
    /// Addition (issue 15): the client takes file chunks in binary frames (`binary_files`: true; docs/protocol.md,
    /// "Files").
    bool binaryFiles = false;
};

/// `message`: to everyone (empty `to`) or to one peer.
struct MessageRequest
{
    QString text;
    QString to;
    QString mid;
    /// Additions, passed on untouched by the hub: the end-to-end envelope (`text` is then "") and the sender's
    /// signature of a broadcast (base64url of 64 bytes).
    QString e2e {};
    QString sig {};
    /// Additions (issue 14), passed on untouched: the message's place in its sender's stream to this recipient
    /// (`seq`, from 1) within one run of the sender's client (`run`, an id that grows from run to run: the
    /// client's start time in ms). 0: not numbered (a broadcast, or an older client).
    qint64 seq = 0;
    qint64 run = 0;
};

/// What a receipt says of the messages it names.
enum class ReceiptKind {
    Delivered, ///< the recipient's client has them
    Read,      ///< they were shown to the recipient's user (implies delivered)
};

/// `receipt` (addition, issue 14), client to hub: the messages @p mids that `to` sent us were delivered or read.
/// Signed with the sender's identity key (`sig`: framed("peerlink-receipt-1", from, to, kind, mid…)), so the
/// hub, which passes it on, cannot forge one. Only from a peer that joined with a key.
struct ReceiptRequest
{
    QString to;
    ReceiptKind kind = ReceiptKind::Delivered;
    QStringList mids;
    QString sig;
};

/// `connect_to_peer`: ask the hub to introduce this peer to `peer`. `listen` (an addition) lists the endpoints
/// ("ip:port", "[ipv6]:port") where this peer accepts direct links; `extra` carries any other field.
struct ConnectRequest
{
    QString peer;
    QJsonObject extra;
    QStringList listen;
};

/// `connect_accept` / `connect_decline` (additions): the target's answer to an introduction `link` from `peer`.
struct ConnectAnswer
{
    QString peer;
    QString link;
    bool accept = false;
    QStringList listen;
    QString reason;
};

/// `leave`: leave cleanly.
struct LeaveRequest
{
};

/// `file` (addition, issue 15), client to hub: one frame of the file transfer `tid` to `to`. The hub reads only `to`,
/// `tid` and `op` (it bounds `chunk` frames by its file relay settings) and passes `data` on untouched: chunks are
/// sealed end to end, control frames sealed to the recipient's prekey (see FileTransfers and docs/protocol.md).
struct FileRequest
{
    QString to;
    QString tid;
    QString op;
    QString data;
};

/// `room` (addition, issue 17), client to hub: one request about a room, named by `op`:
/// `create` (room, topic, invite_only), `join`, `leave`, `invite` (peer), `remove` (peer), `manager` (peer),
/// `topic` (topic), `close`, `list` (no room), `members`, `send` (mid, e2e: a message sealed with the sender's room
/// key, passed on untouched) and `key` (peer, data: the sender's room key sealed to that peer, passed on untouched).
/// The decoder checks the fields each op needs; see docs/protocol.md, "Rooms".
struct RoomRequest
{
    QString op;
    QString room {};
    QString topic {};
    bool inviteOnly = false;
    QString peer {};
    QString mid {};
    QString e2e {};
    QString data {};
};

using ClientEnvelope = std::variant<JoinRequest, MessageRequest, ConnectRequest, LeaveRequest, ConnectAnswer,
                                    ReceiptRequest, FileRequest, RoomRequest>;

// ---- Hub to client -------------------------------------------------------------------------------------------

/// The limits a hub enforces that a client must respect (an addition to `welcome`: `limits`). 0 = not announced
/// (or no limit): a client then keeps its own defaults.
struct HubLimits
{
    /// Largest message the hub accepts, in bytes of UTF-8 JSON (`max_message_bytes`).
    qint64 maxMessageBytes = 0;
    /// Messages per second and burst (`rate`, `burst`); bytes per second and burst (`byte_rate`, `byte_burst`).
    double messagesPerSecond = 0;
    double messageBurst = 0;
    double bytesPerSecond = 0;
    double byteBurst = 0;
    /// Addition (issue 15): bytes per second of relayed file chunks per peer (`file_rate`), when the hub bounds them
    /// below its byte rate.
    double fileBytesPerSecond = 0;
    /// Addition (issue 17): the hub keeps rooms, at most this many (`rooms`); 0: it has none (an older hub).
    double maxRooms = 0;
    /// Addition (issue 15): the hub relays file chunks in binary frames (`binary_files`: 1).
    bool binaryFiles = false;

    bool isEmpty() const
    {
        return maxMessageBytes <= 0 && messagesPerSecond <= 0 && messageBurst <= 0 && bytesPerSecond <= 0
            && byteBurst <= 0 && fileBytesPerSecond <= 0 && maxRooms <= 0 && !binaryFiles;
    }
    friend bool operator==(const HubLimits &a, const HubLimits &b)
    {
        return a.maxMessageBytes == b.maxMessageBytes && a.messagesPerSecond == b.messagesPerSecond
            && a.messageBurst == b.messageBurst && a.bytesPerSecond == b.bytesPerSecond && a.byteBurst == b.byteBurst
            && a.fileBytesPerSecond == b.fileBytesPerSecond && a.maxRooms == b.maxRooms && a.binaryFiles == b.binaryFiles;
    }
};

/// `welcome`: reply to a successful join.
struct Welcome
{
    QString id;
    QList<PeerInfo> peers;
    QString hub;
    QString version = ProtocolVersion;
    QString resume;
    /// Optional (addition): the hub's limits; empty when the hub did not send them.
    HubLimits limits;
};

/// `peer_connect`: another peer joined.
struct PeerConnected
{
    QString id;
    QString name;
    bool host = false;
    /// Additions (identities), as in PeerInfo.
    QString key {};
    QString prekey {};
    QString prekeySig {};
};

/// `challenge` (addition): the hub's answer to a join with a `key` and no `sig`: its own id and a nonce for this
/// connection, used once (base64url of 32 bytes each). The join is sent again with `sig`.
struct Challenge
{
    QString hub;
    QString nonce;
};

/// `peer_update` (addition): a peer with an identity resumed with a new prekey (sent to peers with a key).
struct PeerUpdate
{
    QString id;
    QString key {};
    QString prekey {};
    QString prekeySig {};
};

/// `peer_disconnect`: another peer left.
struct PeerDisconnected
{
    QString id;
};

/// `message` as delivered by the hub (or over a direct link).
struct ChatMessage
{
    QString from;
    QString text;
    QString to;
    QString mid;
    qint64 ts = 0;
    /// Additions on the wire (passed on by the hub untouched): the end-to-end envelope and a broadcast's signature.
    QString e2e {};
    QString sig {};
    /// Additions (issue 14), as in MessageRequest.
    qint64 seq = 0;
    qint64 run = 0;
    /// Never on the wire; filled by the client when it delivers the message: it came end-to-end encrypted and
    /// opened; a broadcast whose signature verified against the sender's known key.
    bool encrypted = false;
    bool signedByKey = false;
};

/// `ack`: the hub accepted and handed on the message with this mid.
struct Ack
{
    QString mid;
};

/// `stored` (addition): the hub kept the end-to-end message with this mid for its absent recipient (its mailbox), to
/// hand on when the recipient joins again. Sent instead of `ack`, only for a message that carried `e2e`.
struct Stored
{
    QString mid;
};

/// `receipt` (addition, issue 14), hub to client: `from` says the messages @p mids we sent it were delivered or
/// read; `ts` is when the hub passed it on. The client checks `sig` against `from`'s key before it believes it.
struct Receipt
{
    QString from;
    QString to;
    ReceiptKind kind = ReceiptKind::Delivered;
    QStringList mids;
    QString sig;
    qint64 ts = 0;
};

/// `connect_to_peer` from the hub: `from` asks to connect. The direct-link fields (additions): the introduction's
/// `link` id and one-time `secret`, the initiator's `addrs` and the address the hub sees it at (`observed`).
struct ConnectOffer
{
    QString from;
    QJsonObject extra;
    QString link;
    QString secret;
    QStringList addrs;
    QString observed;
};

/// `connect_accept` from the hub (addition): `from` accepted our introduction `link`; where to reach it, and the
/// one-time secret to authenticate the link with.
struct ConnectAccepted
{
    QString from;
    QString link;
    QString secret;
    QStringList addrs;
    QString observed;
};

/// `error`: a request failed. The code is kept as text so that codes from newer hubs survive.
struct ErrorReply
{
    QString code;
    QString message;
    QString ref;
};

/// `file` (addition, issue 15), hub to client: a frame of transfer `tid` from `from`, as FileRequest.
struct FileFrame
{
    QString from;
    QString tid;
    QString op;
    QString data;
};

/// A member of a room as the hub lists it: its id and whether it is joined to the hub now.
struct RoomMember
{
    QString id;
    bool online = false;
    friend bool operator==(const RoomMember &a, const RoomMember &b) { return a.id == b.id && a.online == b.online; }
};

/// A room in the answer to `list`: what a peer may see of it.
struct RoomSummary
{
    QString room;
    QString topic;
    bool inviteOnly = false;
    int members = 0;
    bool member = false;  ///< the asking peer is a member
    bool invited = false; ///< the asking peer is invited
    friend bool operator==(const RoomSummary &a, const RoomSummary &b)
    {
        return a.room == b.room && a.topic == b.topic && a.inviteOnly == b.inviteOnly && a.members == b.members
            && a.member == b.member && a.invited == b.invited;
    }
};

/// `room` (addition, issue 17), hub to client: an event of a room, named by `op`: `joined` (you are a member: topic,
/// invite_only, creator, managers, members), `left` (you are not any more: reason), `member_joined` / `member_left`
/// (peer, reason), `invited` (from), `topic` (from, topic), `manager` (peer), `rooms` (the answer to list), `members`
/// (the answer to members), `message` (from, mid, e2e, ts) and `key` (from, data). Sent only to a peer that sent
/// `room` requests itself (a version-1 client never sees one).
struct RoomEvent
{
    QString op;
    QString room {};
    QString from {};
    QString peer {};
    QString topic {};
    bool inviteOnly = false;
    QString creator {};
    QStringList managers {};
    QList<RoomMember> members {};
    QList<RoomSummary> rooms {};
    QString mid {};
    QString e2e {};
    QString data {};
    QString reason {};
    qint64 ts = 0;
};

using HubEnvelope = std::variant<Welcome, PeerConnected, PeerDisconnected, ChatMessage, Ack, ConnectOffer,
                                 ErrorReply, ConnectAccepted, Challenge, PeerUpdate, Stored, Receipt, FileFrame,
                                 RoomEvent>;

// ---- Decoding ------------------------------------------------------------------------------------------------

/// Why an object was refused: the error code to answer with, a readable message, and the `ref` to echo.
struct DecodeError
{
    ErrorCode code = ErrorCode::BadMessage;
    QString message;
    QString ref;
};

/// Either a decoded envelope or the reason it was refused.
template<typename Envelope>
struct Decoded
{
    std::variant<Envelope, DecodeError> value;

    bool ok() const { return value.index() == 0; }
    const Envelope &envelope() const { return std::get<0>(value); }
    const DecodeError &error() const { return std::get<1>(value); }
};

/// Parses and validates one client-to-hub text frame (UTF-8 JSON), strictly: types, ids, lengths.
Decoded<ClientEnvelope> decodeClientMessage(const QByteArray &utf8);

/// Parses and validates one hub-to-client text frame.
Decoded<HubEnvelope> decodeHubMessage(const QByteArray &utf8);

// ---- Encoding (compact JSON, UTF-8) ---------------------------------------------------------------------------

QByteArray encode(const JoinRequest &m);
QByteArray encode(const MessageRequest &m);
QByteArray encode(const ConnectRequest &m);
QByteArray encode(const LeaveRequest &m);
QByteArray encode(const ConnectAnswer &m);
QByteArray encode(const ReceiptRequest &m);
QByteArray encode(const FileRequest &m);
QByteArray encode(const RoomRequest &m);
QByteArray encode(const ClientEnvelope &m);

QByteArray encode(const Welcome &m);
/// The parts of a welcome, for a hub that keeps each peer's entry ready: one entry of `peers` (a JSON object), and
/// the welcome around a ready `peers` array (@p m's own list is not used). encode(Welcome) is made of these.
QByteArray encodePeerEntry(const PeerInfo &p);
QByteArray encodeWelcome(const Welcome &m, const QByteArray &peersArray);
/// The `limits` object of a welcome (compact JSON), for a hub that writes it once.
QByteArray encodeLimits(const HubLimits &limits);
QByteArray encode(const PeerConnected &m);
QByteArray encode(const PeerDisconnected &m);
QByteArray encode(const ChatMessage &m);
QByteArray encode(const Ack &m);
QByteArray encode(const Stored &m);
QByteArray encode(const ConnectOffer &m);
QByteArray encode(const ErrorReply &m);
QByteArray encode(const ConnectAccepted &m);
QByteArray encode(const Challenge &m);
QByteArray encode(const PeerUpdate &m);
QByteArray encode(const Receipt &m);
QByteArray encode(const FileFrame &m);
QByteArray encode(const RoomEvent &m);
QByteArray encode(const HubEnvelope &m);

/// The wire name of a receipt kind ("delivered", "read").
QString receiptKindName(ReceiptKind kind);

/// An `error` object for a contract error code.
ErrorReply makeError(ErrorCode code, const QString &message, const QString &ref = QString());

/// The `type` name of an envelope ("join", "welcome", ...).
QString typeName(const ClientEnvelope &m);
QString typeName(const HubEnvelope &m);

} // namespace PeerLink
