#pragma once

#include "core/errorcode.h"
#include "core/protocol.h"

#include <QMetaType>
#include <QString>
#include <optional>

namespace PeerLink {

/// An error the hub reported (or the client found itself): the protocol code, kept as the wire name too so
/// that codes from newer hubs survive, a readable message, and the `ref` it answers (a mid, a type, a peer
/// id).
struct ClientError
{
    /// The code, when this version knows it.
    std::optional<ErrorCode> code;
    /// The code as on the wire ("id_taken", or a code this version does not know).
    QString codeName;
    QString message;
    QString ref;

    /// An error with a known code.
    static ClientError fromCode(ErrorCode code, const QString &message, const QString &ref = QString())
    {
        return ClientError { code, errorCodeName(code), message, ref };
    }
    /// An error as the hub sent it.
    static ClientError fromWire(const QString &codeName, const QString &message, const QString &ref)
    {
        return ClientError { errorCodeFromName(codeName), codeName, message, ref };
    }
    /// An error found by this client that has no protocol code (`code` is empty): see the names below.
    static ClientError local(const QString &codeName, const QString &message, const QString &ref = QString())
    {
        return ClientError { std::nullopt, codeName, message, ref };
    }
    /// True if this is @p c.
    bool is(ErrorCode c) const { return code == c; }

    /// Local codes (identities): a message that could not be opened or verified was not delivered (ref: its
    /// mid); a message to a peer whose key changed was not sent (ref: its mid), until PeerClient::trustKey().
    static constexpr QLatin1StringView E2eFailed { "e2e_failed" };
    static constexpr QLatin1StringView KeyChanged { "key_changed" };
};

} // namespace PeerLink

// Signal arguments: QSignalSpy and queued connections carry them in QVariants.
Q_DECLARE_METATYPE(PeerLink::ClientError)
Q_DECLARE_METATYPE(PeerLink::ChatMessage)
Q_DECLARE_METATYPE(PeerLink::RoomSummary)
Q_DECLARE_METATYPE(PeerLink::RoomMember)
