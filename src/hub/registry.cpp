#include "registry.h"

#include "core/protocol.h"
#include "hub/hubsession.h"

namespace PeerLink {

Registry::Registry(int maxHeld)
    : m_maxHeld(maxHeld)
{
}

const Registry::Entry *Registry::find(const QString &id) const
{
    const auto it = m_entries.constFind(id);
    return it == m_entries.cend() ? nullptr : &*it;
}

HubSession *Registry::live(const QString &id) const
{
    const Entry *e = find(id);
    return e ? e->session : nullptr;
}

HubSession *Registry::live(QByteArrayView id, RecipientCache &cache) const
{
    if (cache.generation != m_generation || cache.id != id) {
        cache.id = id.toByteArray();
        cache.session = live(QString::fromLatin1(id));
        cache.generation = m_generation;
    }
    return cache.session;
}

bool Registry::isLive(const HubSession *session) const
{
    return session->isJoined() && live(session->id()) == session;
}

bool Registry::isInGrace(const QString &id) const
{
    const Entry *e = find(id);
    return e && e->grace;
}

void Registry::add(HubSession *session)
{
    Entry &e = m_entries[session->id()];
    const bool fresh = !e.session && !e.grace;
    if (!e.session)
        ++m_live;
    else if (e.session != session)
        e.session->setBroadcastTarget(false);
    e.session = session;
    e.grace.reset();
    session->setBroadcastTarget(true);
    ++m_generation;
    // A new id's entry goes to the end of the welcome list; anything else makes it again when next asked for.
    if (fresh && m_listValid) {
        if (!m_list.isEmpty())
            m_list.append(',');
        m_list.append(session->peerEntry());
    } else {
        m_listValid = false;
    }
}

bool Registry::remove(const HubSession *session)
{
    if (!session->isJoined())
        return false;
    const auto it = m_entries.find(session->id());
    if (it == m_entries.end() || it->session != session)
        return false;
    m_entries.erase(it);
    --m_live;
    m_listValid = false;
    ++m_generation;
    const_cast<HubSession *>(session)->setBroadcastTarget(false);
    return true;
}

bool Registry::startGrace(const HubSession *session, qint64 endsMs)
{
    if (!session->isJoined())
        return false;
    const auto it = m_entries.find(session->id());
    if (it == m_entries.end() || it->session != session)
        return false;
    auto grace = std::make_shared<Grace>();
    grace->name = session->name();
    grace->resumeToken = session->resumeToken();
    grace->joinedAt = session->joinedAt();
    grace->host = session->isHost();
    grace->key = session->key();
    grace->prekey = session->prekey();
    grace->prekeySig = session->prekeySig();
    grace->endsMs = endsMs;
    it->session = nullptr;
    it->grace = std::move(grace);
    --m_live;
    m_listValid = false;
    ++m_generation;
    const_cast<HubSession *>(session)->setBroadcastTarget(false);
    return true;
}

std::optional<Registry::Grace> Registry::endGrace(const QString &id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !it->grace)
        return std::nullopt;
    Grace grace = std::move(*it->grace);
    m_entries.erase(it);
    m_listValid = false;
    ++m_generation;
    return grace;
}

QStringList Registry::graceEnded(qint64 nowMs) const
{
    QStringList ids;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (it->grace && it->grace->endsMs < nowMs)
            ids.append(it.key());
    }
    return ids;
}

bool Registry::hold(Grace &grace, Held held) const
{
    if (grace.held.size() >= m_maxHeld)
        return false;
    grace.held.append(std::move(held));
    return true;
}

void Registry::dropGraces()
{
    m_entries.removeIf([](const auto &it) { return bool(it.value().grace); });
    m_listValid = false;
    ++m_generation;
}

void Registry::clear()
{
    for (const Entry &e : std::as_const(m_entries)) {
        if (e.session)
            e.session->setBroadcastTarget(false);
    }
    m_entries.clear();
    m_live = 0;
    m_listValid = false;
    ++m_generation;
}

QByteArray Registry::welcomePeers(const HubSession *except, QByteArrayView more) const
{
    // The entries of everyone, made once (HubSession::peerEntry) and kept in one list, which a join extends: a
    // welcome in a crowd of joins is one copy. A peer resuming (already in the registry) gets a list made for it.
    const bool listed = except && isLive(except);
    if (!m_listValid && !listed) {
        m_list.clear();
        appendEntries(m_list, nullptr);
        m_listValid = true;
    }
    QByteArray peers;
    peers.reserve(2 + (listed ? m_entries.size() * 16 : m_list.size()) + more.size() + 1);
    peers.append('[');
    if (listed)
        appendEntries(peers, except);
    else
        peers.append(m_list);
    if (!more.isEmpty()) {
        if (peers.size() > 1)
            peers.append(',');
        peers.append(more);
    }
    peers.append(']');
    return peers;
}

void Registry::appendEntries(QByteArray &out, const HubSession *except) const
{
    const qsizetype start = out.size();
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (except && it->session == except)
            continue;
        if (out.size() > start)
            out.append(',');
        if (it->session)
            out.append(it->session->peerEntry());
        else
            out.append(encodePeerEntry(PeerInfo { it.key(), it->grace->name, it->grace->host, it->grace->key,
                                                  it->grace->prekey, it->grace->prekeySig }));
    }
}

} // namespace PeerLink
