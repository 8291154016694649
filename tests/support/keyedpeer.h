#pragma once
// A peer with an identity for hub tests over raw sockets (header only: a test that includes it links PeerLink::crypto).

#include "crypto/envelope.h"
#include "crypto/identity.h"
#include "rawclient.h"

#include <QJsonObject>

namespace PeerLink::Test {

inline QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(Crypto::toBase64(bytes));
}

inline QByteArray unb64(const QString &text)
{
    return Crypto::fromBase64(text.toLatin1(), nullptr);
}

/// A peer with an identity, joining the way the real client does (challenge, then proof).
struct Keyed
{
    QString id;
    Crypto::Identity identity;

    explicit Keyed(const QString &peerId)
        : id(peerId)
        , identity(Crypto::Identity::generate())
    {
    }

    /// Joins on @p client; returns the hub's last answer (welcome or error).
    QJsonObject joinOn(RawClient &client) const
    {
        using namespace Qt::StringLiterals;
        const Crypto::Prekey prekey = Crypto::Prekey::generate(identity, id);
        QJsonObject join { { u"type"_s, u"join"_s },
                           { u"id"_s, id },
                           { u"key"_s, b64(identity.publicKey()) },
                           { u"prekey"_s, b64(prekey.publicKey()) },
                           { u"prekey_sig"_s, b64(prekey.signature()) } };
        client.sendJson(join);
        const QJsonObject challenge = client.next();
        if (challenge.value("type"_L1).toString() != u"challenge")
            return challenge;
        const QByteArray hubId = unb64(challenge.value("hub"_L1).toString());
        const QByteArray nonce = unb64(challenge.value("nonce"_L1).toString());
        join.insert(u"sig"_s, b64(identity.sign(Crypto::framed(
                                  "peerlink-join-1", { hubId, nonce, id.toUtf8(), identity.publicKey(),
                                                       prekey.publicKey() }))));
        client.sendJson(join);
        return client.next();
    }
};

} // namespace PeerLink::Test
