#pragma once

#include "hubpeersmodel.h"
#include "updatethrottle.h"

#include <QHash>

#include <QWidget>

#include <memory>

namespace Ui {
class HubPanel;
}

namespace PeerLink {

class AppSettings;
class HubHost;

/// The host's view of the hub it runs: where others reach it, who is connected, how much it routed; kick and ban.
/// Who is connected follows every join and leave; the counters follow on a throttle (busy hubs route thousands of
/// messages a second), and the addresses are the ones HubHost found once per start.
class HubPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HubPanel(HubHost *host, QWidget *parent = nullptr);
    ~HubPanel() override;

    HubPeersModel *peersModel() { return &m_model; }
    /// The id selected in the table (empty if none).
    QString selectedPeer() const;
    void selectPeer(const QString &id);
    /// Whether @p id may be kicked or banned from here: a peer of the running hub, not the host's own client.
    bool canRemove(const QString &id) const;
    /// Asks (a message box, "confirmKick") whether to disconnect @p id from the hosted hub, then does.
    void confirmKick(const QString &id);
    /// Asks (a message box, "confirmBan") whether to ban @p id from the hosted hub, then does.
    void confirmBan(const QString &id);
    /// Where the bans are kept between runs (not owned; null: bans last while the hub runs). The ban list shows them.
    void setSettings(AppSettings *settings);
    /// Lifts the ban on @p id (and on the address banned with it): forgotten in the settings and, while hosting, in
    /// the running hub at once.
    void unban(const QString &id);
    /// Asks which id to release (the selected peer's by default) and, once confirmed, has the hub forget its key.
    void forgetId();
    /// The running hub's invitation link (peerlink://join?…), also shown as a QR code; empty when not hosting.
    QString invitation() const { return m_invitation; }

Q_SIGNALS:
    void hostRequested();
    void stopRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    /// Status, addresses and buttons: on start, stop, selection and language changes.
    void refresh();
    /// The ban list from the settings.
    void refreshBans();
    /// The message counts gathered since the last update, and the counters line (UpdateThrottle::due).
    void refreshCounters();

    std::unique_ptr<Ui::HubPanel> m_ui;
    QString m_invitation;
    HubHost *m_host;
    HubPeersModel m_model;
    UpdateThrottle m_countersThrottle;
    AppSettings *m_settings = nullptr;
    QHash<QString, quint64> m_unshownMessages; // by sender, not yet in m_model
};

} // namespace PeerLink
