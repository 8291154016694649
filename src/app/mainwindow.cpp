#include "mainwindow.h"

#include "app/apppalette.h"
#include "app/messagedelegate.h"
#include "app/landiscovery.h"
#include "app/messageselection.h"
#include "app/passwordstore.h"

#include "hostingconfig.h"

#include "appicon.h"
#include "appsettings.h"
#include "chatcontroller.h"
#include "dialogs.h"
#include "historyretention.h"
#include "hubhost.h"
#include "hub/hubsettings.h"
#include "hubpanel.h"
#include "identitydialogs.h"
#include "languagemanager.h"
#include "profileidentity.h"
#include "transfersmodel.h"
#include "transferspanel.h"

#include "ui_mainwindow.h"

#include <QApplication>
#include <algorithm>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QTimer>
#include <QLabel>
#include <QMenu>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QInputDialog>
#include <QMessageBox>
#include <QScrollBar>
#include <QClipboard>
#include <QGuiApplication>
#include <QDesktopServices>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QMouseEvent>
#include <QSystemTrayIcon>
#include <QToolButton>

namespace PeerLink {

using namespace Qt::StringLiterals;

MainWindow::MainWindow(ChatController *controller, HubHost *host, AppSettings *settings, LanguageManager *language,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_controller(controller)
    , m_host(host)
    , m_settings(settings)
    , m_language(language)
{
    m_ui->setupUi(this);
    setWindowIcon(appIcon());
    m_passwords = new PasswordStore(settings, makeSystemSecretBackend(), this);
    setLanDiscovery(makeAvahiDiscovery());
    m_ui->actionConnect->setIcon(QIcon(u":/icons/connect.svg"_s));
    m_ui->actionHost->setIcon(QIcon(u":/icons/host.svg"_s));
    m_ui->actionConnectToPeer->setIcon(QIcon(u":/icons/link.svg"_s));
    m_ui->actionSettings->setIcon(QIcon(u":/icons/settings.svg"_s));
    m_ui->actionSettings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma)); // (a comma in a .ui string splits keys)
    m_ui->actionKick->setIcon(QIcon(u":/icons/kick.svg"_s));
    m_ui->sendButton->setIcon(QIcon(u":/icons/send.svg"_s));
    m_ui->splitter->setStretchFactor(1, 3);
    m_ui->requestBar->hide();
    m_ui->keyChangeBar->hide();
    styleKeyChangeBar();

    m_hubPanel = new HubPanel(host, this);
    m_hubPanel->setSettings(settings); // bans are kept with the hosting settings
    m_hubDock = new QDockWidget(this);
    m_hubDock->setObjectName(u"hubDock"_s);
    m_hubDock->setWidget(m_hubPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_hubDock);
    m_hubDock->hide();

    // Search across every conversation (Ctrl+F): a field in the toolbar, the results in a dock.
    m_searchEdit = new QLineEdit(this);
    m_searchEdit->setObjectName(u"searchEdit"_s);
    m_searchEdit->setClearButtonEnabled(true);
    m_searchEdit->setMaximumWidth(260);
    m_ui->toolBar->addSeparator();
    m_ui->toolBar->addWidget(m_searchEdit);
    m_searchResults = new QListWidget(this);
    m_searchResults->setObjectName(u"searchResults"_s);
    m_searchResults->setWordWrap(true);
    m_searchDock = new QDockWidget(this);
    m_searchDock->setObjectName(u"searchDock"_s);
    m_searchDock->setWidget(m_searchResults);
    addDockWidget(Qt::LeftDockWidgetArea, m_searchDock);
    m_searchDock->hide();
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(250);
    connect(m_searchTimer, &QTimer::timeout, this, [this] { search(m_searchEdit->text()); });
    connect(m_searchEdit, &QLineEdit::textEdited, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchEdit, &QLineEdit::returnPressed, this, [this] {
        m_searchTimer->stop();
        search(m_searchEdit->text());
    });
    connect(m_searchResults, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        showMessage(item->data(Qt::UserRole + 1).toString(), item->data(Qt::UserRole).toLongLong());
    });
    connect(m_searchResults, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        showMessage(item->data(Qt::UserRole + 1).toString(), item->data(Qt::UserRole).toLongLong());
    });
    m_actionSearch = new QAction(this);
    m_actionSearch->setObjectName(u"actionSearch"_s);
    m_actionSearch->setShortcut(QKeySequence::Find);
    connect(m_actionSearch, &QAction::triggered, this, [this] {
        m_searchEdit->setFocus(Qt::ShortcutFocusReason);
        m_searchEdit->selectAll();
    });
    addAction(m_actionSearch);
    // The menu's own actions (their texts come with retranslate()).
    const auto action = [this](const QString &name, auto slot) {
        auto *a = new QAction(this);
        a->setObjectName(name);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_actionExport = action(u"actionExport"_s, &MainWindow::exportConversation);
    m_actionDelete = action(u"actionDeleteConversation"_s, &MainWindow::confirmDeleteConversation);
    m_actionJoinRoom = action(u"actionJoinRoom"_s, &MainWindow::openJoinRoomDialog);
    m_actionLeaveRoom = action(u"actionLeaveRoom"_s, [this] { m_controller->leaveRoom(m_controller->activeConversation()); });
    m_actionCreateRoom = action(u"actionCreateRoom"_s, &MainWindow::openCreateRoomDialog);
    m_actionInviteToRoom = action(u"actionInviteToRoom"_s, &MainWindow::openInviteDialog);
    m_members = new QListWidget(this);
    m_members->setObjectName(u"roomMembers"_s);
    m_membersDock = new QDockWidget(this);
    m_membersDock->setObjectName(u"membersDock"_s);
    m_membersDock->setWidget(m_members);
    addDockWidget(Qt::RightDockWidgetArea, m_membersDock);
    m_membersDock->hide();
    // File transfers (issue 15): Send file… for the active peer's conversation, files dropped on the window, and the
    // transfers in a dock that shows itself when an offer comes or a file is sent.
    m_transfersPanel = new TransfersPanel(controller->transfersModel(), this);
    m_transfersDock = new QDockWidget(this);
    m_transfersDock->setObjectName(u"transfersDock"_s);
    m_transfersDock->setWidget(m_transfersPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_transfersDock);
    m_transfersDock->hide();
    m_actionTransfers = m_transfersDock->toggleViewAction();
    m_actionTransfers->setObjectName(u"actionTransfers"_s);
    m_pickOpenFile = [](QWidget *parent, const QString &title) { return QFileDialog::getOpenFileName(parent, title); };
    m_actionSendFile = action(u"actionSendFile"_s, [this] { sendFile(); });
    setAcceptDrops(true);
    for (auto shown : { &TransfersModel::offerShown, &TransfersModel::transferRestored }) {
        connect(controller->transfersModel(), shown, this, [this](int row) {
            m_transfersDock->show();
            m_transfersPanel->selectRow(row);
        });
    }
    m_ui->menuPeers->addSeparator();
    m_ui->menuPeers->addAction(m_actionSendFile);
    m_ui->menuPeers->addAction(m_actionTransfers);
    m_ui->menuPeers->addSeparator();
    m_ui->menuPeers->addAction(m_actionJoinRoom);
    m_ui->menuPeers->addAction(m_actionCreateRoom);
    m_ui->menuPeers->addAction(m_actionInviteToRoom);
    m_ui->menuPeers->addAction(m_actionLeaveRoom);
    m_ui->menuPeers->addSeparator();
    m_ui->menuPeers->addAction(m_actionSearch);
    m_ui->menuPeers->addAction(m_actionExport);
    m_ui->menuPeers->addAction(m_actionDelete);
    // Below the messages when new ones came while the reader had scrolled up: a click goes down to them.
    m_newMessagesButton = new QToolButton(this);
    m_newMessagesButton->setObjectName(u"newMessagesButton"_s);
    m_newMessagesButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_newMessagesButton->hide();
    m_ui->chatPaneLayout->insertWidget(m_ui->chatPaneLayout->indexOf(m_ui->messageView) + 1, m_newMessagesButton, 0,
                                       Qt::AlignHCenter);
    connect(m_newMessagesButton, &QToolButton::clicked, this, [this] {
        m_ui->messageView->scrollToBottom();
        m_newMessagesButton->hide();
    });
    // The chat itself: bubbles, groups, day separators, avatars and marks (MessageDelegate).
    m_messageDelegate = new MessageDelegate(m_ui->messageView);
    m_ui->messageView->setItemDelegate(m_messageDelegate);
    m_messageDelegate->setVerifiedCheck([controller](const QString &peer) { return controller->isVerified(peer); });
    connect(m_messageDelegate, &MessageDelegate::transferActionRequested, this, &MainWindow::actOnTransfer);
    m_ui->messageView->viewport()->installEventFilter(this); // a click on a link opens it
    // Text selectable with the mouse in place (MessageSelection, filtering before the
    // link click above); Ctrl+C copies a selected message's whole text.
    m_messageSelection = new MessageSelection(m_ui->messageView, m_messageDelegate, this);
    m_ui->messageView->setUniformItemSizes(false);
    m_ui->messageView->setResizeMode(QListView::Adjust);
    connect(m_ui->messageView->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &MainWindow::onMessageViewScrolled);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"connectionStatus"_s);
    statusBar()->addPermanentWidget(m_statusLabel, 1);

    m_ui->peerList->setModel(controller->peerModel());
    showConversation(QString());
    m_ui->peerList->setCurrentIndex(controller->peerModel()->indexOf(QString()));
    connect(m_ui->peerList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_controller->setActiveConversation(current.data(PeerListModel::IdRole).toString());
            });
    connect(controller, &ChatController::activeConversationChanged, this, &MainWindow::showConversation);
    connect(controller, &ChatController::statusTextChanged, m_statusLabel, &QLabel::setText);
    connect(controller, &ChatController::totalUnreadChanged, this, &MainWindow::updateTitle);
    connect(controller, &ChatController::errorReported, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(controller, &ChatController::joinFailed, this, [this](const QString &text) { openConnectDialog(text); });
    connect(controller, &ChatController::connectRequestsChanged, this, &MainWindow::showConnectRequest);
    connect(controller, &ChatController::roomInvitationReceived, this, &MainWindow::showRoomInvitation);
    connect(controller, &ChatController::roomChanged, this, [this](const QString &key) {
        if (key == m_controller->activeConversation()) {
            m_ui->conversationTitle->setText(m_controller->conversationTitle(key));
            showRoomMembers();
        }
        updateActions();
    });
    // Presence of a room's members follows the peer list.
    connect(controller->peerModel(), &QAbstractItemModel::dataChanged, this, &MainWindow::showRoomMembers);
    connect(controller->peerModel(), &QAbstractItemModel::rowsInserted, this, &MainWindow::showRoomMembers);
    connect(controller->peerModel(), &QAbstractItemModel::rowsRemoved, this, &MainWindow::showRoomMembers);
    // Who is online decides whether "Connect to peer" is possible.
    connect(controller->peerModel(), &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);
    connect(controller->peerModel(), &QAbstractItemModel::rowsInserted, this, &MainWindow::updateActions);
    connect(controller->peerModel(), &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateActions);
    connect(controller, &ChatController::historyProblemReported, this, &MainWindow::showHistoryProblem);
    connect(controller->client(), &PeerClient::certificateUntrusted, this, &MainWindow::confirmCertificate);
    connect(controller, &ChatController::pathChanged, this, [this](const QString &peer) {
        if (peer == m_controller->activeConversation())
            m_ui->conversationTitle->setText(m_controller->conversationTitle(peer));
    });
    connect(controller, &ChatController::peerTrustChanged, this, [this](const QString &peer) {
        m_ui->messageView->viewport()->update(); // verified marks on messages
        if (peer == m_controller->activeConversation()) {
            m_ui->conversationTitle->setText(m_controller->conversationTitle(peer));
            updateActions();
        }
    });
    connect(controller, &ChatController::keyChangeDetected, this, [this](const QString &peer) {
        statusBar()->showMessage(tr("%1's key changed: see the warning in your conversation with them.")
                                     .arg(m_controller->peerModel()->indexOf(peer).data(PeerListModel::NameRole).toString()),
                                 15000);
    });
    connect(controller->client(), &PeerClient::stateChanged, this, &MainWindow::updateActions);
    connect(controller, &ChatController::notificationRequested, this, [this](const QString &title, const QString &body) {
        if (!m_settings->notificationsEnabled())
            return;
        if (m_tray && m_tray->isVisible())
            m_tray->showMessage(title, body, QSystemTrayIcon::Information, 8000);
        QApplication::alert(this);
    });

    m_ui->messageInput->installEventFilter(this);
    connect(m_ui->sendButton, &QPushButton::clicked, this, &MainWindow::sendInput);
    connect(m_ui->peerList, &QWidget::customContextMenuRequested, this, &MainWindow::showPeerMenu);
    m_ui->messageView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_ui->messageView, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_ui->messageView->indexAt(pos);
        if (index.isValid())
            messageMenu(index)->exec(m_ui->messageView->viewport()->mapToGlobal(pos));
    });
    connect(m_ui->acceptButton, &QPushButton::clicked, this, [this] {
        const QString from = m_requestFrom;
        m_controller->acceptConnectRequest(from); // the next request, if any, is shown
        m_ui->peerList->setCurrentIndex(m_controller->peerModel()->indexOf(from));
    });
    connect(m_ui->acceptKeyButton, &QPushButton::clicked, this,
            [this] { m_controller->acceptNewKey(m_controller->activeConversation()); });
    connect(m_ui->verifyKeyButton, &QPushButton::clicked, this,
            [this] { openVerifyDialog(m_controller->activeConversation()); });
    connect(m_ui->declineButton, &QPushButton::clicked, this,
            [this] { m_controller->declineConnectRequest(m_requestFrom); });

    connect(m_ui->actionConnect, &QAction::triggered, this, [this] { openConnectDialog(); });
    connect(m_ui->actionDisconnect, &QAction::triggered, m_controller, &ChatController::disconnectFromHub);
    connect(m_ui->actionHost, &QAction::triggered, this, [this] { startHosting(); });
    connect(m_ui->actionHostOptions, &QAction::triggered, this, [this] { openHostDialog(); });
    connect(m_ui->actionStopHosting, &QAction::triggered, this, &MainWindow::stopHosting);
    connect(m_ui->actionSettings, &QAction::triggered, this, &MainWindow::openSettings);
    connect(m_ui->actionQuit, &QAction::triggered, this, &MainWindow::quit);
    connect(m_ui->actionConnectToPeer, &QAction::triggered, this, [this] {
        if (m_controller->canConnectToPeer(selectedPeer()))
            m_controller->connectToPeer(selectedPeer());
    });
    connect(m_ui->actionMyIdentity, &QAction::triggered, this, &MainWindow::openIdentityDialog);
    connect(m_ui->actionVerifyPeer, &QAction::triggered, this, [this] {
        if (!selectedPeer().isEmpty())
            openVerifyDialog(selectedPeer());
    });
    connect(m_ui->actionKick, &QAction::triggered, this, [this] {
        if (canKickFromOwnHub(selectedPeer()))
            m_hubPanel->confirmKick(selectedPeer());
    });
    connect(host, &HubHost::peerJoined, this, &MainWindow::updateActions);
    connect(host, &HubHost::peerLeft, this, &MainWindow::updateActions);
    connect(controller->client(), &PeerClient::joined, this, &MainWindow::updateActions);
    connect(m_ui->actionShowHubPanel, &QAction::triggered, m_hubDock, &QWidget::show);
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About PeerLink"),
                           tr("<h3>PeerLink %1</h3><p>Peer-to-peer messaging over a hub you can host yourself.</p>"
                              "<p>Built with Qt %2.</p>")
                               .arg(QStringLiteral(PEERLINK_VERSION), QString::fromLatin1(qVersion())));
    });
    connect(m_hubPanel, &HubPanel::hostRequested, this, [this] { openHostDialog(); });
    connect(m_hubPanel, &HubPanel::stopRequested, this, &MainWindow::stopHosting);
    connect(host, &HubHost::stateChanged, this, &MainWindow::updateActions);
    connect(host, &HubHost::started, this, &MainWindow::onHostingStarted);
    connect(host, &HubHost::errorOccurred, this, [this](const QString &message) {
        // A start that failed (the hub's own problems while it runs are its panel's business).
        if (std::exchange(m_ownHubJoin, std::nullopt))
            openHostDialog(tr("The hub could not start: %1").arg(message));
    });
    connect(host, &HubHost::stopped, this, [this] {
        m_lan->withdraw();
        if (m_closeWhenStopped)
            close();
    });

    setUpTray();
    restoreGeometry(settings->windowGeometry());
    // Where the docks were (their place and size); what they show starts hidden until there is something to show.
    restoreState(settings->windowState());
    m_hubDock->hide();
    m_searchDock->hide();
    retranslate();
    updateActions();
    m_statusLabel->setText(controller->statusText());
    if (!controller->historyProblem().isEmpty())
        showHistoryProblem(controller->historyProblem());
}

MainWindow::~MainWindow()
{
    shutdown();
}

void MainWindow::setUpTray(bool evenWithoutTray)
{
    if (m_tray || (!QSystemTrayIcon::isSystemTrayAvailable() && !evenWithoutTray))
        return;
    m_tray = new QSystemTrayIcon(appIcon(), this);
    m_trayMenu = new QMenu(this);
    m_tray->setContextMenu(m_trayMenu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger) {
            showNormal();
            activateWindow();
        }
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        showNormal();
        activateWindow();
    });
    m_tray->show();
    fillTrayMenu();
}

void MainWindow::fillTrayMenu()
{
    if (!m_trayMenu)
        return;
    m_trayMenu->clear();
    QAction *show = m_trayMenu->addAction(tr("Show PeerLink"), this, [this] {
        showNormal();
        activateWindow();
    });
    show->setObjectName(u"trayShow"_s);
    m_trayMenu->addAction(m_ui->actionHost);
    m_trayMenu->addAction(m_ui->actionStopHosting);
    m_trayMenu->addSeparator();
    m_trayMenu->addAction(m_ui->actionQuit);
}

void MainWindow::retranslate()
{
    m_hubDock->setWindowTitle(tr("Hub"));
    m_searchDock->setWindowTitle(tr("Search results"));
    m_transfersDock->setWindowTitle(tr("Transfers"));
    m_actionTransfers->setText(tr("&Transfers")); // after the title, which the dock copies into it
    m_actionSendFile->setText(tr("Send &file…"));
    m_actionSendFile->setToolTip(tr("Send a file to the peer of this conversation (or drop it on the window)"));
    m_searchEdit->setPlaceholderText(tr("Search all conversations (Ctrl+F)"));
    m_searchEdit->setAccessibleName(tr("Search all conversations"));
    m_newMessagesButton->setText(tr("New messages ↓"));
    m_searchResults->setAccessibleName(tr("Search results"));
    m_actionSearch->setText(tr("&Search messages…"));
    m_actionExport->setText(tr("&Export conversation…"));
    m_actionDelete->setText(tr("&Delete conversation…"));
    m_actionJoinRoom->setText(tr("Join &room…"));
    m_actionLeaveRoom->setText(tr("&Leave room"));
    m_actionCreateRoom->setText(tr("&Create room…"));
    m_actionInviteToRoom->setText(tr("&Invite to room…"));
    m_membersDock->setWindowTitle(tr("Members"));
    m_members->setAccessibleName(tr("Members of the room"));
    fillTrayMenu();
    showConversation(m_controller->activeConversation());
    updateTitle();
}

void MainWindow::styleKeyChangeBar()
{
    m_ui->keyChangeBar->setStyleSheet(
        u"QFrame#keyChangeBar { background: %1; border: 2px solid %2; border-radius: 4px; }"_s.arg(
            warningBackground(palette()).name(), errorColor(palette()).name()));
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_ui->retranslateUi(this);
        retranslate();
        updateActions();
    } else if (event->type() == QEvent::ActivationChange) {
        m_controller->setWindowActive(isActiveWindow());
    } else if (event->type() == QEvent::PaletteChange) {
        styleKeyChangeBar(); // light or dark: the bar follows
    }
    QMainWindow::changeEvent(event);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_ui->messageView->viewport() && event->type() == QEvent::MouseButtonRelease) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (mouse->button() == Qt::LeftButton && openLinkAt(mouse->position().toPoint()))
            return true;
    }
    if (watched == m_ui->messageInput && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
        if (enter && !(key->modifiers() & Qt::ShiftModifier)) {
            sendInput();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

bool MainWindow::openLinkAt(const QPoint &pos)
{
    const QModelIndex index = m_ui->messageView->indexAt(pos);
    if (!index.isValid())
        return false;
    const QUrl url = m_messageDelegate->linkAt(viewOption(m_ui->messageView, index), index, pos);
    if (url.isEmpty() || !url.isValid())
        return false;
    // peerlink:// invitations open here; the rest in the desktop's browser.
    if (url.scheme() == u"peerlink") {
        if (const auto invitation = Invitation::fromLink(url.toString()))
            openInvitation(*invitation);
        return true;
    }
    QDesktopServices::openUrl(url);
    return true;
}

void MainWindow::sendInput()
{
    const QString text = m_ui->messageInput->toPlainText();
    if (m_controller->sendToActive(text)) {
        m_ui->messageInput->clear();
        m_ui->messageView->scrollToBottom();
    }
}

void MainWindow::showConversation(const QString &key)
{
    auto *model = m_controller->conversation(key);
    if (m_ui->messageView->model() != model) {
        if (m_ui->messageView->model())
            disconnect(m_ui->messageView->model(), nullptr, m_ui->messageView, nullptr);
        m_messageSelection->close(); // a text being selected belongs to the conversation shown until now
        m_ui->messageView->setModel(model);
        // File transfers are items with buttons: each gets its widget (the delegate's persistent editor).
        connect(model, &QAbstractItemModel::modelReset, m_ui->messageView,
                [this, model] { openTransferItems(0, model->rowCount() - 1); });
        // New messages come at the bottom and are followed while the view is at the bottom (and one's own always);
        // a reader who scrolled up is not moved, and gets a "new messages" marker. Older pages at the top are not
        // followed.
        connect(model, &QAbstractItemModel::rowsInserted, m_ui->messageView,
                [this, model](const QModelIndex &, int first, int last) {
                    openTransferItems(first, last);
                    if (last != model->rowCount() - 1)
                        return;
                    if (m_followBottom || model->index(last).data(ConversationModel::OutgoingRole).toBool())
                        m_ui->messageView->scrollToBottom();
                    else
                        m_newMessagesButton->show();
                });
        m_newMessagesButton->hide();
        m_followBottom = true;
        openTransferItems(0, model->rowCount() - 1);
        m_ui->messageView->scrollToBottom();
    }
    m_ui->conversationTitle->setText(m_controller->conversationTitle(key));
    showRoomMembers();
    const QModelIndex index = m_controller->peerModel()->indexOf(key);
    if (index.isValid() && m_ui->peerList->currentIndex() != index)
        m_ui->peerList->setCurrentIndex(index);
    updateActions();
}

void MainWindow::openTransferItems(int first, int last)
{
    QAbstractItemModel *model = m_ui->messageView->model();
    for (int row = first; model && row <= last; ++row) {
        const QModelIndex index = model->index(row, 0);
        if (MessageDelegate::isTransfer(index) && !m_ui->messageView->isPersistentEditorOpen(index))
            m_ui->messageView->openPersistentEditor(index);
    }
}

void MainWindow::actOnTransfer(const QString &tid, TransferItem::Action action)
{
    TransfersModel *transfers = m_controller->transfersModel();
    const int row = transfers->rowOf(tid);
    switch (action) {
    case TransferItem::Accept:
        m_transfersPanel->acceptOffer(row, this); // the dock may be hidden: the dialog goes over the window
        break;
    case TransferItem::Decline:
        transfers->decline(row);
        break;
    case TransferItem::Pause:
        transfers->pause(row);
        break;
    case TransferItem::Resume:
        transfers->resume(row);
        break;
    case TransferItem::Cancel:
        transfers->cancel(row);
        break;
    case TransferItem::Open:
        m_transfersPanel->openFile(row, false);
        break;
    case TransferItem::NoAction:
        break;
    }
}

void MainWindow::onMessageViewScrolled(int value)
{
    QScrollBar *bar = m_ui->messageView->verticalScrollBar();
    m_followBottom = value >= bar->maximum() - 4;
    if (m_followBottom)
        m_newMessagesButton->hide();
    if (value != bar->minimum() || bar->maximum() == 0)
        return; // not at the top, or everything loaded fits
    // Checked again on the next turn: a layout passes through the top for a moment (new rows, a jump to a message),
    // and only a view that stays there was scrolled there.
    QTimer::singleShot(0, this, [this] {
        QScrollBar *bar = m_ui->messageView->verticalScrollBar();
        auto *model = qobject_cast<ConversationModel *>(m_ui->messageView->model());
        if (!model || bar->value() != bar->minimum() || bar->maximum() == 0 || !model->canFetchOlder())
            return;
        const QModelIndex top = m_ui->messageView->indexAt(QPoint(0, 0));
        const int added = model->fetchOlder();
        if (added > 0 && top.isValid()) {
            m_ui->messageView->doItemsLayout();
            m_ui->messageView->scrollTo(model->index(top.row() + added), QAbstractItemView::PositionAtTop);
        }
    });
}

int MainWindow::search(const QString &text)
{
    m_searchResults->clear();
    if (text.trimmed().isEmpty()) {
        m_searchDock->hide();
        return 0;
    }
    const QList<History::SearchHit> hits = m_controller->search(text);
    for (const History::SearchHit &hit : hits) {
        const QString when = QLocale().toString(QDateTime::fromMSecsSinceEpoch(hit.sentMs).toLocalTime(),
                                                QLocale::ShortFormat);
        const QString title = hit.conversation.isEmpty() ? tr("Everyone") : hit.conversation;
        auto *item = new QListWidgetItem(tr("%1 · %2\n%3").arg(title, when, hit.excerpt), m_searchResults);
        item->setData(Qt::UserRole, hit.id);
        item->setData(Qt::UserRole + 1, hit.conversation);
        item->setToolTip(m_controller->conversationTitle(hit.conversation));
    }
    if (hits.isEmpty())
        new QListWidgetItem(tr("Nothing found for “%1”.").arg(text.trimmed()), m_searchResults);
    m_searchDock->show();
    return int(hits.size());
}

bool MainWindow::showMessage(const QString &key, qint64 id)
{
    if (id <= 0)
        return false;
    if (m_controller->peerModel()->contains(key) || key.isEmpty())
        m_ui->peerList->setCurrentIndex(m_controller->peerModel()->indexOf(key));
    m_controller->setActiveConversation(key);
    auto *model = m_controller->conversation(key);
    if (m_ui->messageView->model() != model)
        showConversation(key);
    const int row = model->rowOfId(id);
    if (row < 0)
        return false;
    const QModelIndex index = model->index(row);
    m_ui->messageView->doItemsLayout(); // the pages just loaded: laid out now, so the scroll lands on the message
    m_ui->messageView->setCurrentIndex(index); // selected: the highlight
    m_ui->messageView->scrollTo(index, QAbstractItemView::PositionAtCenter);
    // Once more after the layout the new rows asked for (the view lays them out on its next turn).
    QTimer::singleShot(0, m_ui->messageView, [view = m_ui->messageView, at = QPersistentModelIndex(index)] {
        if (at.isValid() && at.model() == view->model())
            view->scrollTo(at, QAbstractItemView::PositionAtCenter);
    });
    return true;
}

void MainWindow::exportConversation()
{
    const QString key = m_controller->activeConversation();
    const QString html = tr("Web page (*.html)");
    const QString text = tr("Plain text (*.txt)");
    const QString json = tr("JSON (*.json)");
    QString filter = html;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export conversation"),
                                                      key.isEmpty() ? tr("everyone") : key,
                                                      u"%1;;%2;;%3"_s.arg(html, text, json), &filter);
    if (path.isEmpty())
        return;
    const auto format = filter == json ? History::MessageStore::ExportFormat::Json
        : filter == text               ? History::MessageStore::ExportFormat::Text
                                       : exportFormatForPath(path);
    QString error;
    if (!m_controller->exportConversation(key, path, format, &error))
        QMessageBox::warning(this, tr("Export conversation"), error);
    else
        statusBar()->showMessage(tr("Exported to %1").arg(path), 10000);
}

void MainWindow::confirmDeleteConversation()
{
    const QString key = m_controller->activeConversation();
    const QString title = m_controller->conversationTitle(key);
    auto *box = new QMessageBox(QMessageBox::Question, tr("Delete conversation?"),
                                tr("Delete every message of your conversation with %1 from this computer? This "
                                   "cannot be undone.")
                                    .arg(key.isEmpty() ? tr("everyone") : title),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(u"confirmDelete"_s);
    box->button(QMessageBox::Yes)->setText(tr("Delete"));
    box->button(QMessageBox::No)->setText(tr("Keep it"));
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, key](int result) {
        if (result == QMessageBox::Yes && m_controller->deleteConversation(key))
            statusBar()->showMessage(tr("Conversation deleted."), 10000);
    });
    box->open();
}

void MainWindow::showHistoryProblem(const QString &text)
{
    statusBar()->showMessage(text, 30000);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("A problem with the message history"), text,
                                QMessageBox::Ok, this);
    box->setObjectName(u"historyProblem"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::openJoinRoomDialog()
{
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(u"joinRoomDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Join room"));
    dialog->setLabelText(tr("Room (joined if it is there, made open if not; its messages go end to end):"));
    dialog->setTextValue(u"#"_s);
    dialog->setOkButtonText(tr("Join"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString &name) { m_controller->joinRoom(name); });
    dialog->open();
}

void MainWindow::openCreateRoomDialog()
{
    auto *dialog = new QDialog(this);
    dialog->setObjectName(u"createRoomDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Create room"));
    auto *form = new QFormLayout(dialog);
    auto *name = new QLineEdit(u"#"_s, dialog);
    name->setObjectName(u"roomName"_s);
    auto *topic = new QLineEdit(dialog);
    topic->setObjectName(u"roomTopic"_s);
    topic->setPlaceholderText(tr("optional"));
    auto *inviteOnly = new QCheckBox(tr("Only those I invite may join"), dialog);
    inviteOnly->setObjectName(u"roomInviteOnly"_s);
    form->addRow(tr("&Name:"), name);
    form->addRow(tr("&Topic:"), topic);
    form->addRow(QString(), inviteOnly);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::accepted, this, [this, name, topic, inviteOnly] {
        m_controller->createRoom(name->text(), topic->text(), inviteOnly->isChecked());
    });
    dialog->open();
}

void MainWindow::openInviteDialog()
{
    const QString key = m_controller->activeConversation();
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(u"inviteDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Invite to %1").arg(key));
    dialog->setLabelText(tr("Peer id to invite:"));
    dialog->setOkButtonText(tr("Invite"));
    connect(dialog, &QInputDialog::textValueSelected, this,
            [this, key](const QString &peer) { m_controller->inviteToRoom(key, peer); });
    dialog->open();
}

void MainWindow::showRoomMembers()
{
    const QString key = m_controller->activeConversation();
    if (!m_controller->isInRoom(key)) {
        m_membersDock->hide();
        return;
    }
    m_members->clear();
    for (const QString &id : m_controller->roomMembers(key)) {
        const bool online = m_controller->isMemberOnline(id);
        auto *item = new QListWidgetItem(QIcon(online ? u":/icons/online.svg"_s : u":/icons/offline.svg"_s),
                                         online ? id : tr("%1 (offline)").arg(id), m_members);
        item->setData(Qt::UserRole, id);
    }
    m_membersDock->show();
}

void MainWindow::showRoomInvitation(const QString &room, const QString &from)
{
    auto *box = new QMessageBox(QMessageBox::Question, tr("Invitation to a room"),
                                tr("%1 invites you to the room #%2.").arg(from, room), QMessageBox::Yes | QMessageBox::No,
                                this);
    box->setObjectName(u"roomInvitation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->button(QMessageBox::Yes)->setText(tr("Accept"));
    box->button(QMessageBox::No)->setText(tr("Decline"));
    connect(box, &QMessageBox::finished, this, [this, room](int result) {
        if (result == QMessageBox::Yes)
            m_controller->acceptInvitation(room);
        else
            m_controller->declineInvitation(room);
    });
    box->open();
}

QString MainWindow::selectedPeer() const
{
    return m_ui->peerList->currentIndex().data(PeerListModel::IdRole).toString();
}

void MainWindow::showPeerMenu(const QPoint &pos)
{
    const QModelIndex index = m_ui->peerList->indexAt(pos);
    if (!index.isValid() || index.data(PeerListModel::EveryoneRole).toBool())
        return;
    m_ui->peerList->setCurrentIndex(index);
    QMenu menu(this);
    if (index.data(PeerListModel::RoomRole).toBool()) {
        menu.addAction(m_actionLeaveRoom);
        menu.exec(m_ui->peerList->viewport()->mapToGlobal(pos));
        return;
    }
    menu.addAction(m_ui->actionConnectToPeer);
    menu.addAction(m_ui->actionVerifyPeer);
    if (m_host->isRunning())
        menu.addAction(m_ui->actionKick);
    menu.exec(m_ui->peerList->viewport()->mapToGlobal(pos));
}

std::unique_ptr<QMenu> MainWindow::messageMenu(const QModelIndex &index)
{
    auto menu = std::make_unique<QMenu>(this);
    const QString text = index.data(ConversationModel::TextRole).toString();
    QAction *copy = menu->addAction(tr("&Copy text"), this, [text] { QGuiApplication::clipboard()->setText(text); });
    copy->setObjectName(u"copyMessage"_s);
    const bool failed = index.data(ConversationModel::OutgoingRole).toBool()
        && index.data(ConversationModel::StateRole).value<ConversationModel::State>() == ConversationModel::State::Failed;
    if (failed) {
        QAction *again = menu->addAction(tr("Send &again"), this, [this, row = index.row()] {
            m_controller->resend(m_controller->activeConversation(), row);
        });
        again->setObjectName(u"resendMessage"_s);
    }
    return menu;
}

void MainWindow::showConnectRequest()
{
    const QStringList requests = m_controller->pendingConnectRequests();
    if (requests.isEmpty()) {
        m_requestFrom.clear();
        m_ui->requestBar->hide();
        return;
    }
    const QString from = requests.first();
    const QString name = m_controller->peerModel()->indexOf(from).data(PeerListModel::NameRole).toString();
    m_requestFrom = from;
    QString text = name.isEmpty() || name == from ? tr("%1 asks to connect to you.").arg(from)
                                                  : tr("%1 (%2) asks to connect to you.").arg(name, from);
    if (requests.size() > 1)
        text += u' ' + tr("%n more request(s) waiting.", nullptr, int(requests.size() - 1));
    m_ui->requestLabel->setText(text);
    m_ui->requestBar->show();
}

bool MainWindow::canKickFromOwnHub(const QString &id) const
{
    // Only a peer of the hub this app hosts, seen through the own client on that hub, and never the own row.
    if (id.isEmpty() || !m_host->isRunning() || !m_controller->client()->isJoined()
        || m_controller->client()->hubUrl() != m_host->localUrl() || id == m_host->config().hostId)
        return false;
    const QList<HubPeer> peers = m_host->peers();
    return std::any_of(peers.cbegin(), peers.cend(), [&id](const HubPeer &p) { return p.id == id; });
}

void MainWindow::confirmCertificate(const QString &fingerprint, const QString &reason)
{
    const QUrl url = m_controller->client()->hubUrl();
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Unknown hub certificate"),
                                tr("The hub at %1 presents a certificate that no certificate authority vouches for "
                                   "(%2).\n\nIts SHA-256 fingerprint is:\n%3\n\nAsk the hub's operator for the fingerprint "
                                   "and compare. Trust this hub from now on?")
                                    .arg(url.toString(), reason, fingerprint),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(u"confirmCertificate"_s);
    box->button(QMessageBox::Yes)->setText(tr("Trust and connect"));
    box->button(QMessageBox::No)->setText(tr("Do not connect"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, url, fingerprint](int result) {
        if (result != QMessageBox::Yes || !m_lastConnect.urls.contains(url))
            return;
        m_settings->setPinnedFingerprint(url, fingerprint);
        connectToHub(m_lastConnect.urls, m_lastConnect.id, m_lastConnect.name, m_lastConnect.password);
    });
    box->open();
}

void MainWindow::updateTitle()
{
    const int unread = m_controller->totalUnread();
    const QString title = unread > 0 ? tr("PeerLink (%n unread)", nullptr, unread) : tr("PeerLink");
    setWindowTitle(title);
    if (m_tray)
        m_tray->setToolTip(title);
}

void MainWindow::updateActions()
{
    const bool joined = m_controller->client()->isJoined();
    const bool connecting = m_controller->client()->state() != PeerClient::State::Disconnected;
    const bool hosting = m_host->isRunning();
    const bool stopping = m_host->isStopping(); // HubHost refuses to start until stopped() has come
    const bool peerSelected = !selectedPeer().isEmpty() && !ChatController::isRoom(selectedPeer());
    m_ui->actionDisconnect->setEnabled(connecting);
    m_ui->actionHost->setEnabled(!hosting && !stopping);
    m_ui->actionHostOptions->setEnabled(!hosting && !stopping);
    m_ui->actionStopHosting->setEnabled(hosting);
    m_ui->actionConnectToPeer->setEnabled(joined && m_controller->canConnectToPeer(selectedPeer()));
    m_ui->actionKick->setEnabled(hosting && canKickFromOwnHub(selectedPeer()));
    m_ui->actionVerifyPeer->setEnabled(peerSelected);
    const bool history = m_controller->history() && m_controller->history()->isOpen();
    m_actionExport->setEnabled(history);
    m_actionDelete->setEnabled(history);
    m_actionJoinRoom->setEnabled(joined && m_controller->client()->hasIdentity());
    m_actionLeaveRoom->setEnabled(joined && m_controller->isInRoom(m_controller->activeConversation()));
    m_actionCreateRoom->setEnabled(m_actionJoinRoom->isEnabled());
    m_actionInviteToRoom->setEnabled(m_actionLeaveRoom->isEnabled());
    m_actionSendFile->setEnabled(m_controller->canSendFile());
    const QString blocked = m_controller->sendBlockedReason(m_controller->activeConversation());
    m_ui->sendButton->setEnabled(joined && blocked.isEmpty());
    m_ui->sendButton->setToolTip(blocked);
    updateKeyChangeBar();
}

void MainWindow::sendFile(const QString &path)
{
    if (!m_controller->canSendFile())
        return;
    const QString file = path.isEmpty()
        ? m_pickOpenFile(this, tr("Send a file to %1").arg(m_controller->conversationTitle(m_controller->activeConversation())))
        : path;
    if (file.isEmpty())
        return;
    const QString tid = m_controller->sendFile(file);
    if (tid.isEmpty())
        return; // the controller reported why
    m_transfersDock->show();
    m_transfersPanel->selectRow(m_controller->transfersModel()->rowOf(tid));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QMimeData *mime = event->mimeData();
    if (m_controller->canSendFile() && mime && mime->hasUrls()) {
        for (const QUrl &url : mime->urls()) {
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
        }
    }
    QMainWindow::dragEnterEvent(event);
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QMimeData *mime = event->mimeData();
    if (!m_controller->canSendFile() || !mime || !mime->hasUrls())
        return QMainWindow::dropEvent(event);
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            sendFile(url.toLocalFile());
    }
    event->acceptProposedAction();
}

void MainWindow::updateKeyChangeBar()
{
    const QString text = m_controller->keyChangeText(m_controller->activeConversation());
    m_ui->keyChangeLabel->setText(text);
    m_ui->keyChangeBar->setVisible(!text.isEmpty());
    const bool acceptable = m_controller->canAcceptNewKey(m_controller->activeConversation());
    m_ui->acceptKeyButton->setEnabled(acceptable);
    m_ui->acceptKeyButton->setToolTip(acceptable || text.isEmpty()
                                          ? QString()
                                          : tr("They are offline: their new key can be accepted once they are back."));
}

void MainWindow::setProfileIdentity(const ProfileIdentity *identity)
{
    m_identity = identity;
    if (!identity)
        return;
    QStringList problems;
    if (!identity->isValid() && !identity->errorText().isEmpty())
        problems.append(identity->errorText());
    if (!identity->knownKeysErrorText().isEmpty())
        problems.append(identity->knownKeysErrorText());
    if (problems.isEmpty())
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("A problem with your identity"), problems.join(u"\n\n"_s),
                                QMessageBox::Ok, this);
    box->setObjectName(u"identityProblem"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    if (!identity->isValid())
        statusBar()->showMessage(tr("No identity: your messages are not end-to-end encrypted (PeerLink ▸ My identity)."));
}

void MainWindow::openIdentityDialog()
{
    auto *dialog = new IdentityDialog(m_identity, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::openVerifyDialog(const QString &peer)
{
    if (peer.isEmpty())
        return;
    const QString name = m_controller->peerModel()->indexOf(peer).data(PeerListModel::NameRole).toString();
    auto *dialog = new VerifyPeerDialog(peer, name, m_controller->peerFingerprint(peer), m_controller->ownFingerprint(),
                                        m_controller->isVerified(peer), this);
    dialog->setKeyChanged(m_controller->hasKeyChanged(peer));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &VerifyPeerDialog::markRequested, this, [this, peer] {
        // Compared in person: that is also the best reason to accept a changed key.
        if (m_controller->hasKeyChanged(peer))
            m_controller->acceptNewKey(peer);
        m_controller->markVerified(peer);
    });
    connect(dialog, &VerifyPeerDialog::unmarkRequested, this, [this, peer] { m_controller->removeVerifiedMark(peer); });
    dialog->open();
}

bool MainWindow::startHosting(std::optional<quint16> port, const QString &password)
{
    if (m_host->isRunning() || !password.isEmpty())
        return startHostingWith(port, password);
    // The saved password: in the settings file, in the keychain (read first), or kept nowhere (asked for).
    if (m_settings->hostPasswordAsked()) {
        openHostDialog(tr("Type the hub's password: it is not kept anywhere, as no system keychain answers."));
        return false;
    }
    if (m_settings->hostPasswordInKeychain() && m_settings->hostPassword().isEmpty()) {
        m_passwords->loadHost([this, port](const QString &saved) {
            if (saved.isEmpty())
                openHostDialog(tr("The hub's password could not be read from the system keychain: type it again."));
            else
                startHostingWith(port, saved);
        });
        return true;
    }
    return startHostingWith(port, QString());
}

bool MainWindow::startHostingWith(std::optional<quint16> port, const QString &password)
{
    if (m_host->isRunning())
        return true;
    HubServiceConfig service; // the same settings, and checks, as peerlink-hub's
    QString why;
    if (!hostingConfig(*m_settings, service, &why, port, password)) {
        openHostDialog(tr("The hub could not start: %1").arg(why));
        return false;
    }
    const HubConfig &config = service.hub;
    if (!m_host->start(config, service.bind, service.port)) {
        openHostDialog(tr("The hub could not start: %1").arg(m_host->errorString()));
        return false;
    }
    // The hub listens in its thread; onHostingStarted() joins it, a failed listen reopens the hosting options.
    m_ownHubJoin = OwnHubJoin { config.hostId, m_settings->displayName(), config.password };
    m_hubDock->show();
    updateActions();
    return true;
}

void MainWindow::setSecretBackend(std::unique_ptr<SecretBackend> backend)
{
    delete m_passwords;
    m_passwords = new PasswordStore(m_settings, std::move(backend), this);
}

void MainWindow::setLanDiscovery(std::unique_ptr<LanDiscovery> discovery)
{
    delete m_lanHubs;
    m_lan = std::move(discovery);
    m_lanHubs = new LanHubsModel(m_lan.get(), this);
    if (m_connectDialog)
        m_connectDialog->setLanHubs(m_lanHubs);
    if (m_host && m_host->state() == HubHost::State::Running)
        announceHostedHub();
}

void MainWindow::announceHostedHub()
{
    const HubConfig config = m_host->config();
    if (const auto announcement = hostedHubAnnouncement(m_settings->hostAnnounce(), m_host->boundAddress(), config.name,
                                                        m_host->port(), !config.password.isEmpty(),
                                                        m_host->certificateFingerprint()))
        m_lan->announce(*announcement);
    else
        m_lan->withdraw();
}

void MainWindow::onHostingStarted(const QUrl &localUrl)
{
    announceHostedHub();
    const std::optional<OwnHubJoin> join = std::exchange(m_ownHubJoin, std::nullopt);
    if (!join)
        return;
    if (m_controller->client()->state() != PeerClient::State::Disconnected)
        m_controller->disconnectFromHub();
    // The app trusts its own hub's certificate: it made the hub with it.
    m_controller->client()->setPinnedFingerprint(m_host->certificateFingerprint());
    m_controller->client()->setPinnedFingerprint(localUrl, m_host->certificateFingerprint());
    m_controller->connectToHub(localUrl, join->id, { join->name, join->password });
}

void MainWindow::stopHosting()
{
    if (!m_host->isRunning())
        return;
    m_ownHubJoin.reset();
    // Quassel's order: the app's own client leaves first, then the hub closes, then its thread ends. HubHost runs
    // that chain on queued signals and says stopped(); nothing here waits.
    PeerClient *client = m_controller->client();
    const bool ownClientThere = client && m_host->state() == HubHost::State::Running
        && client->state() != PeerClient::State::Disconnected && client->hubUrl() == m_host->localUrl();
    // Only a joined client's leave is something the hub will report (HubHost waits for it, bounded).
    const QString leavingId = ownClientThere && client->isJoined() ? client->id() : QString();
    if (ownClientThere)
        m_controller->disconnectFromHub();
    m_host->stop(leavingId);
    updateActions();
}

void MainWindow::connectToHub(const QUrl &url, const QString &id, const QString &name, const QString &password)
{
    connectToHub(QList<QUrl> { url }, id, name, password);
}

void MainWindow::connectToHub(const QList<QUrl> &urls, const QString &id, const QString &name, const QString &password)
{
    if (m_controller->client()->state() != PeerClient::State::Disconnected)
        m_controller->disconnectFromHub();
    // A hub this app hosts keeps running for the others.
    // Each hub of the list with the pin the user chose for it (hubs may have certificates of their own).
    PeerClient *client = m_controller->client();
    client->setPinnedFingerprint(QString());
    for (const QUrl &url : urls)
        client->setPinnedFingerprint(url, m_settings->pinnedFingerprint(url));
    m_lastConnect = { urls, id, name, password };
    m_controller->connectToHub(urls, id, { name, password });
}

void MainWindow::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    // Without an event loop any more (after exec(), or in the destructor) HubHost's destructor finishes the stop.
    stopHosting();
    if (m_controller->client())
        m_controller->disconnectFromHub();
}

void MainWindow::openConnectDialog(const QString &error)
{
    if (m_connectDialog) {
        m_connectDialog->setError(error);
        m_connectDialog->raise();
        return;
    }
    m_connectDialog = new ConnectDialog(m_settings, m_passwords, this);
    m_connectDialog->setAttribute(Qt::WA_DeleteOnClose);
    m_connectDialog->setError(error);
    m_connectDialog->setLanHubs(m_lanHubs);
    connect(m_connectDialog, &QDialog::accepted, this, [this, dialog = m_connectDialog.data()] {
        // An invitation's fingerprint is pinned for its addresses that are still in the list (and so is that of a
        // link pasted into the field).
        QHash<QUrl, QString> pins = dialog->invitationPins();
        if (const auto invitation = std::exchange(m_invitation, std::nullopt);
            invitation && !invitation->fingerprint.isEmpty()) {
            for (const QUrl &url : invitation->hubs)
                pins.insert(url, invitation->fingerprint);
        }
        const QList<QUrl> urls = dialog->hubUrls();
        for (const QUrl &url : urls) {
            if (pins.contains(url))
                m_settings->setPinnedFingerprint(url, pins.value(url));
        }
        connectToHub(urls, dialog->peerId(), dialog->displayName(), dialog->password());
    });
    connect(m_connectDialog, &QDialog::rejected, this, [this] { m_invitation.reset(); });
    m_connectDialog->open();
}

void MainWindow::openInvitation(const Invitation &invitation)
{
    openConnectDialog(invitation.passwordRequired ? tr("This hub asks for a password: its host can tell you.")
                                                  : QString());
    m_invitation = invitation;
    m_connectDialog->setHubUrls(invitation.hubs);
}

void MainWindow::openHostDialog(const QString &error)
{
    auto *dialog = new HostDialog(m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setPasswordStore(m_passwords);
    dialog->setError(error);
    // The password as typed (it may be on its way into the keychain, or kept nowhere).
    connect(dialog, &QDialog::accepted, this, [this, dialog] { startHostingWith(std::nullopt, dialog->password()); });
    dialog->open();
}

void MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this] {
        m_controller->setNotificationsEnabled(m_settings->notificationsEnabled());
        m_controller->setReadReceipts(m_settings->readReceipts());
        m_controller->setIncomingFiles(m_settings->incomingFiles());
        if (m_retention && m_retention->days() != m_settings->historyRetentionDays()) {
            m_retention->setDays(m_settings->historyRetentionDays());
            m_retention->apply();
        }
        if (m_language->current() != m_settings->language())
            m_language->apply(m_settings->language());
    });
    dialog->open();
}

void MainWindow::quit()
{
    m_quitRequested = true;
    close();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // With a tray, closing the window keeps PeerLink running there (a chat app's habit); Quit quits.
    if (!m_quitRequested && m_tray && m_tray->isVisible() && m_settings->closeToTray()) {
        event->ignore();
        hide();
        if (!std::exchange(m_toldAboutTray, true))
            m_tray->showMessage(tr("PeerLink is still running"),
                                tr("It keeps you connected from the tray. Choose Quit in its menu to leave."),
                                QSystemTrayIcon::Information, 5000);
        return;
    }
    if (m_host->isRunning() && !m_quitConfirmed) {
        event->ignore();
        auto *box = new QMessageBox(QMessageBox::Question, tr("Stop hosting?"),
                                    tr("You are hosting a hub with %n peer(s). Quitting stops it and disconnects them.",
                                       nullptr, int(m_hubPanel->peersModel()->rowCount())),
                                    QMessageBox::Yes | QMessageBox::No, this);
        box->setObjectName(u"confirmQuit"_s);
        box->button(QMessageBox::Yes)->setText(tr("Quit and stop the hub"));
        box->button(QMessageBox::No)->setText(tr("Keep hosting"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::finished, this, [this](int result) {
            if (result == QMessageBox::Yes) {
                m_quitConfirmed = true;
                close();
            }
        });
        box->open();
        return;
    }
    if (m_host->isRunning() || m_host->isStopping()) {
        // Quit once the hub has stopped: the window keeps working meanwhile, and close() comes again on stopped().
        event->ignore();
        m_closeWhenStopped = true;
        stopHosting();
        return;
    }
    shutdown();
    QMainWindow::closeEvent(event);
}

bool MainWindow::saveScreenshots(const QString &dir)
{
    QDir().mkpath(dir);
    bool ok = grab().save(QDir(dir).filePath(u"mainwindow.png"_s));
    if (m_hubDock->isVisible())
        ok = m_hubDock->grab().save(QDir(dir).filePath(u"hubpanel.png"_s)) && ok;
    return ok;
}

} // namespace PeerLink
