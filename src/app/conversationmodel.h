#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>

namespace PeerLink {

/// The messages of one conversation ("Everyone" or one peer), oldest first.
class ConversationModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum class State { Received, Pending, Delivered, Failed };
    Q_ENUM(State)

    enum Role {
        FromRole = Qt::UserRole + 1,
        TextRole,
        TimeRole,
        OutgoingRole,
        StateRole,
        MidRole,
        EncryptedRole, ///< the message travelled end-to-end encrypted
    };

    struct Entry
    {
        QString from; ///< sender id (our own id for outgoing messages)
        QString fromName; ///< what to show for the sender
        QString text;
        QDateTime time;
        bool outgoing = false;
        State state = State::Received;
        QString mid;
        QString error;
        bool encrypted = false;
    };

    explicit ConversationModel(const QString &key, QObject *parent = nullptr);

    /// "" for Everyone, otherwise the peer id.
    QString key() const { return m_key; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const Entry &entry(int row) const { return m_entries.at(row); }
    void append(const Entry &entry);
    /// Updates the state of the outgoing message with @p mid; returns false if it is not here.
    bool setState(const QString &mid, State state, const QString &error = QString());

private:
    QString m_key;
    QList<Entry> m_entries;
};

} // namespace PeerLink
