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
    if (!e.session)
        ++m_live;
    e.session = session;
    e.grace.reset();
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
    return true;
}

std::optional<Registry::Grace> Registry::endGrace(const QString &id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !it->grace)
        return std::nullopt;
    Grace grace = std::move(*it->grace);
    m_entries.erase(it);
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
}

void Registry::clear()
{
    m_entries.clear();
    m_live = 0;
}

QByteArray Registry::welcomePeers(const HubSession *except, QByteArrayView more) const
{
    // Each live peer's entry is made once (HubSession::peerEntry); a welcome copies them.
    QByteArray peers;
    peers.reserve(2 + m_entries.size() * 16 + more.size() + 1);
    peers.append('[');
    bool first = true;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (it->session == except && except)
            continue;
        if (!first)
            peers.append(',');
        first = false;
        if (it->session)
            peers.append(it->session->peerEntry());
        else
            peers.append(encodePeerEntry(PeerInfo { it.key(), it->grace->name, it->grace->host, it->grace->key,
                                                               it->grace->prekey, it->grace->prekeySig }));
    }
    if (!more.isEmpty()) {
        if (!first)
            peers.append(',');
        peers.append(more);
    }
    peers.append(']');
    return peers;
}

} // namespace PeerLink
