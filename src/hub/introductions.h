#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace PeerLink {

/// Direct-link introductions waiting for the target's answer, by link id. Time is passed in (ms).
class Introductions
{
public:
    /// One introduction: who asked, whom, and the one-time secret both sides will prove.
    struct Pending
    {
        QString initiator;
        QString target;
        QString secret;
        qint64 expiresMs = 0;
    };

    /// @p timeoutMs: how long one waits for an answer; @p maxPerInitiator: how many one peer may have waiting.
    Introductions(int timeoutMs, int maxPerInitiator);

    /// @p initiator may ask for one more.
    bool canStart(const QString &initiator) const;
    /// Records a new introduction with a fresh link id and secret; returns it (link id in @p link).
    Pending start(const QString &initiator, const QString &target, qint64 nowMs, QString *link);
    /// Takes the introduction @p link out when it was made by @p initiator for @p target and has not expired.
    std::optional<Pending> answer(const QString &link, const QString &target, const QString &initiator, qint64 nowMs);
    /// Drops every introduction @p id takes part in (it left).
    void forget(const QString &id);
    /// Drops the expired ones.
    void expire(qint64 nowMs);
    int size() const { return int(m_pending.size()); }

private:
    QHash<QString, Pending> m_pending; // by link id
    int m_timeoutMs;
    int m_maxPerInitiator;
};

} // namespace PeerLink
