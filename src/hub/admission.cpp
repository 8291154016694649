#include "admission.h"

#include "core/rules.h"
#include "hub/hubtransport.h"
#include "hub/logging.h"

namespace PeerLink {

namespace {
/// One host, one key: ::ffff:a.b.c.d is a.b.c.d for limits, autoban and bans alike.
QString keyOf(const QHostAddress &address)
{
    return unmappedAddress(address).toString();
}
} // namespace

Admission::Admission(const HubConfig &config)
    : m_bannedIds(config.bannedIds)
    , m_bannedAddresses(config.bannedAddresses)
    , m_ignore(config.autobanIgnore)
    , m_autobanConnections(config.autobanConnections)
    , m_autobanWindowMs(config.autobanWindowMs)
    , m_autobanDurationMs(config.autobanDurationMs)
    , m_maxPerAddress(config.maxConnectionsPerAddress)
{
}

Admission::Verdict Admission::admit(const QHostAddress &address, qint64 nowMs)
{
    const QString key = keyOf(address);
    const int open = ++m_open[key];
    if (isBanned(QString(), address))
        return Verdict::Banned;
    if (!isIgnored(address) && countAttempt(key, nowMs))
        return Verdict::Autobanned;
    if (m_maxPerAddress > 0 && open > m_maxPerAddress)
        return Verdict::TooManyConnections;
    return Verdict::Admitted;
}

void Admission::connectionClosed(const QHostAddress &address)
{
    const QString key = keyOf(address);
    const auto it = m_open.find(key);
    if (it != m_open.end() && --*it <= 0)
        m_open.erase(it);
}

int Admission::connectionsFrom(const QHostAddress &address) const
{
    return m_open.value(keyOf(address));
}

bool Admission::isBanned(const QString &id, const QHostAddress &address) const
{
    if (!id.isEmpty() && m_bannedIds.contains(id))
        return true;
    for (const QHostAddress &banned : m_bannedAddresses) {
        if (banned.isEqual(address, QHostAddress::TolerantConversion))
            return true;
    }
    return false;
}

bool Admission::banId(const QString &id)
{
    if (!Rules::isValidId(id))
        return false;
    if (!m_bannedIds.contains(id))
        m_bannedIds.append(id);
    return true;
}

void Admission::banAddress(const QHostAddress &address)
{
    if (!m_bannedAddresses.contains(address))
        m_bannedAddresses.append(address);
}

void Admission::setBans(const QStringList &ids, const QList<QHostAddress> &addresses)
{
    m_bannedIds = ids;
    m_bannedAddresses = addresses;
}

bool Admission::isIgnored(const QHostAddress &address) const
{
    const QHostAddress host = unmappedAddress(address);
    for (const auto &subnet : m_ignore) {
        if (host.isInSubnet(subnet))
            return true;
    }
    return false;
}

bool Admission::isAutobanned(const QHostAddress &address, qint64 nowMs) const
{
    return m_autobannedUntil.value(keyOf(address)) > nowMs;
}

bool Admission::countAttempt(const QString &key, qint64 nowMs)
{
    if (m_autobanConnections <= 0)
        return false;
    if (m_autobannedUntil.value(key) > nowMs)
        return true;
    QList<qint64> &times = m_attempts[key];
    times.removeIf([&](qint64 t) { return nowMs - t > m_autobanWindowMs; });
    times.append(nowMs);
    if (times.size() <= m_autobanConnections)
        return false;
    m_autobannedUntil.insert(key, nowMs + m_autobanDurationMs);
    times.clear();
    qCWarning(lcHub).noquote() << "autoban:" << key << "for" << m_autobanDurationMs / 1000 << "s";
    return true;
}

void Admission::expire(qint64 nowMs)
{
    m_autobannedUntil.removeIf([nowMs](const auto &it) { return it.value() <= nowMs; });
    m_attempts.removeIf([this, nowMs](const auto &it) {
        return it.value().isEmpty() || nowMs - it.value().constLast() > m_autobanWindowMs;
    });
}

} // namespace PeerLink
