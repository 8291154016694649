#pragma once

#include "transferitem.h"

#include <QCache>
#include <QHash>
#include <QColor>
#include <QDate>
#include <QStyledItemDelegate>
#include <QUrl>

#include <functional>
#include <memory>
#include <utility>

class QAbstractItemView;
class QTextLayout;

namespace PeerLink {

class TransferItemWidget;

/// What the chat view draws around one message, from the message and the one before it (no painting: tested alone).
struct MessageDecoration
{
    bool daySeparator = false; ///< the first message of its (local) day
    QString dayLabel;          ///< "Today", "Yesterday", or the date in the user's locale
    bool showSender = false;   ///< the first of a run from one sender (runs break after GroupMinutes)
};

/// Messages from one sender closer than this in time form one group: name and avatar once.
inline constexpr int GroupMinutes = 5;

/// The links in @p text: (start, length) of each http://, https:// and peerlink:// address.
QList<std::pair<int, int>> findLinks(const QString &text);

/// "Today", "Yesterday", else @p day in the locale's long format.
QString dayLabel(const QDate &day, const QDate &today);
/// The decoration of @p index in a ConversationModel (its previous row decides grouping and separators).
MessageDecoration decorationFor(const QModelIndex &index, const QDate &today);
/// One or two letters for an avatar: the initials of the first two words ("Li Lei" -> "LL"), or the first letter.
QString initials(const QString &name);
/// A colour for @p id's avatar, the same every time, dark enough for white initials.
QColor avatarColor(const QString &id);

/// The peer whose key speaks for the message at @p index of a ConversationModel: the conversation's peer in a
/// conversation with one peer, the sender of an incoming message to Everyone; empty for one's own message to Everyone.
QString messagePeer(const QModelIndex &index);

/// The style option @p view paints the row of @p index with (its font, palette and rectangle).
QStyleOptionViewItem viewOption(const QAbstractItemView *view, const QModelIndex &index);

/// Paints a ConversationModel as a chat: day separators, messages grouped by sender with a coloured initials avatar
/// and the name once per group, own messages on the right in the palette's highlight colours and others' on the left,
/// long text wrapped (at word boundaries, or anywhere in a long word), time and state marks under each of one's own
/// messages (sending …, sent ✓, kept by the hub ⧗, delivered ✓✓, read ✓✓ in bold, failed ! in the error colour), a lock on
/// end-to-end encrypted ones, and a verified mark next to it when the peer's key was compared in person (see
/// setVerifiedCheck()). Text heights are cached per text and width, so a 64 KiB message is laid out once.
/// A file transfer's item (issue 15) is a bubble holding a TransferItemWidget, the row's persistent editor: the view
/// opens one per transfer row (QAbstractItemView::openPersistentEditor) and it asks for actions through
/// transferActionRequested().
class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit MessageDelegate(QObject *parent = nullptr);
    ~MessageDelegate() override;

    /// Whether the row of @p index is a file transfer's item (it gets a TransferItemWidget).
    static bool isTransfer(const QModelIndex &index);
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
    void updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// Where each part goes in a row of @p rowRect (public for tests).
    struct Geometry
    {
        QRect separator; ///< the day separator (empty when none)
        QRect avatar;    ///< empty for own messages and inside a group
        QRect name;      ///< the sender's name (empty when not shown)
        QRect bubble;
        QRect text;
        QRect footer;    ///< time and marks
    };
    Geometry geometry(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    /// Tells whether a peer's key is verified (compared in person, unchanged since); without it nothing is verified.
    void setVerifiedCheck(std::function<bool(const QString &peer)> check) { m_isVerified = std::move(check); }
    /// Whether the message at @p index gets the verified mark: end-to-end encrypted, and its peer verified.
    bool showsVerified(const QModelIndex &index) const;

    /// The link (http, https, peerlink) under @p pos in the message at @p index laid out in @p option; empty if none.
    QUrl linkAt(const QStyleOptionViewItem &option, const QModelIndex &index, const QPoint &pos) const;

Q_SIGNALS:
    /// A transfer item's button was pressed: @p action on transfer @p tid.
    void transferActionRequested(const QString &tid, PeerLink::TransferItem::Action action);

protected:
    /// Leaves keys and focus of a transfer item to its buttons (an editor's Tab / Enter / Escape handling would
    /// close it).
    bool eventFilter(QObject *object, QEvent *event) override;

private:
    /// The height of a transfer item's widget in @p font, with its controls or without (measured on ones never
    /// shown).
    int transferHeight(const QFont &font, bool controls) const;
    int textHeight(const QString &text, const QFont &font, int width) const;
    /// The state mark of an outgoing message and whether to draw it in the error colour.
    static QString stateMark(const QModelIndex &index, bool *error, bool *read);

    mutable QCache<QString, int> m_heights { 2000 };
    std::function<bool(const QString &)> m_isVerified;
    mutable std::unique_ptr<TransferItemWidget> m_transferPrototypes[2]; // without controls, with them
    mutable QHash<QString, int> m_transferHeights; // by font key and whether with controls
};

} // namespace PeerLink
