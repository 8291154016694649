#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

class QTimer;

namespace PeerLink {

/// The outgoing file transfers of one profile that are not finished, kept in a JSON file next to its identity so that
/// the sender goes on after it was closed and opened again (issue 15). The file holds each transfer's secretstream key:
/// it is written whole and atomically (QSaveFile), owner-only (0600), and one others may write is refused (an entry
/// names a file and a peer to send it to). Entries that cannot be used are skipped and reported; the rest are kept.
/// Progress is written at most every SaveDelayMs (not on every acknowledgement); the rest at once.
class SenderMemory : public QObject
{
    Q_OBJECT
public:
    /// One outgoing transfer as remembered.
    struct Entry
    {
        QString tid; // 32 hex digits
        QString peer;
        QByteArray peerKey; // the identity key the file was offered to (empty: the peer had none known)
        QString path; // absolute
        QString name;
        QString mimeType;
        qint64 size = 0;
        qint64 mtimeMs = 0; // the source's last change, ms since the epoch (UTC)
        QByteArray sha256; // 32 bytes
        int chunkBytes = 0;
        QByteArray key; // crypto_secretstream key, 32 bytes
        qint64 acked = 0; // chunks the receiver verified (as last saved)
        QString state; // "offered", "active", "paused"
    };

    /// Progress (acked) is written this long after it changed at most (ms).
    static constexpr int SaveDelayMs = 3000;
    /// A larger file is not read (a bound on a file edited by hand; entries are some hundred bytes each).
    static constexpr qint64 MaxFileBytes = 16 * 1024 * 1024;

    explicit SenderMemory(QObject *parent = nullptr);
    ~SenderMemory() override;

    /// Uses @p path (empty: memory only) and reads it. Each problem (a file that cannot be read or is not a transfers
    /// file, an entry that cannot be used) is logged and appended to @p problems in words; what could be read is kept.
    /// False when the file was refused as a whole.
    bool setFile(const QString &path, QStringList *problems = nullptr);
    QString file() const { return m_path; }

    QList<Entry> entries() const { return m_entries; }
    /// Adds or replaces the entry of @p entry.tid; written at once when @p urgent (an offer, a state change), else
    /// within SaveDelayMs.
    void remember(const Entry &entry, bool urgent);
    /// The receiver of @p tid verified @p acked chunks: written within SaveDelayMs (a cheap call, made on every
    /// acknowledgement).
    void noteProgress(const QString &tid, qint64 acked);
    /// Removes @p tid (done, cancelled, failed for good) and writes the file.
    void forget(const QString &tid);
    /// Writes what is pending now (also done on destruction).
    bool flush(QString *error = nullptr);

    /// The entries in @p json; each entry that cannot be used is left out and said in @p problems. Nullopt when
    /// @p json is not a transfers file at all.
    static std::optional<QList<Entry>> parse(const QByteArray &json, QStringList *problems);
    static QByteArray serialize(const QList<Entry> &entries);

Q_SIGNALS:
    /// The file could not be written (in words; the entries stay in memory and are written again on the next change).
    void errorOccurred(const QString &message);

private:
    int indexOf(const QString &tid) const;

    QString m_path;
    QList<Entry> m_entries;
    bool m_dirty = false;
    bool m_refused = false;
    QTimer *m_timer;
};

} // namespace PeerLink
