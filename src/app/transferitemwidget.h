#pragma once

#include "transferitem.h"

#include <QPersistentModelIndex>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace PeerLink {

/// One file transfer in the conversation view (an item widget in MessageDelegate's bubble): the file's name, size
/// and type, where it stands, its progress, and the buttons its state allows (Accept / Decline, Cancel, Open). It
/// shows a ConversationModel row and asks for actions; what is shown and allowed is TransferItem's.
class TransferItemWidget : public QWidget
{
    Q_OBJECT
public:
    explicit TransferItemWidget(QWidget *parent = nullptr);

    /// Shows the transfer item of a ConversationModel row (again, after it changed).
    void showIndex(const QModelIndex &index);
    QString transferId() const { return m_tid; }
    /// Whether its buttons and progress bar take room (TransferItem::hasControls() of what it shows).
    bool hasControls() const { return m_controls; }
    /// Shows or hides every button and the progress bar at once (to measure the item both ways).
    void setControlsShown(bool shown);

Q_SIGNALS:
    /// The user asked for @p action on transfer @p tid.
    void actionRequested(const QString &tid, PeerLink::TransferItem::Action action);

protected:
    void changeEvent(QEvent *event) override;

private:
    QPushButton *addButton(const char *name, TransferItem::Action action);
    void retranslate();

    QPersistentModelIndex m_index;
    QString m_tid;
    bool m_controls = true;
    QLabel *m_name;
    QLabel *m_details;
    QLabel *m_status;
    QProgressBar *m_progress;
    QPushButton *m_accept = nullptr;
    QPushButton *m_decline = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_open = nullptr;
};

} // namespace PeerLink
