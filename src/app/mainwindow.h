#pragma once

#include "app/transferitem.h"
#include "core/invitation.h"

#include <QMainWindow>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QDockWidget;
class QLabel;
class QLineEdit;
class QListWidget;
class QSystemTrayIcon;
class QToolButton;
class QMenu;
class QTimer;

namespace Ui {
class MainWindow;
}

namespace PeerLink {

class MessageDelegate;
class LanDiscovery;
class LanHubsModel;
class MessageSelection;
class PasswordStore;
class SecretBackend;

class AppSettings;
class ChatController;
class HubHost;
class HubPanel;
class TransfersPanel;
class LanguageManager;
class ConnectDialog;
class ProfileIdentity;
class HistoryRetention;

/// The messenger window: peers and conversations, the message input, hosting, the tray. Logic lives in
/// ChatController and HubHost; this class wires them to the forms.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ChatController *controller, HubHost *host, AppSettings *settings, LanguageManager *language,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Starts the embedded hub with the saved hosting settings (and @p port / @p password if given) and joins it
    /// once it listens. Returns false, showing why, when the start is refused at once; a failed listen reopens the
    /// hosting options with the reason later.
    bool startHosting(std::optional<quint16> port = std::nullopt, const QString &password = QString());
    /// Leaves the own hub, then stops it, in that order; returns at once (HubHost::stopped() follows).
    void stopHosting();
    /// The context menu of the message at @p index: Copy text, and Send again for one's own failed message.
    std::unique_ptr<QMenu> messageMenu(const QModelIndex &index);
    /// Opens the link under @p pos (viewport coordinates) in the message view, if there is one.
    bool openLinkAt(const QPoint &pos);
    /// Asks for a hub to connect to (with @p error: why the last attempt failed).
    void openConnectDialog(const QString &error = QString());
    /// Opens an invitation: the connect dialog filled in with all its addresses; when accepted, the invitation's
    /// certificate fingerprint is pinned for those of them still in the list.
    void openInvitation(const Invitation &invitation);
    /// Connects to a hub (leaving the current one); a hub this app hosts keeps running.
    void connectToHub(const QUrl &url, const QString &id, const QString &name, const QString &password);
    /// The same over several hubs, in order: the client moves to the next when the one in use stops answering.
    void connectToHub(const QList<QUrl> &urls, const QString &id, const QString &name, const QString &password);
    /// Ordered shutdown: the client leaves, then the hub stops and its thread ends (asynchronously; closing the
    /// window while hosting waits for HubHost::stopped() before it closes).
    void shutdown();

    /// The retention the settings dialog changes (not owned; may be null).
    void setHistoryRetention(HistoryRetention *retention) { m_retention = retention; }

    /// The profile's identity, for "My identity" (not owned). One that could not be loaded is reported at once.
    void setProfileIdentity(const ProfileIdentity *identity);

    /// Searches every stored conversation for @p text and lists what it finds (the search field does this as the
    /// user types). Returns how many messages were found.
    int search(const QString &text);
    /// Opens conversation @p key, scrolls to the stored message @p id (loading older pages as needed) and selects
    /// it. False when it is not in that conversation.
    bool showMessage(const QString &key, qint64 id);
    /// Asks (a message box, "confirmDelete") whether to delete the shown conversation, then deletes it.
    void confirmDeleteConversation();

    /// Finds hubs on the local network and announces the hosted one (Avahi unless replaced, e.g. by a test's fake).
    void setLanDiscovery(std::unique_ptr<LanDiscovery> discovery);
    /// Keeps passwords through @p backend (the system keychain unless replaced, e.g. by a test's fake).
    void setSecretBackend(std::unique_ptr<SecretBackend> backend);
    LanHubsModel *lanHubs() const { return m_lanHubs; }

    HubPanel *hubPanel() const { return m_hubPanel; }
    QDockWidget *hubDock() const { return m_hubDock; }
    TransfersPanel *transfersPanel() const { return m_transfersPanel; }
    QDockWidget *transfersDock() const { return m_transfersDock; }
    /// Asks for the file to send (parent, title); empty: none. Tests replace the file dialog.
    using OpenFilePicker = std::function<QString(QWidget *, const QString &)>;
    void setOpenFilePicker(OpenFilePicker picker) { m_pickOpenFile = std::move(picker); }
    /// Sends a file to the active conversation's peer (asking which, unless @p path is given); the transfers show.
    void sendFile(const QString &path = QString());
    /// Does @p action to transfer @p tid, as a conversation's transfer item asks: Accept and Open as the Transfers
    /// dock's buttons do (the same code, the same folder picker), Decline and Cancel through the transfers model.
    void actOnTransfer(const QString &tid, TransferItem::Action action);
    QSystemTrayIcon *trayIcon() const { return m_tray; }
    /// Makes the tray icon even where the platform says there is no tray (tests, offscreen).
    void setUpTrayForTesting() { setUpTray(true); }
    /// Quits for real: closing no longer hides to the tray (the Quit action, the tray menu's Quit).
    void quit();
    /// Saves PNG screenshots of the window and the hub panel into @p dir.
    bool saveScreenshots(const QString &dir);

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void sendInput();
    /// Loads older messages when the conversation view is scrolled to the top, keeping what is shown in place.
    void onMessageViewScrolled(int value);
    void exportConversation();
    void showHistoryProblem(const QString &text);
    void showConversation(const QString &key);
    /// Opens the item widgets of the transfer rows @p first to @p last of the conversation shown.
    void openTransferItems(int first, int last);
    void showPeerMenu(const QPoint &pos);
    void openHostDialog(const QString &error = QString());
    void openSettings();
    /// The oldest unanswered connection request in the request bar (hidden when there is none).
    void showConnectRequest();
    /// Asks for a room's name (non-modal) and joins it, making it when it is not there.
    void openJoinRoomDialog();
    /// Asks for a room's name, topic and whether it is invite-only (non-modal), and makes it.
    void openCreateRoomDialog();
    /// Asks for a peer id (non-modal) and invites it to the room shown.
    void openInviteDialog();
    /// Fills the members dock for the conversation shown (hidden when it is not a room we are in).
    void showRoomMembers();
    /// Shows @p from's invitation to @p room with Accept / Decline.
    void showRoomInvitation(const QString &room, const QString &from);
    /// Whether "Kick from my hub" may act on @p id: a peer of the hosted hub, the client on it, not the own row.
    bool canKickFromOwnHub(const QString &id) const;
    void openIdentityDialog();
    void openVerifyDialog(const QString &peer);
    /// The changed-key warning and the send action of the shown conversation.
    void updateKeyChangeBar();
    /// Asks whether to trust a hub certificate no authority vouches for (like an SSH host key).
    void confirmCertificate(const QString &fingerprint, const QString &reason);
    void onHostingStarted(const QUrl &localUrl);
    /// Starts hosting with @p password (empty: the one in the settings file, if any).
    bool startHostingWith(std::optional<quint16> port, const QString &password);
    void updateTitle();
    void updateActions();
    void retranslate();
    void setUpTray(bool evenWithoutTray = false);
    /// The key-change warning bar in the palette's colours.
    void styleKeyChangeBar();
    /// Show / Host / Stop hosting / Quit, in the current language.
    void fillTrayMenu();
    QString selectedPeer() const;

    std::unique_ptr<Ui::MainWindow> m_ui;
    ChatController *m_controller;
    HubHost *m_host;
    AppSettings *m_settings;
    LanguageManager *m_language;
    HubPanel *m_hubPanel;
    QDockWidget *m_hubDock;
    TransfersPanel *m_transfersPanel;
    QDockWidget *m_transfersDock;
    QAction *m_actionSendFile;
    QAction *m_actionTransfers;
    OpenFilePicker m_pickOpenFile;
    QLabel *m_statusLabel;
    QLineEdit *m_searchEdit = nullptr;
    QListWidget *m_searchResults = nullptr;
    QDockWidget *m_searchDock = nullptr;
    QAction *m_actionSearch = nullptr;
    QAction *m_actionExport = nullptr;
    QAction *m_actionDelete = nullptr;
    QAction *m_actionJoinRoom = nullptr;  // rooms (issue 17)
    QAction *m_actionLeaveRoom = nullptr;
    QAction *m_actionCreateRoom = nullptr;
    QAction *m_actionInviteToRoom = nullptr;
    QDockWidget *m_membersDock = nullptr; // the members of the room shown, with presence
    QListWidget *m_members = nullptr;
    QTimer *m_searchTimer = nullptr;
    HistoryRetention *m_retention = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_trayMenu = nullptr;
    QPointer<ConnectDialog> m_connectDialog;
    const ProfileIdentity *m_identity = nullptr;
    QString m_requestFrom;
    struct LastConnect
    {
        QList<QUrl> urls;
        QString id;
        QString name;
        QString password;
    } m_lastConnect;
    /// Who the app joins its own hub as, once HubHost::started() says it listens.
    struct OwnHubJoin
    {
        QString id;
        QString name;
        QString password;
    };
    std::optional<OwnHubJoin> m_ownHubJoin;
    bool m_quitConfirmed = false;
    bool m_closeWhenStopped = false;
    bool m_quitRequested = false;
    MessageDelegate *m_messageDelegate = nullptr;
    MessageSelection *m_messageSelection = nullptr;
    PasswordStore *m_passwords = nullptr; ///< where the hub password is remembered
    std::unique_ptr<LanDiscovery> m_lan; ///< hubs on the local network; the hosted hub's announcement
    LanHubsModel *m_lanHubs = nullptr;
    /// Announces the hosted hub on the local network when it runs and the hosting options say so.
    void announceHostedHub();
    bool m_followBottom = true;            // the message view is at its bottom: new messages are followed
    QToolButton *m_newMessagesButton = nullptr; // shown when new ones came while the reader had scrolled up
    std::optional<Invitation> m_invitation; // being opened in the connect dialog
    bool m_toldAboutTray = false; // the first hide to the tray says so once
    bool m_shutDown = false;
};

} // namespace PeerLink
