#pragma once

#include "hub/hubconfig.h"

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace PeerLink {

/// What peerlink-hub runs with: where it listens, and the hub's own configuration.
struct HubServiceConfig
{
    QHostAddress bind = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0;
    HubConfig hub;
};

/// What kind of value a setting takes.
enum class HubSettingKind {
    Number,  ///< a whole number within [minimum, maximum], in `unit`
    Text,    ///< free text (a name)
    Secret,  ///< free text that is never shown (a password)
    Switch,  ///< yes / no
    Address, ///< an IP address
    List,    ///< a comma-separated list
    File,    ///< a path to a file that is read when the setting is applied
};

/// One setting of the hub, declared once: the same key in the config file, as a command-line option (--key), in the
/// app's hosting options and in the documentation (man page, hub.conf, docs/hub-settings.md), all made from this.
struct HubSettingInfo
{
    QString key;
    /// The field of HubServiceConfig it sets ("hub.maxPeers", "port").
    QString member;
    /// The placeholder in help texts ("N", "S", "FILE").
    QString valueName;
    HubSettingKind kind = HubSettingKind::Number;
    /// The unit of the value as written ("bytes", "seconds", ...); empty for none.
    QString unit;
    /// The range of a Number (inclusive).
    qint64 minimum = 0;
    qint64 maximum = 0;
    /// The default, as it would be written in the file.
    QString defaultValue;
    /// One or two sentences of English help (without the default, which is added where it is shown).
    QString description;
    /// The app's hosting dialog has a field of its own for it: a "key = value" line for it there is refused.
    bool dialogField = false;
};

/// Every setting, in the order the documentation lists them.
QList<HubSettingInfo> hubSettings();
/// The setting with @p key, or nullptr.
const HubSettingInfo *findHubSetting(const QString &key);
/// The help of a setting with its default, as `peerlink-hub --help`, the man page and hub.conf show it.
QString hubSettingHelp(const HubSettingInfo &info);
/// The keys the app's hosting dialog sets through fields of its own.
QStringList hubDialogSettingKeys();

/// Sets @p key to @p value (text, as in the file or on the command line). Returns false with a readable reason in
/// @p error for an unknown key or a value out of range; @p config is unchanged then.
bool applyHubSetting(HubServiceConfig &config, const QString &key, const QString &value, QString *error);

/// Applies `key = value` lines (`#` or `;` starts a comment) on top of @p config. Returns false with
/// "SOURCE:LINE: reason" in @p error at the first bad line; @p config is left unchanged then. Keys in
/// @p reservedKeys are refused (they are set elsewhere, such as in a dialog's own fields).
bool applyHubSettingsText(const QString &text, const QString &source, HubServiceConfig &config, QString *error,
                          const QStringList &reservedKeys = {});

/// Reads a config file of `key = value` lines (`#` or `;` starts a comment; blank lines are ignored) on top of
/// @p config. Returns false with "FILE:LINE: reason" in @p error at the first bad line, unknown key or unreadable
/// file; @p config is left unchanged then.
bool loadHubConfigFile(const QString &path, HubServiceConfig &config, QString *error);

/// The documentation made from the declarations: the man page's option list (roff), the example config file's
/// settings (`# help` and `key = value` lines; @p packaged overrides values, e.g. bind and port of the service) and
/// the Markdown table of docs/hub-settings.md.
QString hubSettingsManPage();
QString hubSettingsConfFile(const QList<std::pair<QString, QString>> &packaged = {});
QString hubSettingsMarkdown();

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
