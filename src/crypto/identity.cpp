#include "identity.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sodium.h>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace PeerLink::Crypto {

using namespace Qt::StringLiterals;

namespace {

// The file: this line, then the seed in base64url, then a newline. Text, so that a person who opens it sees what
// it is; the seed alone, so that the public key cannot disagree with it.
constexpr char kMagic[] = "peerlink-identity-1";
constexpr qint64 kMaxFileBytes = 4096;

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

/// Refuses a key file that anyone but its owner may read or write (like ssh does for its keys).
bool ownerOnly(const QString &path, QString *error)
{
#ifdef Q_OS_UNIX
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return fail(error, u"%1: cannot be read"_s.arg(path));
    if ((st.st_mode & 077) != 0)
        return fail(error, u"%1: the identity key is readable or writable by others (mode %2); make it the owner's "
                            "only (chmod 600 %1) or use another file"_s
                               .arg(path)
                               .arg(QString::number(st.st_mode & 0777, 8)));
#else
    Q_UNUSED(path);
    Q_UNUSED(error);
#endif
    return true;
}

} // namespace

Identity Identity::generate()
{
    QByteArray seed(SeedBytes, Qt::Uninitialized);
    if (ready())
        randombytes_buf(seed.data(), size_t(seed.size()));
    Identity identity = *fromSeed(seed);
    sodium_memzero(seed.data(), size_t(seed.size()));
    return identity;
}

std::optional<Identity> Identity::fromSeed(QByteArrayView seed)
{
    if (seed.size() != SeedBytes || !ready())
        return std::nullopt;
    Identity identity;
    identity.m_secret = SecretBytes(crypto_sign_SECRETKEYBYTES);
    identity.m_public = QByteArray(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized);
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char *>(identity.m_public.data()), identity.m_secret.data(),
                             reinterpret_cast<const unsigned char *>(seed.data()));
    return identity;
}

std::optional<Identity> Identity::load(const QString &path, QString *error)
{
    if (!ownerOnly(path, error))
        return std::nullopt;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, u"%1: cannot read the identity: %2"_s.arg(path, file.errorString()));
        return std::nullopt;
    }
    const QByteArray text = file.read(kMaxFileBytes + 1);
    const QList<QByteArray> lines = text.trimmed().split('\n');
    bool ok = false;
    QByteArray seed = lines.size() == 2 && lines.at(0).trimmed() == kMagic ? fromBase64(lines.at(1).trimmed(), &ok)
                                                                           : QByteArray();
    std::optional<Identity> identity = ok ? fromSeed(seed) : std::nullopt;
    sodium_memzero(seed.data(), size_t(seed.size()));
    if (!identity)
        fail(error, u"%1: not a PeerLink identity file"_s.arg(path));
    return identity;
}

std::optional<Identity> Identity::loadOrCreate(const QString &path, QString *error)
{
    if (QFileInfo::exists(path))
        return load(path, error);
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        fail(error, u"%1: cannot make the folder for the identity"_s.arg(path));
        return std::nullopt;
    }
    Identity identity = generate();
    QByteArray seed(SeedBytes, Qt::Uninitialized);
    crypto_sign_ed25519_sk_to_seed(reinterpret_cast<unsigned char *>(seed.data()), identity.m_secret.data());
    QByteArray content = QByteArray(kMagic) + '\n' + toBase64(seed) + '\n';
    sodium_memzero(seed.data(), size_t(seed.size()));
    // Created with owner-only permissions (NewOnly: never over a file that appeared meanwhile), so the key is never
    // readable by others, not even between creating and chmod.
    QFile file(path);
    const bool written = file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && file.write(content) == content.size() && file.flush();
    sodium_memzero(content.data(), size_t(content.size()));
    if (!written) {
        fail(error, u"%1: cannot write the identity: %2"_s.arg(path, file.errorString()));
        file.remove();
        return std::nullopt;
    }
    file.close();
    return load(path, error); // what is on disk is what is used
}

QString Identity::fingerprint() const
{
    return fingerprintOf(m_public);
}

QByteArray Identity::sign(QByteArrayView message) const
{
    QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char *>(message.data()), size_t(message.size()),
                         m_secret.data());
    return signature;
}

SecretBytes Identity::curveSecretKey() const
{
    SecretBytes curve(crypto_scalarmult_curve25519_BYTES);
    crypto_sign_ed25519_sk_to_curve25519(curve.data(), m_secret.data());
    return curve;
}

bool verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature)
{
    if (!ready() || publicKey.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.data()),
                                       reinterpret_cast<const unsigned char *>(message.data()), size_t(message.size()),
                                       reinterpret_cast<const unsigned char *>(publicKey.data()))
        == 0;
}

QString fingerprintOf(QByteArrayView publicKey)
{
    if (!ready())
        return QString();
    static const QByteArray domain("peerlink-fingerprint-1");
    unsigned char hash[30];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char *>(publicKey.data()),
                       size_t(publicKey.size()), reinterpret_cast<const unsigned char *>(domain.constData()),
                       size_t(domain.size()));
    QStringList groups;
    for (int g = 0; g < 6; ++g) {
        quint64 v = 0;
        for (int i = 0; i < 5; ++i)
            v = (v << 8) | hash[g * 5 + i];
        groups.append(u"%1"_s.arg(v % 100000, 5, 10, QChar(u'0')));
    }
    return groups.join(u' ');
}

QByteArray curvePublicKey(QByteArrayView publicKey)
{
    if (!ready() || publicKey.size() != crypto_sign_PUBLICKEYBYTES)
        return QByteArray();
    QByteArray curve(crypto_scalarmult_curve25519_BYTES, Qt::Uninitialized);
    if (crypto_sign_ed25519_pk_to_curve25519(reinterpret_cast<unsigned char *>(curve.data()),
                                             reinterpret_cast<const unsigned char *>(publicKey.data()))
        != 0)
        return QByteArray();
    return curve;
}

} // namespace PeerLink::Crypto
