#include "receipts.h"

#include "client/logging.h"
#include "client/securechannel.h"
#include "core/rules.h"

#include <QTimer>

#include <algorithm>

namespace PeerLink {

Receipts::Receipts(SecureChannel &secure, QObject *parent)
    : QObject(parent)
    , m_secure(secure)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(BatchMs);
    connect(m_timer, &QTimer::timeout, this, &Receipts::flush);
}

void Receipts::setJoined(bool joined)
{
    m_joined = joined;
    if (joined && m_pendingCount > 0 && !m_timer->isActive())
        m_timer->start();
}

void Receipts::messageDelivered(const ChatMessage &m)
{
    // Broadcasts are not confirmed (everyone would answer everyone); nor is a message without mid.
    if (m.to.isEmpty() || m.mid.isEmpty())
        return;
    queue(m.from, ReceiptKind::Delivered, { m.mid });
}

void Receipts::messagesRead(const QString &peer, const QStringList &mids)
{
    if (m_readReceipts && !mids.isEmpty())
        queue(peer, ReceiptKind::Read, mids);
}

void Receipts::queue(const QString &peer, ReceiptKind kind, const QStringList &mids)
{
    // Only a peer whose key we know can check a receipt, and only an identity can sign one.
    if (!m_secure.hasIdentity() || m_secure.knownKey(peer).isEmpty())
        return;
    if (m_pendingCount + mids.size() > MaxPending) {
        qCWarning(lcClient).noquote() << "receipts: too many waiting; dropped" << mids.size() << "for" << peer;
        return;
    }
    // Into the open batch of this peer and kind (read implies delivered, so batches need no order between them).
    auto open = std::find_if(m_pending.begin(), m_pending.end(), [&](const Batch &b) {
        return b.peer == peer && b.kind == kind && b.mids.size() < Rules::MaxReceiptMids;
    });
    for (const QString &mid : mids) {
        if (open == m_pending.end() || open->mids.size() >= Rules::MaxReceiptMids) {
            m_pending.append(Batch { peer, kind, {} });
            open = m_pending.end() - 1;
        }
        open->mids.append(mid);
    }
    m_pendingCount += int(mids.size());
    if (!m_joined)
        return;
    // A full batch goes at once (a burst, such as a mailbox handed over, must not pile up behind the timer).
    if (open->mids.size() >= Rules::MaxReceiptMids)
        flush();
    else if (!m_timer->isActive())
        m_timer->start();
}

void Receipts::flush()
{
    if (!m_joined)
        return;
    const QList<Batch> batches = std::exchange(m_pending, {});
    m_pendingCount = 0;
    for (const Batch &b : batches) {
        const QString sig = m_secure.signReceipt(b.peer, b.kind, b.mids);
        if (!sig.isEmpty())
            Q_EMIT hubFrameReady(encode(ReceiptRequest { b.peer, b.kind, b.mids, sig }));
    }
}

void Receipts::received(const Receipt &receipt)
{
    if (!m_secure.verifyReceipt(receipt)) {
        qCWarning(lcClient).noquote() << "dropped a receipt from" << receipt.from
                                      << "- its signature does not verify against a known key";
        return;
    }
    Q_EMIT receiptReceived(receipt.from, receipt.kind, receipt.mids);
}

void Receipts::clear()
{
    m_pending.clear();
    m_pendingCount = 0;
    m_timer->stop();
}

} // namespace PeerLink
