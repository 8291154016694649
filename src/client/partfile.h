#pragma once

#include "crypto/sha256.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFile>
#include <QLockFile>
#include <QString>
#include <memory>
#include <optional>

namespace PeerLink {

/// The data of one incoming file while it arrives, next to its target: "NAME.part" (the verified chunks, in place)
/// and "NAME.part.json" (what it is: sender, offered name, size, SHA-256), so that an offer of the same file from the
/// same peer, even after either program was closed, goes on from what was kept. Both go on completion or cancel.
class PartFile
{
    Q_DECLARE_TR_FUNCTIONS(PartFile)

public:
    /// What the part is of.
    struct Meta
    {
        QString from;
        QString name; // sanitised
        qint64 size = 0;
        QByteArray sha256;
    };

    /// The part kept in @p dir for @p meta when there is one that nobody writes now (a resume), else a new one under a
    /// unique name there.
    /// Nullptr (with @p error) when the directory cannot be written.
    static std::unique_ptr<PartFile> open(const QString &dir, const Meta &meta, QString *error);

    ~PartFile();
    PartFile(const PartFile &) = delete;
    PartFile &operator=(const PartFile &) = delete;

    /// Bytes kept.
    qint64 size() const { return m_file.size(); }
    /// Keeps the first @p bytes only (what was verified).
    bool truncate(qint64 bytes);
    /// Writes @p data at @p offset, durably enough to survive the program (flushed); false with @p error (a full disk).
    bool write(qint64 offset, const QByteArray &data, QString *error);
    /// Compares the SHA-256 of the data with the offered one, then gives it its final name (unique at that moment)
    /// and removes the state. Returns the path; on a mismatch (the part is removed) or an error, nullopt. @p sha256
    /// is the digest found.
    std::optional<QString> finish(QByteArray *sha256, QString *error);
    /// Removes the part and its state (a cancel).
    void remove();
    QString partPath() const { return m_file.fileName(); }

private:
    PartFile(const QString &dir, const QString &target, const Meta &meta);
    bool writeState(QString *error) const;
    /// Hashes the part's bytes from where the running hash stands up to @p offset (after a resume); false when they
    /// cannot be read (then finish() reads the whole part).
    bool hashUpTo(qint64 offset);

    QString m_dir;
    QString m_target;
    Meta m_meta;
    QFile m_file;
    /// "NAME.part.lock": one writer per part, across programs too (QLockFile: a dead writer's lock is taken over).
    std::unique_ptr<QLockFile> m_lock;
    /// The SHA-256 of the part's first m_hash.size() bytes, kept as verified chunks are written in order, so that
    /// finish() need not read the file again.
    Crypto::Sha256 m_hash;
};

} // namespace PeerLink
