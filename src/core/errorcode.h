#pragma once

#include <QString>

#include <optional>

namespace PeerLink {

/// The error codes of the protocol contract; each maps to one wire name such as "bad_json".
enum class ErrorCode {
    BadJson,
    BadMessage,
    UnknownType,
    NotJoined,
    AlreadyJoined,
    InvalidId,
    IdTaken,
    AuthFailed,
    PeerUnavailable,
    TooLarge,
    RateLimited,
    HubFull,
    Banned,
    /// Additions beyond the contract: the target declined an introduction; an introduction is unknown or expired.
    ConnectDeclined,
    UnknownLink,
    /// Additions (identities): the hub wants a join with a key; the id is bound to another key (or the join has
    /// none); the join's proof (signature, nonce) or prekey signature does not verify.
    IdentityRequired,
    IdBound,
    BadProof,
    /// Additions (store-and-forward): the mailbox of the absent recipient (or the hub's) is full; a stored message
    /// expired before its recipient came back.
    MailboxFull,
    Expired,
    /// Addition (files): the hub does not relay file chunks (setting `relay-files`).
    FileRelayRefused,
    /// Additions (rooms, issue 17): no such room (or not one this peer may see); a room by that name exists; the
    /// peer may not do that in the room (not a member, not its creator or a manager, not invited, no identity);
    /// the hub has its most rooms; the peer is in its most rooms; the room has its most members.
    RoomUnknown,
    RoomExists,
    RoomDenied,
    RoomsFull,
    RoomLimit,
    RoomFull,
    /// Addition (cluster, issue 19): what was asked needs the hubs' shared Redis, which this hub cannot reach now
    /// (a join, a message to a peer of another hub, a broadcast); nothing of it was delivered elsewhere.
    ClusterUnavailable,
};

/// The wire name of @p code ("bad_json", ...).
QString errorCodeName(ErrorCode code);

/// The code for a wire name, or nothing for a name this version does not know.
std::optional<ErrorCode> errorCodeFromName(QStringView name);

/// Every code, in declaration order (for tests and documentation tables).
QList<ErrorCode> allErrorCodes();

} // namespace PeerLink
