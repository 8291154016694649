#pragma once

#include <QObject>
#include <QPersistentModelIndex>
#include <QPointer>

class QAbstractItemView;
class QMouseEvent;
class QPlainTextEdit;

namespace PeerLink {

class MessageDelegate;

/// Selectable text in a chat view painted by MessageDelegate. A press of the left button on a message's text (not
/// on a link) lays a read-only text field over that text, looking the same, and the press and the drag that follows
/// go to it: part of the message is selected as in any text field, Ctrl+C copies it, and a double click selects a
/// word. The field goes away when it loses the focus, on Escape, and when the view scrolls, resizes or changes.
/// Ctrl+C on the view itself (a message selected, no text field) copies the whole message.
class MessageSelection : public QObject
{
    Q_OBJECT
public:
    MessageSelection(QAbstractItemView *view, MessageDelegate *delegate, QObject *parent = nullptr);

    /// The text field over the message whose text is being selected; null when there is none.
    QPlainTextEdit *textField() const;
    /// Lays the text field over the text of the message at @p index (its text selectable); false if it has no text.
    bool open(const QModelIndex &index);
    /// Removes the text field.
    void close();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool onPress(QMouseEvent *mouse);
    void forward(QMouseEvent *mouse);

    QAbstractItemView *m_view;
    MessageDelegate *m_delegate;
    QPointer<QPlainTextEdit> m_field;
    QPersistentModelIndex m_index;
    bool m_dragging = false; ///< the button went down on the text: moves and the release go to the field
};

} // namespace PeerLink
