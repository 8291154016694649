#include "appsettings.h"

#include "app/landiscovery.h"

#include "app/firstrun.h"

#include "core/rules.h"
#include "hub/hubconfig.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

namespace PeerLink {

using namespace Qt::StringLiterals;

AppSettings::AppSettings(QSettings *settings)
    : m_settings(settings ? settings : new QSettings(u"PeerLink"_s, u"PeerLink"_s))
    , m_owned(settings == nullptr)
{
}

AppSettings::~AppSettings()
{
    if (m_owned)
        delete m_settings;
}

QUrl AppSettings::hubUrl() const
{
    return hubUrls().constFirst();
}

void AppSettings::setHubUrl(const QUrl &url)
{
    setHubUrls({ url });
}

QList<QUrl> AppSettings::hubUrls() const
{
    QList<QUrl> urls;
    for (const QString &url : m_settings->value(u"connection/hubUrls"_s).toStringList()) {
        if (const QUrl u(url); u.isValid() && !u.isEmpty())
            urls.append(u);
    }
    if (urls.isEmpty()) // one address, as PeerLink kept it before it knew of several
        urls.append(QUrl(m_settings->value(u"connection/hubUrl"_s, u"ws://127.0.0.1:9000"_s).toString()));
    return urls;
}

void AppSettings::setHubUrls(const QList<QUrl> &urls)
{
    QStringList list;
    for (const QUrl &url : urls)
        list.append(url.toString());
    m_settings->setValue(u"connection/hubUrls"_s, list);
    // The first one also where an older PeerLink looks for it.
    m_settings->setValue(u"connection/hubUrl"_s, list.value(0));
}

QString AppSettings::peerId() const
{
    if (Rules::isValidId(m_sessionPeerId))
        return m_sessionPeerId;
    const QString saved = m_settings->value(u"connection/peerId"_s).toString();
    if (Rules::isValidId(saved))
        return saved;
    return proposePeerId(QString(), qEnvironmentVariable("USER"));
}

void AppSettings::setPeerId(const QString &id)
{
    m_settings->setValue(u"connection/peerId"_s, id);
    m_sessionPeerId.clear();
}

bool AppSettings::hasSavedPeerId() const
{
    return Rules::isValidId(m_settings->value(u"connection/peerId"_s).toString());
}

QString AppSettings::displayName() const
{
    return m_settings->value(u"connection/displayName"_s).toString();
}

void AppSettings::setDisplayName(const QString &name)
{
    m_settings->setValue(u"connection/displayName"_s, name);
}

bool AppSettings::rememberPassword() const
{
    return m_settings->value(u"connection/rememberPassword"_s, false).toBool();
}

void AppSettings::setRememberPassword(bool remember)
{
    m_settings->setValue(u"connection/rememberPassword"_s, remember);
    if (!remember)
        m_settings->remove(u"connection/password"_s);
}

QString AppSettings::plainTextPassword() const
{
    return rememberPassword() ? m_settings->value(u"connection/password"_s).toString() : QString();
}

void AppSettings::setPlainTextPassword(const QString &password)
{
    if (rememberPassword() && !password.isEmpty())
        m_settings->setValue(u"connection/password"_s, password);
    else
        m_settings->remove(u"connection/password"_s);
}

bool AppSettings::passwordInPlainText() const
{
    return m_settings->value(u"connection/passwordInPlainText"_s, !plainTextPassword().isEmpty()).toBool();
}

void AppSettings::setPasswordInPlainText(bool allowed)
{
    m_settings->setValue(u"connection/passwordInPlainText"_s, allowed);
}

bool AppSettings::hostAnnounce() const
{
    return m_settings->value(u"hosting/announce"_s, announceByDefault(hostBindAddress())).toBool();
}

void AppSettings::setHostAnnounce(bool announce)
{
    m_settings->setValue(u"hosting/announce"_s, announce);
}

bool AppSettings::hostOnLaunch() const
{
    return m_settings->value(u"hosting/onLaunch"_s, false).toBool();
}

void AppSettings::setHostOnLaunch(bool host)
{
    m_settings->setValue(u"hosting/onLaunch"_s, host);
}

QHostAddress AppSettings::hostBindAddress() const
{
    const QHostAddress a(m_settings->value(u"hosting/bind"_s, u"0.0.0.0"_s).toString());
    return a.isNull() ? QHostAddress(QHostAddress::AnyIPv4) : a;
}

void AppSettings::setHostBindAddress(const QHostAddress &address)
{
    m_settings->setValue(u"hosting/bind"_s, address.toString());
}

quint16 AppSettings::hostPort() const
{
    const int port = m_settings->value(u"hosting/port"_s, 9000).toInt();
    return port >= 0 && port <= 65535 ? quint16(port) : quint16(9000);
}

void AppSettings::setHostPort(quint16 port)
{
    m_settings->setValue(u"hosting/port"_s, port);
}

QString AppSettings::hostPassword() const
{
    return m_settings->value(u"hosting/password"_s).toString();
}

void AppSettings::setHostPassword(const QString &password)
{
    if (password.isEmpty())
        m_settings->remove(u"hosting/password"_s);
    else
        m_settings->setValue(u"hosting/password"_s, password);
}

bool AppSettings::hostPasswordInKeychain() const
{
    return m_settings->value(u"hosting/passwordInKeychain"_s, false).toBool();
}

void AppSettings::setHostPasswordInKeychain(bool inKeychain)
{
    m_settings->setValue(u"hosting/passwordInKeychain"_s, inKeychain);
}

bool AppSettings::hostPasswordAsked() const
{
    return m_settings->value(u"hosting/passwordAsked"_s, false).toBool();
}

void AppSettings::setHostPasswordAsked(bool asked)
{
    m_settings->setValue(u"hosting/passwordAsked"_s, asked);
}

QString AppSettings::hubName() const
{
    return m_settings->value(u"hosting/name"_s, u"PeerLink hub"_s).toString();
}

void AppSettings::setHubName(const QString &name)
{
    m_settings->setValue(u"hosting/name"_s, name);
}

QString AppSettings::hostTlsCertificate() const
{
    return m_settings->value(u"hosting/tlsCertificate"_s).toString();
}

void AppSettings::setHostTlsCertificate(const QString &path)
{
    m_settings->setValue(u"hosting/tlsCertificate"_s, path);
}

QString AppSettings::hostTlsKey() const
{
    return m_settings->value(u"hosting/tlsKey"_s).toString();
}

void AppSettings::setHostTlsKey(const QString &path)
{
    m_settings->setValue(u"hosting/tlsKey"_s, path);
}

QMap<QString, QString> AppSettings::hostBans() const
{
    QMap<QString, QString> bans;
    const QVariantMap stored = m_settings->value(u"hosting/bans"_s).toMap();
    for (auto it = stored.cbegin(); it != stored.cend(); ++it)
        bans.insert(it.key(), it.value().toString());
    return bans;
}

void AppSettings::setHostBans(const QMap<QString, QString> &bans)
{
    if (bans.isEmpty()) {
        m_settings->remove(u"hosting/bans"_s);
        return;
    }
    QVariantMap stored;
    for (auto it = bans.cbegin(); it != bans.cend(); ++it)
        stored.insert(it.key(), it.value());
    m_settings->setValue(u"hosting/bans"_s, stored);
}

int AppSettings::hostMaxPeers() const
{
    return m_settings->value(u"hosting/maxPeers"_s, HubConfig().maxPeers).toInt();
}

void AppSettings::setHostMaxPeers(int peers)
{
    m_settings->setValue(u"hosting/maxPeers"_s, peers);
}

int AppSettings::hostMaxMessageKiB() const
{
    return m_settings->value(u"hosting/maxMessageKiB"_s, int(HubConfig().maxMessageBytes / 1024)).toInt();
}

void AppSettings::setHostMaxMessageKiB(int kib)
{
    m_settings->setValue(u"hosting/maxMessageKiB"_s, kib);
}

int AppSettings::hostMessagesPerSecond() const
{
    return m_settings->value(u"hosting/messagesPerSecond"_s, int(HubConfig().messagesPerSecond)).toInt();
}

void AppSettings::setHostMessagesPerSecond(int rate)
{
    m_settings->setValue(u"hosting/messagesPerSecond"_s, rate);
}

int AppSettings::hostMaxConnectionsPerAddress() const
{
    return m_settings->value(u"hosting/maxConnectionsPerAddress"_s, HubConfig().maxConnectionsPerAddress).toInt();
}

void AppSettings::setHostMaxConnectionsPerAddress(int connections)
{
    m_settings->setValue(u"hosting/maxConnectionsPerAddress"_s, connections);
}

QString AppSettings::hostMoreSettings() const
{
    return m_settings->value(u"hosting/moreSettings"_s).toString();
}

void AppSettings::setHostMoreSettings(const QString &text)
{
    m_settings->setValue(u"hosting/moreSettings"_s, text);
}

QString AppSettings::pinnedFingerprint(const QUrl &hub) const
{
    return m_settings->value(u"pins/%1:%2"_s.arg(hub.host()).arg(hub.port(443))).toString();
}

void AppSettings::setPinnedFingerprint(const QUrl &hub, const QString &fingerprint)
{
    m_settings->setValue(u"pins/%1:%2"_s.arg(hub.host()).arg(hub.port(443)), fingerprint);
}

namespace {
/// One settings key per (hub URL, id); percent-encoded so that neither the URL's slashes nor its colons make groups.
QString verifiedKey(const QUrl &hub, const QString &id)
{
    QUrl normal = hub.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
    if (normal.path() == u"/")
        normal.setPath(QString()); // ws://host:port/ and ws://host:port are one hub
    const QString url = normal.toString();
    return u"verified/"_s + QString::fromLatin1(QUrl::toPercentEncoding(url + u' ' + id));
}
} // namespace

QString AppSettings::verifiedFingerprint(const QUrl &hub, const QString &id) const
{
    return m_settings->value(verifiedKey(hub, id)).toString();
}

void AppSettings::setVerifiedFingerprint(const QUrl &hub, const QString &id, const QString &fingerprint)
{
    if (fingerprint.isEmpty())
        m_settings->remove(verifiedKey(hub, id));
    else
        m_settings->setValue(verifiedKey(hub, id), fingerprint);
}

bool AppSettings::notificationsEnabled() const
{
    return m_settings->value(u"ui/notifications"_s, true).toBool();
}

void AppSettings::setNotificationsEnabled(bool enabled)
{
    m_settings->setValue(u"ui/notifications"_s, enabled);
}

bool AppSettings::closeToTray() const
{
    return m_settings->value(u"ui/close_to_tray"_s, true).toBool();
}

void AppSettings::setCloseToTray(bool on)
{
    m_settings->setValue(u"ui/close_to_tray"_s, on);
}

bool AppSettings::readReceipts() const
{
    return m_settings->value(u"privacy/read_receipts"_s, true).toBool();
}

void AppSettings::setReadReceipts(bool on)
{
    m_settings->setValue(u"privacy/read_receipts"_s, on);
}

IncomingFilesPolicy AppSettings::incomingFiles() const
{
    IncomingFilesPolicy policy;
    policy.mode = IncomingFilesPolicy::modeFromName(m_settings->value(u"files/incoming"_s).toString());
    policy.folder = m_settings->value(u"files/incomingFolder"_s,
                                      QStandardPaths::writableLocation(QStandardPaths::DownloadLocation))
                        .toString();
    return policy;
}

void AppSettings::setIncomingFiles(const IncomingFilesPolicy &policy)
{
    m_settings->setValue(u"files/incoming"_s, IncomingFilesPolicy::modeName(policy.mode));
    m_settings->setValue(u"files/incomingFolder"_s, policy.folder);
}

int AppSettings::historyRetentionDays() const
{
    return std::max(0, m_settings->value(u"history/retentionDays"_s, 0).toInt());
}

void AppSettings::setHistoryRetentionDays(int days)
{
    m_settings->setValue(u"history/retentionDays"_s, std::max(0, days));
}

QString AppSettings::language() const
{
    return m_settings->value(u"ui/language"_s).toString();
}

void AppSettings::setLanguage(const QString &language)
{
    m_settings->setValue(u"ui/language"_s, language);
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings->value(u"ui/geometry"_s).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(u"ui/geometry"_s, geometry);
}

QByteArray AppSettings::windowState() const
{
    return m_settings->value(u"ui/state"_s).toByteArray();
}

void AppSettings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(u"ui/state"_s, state);
}

void AppSettings::sync()
{
    m_settings->sync();
}

} // namespace PeerLink
