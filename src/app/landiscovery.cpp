#include "landiscovery.h"

#include "app/networkaddresses.h"

#include <algorithm>

namespace PeerLink {

using namespace Qt::StringLiterals;

QUrl LanHub::url() const
{
    QUrl url = hubUrl(address, port);
    if (!fingerprint.isEmpty())
        url.setScheme(u"wss"_s);
    return url;
}

QList<QByteArray> lanTxtRecords(const LanAnnouncement &announcement)
{
    QList<QByteArray> records { "txtvers=1", "name=" + announcement.name.left(64).toUtf8(),
                                announcement.passwordRequired ? "pw=1" : "pw=0" };
    if (!announcement.fingerprint.isEmpty())
        records.append("fp=" + announcement.fingerprint.toLatin1());
    return records;
}

void readLanTxtRecords(const QList<QByteArray> &records, LanHub &hub)
{
    for (const QByteArray &record : records) {
        const qsizetype eq = record.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray key = record.left(eq).toLower();
        const QByteArray value = record.mid(eq + 1);
        if (key == "name" && !value.isEmpty() && value.size() <= 256)
            hub.name = QString::fromUtf8(value).simplified();
        else if (key == "pw")
            hub.passwordRequired = value == "1";
        else if (key == "fp" && value.size() <= 128)
            hub.fingerprint = QString::fromLatin1(value);
    }
}

bool announceByDefault(const QHostAddress &bound)
{
    return !bound.isNull() && !bound.isLoopback();
}

std::optional<LanAnnouncement> hostedHubAnnouncement(bool announce, const QHostAddress &bound, const QString &name,
                                                     quint16 port, bool passwordRequired, const QString &fingerprint)
{
    if (!announce || bound.isNull() || bound.isLoopback() || port == 0)
        return std::nullopt;
    return LanAnnouncement { name, port, passwordRequired, fingerprint };
}

LanHubsModel::LanHubsModel(LanDiscovery *discovery, QObject *parent)
    : QAbstractListModel(parent)
    , m_discovery(discovery)
{
    if (discovery) {
        connect(discovery, &LanDiscovery::hubFound, this, &LanHubsModel::add);
        connect(discovery, &LanDiscovery::hubLost, this, &LanHubsModel::remove);
    }
}

int LanHubsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hubs.size());
}

QVariant LanHubsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_hubs.size())
        return {};
    const LanHub &hub = m_hubs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return hub.passwordRequired ? tr("%1 — %2 (password needed)").arg(hub.name, hub.url().toString())
                                    : tr("%1 — %2").arg(hub.name, hub.url().toString());
    case Qt::ToolTipRole:
        return hub.fingerprint.isEmpty() ? hub.url().toString()
                                         : tr("%1\nTLS certificate fingerprint: %2").arg(hub.url().toString(), hub.fingerprint);
    case UrlRole:
        return hub.url();
    case PasswordRequiredRole:
        return hub.passwordRequired;
    case NameRole:
        return hub.name;
    case FingerprintRole:
        return hub.fingerprint;
    default:
        return {};
    }
}

void LanHubsModel::add(const LanHub &hub)
{
    const auto it = std::find_if(m_hubs.begin(), m_hubs.end(), [&](const LanHub &h) { return h.service == hub.service; });
    if (it == m_hubs.end()) {
        // Sorted by name, as people look for it.
        const auto at = std::lower_bound(m_hubs.begin(), m_hubs.end(), hub, [](const LanHub &a, const LanHub &b) {
            return a.name.localeAwareCompare(b.name) < 0;
        });
        const int row = int(at - m_hubs.begin());
        beginInsertRows(QModelIndex(), row, row);
        m_hubs.insert(row, hub);
        endInsertRows();
        return;
    }
    // Seen again (another interface or protocol): an IPv4 address is kept over an IPv6 one (no scope to carry).
    const bool keepAddress = it->address.protocol() == QAbstractSocket::IPv4Protocol
        && hub.address.protocol() != QAbstractSocket::IPv4Protocol;
    const QHostAddress address = keepAddress ? it->address : hub.address;
    *it = hub;
    it->address = address;
    const QModelIndex changed = index(int(it - m_hubs.begin()));
    Q_EMIT dataChanged(changed, changed);
}

void LanHubsModel::remove(const QString &service)
{
    for (int row = 0; row < m_hubs.size(); ++row) {
        if (m_hubs.at(row).service == service) {
            beginRemoveRows(QModelIndex(), row, row);
            m_hubs.removeAt(row);
            endRemoveRows();
            return;
        }
    }
}

} // namespace PeerLink
