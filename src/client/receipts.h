#pragma once

#include "core/protocol.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

class QTimer;

namespace PeerLink {

class SecureChannel;

/// Delivery and read receipts, end to end, without sockets. When a message a peer sent us is handed to the
/// application, a `delivered` receipt for it goes back; when the application says the user saw it, a `read`
/// receipt (unless read receipts are off: then none is sent). Receipts are batched (those of one short moment, per
/// peer and kind, at most Rules::MaxReceiptMids a frame), signed with our identity key, and kept while we are not
/// joined. Only between peers with identities: a peer without a key (an older client) gets none, and a receipt is
/// believed only when its signature verifies against its sender's known key, so the hub cannot forge one.
class Receipts : public QObject
{
    Q_OBJECT
public:
    /// Receipts waiting to go, at most (more are dropped: they are a courtesy, not the message).
    static constexpr int MaxPending = 10000;
    /// How long receipts are gathered before they go (ms).
    static constexpr int BatchMs = 20;

    explicit Receipts(SecureChannel &secure, QObject *parent = nullptr);

    /// Read receipts are sent (the default), or none at all.
    void setReadReceipts(bool on) { m_readReceipts = on; }
    bool readReceipts() const { return m_readReceipts; }
    /// Joined to a hub: what waits goes now; not joined: receipts wait.
    void setJoined(bool joined);

    /// @p m (from a peer, to us) was handed to the application: a `delivered` receipt goes, when it can be signed
    /// and its sender has a key.
    void messageDelivered(const ChatMessage &m);
    /// The user was shown @p mids from @p peer: a `read` receipt goes (with read receipts on).
    void messagesRead(const QString &peer, const QStringList &mids);
    /// A receipt came from the hub: checked, then reported with receiptReceived(), or dropped.
    void received(const Receipt &receipt);
    /// Receipts waiting to go.
    int pendingCount() const { return m_pendingCount; }
    /// Forgets every receipt waiting (a new session).
    void clear();

Q_SIGNALS:
    void hubFrameReady(const QByteArray &frame);
    /// @p peer confirmed @p mids (its signature verified).
    void receiptReceived(const QString &peer, PeerLink::ReceiptKind kind, const QStringList &mids);

private:
    struct Batch
    {
        QString peer;
        ReceiptKind kind;
        QStringList mids;
    };
    void queue(const QString &peer, ReceiptKind kind, const QStringList &mids);
    void flush();

    SecureChannel &m_secure;
    QTimer *m_timer;
    QList<Batch> m_pending; // in the order they were made
    int m_pendingCount = 0;
    bool m_readReceipts = true;
    bool m_joined = false;
};

} // namespace PeerLink
