#include "hubsettings.h"

#include "core/rules.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QObject>

#include <functional>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

// Largest config file read, in bytes: a config file is a few hundred bytes.
constexpr qint64 kMaxConfigBytes = 1024 * 1024;

bool number(const QString &value, qint64 min, qint64 max, qint64 &out, QString *error, const QString &key)
{
    bool ok = false;
    const qint64 n = value.trimmed().toLongLong(&ok);
    if (!ok || n < min || n > max) {
        if (error)
            *error = QObject::tr("%1 takes a whole number from %2 to %3 (got \"%4\")").arg(key).arg(min).arg(max).arg(value);
        return false;
    }
    out = n;
    return true;
}

struct Setting
{
    HubSettingInfo info;
    std::function<bool(HubServiceConfig &, const QString &, QString *)> apply;
};

/// A setting that takes a whole number within [min, max] and stores it through @p store.
Setting numeric(const QString &key, const QString &valueName, const QString &description, qint64 min, qint64 max,
                std::function<void(HubServiceConfig &, qint64)> store)
{
    return Setting { { key, valueName, description }, [=](HubServiceConfig &c, const QString &v, QString *error) {
                        qint64 n = 0;
                        if (!number(v, min, max, n, error, key))
                            return false;
                        store(c, n);
                        return true;
                    } };
}

const QList<Setting> &table()
{
    static const QList<Setting> settings = [] {
        const HubConfig d;
        QList<Setting> s;
        s.append(Setting { { u"bind"_s, u"ADDR"_s,
                             QObject::tr("Address to listen on (default 127.0.0.1; 0.0.0.0 or :: for every interface).") },
                           [](HubServiceConfig &c, const QString &v, QString *error) {
                               const QHostAddress a(v.trimmed());
                               if (a.isNull()) {
                                   if (error)
                                       *error = QObject::tr("bind takes an IP address such as 127.0.0.1 or :: (got \"%1\")").arg(v);
                                   return false;
                               }
                               c.bind = a;
                               return true;
                           } });
        s.append(numeric(u"port"_s, u"N"_s, QObject::tr("Port to listen on; 0 picks a free one (default 0)."), 0, 65535,
                         [](HubServiceConfig &c, qint64 n) { c.port = quint16(n); }));
        s.append(Setting { { u"name"_s, u"NAME"_s, QObject::tr("Hub name announced to peers (default \"%1\").").arg(d.name) },
                           [](HubServiceConfig &c, const QString &v, QString *error) {
                               const QString name = v.trimmed();
                               if (name.isEmpty() || name.size() > 128) {
                                   if (error)
                                       *error = QObject::tr("name takes 1 to 128 characters");
                                   return false;
                               }
                               c.hub.name = name;
                               return true;
                           } });
        s.append(Setting { { u"password"_s, u"P"_s, QObject::tr("Password peers must give to join; empty for none.") },
                           [](HubServiceConfig &c, const QString &v, QString *) {
                               c.hub.password = v;
                               return true;
                           } });
        s.append(numeric(u"max-message-bytes"_s, u"N"_s,
                         QObject::tr("Largest message accepted, in bytes (default %1).").arg(d.maxMessageBytes), 256,
                         512LL * 1024 * 1024, [](HubServiceConfig &c, qint64 n) { c.hub.maxMessageBytes = n; }));
        s.append(numeric(u"max-peers"_s, u"N"_s, QObject::tr("Most peers joined at once (default %1).").arg(d.maxPeers), 1,
                         1000000, [](HubServiceConfig &c, qint64 n) { c.hub.maxPeers = int(n); }));
        s.append(numeric(u"rate"_s, u"N"_s,
                         QObject::tr("Messages per second per peer, 0 for no limit (default %1).").arg(d.messagesPerSecond), 0,
                         1000000, [](HubServiceConfig &c, qint64 n) { c.hub.messagesPerSecond = double(n); }));
        s.append(numeric(u"burst"_s, u"N"_s, QObject::tr("Messages a peer may send in a burst (default %1).").arg(d.messageBurst),
                         1, 1000000, [](HubServiceConfig &c, qint64 n) { c.hub.messageBurst = double(n); }));
        s.append(numeric(u"max-invalid"_s, u"N"_s,
                         QObject::tr("Invalid messages tolerated before a peer is disconnected (default %1).")
                             .arg(d.maxInvalidMessages),
                         0, 1000000, [](HubServiceConfig &c, qint64 n) { c.hub.maxInvalidMessages = int(n); }));
        s.append(numeric(u"ping-interval"_s, u"S"_s,
                         QObject::tr("Seconds between heartbeats, 0 to switch them off (default %1).").arg(d.pingIntervalMs / 1000),
                         0, 3600, [](HubServiceConfig &c, qint64 n) { c.hub.pingIntervalMs = int(n * 1000); }));
        s.append(numeric(u"ping-timeout"_s, u"S"_s,
                         QObject::tr("Seconds of silence after a heartbeat before a peer is dropped (default %1).")
                             .arg(d.pingTimeoutMs / 1000),
                         1, 3600, [](HubServiceConfig &c, qint64 n) { c.hub.pingTimeoutMs = int(n * 1000); }));
        s.append(numeric(u"join-timeout"_s, u"S"_s,
                         QObject::tr("Seconds a new connection has to join (default %1).").arg(d.joinTimeoutMs / 1000), 1,
                         3600, [](HubServiceConfig &c, qint64 n) { c.hub.joinTimeoutMs = int(n * 1000); }));
        s.append(Setting { { u"tls-cert"_s, u"FILE"_s,
                             QObject::tr("Serve wss:// with this certificate (PEM; with tls-key).") },
                           [](HubServiceConfig &c, const QString &v, QString *error) {
                               if (v.trimmed().isEmpty()) { // empty: plain ws://
                                   c.hub.tlsCertificate = QSslCertificate();
                                   return true;
                               }
                               const auto certs = QSslCertificate::fromPath(v.trimmed(), QSsl::Pem);
                               if (certs.isEmpty()) {
                                   if (error)
                                       *error = QObject::tr("tls-cert: no PEM certificate in \"%1\"").arg(v);
                                   return false;
                               }
                               c.hub.tlsCertificate = certs.constFirst();
                               return true;
                           } });
        s.append(Setting { { u"tls-key"_s, u"FILE"_s, QObject::tr("The private key of tls-cert (PEM, unencrypted).") },
                           [](HubServiceConfig &c, const QString &v, QString *error) {
                               if (v.trimmed().isEmpty()) {
                                   c.hub.tlsKey = QSslKey();
                                   return true;
                               }
                               QFile f(v.trimmed());
                               if (!f.open(QIODevice::ReadOnly)) {
                                   if (error)
                                       *error = QObject::tr("tls-key: cannot read \"%1\": %2").arg(v, f.errorString());
                                   return false;
                               }
                               const QByteArray pem = f.read(1024 * 1024);
                               for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec }) {
                                   QSslKey key(pem, algorithm, QSsl::Pem);
                                   if (!key.isNull()) {
                                       c.hub.tlsKey = key;
                                       return true;
                                   }
                               }
                               if (error)
                                   *error = QObject::tr("tls-key: no unencrypted RSA or EC key in \"%1\"").arg(v);
                               return false;
                           } });
        s.append(numeric(u"reconnect-grace"_s, u"MS"_s,
                         QObject::tr("Milliseconds a peer whose connection dropped keeps its place before the others are "
                                     "told it left, 0 to tell them at once (default %1).")
                             .arg(d.reconnectGraceMs),
                         0, 600000, [](HubServiceConfig &c, qint64 n) { c.hub.reconnectGraceMs = int(n); }));
        s.append(numeric(u"byte-rate"_s, u"N"_s,
                         QObject::tr("Bytes per second per peer, 0 for no limit (default %1).").arg(qint64(d.bytesPerSecond)), 0,
                         1LL << 40, [](HubServiceConfig &c, qint64 n) { c.hub.bytesPerSecond = double(n); }));
        s.append(numeric(u"byte-burst"_s, u"N"_s,
                         QObject::tr("Bytes a peer may send in a burst (default %1).").arg(qint64(d.byteBurst)), 1, 1LL << 40,
                         [](HubServiceConfig &c, qint64 n) { c.hub.byteBurst = double(n); }));
        s.append(numeric(u"max-connections-per-address"_s, u"N"_s,
                         QObject::tr("Connections from one IP address at most, 0 for no limit (default %1).")
                             .arg(d.maxConnectionsPerAddress),
                         0, 1000000, [](HubServiceConfig &c, qint64 n) { c.hub.maxConnectionsPerAddress = int(n); }));
        s.append(numeric(u"autoban-connections"_s, u"N"_s,
                         QObject::tr("Ban an address that opens more connections than this within the autoban window, "
                                     "0 to switch autoban off (default %1).")
                             .arg(d.autobanConnections),
                         0, 1000000, [](HubServiceConfig &c, qint64 n) { c.hub.autobanConnections = int(n); }));
        s.append(numeric(u"autoban-window"_s, u"S"_s,
                         QObject::tr("Seconds over which connections are counted for the autoban (default %1).")
                             .arg(d.autobanWindowMs / 1000),
                         1, 86400, [](HubServiceConfig &c, qint64 n) { c.hub.autobanWindowMs = int(n * 1000); }));
        s.append(numeric(u"autoban-duration"_s, u"S"_s,
                         QObject::tr("Seconds an autobanned address is refused (default %1).").arg(d.autobanDurationMs / 1000), 1,
                         86400, [](HubServiceConfig &c, qint64 n) { c.hub.autobanDurationMs = int(n * 1000); }));
        s.append(numeric(u"listen-backlog"_s, u"N"_s,
                         QObject::tr("Connections the system may queue before the hub accepts them (default %1).")
                             .arg(d.listenBacklog),
                         1, 65535, [](HubServiceConfig &c, qint64 n) { c.hub.listenBacklog = int(n); }));
        s.append(numeric(u"max-handshakes"_s, u"N"_s,
                         QObject::tr("Connections in their WebSocket handshake at once, 0 for no limit (default %1).")
                             .arg(d.maxHandshakes),
                         0, 1000000, [](HubServiceConfig &c, qint64 n) { c.hub.maxHandshakes = int(n); }));
        s.append(numeric(u"max-queued-bytes"_s, u"N"_s,
                         QObject::tr("Outgoing bytes queued for one peer before it is dropped as not reading (default %1).")
                             .arg(d.maxQueuedBytes),
                         4096, 1LL << 40, [](HubServiceConfig &c, qint64 n) { c.hub.maxQueuedBytes = n; }));
        s.append(Setting { { u"allowed-origins"_s, u"LIST"_s,
                             QObject::tr("Comma-separated Origins of web pages allowed to connect (default none).") },
                           [](HubServiceConfig &c, const QString &v, QString *) {
                               QStringList origins;
                               for (const QString &o : v.split(u',', Qt::SkipEmptyParts))
                                   origins.append(o.trimmed());
                               c.hub.allowedOrigins = origins;
                               return true;
                           } });
        s.append(Setting { { u"allow-no-origin"_s, u"yes|no"_s,
                             QObject::tr("Let in clients that send no Origin, such as desktop apps (default yes).") },
                           [](HubServiceConfig &c, const QString &v, QString *error) {
                               const QString b = v.trimmed().toLower();
                               if (b == u"yes" || b == u"true" || b == u"1") {
                                   c.hub.allowNoOrigin = true;
                               } else if (b == u"no" || b == u"false" || b == u"0") {
                                   c.hub.allowNoOrigin = false;
                               } else {
                                   if (error)
                                       *error = QObject::tr("allow-no-origin takes yes or no (got \"%1\")").arg(v);
                                   return false;
                               }
                               return true;
                           } });
        return s;
    }();
    return settings;
}

} // namespace

QList<HubSettingInfo> hubSettings()
{
    QList<HubSettingInfo> list;
    for (const Setting &s : table())
        list.append(s.info);
    return list;
}

bool applyHubSetting(HubServiceConfig &config, const QString &key, const QString &value, QString *error)
{
    for (const Setting &s : table()) {
        if (s.info.key == key) {
            HubServiceConfig candidate = config;
            if (!s.apply(candidate, value, error))
                return false;
            config = candidate;
            return true;
        }
    }
    if (error)
        *error = QObject::tr("unknown setting \"%1\"").arg(key);
    return false;
}

bool loadHubConfigFile(const QString &path, HubServiceConfig &config, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QObject::tr("%1: cannot read: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxConfigBytes) {
        if (error)
            *error = QObject::tr("%1: larger than %2 bytes; not a config file").arg(path).arg(kMaxConfigBytes);
        return false;
    }
    const QByteArray bytes = file.readAll();
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes) {
        if (error)
            *error = QObject::tr("%1: not valid UTF-8").arg(path);
        return false;
    }
    return applyHubSettingsText(text, path, config, error);
}

bool applyHubSettingsText(const QString &text, const QString &source, HubServiceConfig &config, QString *error)
{
    HubServiceConfig candidate = config;
    int lineNumber = 0;
    for (const QString &raw : text.split(u'\n')) {
        ++lineNumber;
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0) {
            if (error)
                *error = QObject::tr("%1:%2: expected \"key = value\"").arg(source).arg(lineNumber);
            return false;
        }
        const QString key = line.left(eq).trimmed();
        const QString value = line.mid(eq + 1).trimmed();
        QString why;
        if (!applyHubSetting(candidate, key, value, &why)) {
            if (error)
                *error = u"%1:%2: %3"_s.arg(source).arg(lineNumber).arg(why);
            return false;
        }
    }
    config = candidate;
    return true;
}

bool loadBanFile(const QString &path, BanList &bans, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QObject::tr("%1: cannot read: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > 16 * kMaxConfigBytes) {
        if (error)
            *error = QObject::tr("%1: larger than %2 bytes").arg(path).arg(16 * kMaxConfigBytes);
        return false;
    }
    BanList list;
    int lineNumber = 0;
    for (const QString &raw : QString::fromUtf8(file.readAll()).split(u'\n')) {
        ++lineNumber;
        const QString line = raw.section(u'#', 0, 0).trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(u"id:")) {
            const QString id = line.mid(3).trimmed();
            if (!Rules::isValidId(id)) {
                if (error)
                    *error = QObject::tr("%1:%2: \"%3\" is not a valid peer id").arg(path).arg(lineNumber).arg(id.left(80));
                return false;
            }
            list.ids.append(id);
            continue;
        }
        const QHostAddress address(line);
        if (address.isNull()) {
            if (error)
                *error = QObject::tr("%1:%2: expected an IP address or id:NAME (got \"%3\")")
                             .arg(path)
                             .arg(lineNumber)
                             .arg(line.left(80));
            return false;
        }
        list.addresses.append(address);
    }
    bans = list;
    return true;
}

} // namespace PeerLink
