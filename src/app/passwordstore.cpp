#include "passwordstore.h"

#include "app/appsettings.h"

#include <QPointer>

#include <qt6keychain/keychain.h>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

const QString kService = u"PeerLink"_s;

/// Qt Keychain's jobs: each deletes itself when finished.
class QtKeychainBackend final : public SecretBackend
{
public:
    void probe(std::function<void(bool)> done) override
    {
        // Qt Keychain 0.13 cannot say whether a service is there: a read of an entry that need not exist tells.
        auto *job = new QKeychain::ReadPasswordJob(kService);
        job->setKey(u"probe"_s);
        QObject::connect(job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *j) {
            done(j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound);
        });
        job->start();
    }
    void read(const QString &key, std::function<void(bool, const QString &)> done) override
    {
        auto *job = new QKeychain::ReadPasswordJob(kService);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *j) {
            const bool found = j->error() == QKeychain::NoError;
            done(found, found ? static_cast<QKeychain::ReadPasswordJob *>(j)->textData() : QString());
        });
        job->start();
    }
    void write(const QString &key, const QString &secret, std::function<void(bool)> done) override
    {
        auto *job = new QKeychain::WritePasswordJob(kService);
        job->setKey(key);
        job->setTextData(secret);
        QObject::connect(job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *j) {
            done(j->error() == QKeychain::NoError);
        });
        job->start();
    }
    void remove(const QString &key, std::function<void(bool)> done) override
    {
        auto *job = new QKeychain::DeletePasswordJob(kService);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *j) {
            done(j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound);
        });
        job->start();
    }
};

} // namespace

std::unique_ptr<SecretBackend> makeSystemSecretBackend()
{
    return std::make_unique<QtKeychainBackend>();
}

PasswordStore::PasswordStore(AppSettings *settings, std::unique_ptr<SecretBackend> backend, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_backend(std::move(backend))
{
    m_backend->probe([self = QPointer(this)](bool available) {
        if (self)
            self->onProbed(available);
    });
}

PasswordStore::~PasswordStore() = default;

QString PasswordStore::keyFor(const QUrl &hub)
{
    return u"hub-password:"_s + hub.adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash).toString();
}

void PasswordStore::onProbed(bool available)
{
    m_keychain = available ? Keychain::Available : Keychain::Unavailable;
    const QString plain = m_settings->plainTextPassword();
    if (available && !plain.isEmpty()) {
        // Left in plain text by an older PeerLink (or while no keychain answered): into the keychain, out of the file.
        m_backend->write(keyFor(m_settings->hubUrl()), plain, [self = QPointer(this)](bool ok) {
            if (!self)
                return;
            if (ok) {
                self->m_settings->setPlainTextPassword(QString());
                self->m_settings->setPasswordInPlainText(false);
            }
            Q_EMIT self->saved(ok);
        });
    }
    const QString hostPlain = m_settings->hostPassword();
    if (available && !hostPlain.isEmpty()) {
        m_backend->write(hostKey(), hostPlain, [self = QPointer(this)](bool ok) {
            if (!self)
                return;
            if (ok) {
                self->m_settings->setHostPasswordInKeychain(true);
                self->m_settings->setHostPassword(QString());
            }
            Q_EMIT self->saved(ok);
        });
    }
    Q_EMIT keychainChecked(available);
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &run : waiting)
        run();
}

void PasswordStore::load(const QUrl &hub, std::function<void(const QString &)> done)
{
    if (m_keychain == Keychain::Unknown) {
        m_waiting.append([this, hub, done = std::move(done)] { runLoad(hub, done); });
        return;
    }
    runLoad(hub, done);
}

void PasswordStore::runLoad(const QUrl &hub, const std::function<void(const QString &)> &done)
{
    if (!m_settings->rememberPassword()) {
        done(QString());
        return;
    }
    const QString plain = m_settings->plainTextPassword();
    if (!plain.isEmpty() && hub == m_settings->hubUrl()) {
        done(plain); // still in the file (no keychain, or on its way into it)
        return;
    }
    if (m_keychain != Keychain::Available) {
        done(QString());
        return;
    }
    m_backend->read(keyFor(hub), [done](bool found, const QString &secret) { done(found ? secret : QString()); });
}

void PasswordStore::save(const QUrl &hub, const QString &password, bool remember, bool plainTextAllowed)
{
    if (m_keychain == Keychain::Unknown) {
        // Accepted before the keychain answered: saved once it has, where it then belongs.
        m_waiting.append([this, hub, password, remember, plainTextAllowed] { save(hub, password, remember, plainTextAllowed); });
        return;
    }
    m_settings->setRememberPassword(remember);
    const bool toKeychain = remember && m_keychain == Keychain::Available;
    const bool plainText = remember && !toKeychain && plainTextAllowed;
    m_settings->setPasswordInPlainText(plainText);
    m_settings->setPlainTextPassword(plainText ? password : QString());
    const auto finished = [self = QPointer(this)](bool ok) {
        if (self)
            Q_EMIT self->saved(ok);
    };
    if (toKeychain && !password.isEmpty())
        m_backend->write(keyFor(hub), password, finished);
    else if (m_keychain == Keychain::Available)
        m_backend->remove(keyFor(hub), finished);
    else
        QMetaObject::invokeMethod(this, [finished] { finished(true); }, Qt::QueuedConnection);
}

QString PasswordStore::hostKey()
{
    return u"host-password"_s;
}

void PasswordStore::loadHost(std::function<void(const QString &)> done)
{
    if (m_keychain == Keychain::Unknown) {
        m_waiting.append([this, done = std::move(done)] { loadHost(done); });
        return;
    }
    const QString plain = m_settings->hostPassword();
    if (!plain.isEmpty() || !m_settings->hostPasswordInKeychain() || m_keychain != Keychain::Available) {
        done(plain);
        return;
    }
    m_backend->read(hostKey(), [done](bool found, const QString &secret) { done(found ? secret : QString()); });
}

void PasswordStore::saveHost(const QString &password, bool plainTextAllowed)
{
    if (m_keychain == Keychain::Unknown) {
        m_waiting.append([this, password, plainTextAllowed] { saveHost(password, plainTextAllowed); });
        return;
    }
    const bool toKeychain = !password.isEmpty() && m_keychain == Keychain::Available;
    const bool plainText = !password.isEmpty() && !toKeychain && plainTextAllowed;
    m_settings->setHostPassword(plainText ? password : QString());
    m_settings->setHostPasswordInKeychain(toKeychain);
    m_settings->setHostPasswordAsked(!password.isEmpty() && !toKeychain && !plainText);
    const auto finished = [self = QPointer(this)](bool ok) {
        if (self)
            Q_EMIT self->saved(ok);
    };
    if (toKeychain)
        m_backend->write(hostKey(), password, finished);
    else if (m_keychain == Keychain::Available)
        m_backend->remove(hostKey(), finished);
    else
        QMetaObject::invokeMethod(this, [finished] { finished(true); }, Qt::QueuedConnection);
}

} // namespace PeerLink
