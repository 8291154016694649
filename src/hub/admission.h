#pragma once

#include "hub/hubconfig.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace PeerLink {

/// Who may come in: the ban lists (ids, addresses), the autoban of addresses that connect too often, and the count
/// of open connections per address. No sockets and no clock of its own: the caller passes the time (ms, any
/// monotonic origin), so the rules are tested without waiting. Addresses are taken as one host each
/// (unmappedAddress: ::ffff:a.b.c.d is a.b.c.d).
class Admission
{
public:
    /// What to do with a new connection.
    enum class Verdict {
        Admitted,
        Banned,             ///< its address is on the ban list
        Autobanned,         ///< its address connected too often lately
        TooManyConnections, ///< over maxConnectionsPerAddress open connections from its address
    };

    /// Takes the bans, the autoban settings and the per-address limit from @p config.
    explicit Admission(const HubConfig &config);

    /// Counts a new connection from @p address (open until connectionClosed()) and says whether to let it in. An
    /// attempt counts towards the autoban unless it is already banned or its address is ignored.
    Verdict admit(const QHostAddress &address, qint64 nowMs);
    /// A connection counted by admit() ended.
    void connectionClosed(const QHostAddress &address);
    /// Open connections from @p address.
    int connectionsFrom(const QHostAddress &address) const;

    /// On the ban list: the id (when not empty) or the address.
    bool isBanned(const QString &id, const QHostAddress &address) const;
    /// Adds an id to the ban list (no-op if there); returns false for an invalid id.
    bool banId(const QString &id);
    /// Adds an address to the ban list (no-op if there).
    void banAddress(const QHostAddress &address);
    /// Replaces the ban lists.
    void setBans(const QStringList &ids, const QList<QHostAddress> &addresses);
    QStringList bannedIds() const { return m_bannedIds; }
    QList<QHostAddress> bannedAddresses() const { return m_bannedAddresses; }

    /// In one of the autobanIgnore subnets (never autobanned).
    bool isIgnored(const QHostAddress &address) const;
    /// Autobanned at @p nowMs (does not count an attempt).
    bool isAutobanned(const QHostAddress &address, qint64 nowMs) const;
    /// Forgets autobans that ended and attempts outside the window (housekeeping).
    void expire(qint64 nowMs);

private:
    /// Counts an attempt; true when the address is (now) autobanned.
    bool countAttempt(const QString &key, qint64 nowMs);

    QStringList m_bannedIds;
    QList<QHostAddress> m_bannedAddresses;
    QList<QPair<QHostAddress, int>> m_ignore;
    int m_autobanConnections = 0;
    int m_autobanWindowMs = 0;
    int m_autobanDurationMs = 0;
    int m_maxPerAddress = 0;
    QHash<QString, int> m_open;                   // open connections, by address key
    QHash<QString, QList<qint64>> m_attempts;     // recent connection attempts, by address key
    QHash<QString, qint64> m_autobannedUntil;     // by address key
};

} // namespace PeerLink
