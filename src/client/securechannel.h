#pragma once

#include "client/keystore.h"
#include "core/protocol.h"
#include "crypto/envelope.h"
#include "crypto/identity.h"

#include <QHash>
#include <QString>
#include <optional>

namespace PeerLink {

/// The end-to-end side of a client, without sockets: its identity and this connection's prekey, the keys
/// peers announced with their presence (checked, and remembered per hub on first use in a KeyStore), the
/// sessions that seal messages to a peer's current prekey and open messages sealed to ours, and broadcast
/// signatures. PeerClient asks it what to send and what to deliver.
class SecureChannel
{
public:
    /// Trust in a peer's key (mirrors PeerClient::PeerTrust).
    enum class Trust { NoKey, Trusted, Changed };

    /// Uses @p identity from the next connection on (nullopt: none, the protocol's v1 join).
    void setIdentity(const std::optional<Crypto::Identity> &identity);
    bool hasIdentity() const { return m_identity.has_value(); }
    const std::optional<Crypto::Identity> &identity() const { return m_identity; }
    /// Own fingerprint (empty without identity).
    QString fingerprint() const;
    KeyStore &keyStore() { return m_store; }

    /// A new connection to @p hub as @p selfId: a fresh prekey (the old one's secret is gone: forward
    /// secrecy), no sessions, no peers.
    void startConnection(const QString &hub, const QString &selfId);
    /// Wipes the last connection's prekey sessions (kept after startConnection() on the same hub as the same
    /// id, so that messages sealed to it while we reconnected still open).
    void forgetPreviousPrekey();
    /// This connection's prekey and its signature (empty without identity).
    QByteArray prekey() const;
    QByteArray prekeySignature() const;
    /// The join proof: the identity's signature of framed("peerlink-join-1", hub id, nonce, id, key, prekey).
    QByteArray joinSignature(QByteArrayView hubId, QByteArrayView nonce) const;
    /// The `challenge` answer for @p hubId and @p nonce as the hub sends them (base64url): joinSignature() in
    /// base64url. Nullopt without identity, or when either does not decode.
    std::optional<QString> answerChallenge(const QString &hubId, const QString &nonce) const;
    /// Adds this connection's key, prekey and signature of it (base64url) to @p join (none without identity).
    void addJoinKeys(JoinRequest &join) const;

    /// What became of a peer's announced key.
    struct Presence
    {
        /// Changed: newly (announce it); StillChanged: a known change, not trusted yet (a new prekey of it).
        enum class Kind { NoKey, Trusted, Changed, StillChanged, BadPrekey } kind = Kind::NoKey;
        QString oldFingerprint;
        QString newFingerprint;
    };
    /// @p peer is present with @p key, @p prekey, @p prekeySignature (all empty for a peer without identity).
    /// The prekey's signature is checked; a key never seen for this id on this hub is remembered, a different
    /// one makes the peer Changed (blocked) until trustKey().
    Presence peerPresent(const QString &peer, const QByteArray &key, const QByteArray &prekey,
        const QByteArray &prekeySignature);
    /// peerPresent() with the keys as the hub announces them (base64url; one that does not decode counts as
    /// none).
    Presence peerAnnounced(
        const QString &peer, const QString &key, const QString &prekey, const QString &prekeySignature);
    void peerGone(const QString &peer);
    Trust trust(const QString &peer) const;
    /// The fingerprint of @p peer's key: the one it announced, or for a peer that is away the one remembered for it
    /// on this hub; empty when none is known.
    QString peerFingerprint(const QString &peer) const;
    /// The identity key @p peer joined with now (empty when none or not present).
    QByteArray peerKey(const QString &peer) const;
    /// The key to check @p peer's signatures with: the one it announced when trusted, or for a peer that is away
    /// the one remembered for it on this hub; empty when none is known or its key changed and is not trusted.
    QByteArray knownKey(const QString &peer) const;
    /// A receipt's signature (base64url) from us to @p to; empty without identity.
    QString signReceipt(const QString &to, ReceiptKind kind, const QStringList &mids) const;
    /// Whether @p receipt (to us) carries the signature of its sender's known key.
    bool verifyReceipt(const Receipt &receipt) const;
    /// Accepts @p peer's changed key (remembered); false when it has none that changed.
    bool trustKey(const QString &peer, QString *storeError = nullptr);

    /// How a message goes out.
    struct Outbound
    {
        enum class Kind { Plain, Sealed, KeyChanged, NoPrekey, Absent } kind = Kind::Plain;
        QString e2e; // Sealed: the envelope (the text goes as ""); Absent: sealed to its identity ("2.…"), if we
                     // have one, for the hub to keep until it is back
        QString sig; // a broadcast's signature (with an identity)
    };
    /// Seals @p text for @p to (empty: a broadcast, signed instead) at the moment it is sent, to @p to's
    /// prekey of now. Absent: @p to is not present but a key is known for it (it must not go unsealed); `e2e` is
    /// then the offline envelope, sealed to that key (no forward secrecy), when this peer has an identity.
    Outbound outbound(const QString &to, const QString &mid, const QString &text);

    /// What to do with an incoming message.
    struct Inbound
    {
        enum class Kind { Deliver, Hold, Reject } kind = Kind::Deliver;
        QString text;
        bool encrypted = false;
        bool signedByKey = false;
        QString problem; // Reject: why (English, for logs; PeerClient words it for users)
    };
    /// Opens or checks a message from @p from (to this peer when @p to is not empty). Hold: from a peer whose
    /// key changed, checked against the new key, to be delivered after trustKey().
    Inbound inbound(const QString &from, const QString &to, const QString &mid, const QString &text,
        const QString &e2e, const QString &sig);

private:
    /// One present peer.
    struct Peer
    {
        QByteArray key;
        QByteArray prekey; // verified, or empty
        Trust trust = Trust::NoKey;
        std::optional<Crypto::OutgoingSession> session; // for `prekey`, made on first use
    };

    /// inbound() of an offline envelope ("2.…", sealed to our identity).
    Inbound inboundOffline(const QString &from, const QString &mid, const QString &e2e, const Peer &peer) const;

    std::optional<Crypto::Identity> m_identity;
    std::optional<Crypto::Prekey> m_prekey;
    std::optional<Crypto::IncomingSessions> m_incoming;
    std::optional<Crypto::IncomingSessions> m_previous; // the last connection's, for a moment after it
    KeyStore m_store;
    QString m_hub;
    QString m_selfId;
    QHash<QString, Peer> m_peers;
};

} // namespace PeerLink
