#include "historyretention.h"

#include "history/messagestore.h"

#include <QDateTime>

namespace PeerLink {

HistoryRetention::HistoryRetention(History::MessageStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    connect(&m_timer, &QTimer::timeout, this, &HistoryRetention::apply);
}

void HistoryRetention::start(int intervalMs)
{
    apply();
    m_timer.start(intervalMs);
}

int HistoryRetention::apply()
{
    if (m_days <= 0 || !m_store || !m_store->isOpen())
        return 0;
    const int deleted = m_store->applyRetention(m_clock(), m_days);
    if (deleted > 0)
        Q_EMIT messagesDeleted(deleted);
    return deleted;
}

} // namespace PeerLink
