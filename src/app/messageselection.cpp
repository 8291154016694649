#include "messageselection.h"

#include "app/conversationmodel.h"
#include "app/messagedelegate.h"

#include <QAbstractItemView>
#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextDocument>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// The text field closes when it loses the focus (to anything but its own context menu) or on Escape.
class MessageTextField : public QPlainTextEdit
{
public:
    using QPlainTextEdit::QPlainTextEdit;
    std::function<void()> onDone;

protected:
    void focusOutEvent(QFocusEvent *event) override
    {
        QPlainTextEdit::focusOutEvent(event);
        if (event->reason() != Qt::PopupFocusReason && onDone)
            onDone();
    }
    void keyPressEvent(QKeyEvent *event) override
    {
        if (event->key() == Qt::Key_Escape && onDone) {
            onDone();
            return;
        }
        QPlainTextEdit::keyPressEvent(event);
    }
};

} // namespace

MessageSelection::MessageSelection(QAbstractItemView *view, MessageDelegate *delegate, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_delegate(delegate)
{
    view->viewport()->installEventFilter(this);
    view->installEventFilter(this);
    connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this, &MessageSelection::close);
    connect(view->horizontalScrollBar(), &QScrollBar::valueChanged, this, &MessageSelection::close);
    // Ctrl+C on the view: the whole text of the message selected there.
    auto *copy = new QAction(view);
    copy->setObjectName(u"copySelectedMessage"_s);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, [view] {
        const QModelIndex current = view->currentIndex();
        if (current.isValid())
            QGuiApplication::clipboard()->setText(current.data(ConversationModel::TextRole).toString());
    });
    view->addAction(copy);
}

QPlainTextEdit *MessageSelection::textField() const
{
    return m_field;
}

bool MessageSelection::open(const QModelIndex &index)
{
    close();
    const QString text = index.data(ConversationModel::TextRole).toString();
    if (!index.isValid() || text.isEmpty())
        return false;
    const QStyleOptionViewItem option = viewOption(m_view, index);
    const MessageDelegate::Geometry g = m_delegate->geometry(option, index);
    auto *field = new MessageTextField(m_view->viewport());
    field->setObjectName(u"messageText"_s);
    field->setAccessibleName(tr("Message text"));
    field->setAccessibleDescription(tr("The text of the message, to select and copy"));
    field->setReadOnly(true);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    field->setFrameShape(QFrame::NoFrame);
    field->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    field->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    field->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    field->document()->setDocumentMargin(0);
    field->setFont(option.font);
    // The bubble's colours, so that it looks the same; a selection that shows on them.
    QPalette pal = m_view->palette();
    const bool outgoing = index.data(ConversationModel::OutgoingRole).toBool();
    const QColor base = outgoing ? pal.color(QPalette::Highlight) : pal.color(QPalette::AlternateBase);
    const QColor text_ = outgoing ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
    pal.setColor(QPalette::Base, base);
    pal.setColor(QPalette::Text, text_);
    if (outgoing) {
        pal.setColor(QPalette::Highlight, text_);
        pal.setColor(QPalette::HighlightedText, base);
    }
    field->setPalette(pal);
    field->setPlainText(text);
    // A little taller than the painted text: the document's line heights may round differently.
    field->setGeometry(g.text.adjusted(0, 0, 0, 2));
    field->onDone = [this] { close(); };
    // Rows that move the message away take the field with them (new messages below it do not).
    QAbstractItemModel *model = m_view->model();
    connect(model, &QAbstractItemModel::modelReset, field, [this] { close(); });
    connect(model, &QAbstractItemModel::layoutChanged, field, [this] { close(); });
    connect(model, &QAbstractItemModel::rowsRemoved, field, [this] { close(); });
    connect(model, &QAbstractItemModel::rowsInserted, field, [this](const QModelIndex &, int first) {
        if (!m_index.isValid() || first <= m_index.row())
            close();
    });
    m_field = field;
    m_index = index;
    field->show();
    field->setFocus(Qt::MouseFocusReason);
    return true;
}

void MessageSelection::close()
{
    m_dragging = false;
    m_index = QPersistentModelIndex();
    if (QPlainTextEdit *field = m_field) {
        m_field = nullptr;
        field->hide();
        field->deleteLater();
    }
}

bool MessageSelection::onPress(QMouseEvent *mouse)
{
    if (mouse->button() != Qt::LeftButton)
        return false;
    const QPoint pos = mouse->position().toPoint();
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return false;
    const QStyleOptionViewItem option = viewOption(m_view, index);
    const MessageDelegate::Geometry g = m_delegate->geometry(option, index);
    if (!g.text.contains(pos) || !m_delegate->linkAt(option, index, pos).isEmpty())
        return false; // outside the text, or a link: the view (and its link click) as before
    // Selected (Ctrl+C on the view copies it all), without scrolling: the press stays on the text it was on.
    const bool autoScroll = m_view->hasAutoScroll();
    m_view->setAutoScroll(false);
    m_view->setCurrentIndex(index);
    m_view->setAutoScroll(autoScroll);
    if (!open(index))
        return false;
    m_dragging = true;
    forward(mouse);
    return true;
}

void MessageSelection::forward(QMouseEvent *mouse)
{
    if (!m_field)
        return;
    QWidget *target = m_field->viewport();
    const QPointF local = target->mapFrom(m_view->viewport(), mouse->position());
    QMouseEvent copy(mouse->type(), local, mouse->globalPosition(), mouse->button(), mouse->buttons(),
                     mouse->modifiers());
    QCoreApplication::sendEvent(target, &copy);
}

bool MessageSelection::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport()) {
        switch (event->type()) {
        case QEvent::MouseButtonPress:
            return onPress(static_cast<QMouseEvent *>(event));
        case QEvent::MouseMove:
            if (m_dragging) {
                forward(static_cast<QMouseEvent *>(event));
                return true;
            }
            break;
        case QEvent::MouseButtonRelease:
            if (m_dragging) {
                forward(static_cast<QMouseEvent *>(event));
                m_dragging = false;
                return true;
            }
            break;
        case QEvent::Resize:
            close();
            break;
        default:
            break;
        }
    }
    if (watched == m_view && event->type() == QEvent::Hide)
        close();
    return QObject::eventFilter(watched, event);
}

} // namespace PeerLink
