#pragma once
// A keychain for tests (no keychain daemon in CI): entries in memory, every answer a moment later as a real one
// gives it, or no keychain at all.
#include "app/passwordstore.h"

#include <QMap>
#include <QTimer>

namespace PeerLink::Test {

/// A keychain in memory that answers later, as a real one does; or none at all. It outlives the backends using it.
struct FakeKeychain
{
    bool available = true;
    QMap<QString, QString> entries;
};

class FakeBackend final : public SecretBackend
{
public:
    explicit FakeBackend(FakeKeychain *keychain) : m_keychain(keychain) { }
    void probe(std::function<void(bool)> done) override
    {
        later([k = m_keychain, done] { done(k->available); });
    }
    void read(const QString &key, std::function<void(bool, const QString &)> done) override
    {
        later([k = m_keychain, key, done] {
            const bool found = k->available && k->entries.contains(key);
            done(found, k->entries.value(key));
        });
    }
    void write(const QString &key, const QString &secret, std::function<void(bool)> done) override
    {
        later([k = m_keychain, key, secret, done] {
            if (k->available)
                k->entries.insert(key, secret);
            done(k->available);
        });
    }
    void remove(const QString &key, std::function<void(bool)> done) override
    {
        later([k = m_keychain, key, done] {
            k->entries.remove(key);
            done(k->available);
        });
    }

private:
    static void later(std::function<void()> f) { QTimer::singleShot(0, std::move(f)); }
    FakeKeychain *m_keychain;
};

} // namespace PeerLink::Test
