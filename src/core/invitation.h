#pragma once

#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace PeerLink {

/// An invitation to a hub (issue 16, part 3), as a `peerlink://` link a friend can open or scan:
///   peerlink://join?hub=ws%3A%2F%2F192.168.1.5%3A9000&hub=…&name=Our%20hub&fp=AB%3ACD…&pw=1
/// `hub` (one to 8, in order of preference) are ws:// or wss:// addresses; `fp` the SHA-256 fingerprint of the hub's
/// TLS certificate (to pin); `pw=1` says the hub wants a password, which is never in the link; `name` the hub's name.
/// Unknown fields are ignored (later versions may add some); everything else is checked strictly.
struct Invitation
{
    QList<QUrl> hubs;
    QString name;
    QString fingerprint;
    bool passwordRequired = false;

    /// Most addresses in one invitation, the longest address (as written in a URL), and the longest link accepted:
    /// enough for what toLink() writes of any invitation fromLink() accepts (each address is encoded once more
    /// inside the link), so the two always agree.
    static constexpr int MaxHubs = 8;
    static constexpr int MaxHubLength = 200;
    static constexpr int MaxLength = 8192;

    QString toLink() const;
    /// Reads @p link; nullopt with @p error (English, for the CLI and logs) when it is not a valid invitation.
    static std::optional<Invitation> fromLink(const QString &link, QString *error = nullptr);
    /// Whether @p text looks like an invitation link at all (its scheme), to tell it from a hub URL.
    static bool isLink(const QString &text);
};

} // namespace PeerLink
