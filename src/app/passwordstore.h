#pragma once

#include <QList>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

namespace PeerLink {

class AppSettings;

/// Where secrets can be kept safely: the desktop's keychain (Secret Service, KWallet) through Qt Keychain, or a fake
/// in tests. Every call answers later, through its callback (a keychain is a service on the session bus).
class SecretBackend
{
public:
    virtual ~SecretBackend() = default;
    /// Whether a keychain service answers at all.
    virtual void probe(std::function<void(bool available)> done) = 0;
    /// The secret under @p key; found is false when there is none (or it cannot be read).
    virtual void read(const QString &key, std::function<void(bool found, const QString &secret)> done) = 0;
    virtual void write(const QString &key, const QString &secret, std::function<void(bool ok)> done) = 0;
    virtual void remove(const QString &key, std::function<void(bool ok)> done) = 0;
};

/// The system's keychain through Qt Keychain (service "PeerLink").
std::unique_ptr<SecretBackend> makeSystemSecretBackend();

/// Where a remembered hub password is kept. In the system keychain when one answers; where none does, only when the
/// user ticked "store in plain text" (then in the settings file, as before). A password that an older PeerLink left
/// in plain text in the settings moves into the keychain as soon as one answers.
class PasswordStore : public QObject
{
    Q_OBJECT
public:
    enum class Keychain { Unknown, Available, Unavailable };
    Q_ENUM(Keychain)

    /// Uses @p settings (not owned) and @p backend (owned); asks the backend whether a keychain answers at once.
    PasswordStore(AppSettings *settings, std::unique_ptr<SecretBackend> backend, QObject *parent = nullptr);
    ~PasswordStore() override;

    /// Unknown until the backend answered (keychainChecked()).
    Keychain keychain() const { return m_keychain; }

    /// The password remembered for @p hub, handed to @p done (empty when none is): once the keychain answered.
    void load(const QUrl &hub, std::function<void(const QString &password)> done);
    /// Remembers @p password for @p hub when @p remember is set: in the keychain, else in plain text if
    /// @p plainTextAllowed, else not at all. Without @p remember, forgets any remembered password. Before the
    /// keychain answered, it waits for that.
    void save(const QUrl &hub, const QString &password, bool remember, bool plainTextAllowed);

    /// The keychain's entry for @p hub's password.
    static QString keyFor(const QUrl &hub);

    // The hosted hub's own password: the same rules (keychain, else plain text only if allowed; where it is kept
    // nowhere, AppSettings::hostPasswordAsked() says so and hosting asks for it).
    /// The hosted hub's password, handed to @p done once the keychain answered (empty: none, or unreadable).
    void loadHost(std::function<void(const QString &password)> done);
    /// Keeps @p password for the hosted hub (empty: the hub has none).
    void saveHost(const QString &password, bool plainTextAllowed);
    /// The keychain's entry for the hosted hub's password.
    static QString hostKey();

Q_SIGNALS:
    /// The backend answered whether a keychain is there (and a plain-text password was moved into it).
    void keychainChecked(bool available);
    /// A save() or a move into the keychain finished (tests wait for it).
    void saved(bool ok);

private:
    void onProbed(bool available);
    void runLoad(const QUrl &hub, const std::function<void(const QString &)> &done);

    AppSettings *m_settings;
    std::unique_ptr<SecretBackend> m_backend;
    Keychain m_keychain = Keychain::Unknown;
    QList<std::function<void()>> m_waiting; ///< loads and saves asked for before the keychain answered
};

} // namespace PeerLink
