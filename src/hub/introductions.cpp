#include "introductions.h"

#include "core/secrets.h"

#include <algorithm>

namespace PeerLink {

Introductions::Introductions(int timeoutMs, int maxPerInitiator)
    : m_timeoutMs(timeoutMs)
    , m_maxPerInitiator(maxPerInitiator)
{
}

bool Introductions::canStart(const QString &initiator) const
{
    const auto pending = std::count_if(m_pending.cbegin(), m_pending.cend(),
                                       [&initiator](const Pending &p) { return p.initiator == initiator; });
    return pending < m_maxPerInitiator;
}

Introductions::Pending Introductions::start(const QString &initiator, const QString &target, qint64 nowMs,
                                            QString *link)
{
    // A fresh link id and one-time secret for this pair: the target gets the secret now (to check a dialer), the
    // initiator only if the target accepts.
    *link = randomHex(16);
    const Pending p { initiator, target, randomHex(32), nowMs + m_timeoutMs };
    m_pending.insert(*link, p);
    return p;
}

std::optional<Introductions::Pending> Introductions::answer(const QString &link, const QString &target,
                                                            const QString &initiator, qint64 nowMs)
{
    const auto it = m_pending.constFind(link);
    if (it == m_pending.cend() || it->target != target || it->initiator != initiator || it->expiresMs < nowMs)
        return std::nullopt;
    Pending p = *it;
    m_pending.erase(it);
    return p;
}

void Introductions::forget(const QString &id)
{
    m_pending.removeIf([&id](const auto &it) { return it.value().initiator == id || it.value().target == id; });
}

void Introductions::expire(qint64 nowMs)
{
    m_pending.removeIf([nowMs](const auto &it) { return it.value().expiresMs < nowMs; });
}

} // namespace PeerLink
