#pragma once

#include <QString>
#include <QStringView>

namespace PeerLink {

/// Why the hub closed a peer's connection, as the reason text of its WebSocket close frame says it. The texts are
/// fixed English (docs/protocol.md, "Close codes"), so a client can tell them apart and word them for its user.
enum class CloseReason {
    Unknown,          ///< another text (another hub, a proxy, the network)
    Left,             ///< "left": after the peer's `leave`
    Resumed,          ///< "resumed on a new connection"
    HubShuttingDown,  ///< "hub shutting down"
    HeartbeatTimeout, ///< "heartbeat timeout"
    Kicked,           ///< "kicked by the hub", or "kicked by the hub: REASON"
    Banned,           ///< "banned", after an `error` banned
    TooManyInvalid,   ///< "too many invalid messages"
    NotReading,       ///< "not reading (...)"
    Refused,          ///< an error code name ("auth_failed", "hub_full", "too_large", "not_joined", "banned"...),
                      ///< after an `error` with that code
};

/// The reason of a close frame the hub sent, and its detail (the kick's reason, or the error code's name).
struct ParsedCloseReason
{
    CloseReason reason = CloseReason::Unknown;
    QString detail;
};

/// Reads the reason text of a close frame from a PeerLink hub.
ParsedCloseReason parseCloseReason(QStringView text);

} // namespace PeerLink
