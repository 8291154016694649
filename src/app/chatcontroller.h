#pragma once

#include "client/peerclient.h"
#include "conversationmodel.h"
#include "incomingfiles.h"
#include "history/messagestore.h"
#include "peerlistmodel.h"
#include "transfersmodel.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace PeerLink {

class AppSettings;

/// The export format a file name asks for by its suffix (.json, .txt; anything else: HTML).
History::MessageStore::ExportFormat exportFormatForPath(const QString &path);

/// The messenger's logic, without widgets: keeps the peer list and the conversations in step with a PeerClient,
/// counts unread messages, decides when to notify, and says the connection state in words.
class ChatController : public QObject
{
    Q_OBJECT
public:
    explicit ChatController(PeerClient *client, QObject *parent = nullptr);

    PeerClient *client() const { return m_client; }
    PeerListModel *peerModel() { return &m_peers; }
    /// The file transfers, both ways (issue 15).
    TransfersModel *transfersModel() { return &m_transfers; }
    /// Whether a file can be sent to the active conversation (a peer's, not Everyone nor a room).
    bool canSendFile() const;
    /// Offers the file at @p path to the peer of the active conversation; the transfer id, or empty (an error was
    /// reported).
    QString sendFile(const QString &path);
    /// What is done with incoming file offers: asked (shown with Accept / Decline), accepted into a folder when the
    /// peer is verified for the key it has now, or declined (the sender is told, as with Decline).
    void setIncomingFiles(const IncomingFilesPolicy &policy) { m_incomingFiles = policy; }
    IncomingFilesPolicy incomingFiles() const { return m_incomingFiles; }
    /// The conversation for @p key ("" = Everyone, else a peer id); made on first use.
    ConversationModel *conversation(const QString &key);
    QString conversationTitle(const QString &key) const;

    QString activeConversation() const { return m_active; }
    /// Shows @p key: its unread count drops to zero.
    void setActiveConversation(const QString &key);
    /// Whether the window is the active one: messages to the shown conversation count as read only then.
    void setWindowActive(bool active);
    void setNotificationsEnabled(bool enabled) { m_notify = enabled; }
    /// Whether a peer's messages get a read receipt once they are shown (its conversation open in the active
    /// window); off: none is sent.
    void setReadReceipts(bool on);

    int unread(const QString &key) const { return m_unread.value(key); }
    int totalUnread() const;

    /// The connection state in words, for the status bar.
    QString statusText() const;

    /// Connects and joins; false (with joinFailed) for input the client refuses at once.
    bool connectToHub(const QUrl &url, const QString &id, const PeerClient::JoinOptions &options);
    /// Over several hubs, in order (the client fails over to the next; the status says where it moved).
    bool connectToHub(const QList<QUrl> &urls, const QString &id, const PeerClient::JoinOptions &options);
    void disconnectFromHub();
    /// Sends @p text to the active conversation. False if there is nothing to send or nobody to send it to.
    bool sendToActive(const QString &text);
    bool send(const QString &key, const QString &text);
    /// Sends the failed message in @p row of @p key's conversation again (as a new message); false when that row
    /// is not one's own failed message, or it cannot go now (errorReported says why).
    bool resend(const QString &key, int row);
    /// Whether a direct connection to @p id can be asked for now: joined, and @p id is another peer that is online.
    bool canConnectToPeer(const QString &id) const;
    /// Asks the hub to introduce us to @p id; false (nothing sent) when canConnectToPeer() says no.
    bool connectToPeer(const QString &id);
    /// The peers asking to connect that have not been answered yet, oldest first (each is answered in turn).
    QStringList pendingConnectRequests() const { return m_requests; }
    /// Answers a connection request: accepting opens the conversation with that peer.
    void acceptConnectRequest(const QString &from);
    void declineConnectRequest(const QString &from);

    // History (issue 14): every conversation on disk.
    /// Keeps every conversation in @p store (not owned; null: in memory only), loading @p pageSize messages at a
    /// time. Call it before showing any conversation: the conversations made so far start again from the store. The
    /// peers with stored conversations join the peer list (offline until they are seen). A store that failed to open
    /// is reported (historyProblem()) and the app works on without history.
    void setHistory(History::MessageStore *store, int pageSize = 200);
    History::MessageStore *history() const { return m_history; }
    /// The last problem with the history, in words a user understands; empty when there was none.
    QString historyProblem() const { return m_historyProblem; }
    /// Full-text search across every stored conversation, newest first.
    QList<History::SearchHit> search(const QString &text, int limit = 100) const;
    /// Writes conversation @p key to the file @p path in @p format. False with @p error in words when it cannot.
    bool exportConversation(const QString &key, const QString &path, History::MessageStore::ExportFormat format,
                            QString *error = nullptr) const;
    /// Deletes conversation @p key from the history and the window; false (reported) when the store refused.
    bool deleteConversation(const QString &key);
    /// Reads every conversation shown so far again from the store (after retention deleted old messages).
    void reloadHistory();

    // Identities (issue 13): fingerprints, verified marks and changed keys.
    /// Where verified marks are kept (per hub URL and id, with the fingerprint); not owned. Without it, none is.
    void setVerifiedStore(AppSettings *settings);
    /// The own fingerprint; empty without an identity.
    QString ownFingerprint() const;
    /// @p id's fingerprint as the hub introduced it; empty when the peer has no key.
    QString peerFingerprint(const QString &id) const;
    /// Whether the user marked @p id verified for the key it has now.
    bool isVerified(const QString &id) const;
    /// Marks @p id verified for its current fingerprint (compared in person). False when there is nothing to verify:
    /// no key, no own identity, or a changed key not accepted yet.
    bool markVerified(const QString &id);
    void removeVerifiedMark(const QString &id);
    /// Whether @p id came with a key other than the remembered one and the user has not accepted it: nothing is sent
    /// to it, nothing from it is shown, until acceptNewKey().
    bool hasKeyChanged(const QString &id) const;
    /// The warning about @p id's changed key, in words; empty when its key did not change.
    QString keyChangeText(const QString &id) const;
    /// Whether @p id's changed key can be accepted now (the peer is there with it).
    bool canAcceptNewKey(const QString &id) const;
    /// Accepts @p id's new key (remembered from now on); sending to it works again. It is not verified. False when
    /// it cannot be accepted now (canAcceptNewKey()).
    bool acceptNewKey(const QString &id);
    /// Why nothing can be sent to conversation @p key now; empty when it can.
    QString sendBlockedReason(const QString &key) const;

    // Rooms (issue 17): a room is a conversation too, its key "#" + the room's name, in the same list and history.
    /// Whether @p key is a room's conversation.
    static bool isRoom(const QString &key) { return key.startsWith(u'#'); }
    /// Joins @p name ("team" or "#team"), making it (open) when it is not there; false (errorReported) when the name
    /// is not a room's name or we are not connected. The room's conversation opens once the hub says we are in.
    bool joinRoom(const QString &name);
    /// Makes the room @p name with @p topic, open or invite-only (false, errorReported, as joinRoom()).
    bool createRoom(const QString &name, const QString &topic, bool inviteOnly);
    /// Invites @p peer to the room of conversation @p key (its creator and managers may; the hub says otherwise).
    bool inviteToRoom(const QString &key, const QString &peer);
    /// Whether @p id, a member of a room, is online now (we always are).
    bool isMemberOnline(const QString &id) const { return id == m_client->id() || m_peers.isOnline(id); }
    /// Leaves the room of conversation @p key; its conversation stays, shown as left.
    bool leaveRoom(const QString &key);
    /// Whether we are in the room of @p key now.
    bool isInRoom(const QString &key) const { return m_rooms.contains(key); }
    /// The members of the room of @p key (as the hub last said), and its topic.
    QStringList roomMembers(const QString &key) const { return m_rooms.value(key).members; }
    QString roomTopic(const QString &key) const { return m_rooms.value(key).topic; }
    /// Invitations not answered yet (room names, oldest first), and their answers: accepting joins the room.
    QStringList pendingInvitations() const { return m_invitations; }
    void acceptInvitation(const QString &room);
    void declineInvitation(const QString &room);

Q_SIGNALS:
    void unreadChanged(const QString &key, int count);
    void totalUnreadChanged(int total);
    void activeConversationChanged(const QString &key);
    void statusTextChanged(const QString &text);
    /// A message arrived that the user has not seen: show a desktop notification.
    void notificationRequested(const QString &title, const QString &body);
    void connectRequestReceived(const QString &from, const QString &name);
    /// A request was queued or answered: pendingConnectRequests() changed.
    void connectRequestsChanged();
    /// The way messages to @p peer travel changed (the conversation title says it).
    void pathChanged(const QString &peer);
    /// Joining failed (id taken, wrong password, hub unreachable...), in words a user understands.
    void joinFailed(const QString &text);
    /// Something else went wrong, in words a user understands.
    void errorReported(const QString &text);
    /// @p peer's verified mark or key state changed (title, list, warning bar and send action follow).
    void peerTrustChanged(const QString &peer);
    /// The history database has a problem (@p text in words a user understands); live chat goes on.
    void historyProblemReported(const QString &text);
    /// @p peer's key changed: to be shown prominently (@p text says what it means and what to do).
    void keyChangeDetected(const QString &peer, const QString &text);
    /// The room of conversation @p key changed: we joined or left it, its members or topic changed (title, list).
    void roomChanged(const QString &key);
    /// @p from invites us to @p room (answer with acceptInvitation() or declineInvitation()).
    void roomInvitationReceived(const QString &room, const QString &from);

private:
    void onJoined();
    void onDisconnected(const QString &reason);
    void onMessage(const ChatMessage &message);
    /// Answers the offer in @p row of the transfers by the incoming-files policy; false: the user is asked.
    bool answerOffer(int row);
    /// Puts the transfer in @p row of the transfers into its peer's conversation, as an item (issue 15).
    void showTransferInConversation(int row);
    void onKeyChanged(const QString &peer, const QString &oldFingerprint, const QString &newFingerprint);
    /// Puts @p id's verified and key-changed state into the peer list.
    void refreshTrust(const QString &id);
    void onError(const QString &code, const QString &message, const QString &ref);
    void addUnread(const QString &key);
    void setUnread(const QString &key, int count);
    QString nameOf(const QString &id) const;
    QList<QString> conversationsWithMessages() const;
    void updateStatus();

    void onHistoryError(const QString &message);
    void wireRooms();
    /// The room's name in @p name ("#team" or "team"), or empty after errorReported when rooms cannot be used now.
    QString roomNameFor(const QString &name);
    void onRoomMessage(const QString &room, const QString &from, const QString &text, const QString &mid, qint64 ts);

    QPointer<PeerClient> m_client;
    QPointer<History::MessageStore> m_history;
    int m_pageSize = 200;
    QString m_historyProblem;
    /// Peers with a stored conversation (read once at start: a peer leaving must not scan the history).
    QSet<QString> m_storedConversations;
    PeerListModel m_peers;
    TransfersModel m_transfers;
    IncomingFilesPolicy m_incomingFiles;
    QHash<QString, ConversationModel *> m_conversations;
    QHash<QString, int> m_unread;
    QHash<QString, QString> m_pending; // mid -> conversation key
    QHash<QString, QString> m_knownNames; // id -> last known display name
    struct KeyChange
    {
        QString oldFingerprint;
        QString newFingerprint;
    };
    QHash<QString, KeyChange> m_keyChanges; // by peer id, until the new key is accepted
    AppSettings *m_verified = nullptr;
    QString m_active;
    bool m_windowActive = true;
    bool m_notify = true;
    QHash<QString, QStringList> m_unreadMids; // per peer: mids received and not shown yet (read receipts)
    bool m_joinErrorReported = false;
    bool m_joinedThisTime = false;
    QString m_lastReason;
    QString m_status;
    QUrl m_joinedUrl; // the hub of the last welcome
    QUrl m_movedFrom; // the hub it failed over from (empty: it has not moved)
    QStringList m_requests; // peers asking to connect, not answered yet, oldest first
    struct RoomState
    {
        QString topic;
        QStringList members;
    };
    QHash<QString, RoomState> m_rooms; // the rooms we are in, by conversation key ("#team")
    QStringList m_invitations;         // rooms we are invited to, not answered yet
};

} // namespace PeerLink
