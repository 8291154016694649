#include "errorcode.h"

#include <QList>

#include <array>
#include <utility>

namespace PeerLink {

namespace {

constexpr std::array<std::pair<ErrorCode, const char16_t *>, 28> kNames { {
    { ErrorCode::BadJson, u"bad_json" },
    { ErrorCode::BadMessage, u"bad_message" },
    { ErrorCode::UnknownType, u"unknown_type" },
    { ErrorCode::NotJoined, u"not_joined" },
    { ErrorCode::AlreadyJoined, u"already_joined" },
    { ErrorCode::InvalidId, u"invalid_id" },
    { ErrorCode::IdTaken, u"id_taken" },
    { ErrorCode::AuthFailed, u"auth_failed" },
    { ErrorCode::PeerUnavailable, u"peer_unavailable" },
    { ErrorCode::TooLarge, u"too_large" },
    { ErrorCode::RateLimited, u"rate_limited" },
    { ErrorCode::HubFull, u"hub_full" },
    { ErrorCode::Banned, u"banned" },
    { ErrorCode::ConnectDeclined, u"connect_declined" },
    { ErrorCode::UnknownLink, u"unknown_link" },
    { ErrorCode::IdentityRequired, u"identity_required" },
    { ErrorCode::IdBound, u"id_bound" },
    { ErrorCode::BadProof, u"bad_proof" },
    { ErrorCode::MailboxFull, u"mailbox_full" },
    { ErrorCode::Expired, u"expired" },
    { ErrorCode::FileRelayRefused, u"file_relay_refused" },
    { ErrorCode::RoomUnknown, u"room_unknown" },
    { ErrorCode::RoomExists, u"room_exists" },
    { ErrorCode::RoomDenied, u"room_denied" },
    { ErrorCode::RoomsFull, u"rooms_full" },
    { ErrorCode::RoomLimit, u"room_limit" },
    { ErrorCode::RoomFull, u"room_full" },
    { ErrorCode::ClusterUnavailable, u"cluster_unavailable" },
} };

} // namespace

QString errorCodeName(ErrorCode code)
{
    for (const auto &[c, name] : kNames) {
        if (c == code)
            return QString::fromUtf16(name);
    }
    return QString();
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    for (const auto &[c, n] : kNames) {
        if (name == QStringView(n))
            return c;
    }
    return std::nullopt;
}

QList<ErrorCode> allErrorCodes()
{
    QList<ErrorCode> codes;
    for (const auto &entry : kNames)
        codes.append(entry.first);
    return codes;
}

} // namespace PeerLink
