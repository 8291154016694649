#pragma once

#include "crypto/identity.h"

#include <QString>

#include <optional>

namespace PeerLink {

class PeerClient;

/// The identity of one profile of the app: an Ed25519 key file in the profile's folder (made on first use, owner-only)
/// and, next to it, the file of peers' keys seen first (trust on first use) and the file of the files being sent. A key
/// file that cannot be used leaves the profile without an identity and says why in words a user understands; the app
/// works on without one.
class ProfileIdentity
{
public:
    /// The profile folder of the app's own settings (QStandardPaths::AppDataLocation).
    static QString defaultFolder();

    /// Uses @p folder (made when missing); nothing is read or written until load().
    explicit ProfileIdentity(const QString &folder);

    /// Loads the key file, or creates it when there is none. False (errorText() says why) when it is refused.
    bool load();
    /// Hands the identity (or none), the known-keys file and the outgoing transfers file to @p client, before it
    /// connects. False when the known-keys file is refused (knownKeysErrorText() says why; the client keeps peers'
    /// keys in memory then).
    bool applyTo(PeerClient *client);

    QString folder() const { return m_folder; }
    QString keyFile() const;
    QString knownKeysFile() const;
    /// Files being sent, kept across runs (SenderMemory).
    QString outgoingTransfersFile() const;
    bool isValid() const { return m_identity.has_value(); }
    const std::optional<Crypto::Identity> &identity() const { return m_identity; }
    /// The own fingerprint ("12345 67890 ..."); empty without an identity.
    QString fingerprint() const;
    /// Why there is no identity, in plain (translated) words; empty when there is one or load() was not called.
    QString errorText() const { return m_errorText; }
    /// Why the known-keys file is not used, in plain words; empty when it is.
    QString knownKeysErrorText() const { return m_knownKeysErrorText; }
    /// Whether the key file was refused because others may read or write it.
    bool refusedAsShared() const { return m_refusedAsShared; }

private:
    QString m_folder;
    std::optional<Crypto::Identity> m_identity;
    QString m_errorText;
    QString m_knownKeysErrorText;
    bool m_refusedAsShared = false;
};

} // namespace PeerLink
