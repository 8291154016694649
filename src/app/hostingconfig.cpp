#include "hostingconfig.h"

#include "appsettings.h"

#include <QCoreApplication>

namespace PeerLink {

using namespace Qt::StringLiterals;

bool hostingConfig(const AppSettings &settings, HubServiceConfig &out, QString *error, std::optional<quint16> port,
                   const QString &password)
{
    // The dialog's fields, in the hub's own words. The burst follows the rate (twice it) unless a "More settings"
    // line says otherwise: it has no field.
    const int rate = settings.hostMessagesPerSecond();
    const QList<std::pair<QString, QString>> fields {
        { u"bind"_s, settings.hostBindAddress().toString() },
        { u"port"_s, QString::number(port.value_or(settings.hostPort())) },
        { u"name"_s, settings.hubName() },
        { u"password"_s, password.isEmpty() ? settings.hostPassword() : password },
        { u"max-peers"_s, QString::number(settings.hostMaxPeers()) },
        { u"max-message-bytes"_s, QString::number(qint64(settings.hostMaxMessageKiB()) * 1024) },
        { u"rate"_s, QString::number(rate) },
        { u"burst"_s, QString::number(std::max(1, 2 * rate)) },
        { u"max-connections-per-address"_s, QString::number(settings.hostMaxConnectionsPerAddress()) },
        { u"tls-cert"_s, settings.hostTlsCertificate() },
        { u"tls-key"_s, settings.hostTlsKey() },
    };
    HubServiceConfig config;
    for (const auto &[key, value] : fields) {
        if (!applyHubSetting(config, key, value, error))
            return false;
    }
    if (!applyHubSettingsText(settings.hostMoreSettings(), QCoreApplication::translate("HostDialog", "More settings"),
                              config, error, hubDialogSettingKeys())) {
        return false;
    }
    config.hub.hostId = settings.peerId();
    // The bans made from the hub panel in earlier runs (besides any a "More settings" line gives).
    const QMap<QString, QString> bans = settings.hostBans();
    for (auto it = bans.cbegin(); it != bans.cend(); ++it) {
        if (!config.hub.bannedIds.contains(it.key()))
            config.hub.bannedIds.append(it.key());
        const QHostAddress address(it.value());
        if (!address.isNull() && !config.hub.bannedAddresses.contains(address))
            config.hub.bannedAddresses.append(address);
    }
    out = config;
    return true;
}

} // namespace PeerLink
