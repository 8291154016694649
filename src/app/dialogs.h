#pragma once

#include <QDialog>
#include <QHash>
#include <QHostAddress>
#include <QUrl>

#include <functional>
#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace Ui {
class ConnectDialog;
class HostDialog;
class SettingsDialog;
} // namespace Ui

namespace PeerLink {

class AppSettings;
class LanHubsModel;
class PasswordStore;

/// Says in @p label where a remembered password goes (the keychain, or why not), and shows @p plainText ("store in
/// plain text") only where no keychain answers; @p wanted: a password is to be kept at all.
void showKeychainState(PasswordStore *passwords, QLabel *label, QCheckBox *plainText, bool wanted);

/// Why a connection request cannot be made, in words; empty when it is fine. @p addresses: one or more hub
/// addresses as typed (HubAddresses).
QString validateConnection(const QString &addresses, const QString &id, const QString &name);

/// Hub addresses (one or more: the client fails over to the next), id, display name and password; remembers them
/// through AppSettings when accepted, the password through @p passwords (in the system keychain; where none answers,
/// in plain text only if the user ticks it).
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    ConnectDialog(AppSettings *settings, PasswordStore *passwords, QWidget *parent = nullptr);
    ~ConnectDialog() override;

    /// The first of hubUrls().
    QUrl hubUrl() const;
    /// The addresses typed, in order (empty when none is valid; accept() says why).
    QList<QUrl> hubUrls() const;
    /// The certificate fingerprints of invitation links pasted into the address field, by address.
    QHash<QUrl, QString> invitationPins() const;
    QString peerId() const;
    QString displayName() const;
    QString password() const;
    /// Shows why the last attempt failed.
    void setError(const QString &text);
    /// Fills in the hub's address.
    void setHubUrl(const QUrl &url);
    /// Fills in several (an invitation's addresses).
    void setHubUrls(const QList<QUrl> &urls);
    /// Lists the hubs found on the local network (@p hubs, not owned; null: none); choosing one fills its address
    /// in. Where they cannot be found (no Avahi daemon), says why instead.
    void setLanHubs(LanHubsModel *hubs);

    void accept() override;

protected:
    void changeEvent(QEvent *event) override;

private:
    /// Says whether the password goes into a keychain, and offers plain text where none answers.
    void showKeychainState();
    /// The list of hubs on the local network, or why there is none.
    void showLanState();

    std::unique_ptr<Ui::ConnectDialog> m_ui;
    AppSettings *m_settings;
    PasswordStore *m_passwords;
    LanHubsModel *m_lanHubs = nullptr;
};

/// Bind address, port, hub name and password for hosting a hub; remembered through AppSettings.
class HostDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HostDialog(AppSettings *settings, QWidget *parent = nullptr);
    ~HostDialog() override;

    QHostAddress bindAddress() const;
    quint16 port() const;
    QString hubName() const;
    QString password() const;
    void setError(const QString &text);

    /// Asks for a file to open: (parent, caption, start folder, name filter) -> the chosen path, empty if cancelled.
    using FilePicker = std::function<QString(QWidget *, const QString &, const QString &, const QString &)>;
    /// Replaces the file dialog the Browse… buttons open (tests pass one that answers without a window).
    void setFilePicker(FilePicker picker) { m_pickFile = std::move(picker); }
    /// Lets the user pick the TLS certificate (the "Browse…" button beside it); starts in the current file's folder.
    void browseCertificate();
    /// Lets the user pick the TLS private key, starting in the key's folder, else the certificate's.
    void browseKey();

    /// Keeps the password through @p passwords (the keychain; where none answers, plain text only if ticked) and
    /// shows where it goes; without it, in the settings file as before.
    void setPasswordStore(PasswordStore *passwords);

    void accept() override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void fillBindChoices();
    /// Fills @p edit with the file the picker returns (unchanged when cancelled).
    void browseInto(QLineEdit *edit, const QString &caption, const QString &nearFile);
    FilePicker m_pickFile;

    /// Where the password goes (keychain, or plain text if ticked), while it is not empty.
    void showPasswordPlace();

    std::unique_ptr<Ui::HostDialog> m_ui;
    AppSettings *m_settings;
    PasswordStore *m_passwords = nullptr;
    bool m_announceTouched = false; ///< the user set "announce" here: the bind address no longer decides it
};

/// Defaults, hosting on launch, notifications, language and what is done with incoming files; saved through
/// AppSettings when accepted.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    /// Asks for a folder (parent, title, starting folder); empty: the user changed their mind.
    using DirectoryPicker = std::function<QString(QWidget *, const QString &, const QString &)>;

    explicit SettingsDialog(AppSettings *settings, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    void setDirectoryPicker(DirectoryPicker picker) { m_pickDirectory = std::move(picker); }
    /// Lets the user pick the folder for files from verified peers.
    void browseIncomingFolder();

    void accept() override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateIncomingFolder();

    std::unique_ptr<Ui::SettingsDialog> m_ui;
    DirectoryPicker m_pickDirectory;
    AppSettings *m_settings;
};

} // namespace PeerLink
