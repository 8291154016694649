#include "transferspanel.h"

#include "transfersmodel.h"
#include "ui_transferspanel.h"

#include <QApplication>
#include <QDesktopServices>
#include <QFileDialog>
#include <QFileInfo>
#include <QPainter>
#include <QStandardPaths>
#include <QUrl>

namespace PeerLink {

void TransferDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const QRect r = option.rect.adjusted(4, 2, -4, -2);
    const int line = option.fontMetrics.height();
    const QPalette::ColorRole text = option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text;
    painter->save();
    painter->setPen(option.palette.color(text));
    painter->drawText(QRect(r.left(), r.top(), r.width(), line), Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, r.width()));
    painter->restore();

    QStyleOptionProgressBar bar;
    bar.rect = QRect(r.left(), r.top() + line + 2, r.width(), line);
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = int(index.data(TransfersModel::ProgressRole).toDouble() * 1000);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.palette = option.palette;
    bar.fontMetrics = option.fontMetrics;
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, opt.widget);

    painter->save();
    painter->setPen(option.palette.color(text));
    painter->drawText(QRect(r.left(), r.top() + 2 * line + 4, r.width(), line), Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(index.data(TransfersModel::StatusTextRole).toString(),
                                                    Qt::ElideRight, r.width()));
    painter->restore();
}

QSize TransferDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return QSize(240, 3 * option.fontMetrics.height() + 10);
}

TransfersPanel::TransfersPanel(TransfersModel *model, QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::TransfersPanel>())
    , m_model(model)
    , m_pickDirectory([](QWidget *parent, const QString &title) {
        return QFileDialog::getExistingDirectory(
            parent, title, QStandardPaths::writableLocation(QStandardPaths::DownloadLocation));
    })
{
    m_ui->setupUi(this);
    m_ui->transfersView->setModel(model);
    m_ui->transfersView->setItemDelegate(new TransferDelegate(m_ui->transfersView));
    connect(m_ui->transfersView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &TransfersPanel::updateButtons);
    connect(model, &QAbstractItemModel::dataChanged, this, &TransfersPanel::updateButtons);
    connect(model, &QAbstractItemModel::rowsInserted, this, &TransfersPanel::updateButtons);
    connect(m_ui->acceptButton, &QAbstractButton::clicked, this, &TransfersPanel::accept);
    connect(m_ui->declineButton, &QAbstractButton::clicked, this, [this] { m_model->decline(selectedRow()); });
    connect(m_ui->cancelButton, &QAbstractButton::clicked, this, [this] { m_model->cancel(selectedRow()); });
    connect(m_ui->pauseButton, &QAbstractButton::clicked, this, [this] { m_model->pause(selectedRow()); });
    connect(m_ui->resumeButton, &QAbstractButton::clicked, this, [this] { m_model->resume(selectedRow()); });
    connect(m_ui->openButton, &QAbstractButton::clicked, this, [this] { openSelected(false); });
    connect(m_ui->showInFolderButton, &QAbstractButton::clicked, this, [this] { openSelected(true); });
    updateButtons();
}

TransfersPanel::~TransfersPanel() = default;

void TransfersPanel::selectRow(int row)
{
    m_ui->transfersView->setCurrentIndex(m_model->index(row));
    updateButtons();
}

int TransfersPanel::selectedRow() const
{
    const QModelIndex current = m_ui->transfersView->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void TransfersPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        m_ui->retranslateUi(this);
    QWidget::changeEvent(event);
}

void TransfersPanel::updateButtons()
{
    const int row = selectedRow();
    const TransfersModel::State state = m_model->stateAt(row);
    const bool offered = row >= 0 && state == TransfersModel::State::Offered;
    m_ui->acceptButton->setEnabled(offered);
    m_ui->declineButton->setEnabled(offered);
    m_ui->cancelButton->setEnabled(row >= 0 && TransfersModel::isOpen(state) && !offered);
    m_ui->pauseButton->setEnabled(row >= 0 && state == TransfersModel::State::Transferring);
    // A pause the peer made is the peer's to resume: only Cancel is offered for it.
    m_ui->resumeButton->setEnabled(m_model->canResume(row));
    const bool done = row >= 0 && state == TransfersModel::State::Done;
    m_ui->openButton->setEnabled(done);
    m_ui->showInFolderButton->setEnabled(done);
}

void TransfersPanel::accept()
{
    acceptOffer(selectedRow());
}

bool TransfersPanel::acceptOffer(int row, QWidget *dialogParent)
{
    if (m_model->stateAt(row) != TransfersModel::State::Offered)
        return false;
    const QString dir = m_pickDirectory(dialogParent ? dialogParent : this, tr("Save %1 in").arg(m_model->index(row).data(TransfersModel::NameRole).toString()));
    return !dir.isEmpty() && m_model->accept(row, dir);
}

void TransfersPanel::openSelected(bool folder)
{
    openFile(selectedRow(), folder);
}

void TransfersPanel::openFile(int row, bool folder)
{
    if (m_model->stateAt(row) != TransfersModel::State::Done)
        return;
    const QFileInfo file(m_model->index(row).data(TransfersModel::PathRole).toString());
    QDesktopServices::openUrl(QUrl::fromLocalFile(folder ? file.absolutePath() : file.absoluteFilePath()));
}

} // namespace PeerLink
