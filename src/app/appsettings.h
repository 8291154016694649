#pragma once

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
    QUrl hubUrl() const;
    void setHubUrl(const QUrl &url);
    /// The peer id; a fresh valid id derived from the user name when none was saved.
    QString peerId() const;
    void setPeerId(const QString &id);
    QString displayName() const;
    void setDisplayName(const QString &name);
    bool rememberPassword() const;
    void setRememberPassword(bool remember);
    QString password() const;
    void setPassword(const QString &password);

    // Hosting.
    bool hostOnLaunch() const;
    void setHostOnLaunch(bool host);
    QHostAddress hostBindAddress() const;
    void setHostBindAddress(const QHostAddress &address);
    quint16 hostPort() const;
    void setHostPort(quint16 port);
    QString hostPassword() const;
    void setHostPassword(const QString &password);
    QString hubName() const;
    void setHubName(const QString &name);
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
    bool m_owned;
};

} // namespace PeerLink
