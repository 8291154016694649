#include "sha256.h"

#include "crypto/sodium.h"

#include <QIODevice>

#include <sodium.h>

namespace PeerLink::Crypto {

namespace {

static_assert(sizeof(crypto_hash_sha256_state) <= 128 && alignof(crypto_hash_sha256_state) <= 16);

crypto_hash_sha256_state *state(unsigned char *bytes)
{
    return reinterpret_cast<crypto_hash_sha256_state *>(bytes);
}

} // namespace

Sha256::Sha256()
{
    ready();
    crypto_hash_sha256_init(state(m_state));
}

void Sha256::add(QByteArrayView bytes)
{
    crypto_hash_sha256_update(state(m_state), reinterpret_cast<const unsigned char *>(bytes.data()),
                              static_cast<unsigned long long>(bytes.size()));
    m_size += bytes.size();
}

QByteArray Sha256::result()
{
    QByteArray digest(crypto_hash_sha256_BYTES, Qt::Uninitialized);
    crypto_hash_sha256_final(state(m_state), reinterpret_cast<unsigned char *>(digest.data()));
    crypto_hash_sha256_init(state(m_state));
    m_size = 0;
    return digest;
}

std::optional<QByteArray> Sha256::of(QIODevice *device)
{
    Sha256 hash;
    QByteArray block(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = device->read(block.data(), block.size());
        if (n < 0)
            return std::nullopt;
        if (n == 0)
            break;
        hash.add(QByteArrayView(block.constData(), n));
    }
    return hash.result();
}

} // namespace PeerLink::Crypto
