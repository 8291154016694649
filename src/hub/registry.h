#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace PeerLink {

class HubSession;

/// The hub's one record per peer id: a joined peer is either live (its HubSession) or in its reconnect grace (its
/// connection dropped; still there for the others, with the messages held for it). An id has at most one entry, so
/// "who is there" (the welcome list, hub_full, routing) is answered in one place. Knows no sockets: it only keeps
/// HubSession pointers and asks them for their id and welcome entry.
class Registry
{
public:
    /// A message held for a peer in its grace.
    struct Held
    {
        QByteArray frame; // the JSON, UTF-8
        QString sender;   // for a direct message: who gets the ack, or the error
        QString mid;
    };
    /// What the hub remembers of a peer in its grace.
    struct Grace
    {
        QString name;
        QString resumeToken;
        QDateTime joinedAt;
        bool host = false;
        QString key; // the identity it joined with (base64url; empty without one)
        QString prekey;
        QString prekeySig;
        qint64 endsMs = 0;
        QList<Held> held;
    };
    /// One peer id: live (session set) or in grace (grace set); never both.
    struct Entry
    {
        HubSession *session = nullptr;
        std::shared_ptr<Grace> grace; // shared: a snapshot of entries() may outlive a change of the registry
    };
    using Entries = QHash<QString, Entry>;

    /// @p maxHeld: messages held for one peer in its grace at most.
    explicit Registry(int maxHeld = 256);

    /// Live and in grace: what counts against the hub's maxPeers.
    int size() const { return int(m_entries.size()); }
    /// Live peers only.
    int liveCount() const { return m_live; }
    /// Every entry; iterate a copy (cheap: implicitly shared) when the loop may change the registry.
    const Entries &entries() const { return m_entries; }
    /// The entry of @p id, or null; valid until the registry changes.
    const Entry *find(const QString &id) const;
    /// The live session of @p id, or null.
    HubSession *live(const QString &id) const;
    /// What a sender last sent to: the relay's lookup of a recipient, by its id's bytes, without a QString or a
    /// hash when it is the same recipient as last time and the registry has not changed since.
    struct RecipientCache
    {
        QByteArray id;
        HubSession *session = nullptr;
        quint64 generation = 0;
    };
    /// The live session of the id @p id (ASCII), or null, through @p cache.
    HubSession *live(QByteArrayView id, RecipientCache &cache) const;
    /// @p session is the live session of its id.
    bool isLive(const HubSession *session) const;
    /// In grace, and until when; false when @p id is not in grace.
    bool isInGrace(const QString &id) const;

    /// Registers a joined @p session under its id, replacing whatever entry the id had.
    void add(HubSession *session);
    /// Takes @p session out when it is the live session of its id; false otherwise.
    bool remove(const HubSession *session);
    /// Moves the live @p session into its grace until @p endsMs; false when it is not live.
    bool startGrace(const HubSession *session, qint64 endsMs);
    /// Ends @p id's grace and takes its entry out (it resumed, or is gone for good); nullopt when not in grace.
    std::optional<Grace> endGrace(const QString &id);
    /// The ids whose grace ended before @p nowMs.
    QStringList graceEnded(qint64 nowMs) const;
    /// Holds a message for a peer in grace; false when its queue is full.
    bool hold(Grace &grace, Held held) const;
    /// Forgets the peers in grace, telling nobody (the hub closes).
    void dropGraces();
    /// Forgets everyone.
    void clear();

    /// The `peers` array of a welcome for @p except: every other peer, live or in grace (they are there, as far as
    /// anyone knows), from each one's ready entry.
    /// @p more: further entries, comma-separated (the peers of the other hubs of a cluster).
    QByteArray welcomePeers(const HubSession *except, QByteArrayView more = {}) const;

private:
    /// Every entry but @p except's, comma-separated, appended to @p out.
    void appendEntries(QByteArray &out, const HubSession *except) const;

    Entries m_entries;
    mutable QByteArray m_list;     // every entry, comma-separated (welcomePeers), when m_listValid
    mutable bool m_listValid = false;
    quint64 m_generation = 1; // counts the changes of who is live (RecipientCache)
    int m_live = 0;
    int m_maxHeld = 256;
};

} // namespace PeerLink
