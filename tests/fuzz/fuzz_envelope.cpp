// libFuzzer target for the end-to-end envelope and key decoders: any bytes a hub or a peer could put in an `e2e`
// field, a key, a signature or a sealed direct-link frame. Nothing may crash or read out of bounds (ASan, UBSan);
// whatever decodes must encode back to the same bytes (one spelling per envelope), and nothing random may open or
// verify.
#include "crypto/envelope.h"
#include "crypto/linkcipher.h"
#include "crypto/roomcipher.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink::Crypto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto sealed = decodeSealed(bytes); sealed && encodeSealed(*sealed) != bytes)
        std::abort();
    bool ok = false;
    const QByteArray decoded = fromBase64(bytes, &ok);
    if (ok && toBase64(decoded) != bytes)
        std::abort();

    static const Identity alice = *Identity::fromSeed(QByteArray(SeedBytes, 'a'));
    static const Identity bob = *Identity::fromSeed(QByteArray(SeedBytes, 'b'));
    static const Prekey prekey = Prekey::generate(bob, QStringLiteral("bob"));
    static IncomingSessions sessions(bob, QStringLiteral("bob"), prekey);
    if (sessions.open(bytes, QStringLiteral("alice"), alice.publicKey(), QStringLiteral("m")).plaintext)
        std::abort(); // only alice's signed sessions open
    // Offline envelopes ("2.…", sealed to bob's identity): nothing random opens as alice's, and a random "2." text
    // (the fuzzer's bytes after the prefix) is refused without a crash.
    if (openOffline(bob, QStringLiteral("bob"), bytes, QStringLiteral("alice"), alice.publicKey(), QStringLiteral("m"))
            .plaintext
        || openOffline(bob, QStringLiteral("bob"), QByteArray("2." + bytes), QStringLiteral("alice"), alice.publicKey(),
                       QStringLiteral("m"))
               .plaintext)
        std::abort();
    // Room messages (issue 17): a strict decoder; nothing random verifies as alice's or opens under a key.
    static const SecretBytes roomKey = *roomKeyFromBytes(QByteArray(RoomKeyBytes, 'k'));
    if (const auto room = decodeRoomSealed(bytes);
        room
        && (verifyRoomMessage(*room, alice.publicKey(), QStringLiteral("t"), QStringLiteral("alice"), QStringLiteral("m"))
            || openRoomMessage(*room, roomKey, QStringLiteral("t"), QStringLiteral("alice"), QStringLiteral("m"))))
        std::abort();
    if (verify(bytes.left(32), bytes.mid(32, 16), bytes.mid(48)) || verifyPrekey(bytes.left(32), QString(), bytes.mid(32, 32), bytes.mid(64)))
        std::abort(); // a forged signature would be a libsodium bug worth knowing about
    // Direct links: no random frame opens on a link, and no random transcript signature verifies.
    static const EphemeralKey ours = EphemeralKey::generate();
    static const EphemeralKey theirs = EphemeralKey::generate();
    std::optional<LinkCipher> link = LinkCipher::create(false, ours.secretKey(), ours.publicKey(), theirs.publicKey());
    if (!link || link->open(bytes))
        std::abort();
    (void)LinkCipher::create(true, ours.secretKey(), ours.publicKey(), bytes.left(EphemeralKeyBytes)); // no crash
    const LinkTranscript transcript { QString::fromUtf8(bytes.left(8)), QStringLiteral("a"), QStringLiteral("b"),
                                      QString(), QString(), alice.publicKey(), bob.publicKey(), bytes.left(32),
                                      ours.publicKey() };
    if (verifyLinkTranscript(alice.publicKey(), transcript, true, bytes.right(64)))
        std::abort();
    curvePublicKey(bytes);
    fingerprintOf(bytes);
    return 0;
}
