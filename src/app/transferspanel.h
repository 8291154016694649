#pragma once

#include <QStyledItemDelegate>
#include <QWidget>
#include <functional>
#include <memory>

namespace Ui {
class TransfersPanel;
}

namespace PeerLink {

class TransfersModel;

/// Draws a transfer: its name and peer, a progress bar, and its state, speed and time remaining in words.
class TransferDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

/// The transfers list (a dock of the main window): Accept (choosing where to save) / Decline an offer, Cancel,
/// Pause one under way and Resume one this side paused, Open / Show in folder when done. The logic is the model's;
/// this only asks and shows.
class TransfersPanel : public QWidget
{
    Q_OBJECT
public:
    /// Asks for a folder to save into (parent, title); empty: the user changed their mind.
    using DirectoryPicker = std::function<QString(QWidget *, const QString &)>;

    explicit TransfersPanel(TransfersModel *model, QWidget *parent = nullptr);
    ~TransfersPanel() override;

    void setDirectoryPicker(DirectoryPicker picker) { m_pickDirectory = std::move(picker); }
    /// Selects @p row (an offer just shown, a file just sent).
    void selectRow(int row);
    int selectedRow() const;
    /// Accepts the offer in @p row, asking where to save it (the directory picker, over @p dialogParent or else this
    /// panel); false when it is not an offer or the user changed their mind. The dock's Accept and a conversation's
    /// (issue 15) both come here.
    bool acceptOffer(int row, QWidget *dialogParent = nullptr);
    /// Opens the received file in @p row, or (@p folder) the folder it is in, through the desktop.
    void openFile(int row, bool folder);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateButtons();
    void accept();
    void openSelected(bool folder);

    std::unique_ptr<Ui::TransfersPanel> m_ui;
    TransfersModel *m_model;
    DirectoryPicker m_pickDirectory;
};

} // namespace PeerLink
