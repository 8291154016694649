#pragma once

#include <QMetaType>

namespace PeerLink {

/// Why a joined peer left the hub, as the hub's signals say it. The hub's own log and wire texts are English; what a
/// user reads (the app's hub panel, notifications) is worded by the app from this value through tr().
enum class LeaveReason {
    Left,             ///< sent `leave`
    Closed,           ///< closed its WebSocket (close handshake) or the hub could not tell why
    ConnectionLost,   ///< its connection dropped and it did not resume within the grace
    Kicked,           ///< the host kicked it (a detail may say why)
    Banned,           ///< banned by the host, the ban list, or its address
    HeartbeatTimeout, ///< no pong in time
    TooManyInvalid,   ///< spent its budget of invalid messages
    NotReading,       ///< stopped reading: its queued bytes passed the limit
    TooLarge,         ///< sent a message over the limit
    Refused,          ///< refused at join (hub full, password, ...) after it had been counted
    HubShuttingDown,  ///< the hub closed
};

/// A problem of the hub itself (not of one peer's input): listening, TLS, accepting.
enum class HubError {
    AlreadyListening, ///< listen() while listening
    TlsUnavailable,   ///< a certificate was given but Qt has no TLS backend
    CannotListen,     ///< the address or port cannot be bound; the detail is the system's reason
    AcceptFailed,     ///< accepting a connection failed (out of descriptors, ...); the detail is the system's reason
};

} // namespace PeerLink

Q_DECLARE_METATYPE(PeerLink::LeaveReason)
Q_DECLARE_METATYPE(PeerLink::HubError)
