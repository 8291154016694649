#pragma once

#include "app/incomingfiles.h"

#include <QList>
#include <QMap>
#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QUrl>

class QSettings;

namespace PeerLink {

/// Typed access to the app's persistent settings (QSettings). Tests hand it a settings file of their own.
class AppSettings
{
public:
    /// Uses @p settings (not owned); with nullptr, the user's PeerLink settings.
    explicit AppSettings(QSettings *settings = nullptr);
    ~AppSettings();
    AppSettings(const AppSettings &) = delete;
    AppSettings &operator=(const AppSettings &) = delete;

    // Connection (the connect dialog remembers these).
    /// The first of hubUrls().
    QUrl hubUrl() const;
    /// Saves one address (a list of one).
    void setHubUrl(const QUrl &url);
    /// The hubs to connect to, in order (the client fails over to the next); never empty. A settings file of a
    /// PeerLink that knew one address only gives that one.
    QList<QUrl> hubUrls() const;
    void setHubUrls(const QList<QUrl> &urls);
    /// The peer id: this run's (`--id`), else the saved one, else one proposed from the system's user name
    /// (always the same one: no random ids; the welcome dialog saves a chosen one on the first run).
    QString peerId() const;
    /// Saves @p id (the dialogs), which then holds for this run too.
    void setPeerId(const QString &id);
    /// Uses @p id for this run only (`--id`): the saved id stays as it is.
    void setSessionPeerId(const QString &id) { m_sessionPeerId = id; }
    /// Whether an id was saved: false on the first run (the welcome dialog is shown).
    bool hasSavedPeerId() const;
    QString displayName() const;
    void setDisplayName(const QString &name);
    /// Whether the user asked to remember the hub password (PasswordStore decides where: keychain or plain text).
    bool rememberPassword() const;
    void setRememberPassword(bool remember);
    /// The hub password kept in plain text in this file (only where no keychain answers and the user allowed it,
    /// or left by an older PeerLink); empty when none is. Use PasswordStore, which knows where it is.
    QString plainTextPassword() const;
    void setPlainTextPassword(const QString &password);
    /// The user allowed the password in plain text here (no keychain); true for a password an older PeerLink left.
    bool passwordInPlainText() const;
    void setPasswordInPlainText(bool allowed);

    // Hosting.
    /// Closing the window keeps PeerLink running in the tray (where there is one), as chat apps do; on by default.
    bool closeToTray() const;
    void setCloseToTray(bool on);
    bool hostOnLaunch() const;
    void setHostOnLaunch(bool host);
    QHostAddress hostBindAddress() const;
    void setHostBindAddress(const QHostAddress &address);
    quint16 hostPort() const;
    void setHostPort(quint16 port);
    /// The hosted hub's password as kept in plain text in this file (where no keychain answers and the user allowed
    /// it, or left by an older PeerLink); see PasswordStore, and the two below, for where it really is.
    QString hostPassword() const;
    void setHostPassword(const QString &password);
    /// The hosted hub's password is in the system keychain (PasswordStore::loadHost()).
    bool hostPasswordInKeychain() const;
    void setHostPasswordInKeychain(bool inKeychain);
    /// The hosted hub has a password that is kept nowhere (no keychain, plain text not allowed): asked when it starts.
    bool hostPasswordAsked() const;
    void setHostPasswordAsked(bool asked);
    QString hubName() const;
    void setHubName(const QString &name);
    /// Whether the hosted hub is announced on the local network (DNS-SD); unless the user said otherwise, as
    /// announceByDefault() says for the saved bind address (on for LAN addresses, off for loopback).
    bool hostAnnounce() const;
    void setHostAnnounce(bool announce);
    /// TLS for the hosted hub: PEM certificate and key files (empty: plain ws://).
    QString hostTlsCertificate() const;
    void setHostTlsCertificate(const QString &path);
    QString hostTlsKey() const;
    void setHostTlsKey(const QString &path);
    /// The hosted hub's bans, kept between runs: banned id -> the address banned with it (empty: by id only).
    QMap<QString, QString> hostBans() const;
    void setHostBans(const QMap<QString, QString> &bans);
    /// Limits of the hosted hub (defaults: HubConfig's).
    int hostMaxPeers() const;
    void setHostMaxPeers(int peers);
    int hostMaxMessageKiB() const;
    void setHostMaxMessageKiB(int kib);
    int hostMessagesPerSecond() const;
    void setHostMessagesPerSecond(int rate);
    int hostMaxConnectionsPerAddress() const;
    void setHostMaxConnectionsPerAddress(int connections);

    /// Further hub settings as `key = value` lines (the keys of peerlink-hub's hub.conf); they win over the above.
    QString hostMoreSettings() const;
    void setHostMoreSettings(const QString &text);

    /// Fingerprints the user chose to trust, by hub host:port (like SSH's known_hosts).
    QString pinnedFingerprint(const QUrl &hub) const;
    void setPinnedFingerprint(const QUrl &hub, const QString &fingerprint);

    /// The fingerprint of peer @p id on @p hub that the user compared in person and marked verified (empty: none).
    /// A mark holds for that fingerprint only: a peer whose key changed is no longer verified.
    QString verifiedFingerprint(const QUrl &hub, const QString &id) const;
    /// Marks @p id on @p hub verified for @p fingerprint; an empty fingerprint removes the mark.
    void setVerifiedFingerprint(const QUrl &hub, const QString &id, const QString &fingerprint);

    // Behaviour.
    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);
    /// Whether peers get a read receipt when their message is shown (on by default; off: none is sent).
    bool readReceipts() const;
    void setReadReceipts(bool on);
    /// "" follows the system locale; otherwise a locale name such as "en" or "zh_CN".
    QString language() const;
    void setLanguage(const QString &language);

    /// What is done with files peers offer (issue 15): ask (the default), accept from verified peers into a folder
    /// (by default the user's Downloads folder), or decline all.
    IncomingFilesPolicy incomingFiles() const;
    void setIncomingFiles(const IncomingFilesPolicy &policy);

    /// Days to keep the message history; 0 keeps it forever (the default).
    int historyRetentionDays() const;
    void setHistoryRetentionDays(int days);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);

    void sync();

private:
    QSettings *m_settings;
    QString m_sessionPeerId;
    bool m_owned;
};

} // namespace PeerLink
