#include "hubpanel.h"

#include "appsettings.h"
#include "hubhost.h"

#include "ui_hubpanel.h"

#include "app/qrcode.h"
#include "core/invitation.h"
#include "core/rules.h"

#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>

namespace PeerLink {

using namespace Qt::StringLiterals;

HubPanel::HubPanel(HubHost *host, QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::HubPanel>())
    , m_host(host)
{
    m_ui->setupUi(this);
    m_ui->peersTable->setModel(&m_model);
    m_ui->peersTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    connect(host, &HubHost::stateChanged, this, &HubPanel::refresh);
    connect(host, &HubHost::started, this, [this] {
        m_model.setPeers(m_host->peers());
        m_unshownMessages.clear();
        refresh();
    });
    connect(host, &HubHost::stopped, this, [this] {
        m_model.clear();
        m_unshownMessages.clear();
        refresh();
    });
    connect(host, &HubHost::peerJoined, this, [this](const HubPeer &peer) {
        m_model.addPeer(peer);
        m_countersThrottle.request();
    });
    connect(host, &HubHost::peerLeft, this, [this](const QString &id) {
        m_model.removePeer(id);
        m_unshownMessages.remove(id);
        m_countersThrottle.request();
    });
    connect(host, &HubHost::messageRouted, this, [this](const QString &from) {
        ++m_unshownMessages[from];
        m_countersThrottle.request();
    });
    connect(&m_countersThrottle, &UpdateThrottle::due, this, &HubPanel::refreshCounters);
    connect(m_ui->kickButton, &QPushButton::clicked, this, [this] { confirmKick(selectedPeer()); });
    connect(m_ui->banButton, &QPushButton::clicked, this, [this] { confirmBan(selectedPeer()); });
    connect(host, &HubHost::banDone, this, [this](const QString &id, const QString &address) {
        m_ui->noticeLabel->setText(
            address.isEmpty()
                ? tr("%1 is banned by its id only: it connects from this computer, and banning this computer's "
                     "address would shut out your own PeerLink too.")
                      .arg(id)
                : tr("%1 is banned, and so is its address %2.").arg(id, address));
        m_ui->noticeLabel->show();
        if (m_settings) {
            QMap<QString, QString> bans = m_settings->hostBans();
            bans.insert(id, address);
            m_settings->setHostBans(bans);
            refreshBans();
        }
    });
    connect(m_ui->unbanButton, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_ui->bansList->currentItem())
            unban(item->data(Qt::UserRole).toString());
    });
    connect(m_ui->bansList, &QListWidget::currentRowChanged, this, &HubPanel::refresh);
    connect(m_ui->copyInvitationButton, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_invitation);
    });
    connect(m_ui->forgetIdButton, &QPushButton::clicked, this, &HubPanel::forgetId);
    connect(host, &HubHost::idForgetDone, this, [this](const QString &id, bool wasBound, const QString &error) {
        if (!wasBound)
            m_ui->noticeLabel->setText(tr("No key was bound to %1.").arg(id));
        else if (!error.isEmpty())
            m_ui->noticeLabel->setText(tr("The hub could not forget %1: %2").arg(id, error));
        else
            m_ui->noticeLabel->setText(tr("The hub forgot the key of %1: whoever joins as %1 next binds theirs.").arg(id));
        m_ui->noticeLabel->show();
    });
    connect(m_ui->hostButton, &QPushButton::clicked, this, &HubPanel::hostRequested);
    connect(m_ui->stopButton, &QPushButton::clicked, this, &HubPanel::stopRequested);
    connect(m_ui->peersTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HubPanel::refresh);
    refreshBans();
    refresh();
}

HubPanel::~HubPanel() = default;

QString HubPanel::selectedPeer() const
{
    const QModelIndexList rows = m_ui->peersTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model.idAt(rows.first().row());
}

void HubPanel::selectPeer(const QString &id)
{
    const int row = m_model.rowOf(id);
    if (row >= 0)
        m_ui->peersTable->selectRow(row);
}

void HubPanel::setSettings(AppSettings *settings)
{
    m_settings = settings;
    refreshBans();
}

void HubPanel::unban(const QString &id)
{
    if (!m_settings)
        return;
    QMap<QString, QString> bans = m_settings->hostBans();
    if (!bans.contains(id))
        return;
    const QString address = bans.take(id);
    m_settings->setHostBans(bans);
    if (m_host->state() == HubHost::State::Running) {
        // The running hub's lists, without this ban (those a "More settings" line gives stay).
        const HubConfig config = m_host->config();
        QStringList ids = config.bannedIds;
        QList<QHostAddress> addresses = config.bannedAddresses;
        ids.removeAll(id);
        QStringList keptAddresses;
        for (const QString &a : std::as_const(bans))
            keptAddresses.append(a);
        if (!address.isEmpty() && !keptAddresses.contains(address))
            addresses.removeAll(QHostAddress(address));
        for (auto it = bans.cbegin(); it != bans.cend(); ++it) {
            if (!ids.contains(it.key()))
                ids.append(it.key());
            const QHostAddress a(it.value());
            if (!a.isNull() && !addresses.contains(a))
                addresses.append(a);
        }
        m_host->setBans(ids, addresses);
    }
    m_ui->noticeLabel->setText(tr("%1 may join again.").arg(id));
    m_ui->noticeLabel->setVisible(m_host->state() == HubHost::State::Running);
    refreshBans();
}

void HubPanel::refreshBans()
{
    m_ui->bansList->clear();
    const QMap<QString, QString> bans = m_settings ? m_settings->hostBans() : QMap<QString, QString>();
    for (auto it = bans.cbegin(); it != bans.cend(); ++it) {
        auto *item = new QListWidgetItem(it.value().isEmpty() ? it.key() : tr("%1 (and %2)").arg(it.key(), it.value()));
        item->setData(Qt::UserRole, it.key());
        m_ui->bansList->addItem(item);
    }
    m_ui->bansCaption->setVisible(!bans.isEmpty());
    m_ui->bansList->setVisible(!bans.isEmpty());
    m_ui->unbanButton->setVisible(!bans.isEmpty());
    m_ui->unbanButton->setEnabled(m_ui->bansList->currentItem() != nullptr);
}

bool HubPanel::canRemove(const QString &id) const
{
    return m_host->state() == HubHost::State::Running && !id.isEmpty() && id != m_host->config().hostId
        && m_model.rowOf(id) >= 0;
}

void HubPanel::confirmKick(const QString &id)
{
    if (!canRemove(id))
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Kick %1").arg(id),
                                tr("Disconnect %1 from your hub? They can join again.").arg(id),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmKick"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->button(QMessageBox::Yes)->setText(tr("&Kick"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, id](int result) {
        if (result == QMessageBox::Yes && canRemove(id))
            m_host->kick(id);
    });
    box->open();
}

void HubPanel::confirmBan(const QString &id)
{
    if (!canRemove(id))
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Ban %1").arg(id),
                                tr("Ban %1 from your hub? They are disconnected and cannot join again until you "
                                   "unban them.")
                                    .arg(id),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmBan"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->button(QMessageBox::Yes)->setText(tr("&Ban"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, id](int result) {
        if (result == QMessageBox::Yes && canRemove(id))
            m_host->ban(id);
    });
    box->open();
}

void HubPanel::forgetId()
{
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(u"forgetIdDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Forget an id"));
    dialog->setLabelText(tr("The hub keeps each id for the key it first joined with, so nobody else can take it. "
                            "Forget an id only when its owner lost their key (a new computer, a deleted profile): the "
                            "next peer to join as that id binds its own key, and the others are told the key changed.\n\n"
                            "Id to forget:"));
    dialog->setTextValue(selectedPeer());
    dialog->setOkButtonText(tr("&Forget this id"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString &text) {
        const QString id = text.trimmed();
        if (!Rules::isValidId(id)) {
            m_ui->noticeLabel->setText(tr("\"%1\" is not an id.").arg(id));
            m_ui->noticeLabel->show();
            return;
        }
        m_host->forgetId(id);
    });
    dialog->open();
}

void HubPanel::refresh()
{
    const bool running = m_host->state() == HubHost::State::Running;
    const bool stopping = m_host->isStopping();
    if (m_host->state() == HubHost::State::Starting) {
        m_ui->statusLabel->setText(tr("Starting the hub…"));
        m_ui->addressesLabel->setText(u"-"_s);
        m_ui->countersLabel->setText(QString());
    } else if (stopping) {
        m_ui->statusLabel->setText(tr("Stopping the hub…"));
        m_ui->addressesLabel->setText(u"-"_s);
        m_ui->countersLabel->setText(QString());
    } else if (running) {
        const HubConfig config = m_host->config();
        m_ui->statusLabel->setText(config.password.isEmpty()
                                       ? tr("Hosting \"%1\" on port %2, open to anyone who can reach it.")
                                             .arg(config.name)
                                             .arg(m_host->port())
                                       : tr("Hosting \"%1\" on port %2, with a password.").arg(config.name).arg(m_host->port()));
        QStringList urls;
        for (const QUrl &url : m_host->shareableUrls())
            urls.append(url.toString());
        QString addresses = urls.join(u'\n');
        if (!m_host->certificateFingerprint().isEmpty())
            addresses += u'\n' + tr("TLS certificate SHA-256 fingerprint (others compare it when asked):\n%1")
                                      .arg(m_host->certificateFingerprint());
        m_ui->addressesLabel->setText(addresses);
        // The same, as a link to send or a code to scan (never with the password itself).
        Invitation invitation;
        invitation.hubs = m_host->shareableUrls();
        invitation.name = config.name;
        invitation.fingerprint = m_host->certificateFingerprint();
        invitation.passwordRequired = !config.password.isEmpty();
        if (const QString link = invitation.toLink(); link != m_invitation) {
            m_invitation = link;
            m_ui->qrLabel->setPixmap(QPixmap::fromImage(qrCodeImage(link, 3)));
            m_ui->qrLabel->setToolTip(link);
        }
        refreshCounters();
    } else {
        m_ui->statusLabel->setText(tr("Not hosting a hub."));
        m_ui->addressesLabel->setText(u"-"_s);
        m_ui->countersLabel->setText(QString());
    }
    m_ui->addressesCaption->setVisible(running);
    m_ui->addressesLabel->setVisible(running);
    if (!running)
        m_invitation.clear();
    m_ui->copyInvitationButton->setVisible(running);
    m_ui->qrLabel->setVisible(running && !m_ui->qrLabel->pixmap().isNull());
    const bool removable = canRemove(selectedPeer()); // never the host's own row
    m_ui->kickButton->setEnabled(removable);
    m_ui->banButton->setEnabled(removable);
    m_ui->forgetIdButton->setEnabled(running);
    m_ui->unbanButton->setEnabled(m_ui->bansList->currentItem() != nullptr);
    if (!running)
        m_ui->noticeLabel->clear();
    m_ui->noticeLabel->setVisible(running && !m_ui->noticeLabel->text().isEmpty());
    const bool hosting = m_host->isRunning();
    m_ui->hostButton->setVisible(!hosting);
    m_ui->hostButton->setEnabled(!stopping); // HubHost refuses to start until stopped() has come
    m_ui->stopButton->setVisible(hosting);
}

void HubPanel::refreshCounters()
{
    m_countersThrottle.cancel(); // whoever called this showed everything pending
    for (auto it = m_unshownMessages.cbegin(); it != m_unshownMessages.cend(); ++it)
        m_model.countMessage(it.key(), it.value());
    m_unshownMessages.clear();
    if (m_host->state() != HubHost::State::Running)
        return;
    m_ui->countersLabel->setText(tr("%n peer(s) connected", nullptr, m_model.rowCount()) + u" · "_s
                                 + tr("%n message(s) routed", nullptr, int(m_host->routedMessageCount())));
}

void HubPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_ui->retranslateUi(this);
        refreshBans();
        refresh();
    }
    QWidget::changeEvent(event);
}

} // namespace PeerLink
