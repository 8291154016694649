#include "securechannel.h"

#include "client/logging.h"
#include "crypto/sodium.h"

namespace PeerLink {

using namespace Qt::StringLiterals;

void SecureChannel::setIdentity(const std::optional<Crypto::Identity> &identity)
{
    m_identity = identity;
    m_prekey.reset();
    m_incoming.reset();
    m_previous.reset();
}

QString SecureChannel::fingerprint() const
{
    return m_identity ? m_identity->fingerprint() : QString();
}

void SecureChannel::startConnection(const QString &hub, const QString &selfId)
{
    m_peers.clear();
    // The last connection's sessions stay for a moment: what the hub held for us while we were away, and what
    // peers sealed before they heard of the new prekey, was sealed to the old one (forgetPreviousPrekey()).
    m_previous.reset();
    if (m_incoming && hub == m_hub && selfId == m_selfId)
        m_previous = std::move(m_incoming);
    m_hub = hub;
    m_selfId = selfId;
    m_incoming.reset();
    m_prekey.reset();
    if (!m_identity)
        return;
    m_prekey = Crypto::Prekey::generate(*m_identity, selfId);
    m_incoming.emplace(*m_identity, selfId, *m_prekey);
}

void SecureChannel::forgetPreviousPrekey()
{
    m_previous.reset();
}

QByteArray SecureChannel::prekey() const
{
    return m_prekey ? m_prekey->publicKey() : QByteArray();
}

QByteArray SecureChannel::prekeySignature() const
{
    return m_prekey ? m_prekey->signature() : QByteArray();
}

QByteArray SecureChannel::joinSignature(QByteArrayView hubId, QByteArrayView nonce) const
{
    if (!m_identity || !m_prekey)
        return QByteArray();
    return m_identity->sign(Crypto::framed("peerlink-join-1",
        { hubId, nonce, m_selfId.toUtf8(), m_identity->publicKey(), m_prekey->publicKey() }));
}

std::optional<QString> SecureChannel::answerChallenge(const QString &hubId, const QString &nonce) const
{
    bool hubOk = false;
    bool nonceOk = false;
    const QByteArray hub = Crypto::fromBase64(hubId.toLatin1(), &hubOk);
    const QByteArray n = Crypto::fromBase64(nonce.toLatin1(), &nonceOk);
    if (!m_identity || !hubOk || !nonceOk)
        return std::nullopt;
    return QString::fromLatin1(Crypto::toBase64(joinSignature(hub, n)));
}

void SecureChannel::addJoinKeys(JoinRequest &join) const
{
    if (!m_identity)
        return;
    join.key = QString::fromLatin1(Crypto::toBase64(m_identity->publicKey()));
    join.prekey = QString::fromLatin1(Crypto::toBase64(prekey()));
    join.prekeySig = QString::fromLatin1(Crypto::toBase64(prekeySignature()));
}

SecureChannel::Presence SecureChannel::peerAnnounced(
    const QString &peer, const QString &key, const QString &prekey, const QString &prekeySignature)
{
    const auto decode = [](const QString &text) {
        bool ok = true;
        const QByteArray bytes = text.isEmpty() ? QByteArray() : Crypto::fromBase64(text.toLatin1(), &ok);
        return ok ? bytes : QByteArray();
    };
    return peerPresent(peer, decode(key), decode(prekey), decode(prekeySignature));
}

SecureChannel::Presence SecureChannel::peerPresent(
    const QString &peer, const QByteArray &key, const QByteArray &prekey, const QByteArray &prekeySignature)
{
    Peer &p = m_peers[peer];
    const QByteArray known = m_store.key(m_hub, peer);
    Presence result;
    if (key.isEmpty()) {
        // A peer we know by a key shows up without one: a downgrade (or another person), blocked like a
        // change.
        p = Peer {};
        if (!known.isEmpty()) {
            p.trust = Trust::Changed;
            return { Presence::Kind::Changed, Crypto::fingerprintOf(known), QString() };
        }
        return result;
    }
    const bool sameKey = p.key == key;
    const bool wasChanged = sameKey && p.trust == Trust::Changed; // announced already (this is a peer_update)
    p.key = key;
    const bool prekeyOk = Crypto::verifyPrekey(key, peer, prekey, prekeySignature);
    if (!sameKey || p.prekey != prekey)
        p.session.reset(); // a new prekey (the peer reconnected): sessions for the old one cannot be opened
    p.prekey = prekeyOk ? prekey : QByteArray();
    if (known.isEmpty()) {
        QString error;
        if (!m_store.remember(m_hub, peer, key, &error))
            qCWarning(lcClient).noquote() << error;
        p.trust = Trust::Trusted;
    } else if (Crypto::equal(known, key)) {
        p.trust = Trust::Trusted;
    } else {
        p.trust = Trust::Changed;
        if (wasChanged)
            return { Presence::Kind::StillChanged, QString(), QString() };
        return { Presence::Kind::Changed, Crypto::fingerprintOf(known), Crypto::fingerprintOf(key) };
    }
    result.kind = prekeyOk ? Presence::Kind::Trusted : Presence::Kind::BadPrekey;
    return result;
}

void SecureChannel::peerGone(const QString &peer)
{
    m_peers.remove(peer);
}

SecureChannel::Trust SecureChannel::trust(const QString &peer) const
{
    return m_peers.value(peer).trust;
}

QString SecureChannel::peerFingerprint(const QString &peer) const
{
    // A peer that is away keeps the key remembered for it on this hub: messages to it go sealed to that key.
    QByteArray key = m_peers.value(peer).key;
    if (key.isEmpty() && !m_peers.contains(peer) && !m_hub.isEmpty())
        key = m_store.key(m_hub, peer);
    return key.isEmpty() ? QString() : Crypto::fingerprintOf(key);
}

QByteArray SecureChannel::peerKey(const QString &peer) const
{
    return m_peers.value(peer).key;
}

QByteArray SecureChannel::knownKey(const QString &peer) const
{
    const auto it = m_peers.constFind(peer);
    if (it != m_peers.constEnd())
        return it->trust == Trust::Trusted ? it->key : QByteArray();
    return m_hub.isEmpty() ? QByteArray() : m_store.key(m_hub, peer);
}

QString SecureChannel::signReceipt(const QString &to, ReceiptKind kind, const QStringList &mids) const
{
    if (!m_identity)
        return QString();
    return QString::fromLatin1(
        Crypto::toBase64(Crypto::signReceipt(*m_identity, m_selfId, to, receiptKindName(kind), mids)));
}

bool SecureChannel::verifyReceipt(const Receipt &receipt) const
{
    const QByteArray key = knownKey(receipt.from);
    bool ok = false;
    const QByteArray sig = Crypto::fromBase64(receipt.sig.toLatin1(), &ok);
    return ok && !key.isEmpty() && receipt.to == m_selfId
        && Crypto::verifyReceipt(key, receipt.from, receipt.to, receiptKindName(receipt.kind), receipt.mids, sig);
}

bool SecureChannel::trustKey(const QString &peer, QString *storeError)
{
    const auto it = m_peers.find(peer);
    if (it == m_peers.end() || it->trust != Trust::Changed)
        return false;
    if (it->key.isEmpty()) {
        // It shows no key any more: accepted as a peer without identity (the old key stays on file for the
        // day it shows it again; it is then Trusted).
        it->trust = Trust::NoKey;
        return true;
    }
    QString error;
    if (!m_store.remember(m_hub, peer, it->key, &error)) {
        qCWarning(lcClient).noquote() << error;
        if (storeError)
            *storeError = error;
    }
    it->trust = Trust::Trusted;
    return true;
}

SecureChannel::Outbound SecureChannel::outbound(const QString &to, const QString &mid, const QString &text)
{
    Outbound out;
    if (to.isEmpty()) {
        if (m_identity)
            out.sig = QString::fromLatin1(
                Crypto::toBase64(Crypto::signBroadcast(*m_identity, m_selfId, mid, text)));
        return out;
    }
    const auto it = m_peers.find(to);
    if (it == m_peers.end()) {
        const QByteArray known = m_store.key(m_hub, to);
        if (!known.isEmpty()) {
            out.kind = Outbound::Kind::Absent;
            if (m_identity)
                out.e2e = QString::fromLatin1(
                    Crypto::sealOffline(*m_identity, m_selfId, to, known, mid, text.toUtf8()));
        }
        return out;
    }
    if (it->trust == Trust::Changed) {
        out.kind = Outbound::Kind::KeyChanged;
        return out;
    }
    if (it->key.isEmpty() || !m_identity)
        return out; // a peer without identity, or we have none: the v1 message (the hub can read it)
    if (it->prekey.isEmpty()) {
        out.kind = Outbound::Kind::NoPrekey;
        return out;
    }
    if (!it->session)
        it->session = Crypto::OutgoingSession::create(*m_identity, m_selfId, to, it->key, it->prekey);
    if (!it->session) {
        out.kind = Outbound::Kind::NoPrekey;
        return out;
    }
    out.kind = Outbound::Kind::Sealed;
    out.e2e = QString::fromLatin1(it->session->seal(text.toUtf8(), mid));
    return out;
}

SecureChannel::Inbound SecureChannel::inbound(const QString &from, const QString &to, const QString &mid,
    const QString &text, const QString &e2e, const QString &sig)
{
    Inbound in;
    in.text = text;
    const auto it = m_peers.constFind(from);
    const Peer peer = it == m_peers.cend() ? Peer {} : *it;
    if (!to.isEmpty() && Crypto::isOfflineEnvelope(e2e.toLatin1()))
        return inboundOffline(from, mid, e2e, peer);
    if (peer.key.isEmpty()) {
        if (!e2e.isEmpty()) {
            in.kind = Inbound::Kind::Reject;
            in.problem = u"an encrypted message from a peer without a key"_s;
        } else if (peer.trust == Trust::Changed) {
            in.kind = Inbound::Kind::Hold; // it used to have a key
        }
        return in;
    }
    if (to.isEmpty()) {
        bool ok = false;
        const QByteArray signature = Crypto::fromBase64(sig.toLatin1(), &ok);
        if (sig.isEmpty() || !ok || !Crypto::verifyBroadcast(peer.key, from, mid, text, signature)) {
            in.kind = Inbound::Kind::Reject;
            in.problem = sig.isEmpty() ? u"an unsigned broadcast from a peer with a key"_s
                                       : u"a broadcast whose signature does not verify"_s;
            return in;
        }
        in.signedByKey = true;
    } else if (e2e.isEmpty()) {
        // We announced a prekey; a peer with a key seals what it sends to us, so this one was not sent by it
        // as is.
        if (m_incoming) {
            in.kind = Inbound::Kind::Reject;
            in.problem = u"a message from a peer with a key that is not encrypted"_s;
            return in;
        }
    } else {
        if (!m_incoming) {
            in.kind = Inbound::Kind::Reject;
            in.problem = u"an encrypted message, and this client has no identity"_s;
            return in;
        }
        auto opened = m_incoming->open(e2e.toLatin1(), from, peer.key, mid);
        if (opened.failure == Crypto::IncomingSessions::Failure::BadSignature && m_previous)
            opened = m_previous->open(e2e.toLatin1(), from, peer.key, mid); // sealed to our last prekey
        if (!opened.plaintext) {
            static const char *const why[]
                = { "", "malformed", "sealed for another prekey", "forged session", "tampered" };
            in.kind = Inbound::Kind::Reject;
            in.problem = u"the encrypted message does not open (%1)"_s.arg(
                QLatin1StringView(why[int(opened.failure)]));
            return in;
        }
        in.text = QString::fromUtf8(*opened.plaintext);
        in.encrypted = true;
    }
    if (peer.trust == Trust::Changed)
        in.kind = Inbound::Kind::Hold;
    return in;
}

SecureChannel::Inbound SecureChannel::inboundOffline(const QString &from, const QString &mid, const QString &e2e,
    const Peer &peer) const
{
    // Kept by the hub while we were away, sealed to our identity: the sender need not be present now, so its key
    // is the one it shows, or else the one remembered for it on this hub.
    Inbound in;
    const QByteArray key = peer.key.isEmpty() ? m_store.key(m_hub, from) : peer.key;
    if (!m_identity) {
        in.kind = Inbound::Kind::Reject;
        in.problem = u"an encrypted message, and this client has no identity"_s;
        return in;
    }
    if (key.isEmpty()) {
        in.kind = Inbound::Kind::Reject;
        in.problem = u"an encrypted message from a peer without a known key"_s;
        return in;
    }
    const Crypto::OpenedOffline opened = Crypto::openOffline(*m_identity, m_selfId, e2e.toLatin1(), from, key, mid);
    if (!opened.plaintext) {
        static const char *const why[] = { "", "malformed", "not sealed to this identity", "forged signature" };
        in.kind = Inbound::Kind::Reject;
        in.problem = u"the offline message does not open (%1)"_s.arg(QLatin1StringView(why[int(opened.failure)]));
        return in;
    }
    in.text = QString::fromUtf8(*opened.plaintext);
    in.encrypted = true;
    if (peer.trust == Trust::Changed)
        in.kind = Inbound::Kind::Hold;
    return in;
}

} // namespace PeerLink
