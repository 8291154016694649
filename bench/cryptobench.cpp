// What end-to-end encryption costs a peer, per operation on one core: sealing a message for a peer, opening it (the
// first message of a session also checks the session's signature), signing and verifying a broadcast. Prints one
// JSON object per operation, like the load generator, for bench/report.py. Everything in memory; no network.
#include "crypto/envelope.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QString>

#include <cstdio>
#include <functional>

using namespace PeerLink::Crypto;

namespace {

void measure(const char *operation, int textBytes, const std::function<void(int)> &once)
{
    // Enough rounds for about half a second, found by doubling.
    int rounds = 64;
    qint64 ns = 0;
    for (;;) {
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < rounds; ++i)
            once(i);
        ns = t.nsecsElapsed();
        if (ns > 500000000LL || rounds > (1 << 24))
            break;
        rounds *= 2;
    }
    std::printf("{\"name\":\"crypto-%s-%d\",\"workload\":\"crypto-%s\",\"server\":\"peerlink\",\"text_bytes\":%d,\"ops\":%d,"
                "\"ops_per_s\":%.1f,\"us_per_op\":%.3f}\n",
                operation, textBytes, operation, textBytes, rounds, rounds * 1e9 / double(ns), double(ns) / rounds / 1000.0);
}

} // namespace

int main()
{
    if (!ready()) {
        std::fputs("cryptobench: libsodium cannot start\n", stderr);
        return 1;
    }
    const Identity alice = Identity::generate();
    const Identity bob = Identity::generate();
    const Prekey prekey = Prekey::generate(bob, QStringLiteral("bob"));
    const auto session = OutgoingSession::create(alice, QStringLiteral("alice"), QStringLiteral("bob"), bob.publicKey(),
                                                 prekey.publicKey());
    for (int textBytes : { 64, 4096 }) {
        const QByteArray text(textBytes, 'x');
        const QString mid = QStringLiteral("m1");
        measure("seal", textBytes, [&](int) { session->seal(text, mid); });
        const QByteArray sealed = session->seal(text, mid);
        IncomingSessions receiver(bob, QStringLiteral("bob"), prekey);
        measure("open", textBytes, [&](int) { receiver.open(sealed, QStringLiteral("alice"), alice.publicKey(), mid); });
        measure("open-new-session", textBytes, [&](int) {
            IncomingSessions fresh(bob, QStringLiteral("bob"), prekey);
            fresh.open(sealed, QStringLiteral("alice"), alice.publicKey(), mid);
        });
        const QString broadcast = QString::fromLatin1(text);
        const QByteArray signature = signBroadcast(alice, QStringLiteral("alice"), mid, broadcast);
        measure("sign", textBytes, [&](int) { signBroadcast(alice, QStringLiteral("alice"), mid, broadcast); });
        measure("verify", textBytes,
                [&](int) { verifyBroadcast(alice.publicKey(), QStringLiteral("alice"), mid, broadcast, signature); });
    }
    return 0;
}
