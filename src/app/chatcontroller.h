#pragma once

#include "client/peerclient.h"
#include "conversationmodel.h"
#include "peerlistmodel.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace PeerLink {

/// The messenger's logic, without widgets: keeps the peer list and the conversations in step with a PeerClient,
/// counts unread messages, decides when to notify, and says the connection state in words.
class ChatController : public QObject
{
    Q_OBJECT
public:
    explicit ChatController(PeerClient *client, QObject *parent = nullptr);

    PeerClient *client() const { return m_client; }
    PeerListModel *peerModel() { return &m_peers; }
    /// The conversation for @p key ("" = Everyone, else a peer id); made on first use.
    ConversationModel *conversation(const QString &key);
    QString conversationTitle(const QString &key) const;

    QString activeConversation() const { return m_active; }
    /// Shows @p key: its unread count drops to zero.
    void setActiveConversation(const QString &key);
    /// Whether the window is the active one: messages to the shown conversation count as read only then.
    void setWindowActive(bool active);
    void setNotificationsEnabled(bool enabled) { m_notify = enabled; }

    int unread(const QString &key) const { return m_unread.value(key); }
    int totalUnread() const;

    /// The connection state in words, for the status bar.
    QString statusText() const;

    /// Connects and joins; false (with joinFailed) for input the client refuses at once.
    bool connectToHub(const QUrl &url, const QString &id, const PeerClient::JoinOptions &options);
    void disconnectFromHub();
    /// Sends @p text to the active conversation. False if there is nothing to send or nobody to send it to.
    bool sendToActive(const QString &text);
    bool send(const QString &key, const QString &text);
    /// Asks the hub to introduce us to @p id.
    bool connectToPeer(const QString &id);
    /// Answers a connection request: accepting opens the conversation with that peer.
    void acceptConnectRequest(const QString &from);
    void declineConnectRequest(const QString &from);

Q_SIGNALS:
    void unreadChanged(const QString &key, int count);
    void totalUnreadChanged(int total);
    void activeConversationChanged(const QString &key);
    void statusTextChanged(const QString &text);
    /// A message arrived that the user has not seen: show a desktop notification.
    void notificationRequested(const QString &title, const QString &body);
    void connectRequestReceived(const QString &from, const QString &name);
    /// The way messages to @p peer travel changed (the conversation title says it).
    void pathChanged(const QString &peer);
    /// Joining failed (id taken, wrong password, hub unreachable...), in words a user understands.
    void joinFailed(const QString &text);
    /// Something else went wrong, in words a user understands.
    void errorReported(const QString &text);

private:
    void onJoined();
    void onDisconnected(const QString &reason);
    void onMessage(const QString &from, const QString &text, const QString &to, const QString &mid, qint64 ts);
    void onError(const QString &code, const QString &message, const QString &ref);
    void addUnread(const QString &key);
    void setUnread(const QString &key, int count);
    QString nameOf(const QString &id) const;
    QList<QString> conversationsWithMessages() const;
    void updateStatus();

    QPointer<PeerClient> m_client;
    PeerListModel m_peers;
    QHash<QString, ConversationModel *> m_conversations;
    QHash<QString, int> m_unread;
    QHash<QString, QString> m_pending; // mid -> conversation key
    QHash<QString, QString> m_knownNames; // id -> last known display name
    QString m_active;
    bool m_windowActive = true;
    bool m_notify = true;
    bool m_joinErrorReported = false;
    bool m_joinedThisTime = false;
    QString m_lastReason;
    QString m_status;
};

} // namespace PeerLink
