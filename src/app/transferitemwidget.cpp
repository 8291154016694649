#include "transferitemwidget.h"

#include "conversationmodel.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace PeerLink {

TransferItemWidget::TransferItemWidget(QWidget *parent)
    : QWidget(parent)
    , m_name(new QLabel(this))
    , m_details(new QLabel(this))
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
{
    setObjectName(QStringLiteral("transferItem"));
    m_name->setObjectName(QStringLiteral("transferName"));
    m_details->setObjectName(QStringLiteral("transferDetails"));
    m_status->setObjectName(QStringLiteral("transferStatus"));
    m_progress->setObjectName(QStringLiteral("transferProgress"));
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    // Long names are cut by the bubble, not allowed to widen it.
    for (QLabel *label : { m_name, m_details, m_status })
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(m_progress->fontMetrics().height() / 2 + 2);

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_name);
    layout->addWidget(m_details);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addLayout(buttons);
    layout->addStretch(1);
    m_accept = addButton("acceptTransferButton", TransferItem::Accept);
    m_decline = addButton("declineTransferButton", TransferItem::Decline);
    m_pause = addButton("pauseTransferButton", TransferItem::Pause);
    m_resume = addButton("resumeTransferButton", TransferItem::Resume);
    m_cancel = addButton("cancelTransferButton", TransferItem::Cancel);
    m_open = addButton("openTransferButton", TransferItem::Open);
    for (QPushButton *b : { m_accept, m_decline, m_pause, m_resume, m_cancel, m_open })
        buttons->addWidget(b);
    buttons->addStretch(1);
    retranslate();
}

QPushButton *TransferItemWidget::addButton(const char *name, TransferItem::Action action)
{
    auto *button = new QPushButton(this);
    button->setObjectName(QString::fromLatin1(name));
    button->setAutoDefault(false);
    button->setFocusPolicy(Qt::StrongFocus); // reachable with Tab, pressed with Space
    connect(button, &QPushButton::clicked, this, [this, action] {
        if (!m_tid.isEmpty())
            Q_EMIT actionRequested(m_tid, action);
    });
    return button;
}

void TransferItemWidget::showIndex(const QModelIndex &index)
{
    m_index = index;
    m_tid = index.data(ConversationModel::TransferIdRole).toString();
    const QString name = index.data(ConversationModel::TransferNameRole).toString();
    const QString status = index.data(ConversationModel::TransferStatusRole).toString();
    m_name->setText(name);
    m_details->setText(index.data(ConversationModel::TransferDetailsRole).toString());
    m_status->setText(status);
    const auto state = index.data(ConversationModel::TransferStateRole).value<TransferItem::State>();
    const TransferItem::Actions actions(index.data(ConversationModel::TransferActionsRole).toInt());
    m_progress->setVisible(state == TransferItem::State::Receiving || state == TransferItem::State::Sending
                           || state == TransferItem::State::Paused);
    m_progress->setValue(int(index.data(ConversationModel::TransferProgressRole).toDouble() * 1000));
    m_accept->setVisible(actions.testFlag(TransferItem::Accept));
    m_decline->setVisible(actions.testFlag(TransferItem::Decline));
    m_pause->setVisible(actions.testFlag(TransferItem::Pause));
    m_resume->setVisible(actions.testFlag(TransferItem::Resume));
    m_cancel->setVisible(actions.testFlag(TransferItem::Cancel));
    m_open->setVisible(actions.testFlag(TransferItem::Open));
    m_controls = TransferItem::hasControls(state);
    // Screen readers hear which file a button is about, not only "Accept".
    setAccessibleName(tr("File %1").arg(name));
    setAccessibleDescription(status);
    m_accept->setAccessibleName(tr("Accept %1").arg(name));
    m_decline->setAccessibleName(tr("Decline %1").arg(name));
    m_pause->setAccessibleName(tr("Pause the transfer of %1").arg(name));
    m_resume->setAccessibleName(tr("Resume the transfer of %1").arg(name));
    m_cancel->setAccessibleName(tr("Cancel the transfer of %1").arg(name));
    m_open->setAccessibleName(tr("Open %1").arg(name));
    m_progress->setAccessibleName(tr("Progress of %1").arg(name));
}

void TransferItemWidget::setControlsShown(bool shown)
{
    for (QWidget *w :
         std::initializer_list<QWidget *> { m_progress, m_accept, m_decline, m_pause, m_resume, m_cancel, m_open })
        w->setVisible(shown);
    m_controls = shown;
}

void TransferItemWidget::retranslate()
{
    m_accept->setText(tr("Accept…"));
    m_accept->setToolTip(tr("Choose where to save the file and receive it"));
    m_decline->setText(tr("Decline"));
    m_decline->setToolTip(tr("Decline the file (the sender is told)"));
    m_pause->setText(tr("Pause"));
    m_pause->setToolTip(tr("Pause the transfer; the peer sees that you paused it, and only you can resume it"));
    m_resume->setText(tr("Resume"));
    m_resume->setToolTip(tr("Go on from where it stopped"));
    m_cancel->setText(tr("Cancel"));
    m_open->setText(tr("Open"));
}

void TransferItemWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        if (m_index.isValid())
            showIndex(m_index);
    }
    QWidget::changeEvent(event);
}

} // namespace PeerLink
