#pragma once

#include "hubpeersmodel.h"

#include <QWidget>

#include <memory>

namespace Ui {
class HubPanel;
}

namespace PeerLink {

class HubHost;

/// The host's view of the hub it runs: where others reach it, who is connected, how much it routed; kick and ban.
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

Q_SIGNALS:
    void hostRequested();
    void stopRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();

    std::unique_ptr<Ui::HubPanel> m_ui;
    HubHost *m_host;
    HubPeersModel m_model;
};

} // namespace PeerLink
