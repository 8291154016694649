#pragma once

#include "hub/hubconfig.h"

#include <QHostAddress>
#include <QList>
#include <QString>

namespace PeerLink {

/// What peerlink-hub runs with: where it listens, and the hub's own configuration.
struct HubServiceConfig
{
    QHostAddress bind = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0;
    HubConfig hub;
};

/// One setting of peerlink-hub: the same name in the config file and as a command-line option (--name).
struct HubSettingInfo
{
    QString key;
    QString valueName;
    QString description;
};

/// Every setting, in the order the documentation lists them.
QList<HubSettingInfo> hubSettings();

/// Sets @p key to @p value (text, as in the file or on the command line). Returns false with a readable reason in
/// @p error for an unknown key or a value out of range; @p config is unchanged then.
bool applyHubSetting(HubServiceConfig &config, const QString &key, const QString &value, QString *error);

/// Applies `key = value` lines (`#` or `;` starts a comment) on top of @p config. Returns false with
/// "SOURCE:LINE: reason" in @p error at the first bad line; @p config is left unchanged then.
bool applyHubSettingsText(const QString &text, const QString &source, HubServiceConfig &config, QString *error);

/// Reads a config file of `key = value` lines (`#` or `;` starts a comment; blank lines are ignored) on top of
/// @p config. Returns false with "FILE:LINE: reason" in @p error at the first bad line, unknown key or unreadable
/// file; @p config is left unchanged then.
bool loadHubConfigFile(const QString &path, HubServiceConfig &config, QString *error);

/// A ban list: peer ids and IP addresses.
struct BanList
{
    QStringList ids;
    QList<QHostAddress> addresses;
};

/// Reads a ban list file: one entry a line, an IP address (`192.0.2.7`, `2001:db8::7`) or `id:NAME`; `#` starts a
/// comment. Returns false with "FILE:LINE: reason" in @p error for a bad line or an unreadable file; @p bans is
/// unchanged then (a bad edit never half-applies).
bool loadBanFile(const QString &path, BanList &bans, QString *error);

} // namespace PeerLink
