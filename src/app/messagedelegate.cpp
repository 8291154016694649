#include "messagedelegate.h"

#include "app/apppalette.h"
#include "app/conversationmodel.h"
#include "app/transferitemwidget.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDateTime>
#include <QIcon>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QRegularExpression>
#include <QTextLayout>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMargin = 6;       // around a row
constexpr int kAvatar = 28;      // the avatar's diameter
constexpr int kPadding = 8;      // inside a bubble
constexpr int kRadius = 8;       // a bubble's corners
constexpr double kMaxBubble = 0.72; // of the row's width

QDate localDay(const QModelIndex &index)
{
    return index.data(ConversationModel::TimeRole).toDateTime().toLocalTime().date();
}

/// Lays @p text out in @p width: at word boundaries, or anywhere inside a word longer than a line.
qreal layOut(QTextLayout &layout, int width)
{
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    qreal height = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, height));
        height += line.height();
    }
    layout.endLayout();
    return height;
}

} // namespace

QList<std::pair<int, int>> findLinks(const QString &text)
{
    static const QRegularExpression re(u"\\b(?:https?|peerlink)://[^\\s<>\"]+"_s,
                                       QRegularExpression::CaseInsensitiveOption);
    QList<std::pair<int, int>> links;
    for (auto it = re.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        int length = int(m.capturedLength());
        // A sentence's full stop or closing bracket is not part of the address.
        while (length > 0 && QStringView(u".,;:!?)]}'").contains(text.at(m.capturedStart() + length - 1)))
            --length;
        links.append({ int(m.capturedStart()), length });
    }
    return links;
}

QString dayLabel(const QDate &day, const QDate &today)
{
    if (day == today)
        return MessageDelegate::tr("Today");
    if (day == today.addDays(-1))
        return MessageDelegate::tr("Yesterday");
    return QLocale().toString(day, QLocale::LongFormat);
}

MessageDecoration decorationFor(const QModelIndex &index, const QDate &today)
{
    MessageDecoration d;
    const QDate day = localDay(index);
    const QModelIndex previous = index.siblingAtRow(index.row() - 1);
    d.daySeparator = !previous.isValid() || localDay(previous) != day;
    d.dayLabel = dayLabel(day, today);
    const bool outgoing = index.data(ConversationModel::OutgoingRole).toBool();
    d.showSender = !outgoing
        && (d.daySeparator || previous.data(ConversationModel::OutgoingRole).toBool()
            || previous.data(ConversationModel::FromRole) != index.data(ConversationModel::FromRole)
            || previous.data(ConversationModel::TimeRole).toDateTime().secsTo(
                   index.data(ConversationModel::TimeRole).toDateTime())
                > GroupMinutes * 60);
    return d;
}

QString initials(const QString &name)
{
    const QStringList words = name.simplified().split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty())
        return u"?"_s;
    QString out = words.at(0).left(1).toUpper();
    if (words.size() > 1)
        out += words.at(1).left(1).toUpper();
    return out;
}

QColor avatarColor(const QString &id)
{
    // A hue from the id (FNV-1a over its UTF-8: the same in every run, which qHash is not), saturation and value
    // chosen so that white initials read on every hue.
    quint32 hash = 2166136261u;
    for (const char c : id.toUtf8()) {
        hash ^= quint8(c);
        hash *= 16777619u;
    }
    const int hue = int(hash % 360);
    return QColor::fromHsv(hue, 150, 150);
}

QString messagePeer(const QModelIndex &index)
{
    const auto *model = qobject_cast<const ConversationModel *>(index.model());
    if (model && !model->key().isEmpty())
        return model->key();
    if (index.data(ConversationModel::OutgoingRole).toBool())
        return QString();
    return index.data(ConversationModel::FromRole).toString();
}

QStyleOptionViewItem viewOption(const QAbstractItemView *view, const QModelIndex &index)
{
    QStyleOptionViewItem option;
    option.initFrom(view);
    option.rect = view->visualRect(index);
    return option;
}

MessageDelegate::MessageDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

MessageDelegate::~MessageDelegate() = default;

bool MessageDelegate::isTransfer(const QModelIndex &index)
{
    return !index.data(ConversationModel::TransferIdRole).toString().isEmpty();
}

QWidget *MessageDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &index) const
{
    if (!isTransfer(index))
        return nullptr; // messages are not edited
    auto *item = new TransferItemWidget(parent);
    connect(item, &TransferItemWidget::actionRequested, this, &MessageDelegate::transferActionRequested);
    return item;
}

void MessageDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    auto *item = qobject_cast<TransferItemWidget *>(editor);
    if (!item)
        return;
    const bool controls = item->hasControls();
    item->showIndex(index);
    // Answered or ended: the buttons went (or came), and the row takes another height.
    if (item->hasControls() != controls)
        Q_EMIT const_cast<MessageDelegate *>(this)->sizeHintChanged(index);
}

void MessageDelegate::setModelData(QWidget *, QAbstractItemModel *, const QModelIndex &) const
{
    // A transfer item changes nothing in the conversation: its actions go to the transfers.
}

void MessageDelegate::updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                                           const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    editor->setGeometry(geometry(opt, index).text);
}

bool MessageDelegate::eventFilter(QObject *object, QEvent *event)
{
    if (qobject_cast<TransferItemWidget *>(object))
        return false;
    return QStyledItemDelegate::eventFilter(object, event);
}

int MessageDelegate::transferHeight(const QFont &font, bool controls) const
{
    const QString key = font.key() + (controls ? u"+"_s : u"-"_s);
    if (const auto it = m_transferHeights.constFind(key); it != m_transferHeights.constEnd())
        return *it;
    std::unique_ptr<TransferItemWidget> &prototype = m_transferPrototypes[controls ? 1 : 0];
    if (!prototype) {
        prototype = std::make_unique<TransferItemWidget>();
        prototype->setControlsShown(controls); // with controls: every button, the tallest the item gets
    }
    prototype->setFont(font);
    const int height = prototype->sizeHint().height();
    m_transferHeights.insert(key, height);
    return height;
}

int MessageDelegate::textHeight(const QString &text, const QFont &font, int width) const
{
    const QString key = QString::number(width) + u':' + QString::number(qHash(text)) + u':'
        + QString::number(text.size()) + u':' + font.key();
    if (const int *cached = m_heights.object(key))
        return *cached;
    QTextLayout layout(text, font);
    const int height = int(std::ceil(layOut(layout, width)));
    m_heights.insert(key, new int(height));
    return height;
}

MessageDelegate::Geometry MessageDelegate::geometry(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    Geometry g;
    const QFontMetrics fm(option.font);
    const MessageDecoration d = decorationFor(index, QDate::currentDate());
    const bool outgoing = index.data(ConversationModel::OutgoingRole).toBool();
    QRect row = option.rect.adjusted(kMargin, kMargin / 2, -kMargin, -kMargin / 2);
    int y = row.top();
    if (d.daySeparator) {
        g.separator = QRect(row.left(), y, row.width(), fm.height() + kMargin);
        y = g.separator.bottom() + 1 + kMargin / 2;
    }
    const int left = outgoing ? row.left() : row.left() + kAvatar + kMargin;
    const int maxBubble = std::max(80, int((row.right() - left) * kMaxBubble));
    if (d.showSender) {
        g.name = QRect(left, y, maxBubble, fm.height());
        g.avatar = QRect(row.left(), y, kAvatar, kAvatar);
        y = g.name.bottom() + 1;
    }
    const QString text = index.data(ConversationModel::TextRole).toString();
    const int textWidth = maxBubble - 2 * kPadding;
    const bool transfer = isTransfer(index);
    const int height = transfer
        ? transferHeight(option.font, TransferItem::hasControls(index.data(ConversationModel::TransferStateRole)
                                                                    .value<TransferItem::State>()))
        : textHeight(text, option.font, textWidth);
    // As wide as its longest line needs, up to the maximum: short messages get small bubbles. A transfer's item is
    // as wide as its buttons and words need.
    const int natural = transfer ? fm.horizontalAdvance(QLatin1Char('M')) * 26 : fm.horizontalAdvance(text.left(200)) + 1;
    const int footerWidth = fm.horizontalAdvance(u"00:00 ✓✓ "_s) + 16 + (showsVerified(index) ? fm.height() + 4 : 0);
    const int inner = std::min(textWidth, std::max({ natural, footerWidth, 24 }));
    const int bubbleWidth = inner + 2 * kPadding;
    const int bubbleHeight = height + fm.height() + 2 * kPadding;
    const int x = outgoing ? row.right() - bubbleWidth + 1 : left;
    g.bubble = QRect(x, y, bubbleWidth, bubbleHeight);
    g.text = QRect(x + kPadding, y + kPadding, inner, height);
    g.footer = QRect(x + kPadding, g.text.bottom() + 1, inner, fm.height());
    return g;
}

QUrl MessageDelegate::linkAt(const QStyleOptionViewItem &option, const QModelIndex &index, const QPoint &pos) const
{
    const Geometry g = geometry(option, index);
    if (!g.text.contains(pos))
        return QUrl();
    const QString text = index.data(ConversationModel::TextRole).toString();
    const QList<std::pair<int, int>> links = findLinks(text);
    if (links.isEmpty())
        return QUrl();
    QTextLayout layout(text, option.font);
    layOut(layout, g.text.width());
    const QPointF local = pos - g.text.topLeft();
    for (int i = 0; i < layout.lineCount(); ++i) {
        const QTextLine line = layout.lineAt(i);
        if (local.y() < line.y() || local.y() >= line.y() + line.height())
            continue;
        if (local.x() > line.naturalTextWidth())
            return QUrl();
        const int at = line.xToCursor(local.x(), QTextLine::CursorOnCharacter);
        for (const auto &[start, length] : links) {
            if (at >= start && at < start + length)
                return QUrl(text.mid(start, length), QUrl::TolerantMode);
        }
    }
    return QUrl();
}

bool MessageDelegate::showsVerified(const QModelIndex &index) const
{
    if (!m_isVerified || !index.data(ConversationModel::EncryptedRole).toBool())
        return false;
    const QString peer = messagePeer(index);
    return !peer.isEmpty() && m_isVerified(peer);
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    if (opt.rect.width() <= 0)
        opt.rect.setWidth(400);
    const Geometry g = geometry(opt, index);
    return QSize(opt.rect.width(), g.bubble.bottom() - opt.rect.top() + kMargin);
}

QString MessageDelegate::stateMark(const QModelIndex &index, bool *error, bool *read)
{
    *error = false;
    *read = false;
    switch (index.data(ConversationModel::StateRole).value<ConversationModel::State>()) {
    case ConversationModel::State::Pending:
        return u"…"_s;
    case ConversationModel::State::Sent:
        return u"✓"_s;
    case ConversationModel::State::Stored:
        return u"✓ ⧗"_s;
    case ConversationModel::State::Delivered:
        return u"✓✓"_s;
    case ConversationModel::State::Read:
        *read = true;
        return u"✓✓"_s;
    case ConversationModel::State::Failed:
        *error = true;
        return u"!"_s;
    case ConversationModel::State::Received:
        break;
    }
    return QString();
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const Geometry g = geometry(opt, index);
    const QPalette &pal = opt.palette;
    const bool outgoing = index.data(ConversationModel::OutgoingRole).toBool();
    const bool selected = opt.state & QStyle::State_Selected;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (!g.separator.isNull()) {
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(g.separator, Qt::AlignCenter, decorationFor(index, QDate::currentDate()).dayLabel);
    }
    if (!g.avatar.isNull()) {
        const QString id = index.data(ConversationModel::FromRole).toString();
        painter->setPen(Qt::NoPen);
        painter->setBrush(avatarColor(id));
        painter->drawEllipse(g.avatar);
        painter->setPen(Qt::white);
        painter->drawText(g.avatar, Qt::AlignCenter,
                          initials(index.data(ConversationModel::FromNameRole).toString()));
        QFont bold = opt.font;
        bold.setBold(true);
        painter->setFont(bold);
        painter->setPen(pal.color(QPalette::WindowText));
        painter->drawText(g.name, Qt::AlignLeft | Qt::AlignVCenter,
                          index.data(ConversationModel::FromNameRole).toString());
        painter->setFont(opt.font);
    }
    // The bubble: own messages in the highlight colour, others' in the base colour with a frame.
    // A transfer's item is framed like others' messages either way: its widget's words and buttons read on it.
    const bool transfer = isTransfer(index);
    const bool highlight = outgoing && !transfer;
    QPainterPath bubble;
    bubble.addRoundedRect(g.bubble, kRadius, kRadius);
    const QColor fill = highlight ? pal.color(QPalette::Highlight) : pal.color(QPalette::AlternateBase);
    painter->fillPath(bubble, fill);
    if (selected || !highlight) {
        painter->setBrush(Qt::NoBrush); // a frame only (the avatar's colour is still the brush)
        painter->setPen(QPen(selected ? pal.color(QPalette::Link) : pal.color(QPalette::Mid), selected ? 2 : 1));
        painter->drawPath(bubble);
    }
    const QColor textColor = highlight ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
    painter->setPen(textColor);
    const QString text = transfer ? QString() : index.data(ConversationModel::TextRole).toString();
    QTextLayout layout(text, opt.font);
    QList<QTextLayout::FormatRange> linkFormats;
    for (const auto &[start, length] : findLinks(text)) {
        QTextLayout::FormatRange range;
        range.start = start;
        range.length = length;
        range.format.setFontUnderline(true);
        if (!outgoing)
            range.format.setForeground(pal.color(QPalette::Link));
        linkFormats.append(range);
    }
    layout.setFormats(linkFormats);
    layOut(layout, g.text.width());
    layout.draw(painter, g.text.topLeft());
    // Footer: the time, the lock of an end-to-end message, and one's own message's state.
    QString footer = QLocale().toString(index.data(ConversationModel::TimeRole).toDateTime().toLocalTime().time(),
                                        QLocale::ShortFormat);
    QColor markColor = textColor;
    QFont small = opt.font;
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    if (outgoing && !transfer) {
        bool error = false, read = false;
        footer += u"  "_s + stateMark(index, &error, &read);
        if (error)
            markColor = errorColor(pal);
        small.setBold(read); // read: the same two ticks, in bold
    }
    painter->setFont(small);
    painter->setPen(markColor);
    QRect footerRect = g.footer;
    if (index.data(ConversationModel::EncryptedRole).toBool()) {
        const int s = footerRect.height() - 2;
        QIcon(u":/icons/lock.svg"_s).paint(painter, QRect(footerRect.left(), footerRect.top() + 1, s, s));
        footerRect.setLeft(footerRect.left() + s + 4);
        if (showsVerified(index)) {
            QIcon(u":/icons/verified.svg"_s).paint(painter, QRect(footerRect.left(), footerRect.top() + 1, s, s));
            footerRect.setLeft(footerRect.left() + s + 4);
        }
    }
    painter->drawText(footerRect, Qt::AlignRight | Qt::AlignVCenter, footer);
    painter->restore();
}

} // namespace PeerLink
