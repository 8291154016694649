#pragma once

#include <QAbstractListModel>
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace PeerLink {

/// The DNS-SD service type of PeerLink hubs on the local network (issue 16, part 4).
inline constexpr char LanServiceType[] = "_peerlink._tcp";

/// What a hosted hub announces on the local network. Never its password: only whether it wants one.
struct LanAnnouncement
{
    QString name;
    quint16 port = 0;
    bool passwordRequired = false;
    QString fingerprint; ///< the SHA-256 fingerprint of its TLS certificate (empty: plain ws://)
};

/// A hub found on the local network.
struct LanHub
{
    QString service; ///< the DNS-SD instance name: unique on the network
    QString name;    ///< the hub's name (TXT "name", else the instance name)
    QHostAddress address;
    quint16 port = 0;
    bool passwordRequired = false;
    QString fingerprint;
    /// ws://ADDRESS:PORT, or wss:// when it has a certificate fingerprint.
    QUrl url() const;
};

/// The TXT records of an announcement: txtvers=1, name=…, pw=0|1 and, with TLS, fp=… (each key=value, UTF-8).
QList<QByteArray> lanTxtRecords(const LanAnnouncement &announcement);
/// Reads TXT records into @p hub (name, password, fingerprint); unknown keys and malformed records are skipped.
void readLanTxtRecords(const QList<QByteArray> &records, LanHub &hub);
/// Whether a hub bound to @p bound is announced unless the user says otherwise: yes for LAN addresses (and "any"),
/// no for loopback (nobody else could reach it).
bool announceByDefault(const QHostAddress &bound);

/// What a hosted hub bound to @p bound announces: nothing when the hosting options say not to (@p announce) or when
/// it is bound to loopback (nobody else could reach it).
std::optional<LanAnnouncement> hostedHubAnnouncement(bool announce, const QHostAddress &bound, const QString &name,
                                                     quint16 port, bool passwordRequired, const QString &fingerprint);

/// Announcing a hosted hub and finding hubs on the local network (DNS-SD over mDNS). Avahi does it on Linux
/// (makeAvahiDiscovery()); tests use a fake. Where it cannot work (no Avahi daemon), state() is Unavailable with a
/// reason in words, and nothing else changes: the app works the same without the list.
class LanDiscovery : public QObject
{
    Q_OBJECT
public:
    enum class State { Starting, Running, Unavailable };
    Q_ENUM(State)

    using QObject::QObject;
    virtual State state() const = 0;
    /// Why hubs cannot be found or announced (translated); empty unless Unavailable.
    virtual QString unavailableReason() const = 0;
    /// Announces a hosted hub (replacing an earlier announcement); kept until withdraw().
    virtual void announce(const LanAnnouncement &announcement) = 0;
    virtual void withdraw() = 0;

Q_SIGNALS:
    void stateChanged();
    /// A hub appeared, or its details changed (the same service again).
    void hubFound(const PeerLink::LanHub &hub);
    void hubLost(const QString &service);
};

/// Finding and announcing through the Avahi daemon (Debian's libavahi-client); browses at once.
std::unique_ptr<LanDiscovery> makeAvahiDiscovery();

/// The hubs a LanDiscovery found, by name, for the connect dialog's list.
class LanHubsModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { UrlRole = Qt::UserRole + 1, PasswordRequiredRole, NameRole, FingerprintRole };

    /// Follows @p discovery (not owned; may be null: then the list stays empty).
    explicit LanHubsModel(LanDiscovery *discovery, QObject *parent = nullptr);

    LanDiscovery *discovery() const { return m_discovery; }
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    const LanHub &hub(int row) const { return m_hubs.at(row); }

    void add(const LanHub &hub);
    void remove(const QString &service);

private:
    LanDiscovery *m_discovery;
    QList<LanHub> m_hubs;
};

} // namespace PeerLink
