#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

class QJsonValue;

namespace PeerLink {

// The file transfer protocol (docs/protocol.md, "Files"): what travels in the `data` of a `file` frame. Every
// decoder here reads bytes from the network and is strict, table-tested and fuzzed (tests/fuzz/fuzz_files.cpp).

/// Largest file chunk (plaintext bytes). Small enough that a sealed chunk, in base64url inside a `file` frame, fits
/// the hub's default message limit (65 536 bytes).
inline constexpr int MaxChunkBytes = 32 * 1024;
/// Smallest chunk a sender may choose.
inline constexpr int MinChunkBytes = 1024;

/// How many chunks of @p chunkBytes a file of @p size bytes has (a file of 0 bytes has one, empty).
inline qint64 chunkCount(qint64 size, int chunkBytes)
{
    return size <= 0 ? 1 : (size + chunkBytes - 1) / chunkBytes;
}

/// A control frame (`op` "ctl"), sealed end to end: the offer and the answers to it.
struct FileControl
{
    enum class Kind { Offer, Resume, Decline, Cancel, Done, Failed, Pause };
    Kind kind = Kind::Offer;
    // Offer
    QString name;
    qint64 size = 0;
    QByteArray sha256; // 32 bytes
    QString mimeType;
    int chunkBytes = 0;
    QByteArray key; // crypto_secretstream key, 32 bytes
    /// Resume: send from this chunk on (the receiver has verified every chunk before it). Accepting an offer is a
    /// resume (from 0, or from what a `.part` file kept). From the sender: its pause is over, and it goes on from
    /// this chunk (the count it heard acknowledged).
    qint64 from = 0;
    /// Decline, Cancel, Failed, Pause: why, a short code ("declined", "too_large", "cancelled", "sha256_mismatch",
    /// "user", "disk_full", …).
    QString reason;
};

/// The JSON of @p c (the plaintext that is sealed).
QByteArray encodeFileControl(const FileControl &c);
/// Parses a control frame's plaintext; nullopt for anything malformed (with @p error, English, for logs).
std::optional<FileControl> decodeFileControl(const QByteArray &json, QString *error = nullptr);

/// One sealed chunk (`op` "chunk"). A segment is one crypto_secretstream stream: it starts with the stream's header
/// (at the chunk it starts from) and numbers its chunks on from there; a resume starts a new segment.
struct FileChunk
{
    quint32 segment = 0;
    quint32 index = 0;
    QByteArray header; // 24 bytes on the first chunk of a segment, else empty
    QByteArray cipher; // the secretstream message (plaintext + 17 bytes)
};

/// The binary form of @p c (version byte 1, segment and index big-endian, a flag, the header, the ciphertext).
QByteArray encodeFileChunk(const FileChunk &c);
std::optional<FileChunk> decodeFileChunk(const QByteArray &bytes);

/// A whole JSON number in [0, @p max] (sizes, counts, chunk numbers: in frames and in what is stored), or nullopt.
std::optional<qint64> wholeJsonNumber(const QJsonValue &v, qint64 max);

/// A chunk in a binary WebSocket frame (addition): on a direct link whose peer announced `bin`, and between a client
/// and a hub that both announced `binary_files`, so that a chunk is copied rather than turned into base64 and JSON.
/// The bytes: version 1, the length (0-64) of a peer id and its UTF-8 (to the hub: the recipient; from the hub: the
/// sender; on a link: none), the transfer id's 16 bytes, the op (1: `chunk`, the only one), then the chunk as
/// encodeFileChunk() makes it.
struct BinaryFileFrame
{
    QString peer; // empty on a link
    QString tid; // 32 lower-case hex digits
    QByteArray chunk;
};

/// The frame of @p chunk of transfer @p tid (32 hex digits) for @p peer (a valid id, or empty on a link).
QByteArray encodeBinaryFileFrame(QStringView peer, QStringView tid, QByteArrayView chunk);
/// Parses a binary frame strictly: nullopt for another version or op, a bad id, or no chunk. The chunk itself is
/// checked by decodeFileChunk().
std::optional<BinaryFileFrame> decodeBinaryFileFrame(QByteArrayView frame);

/// `op` "ack": the number of chunks the receiver has verified and written, in decimal.
QString encodeFileAck(qint64 verified);
std::optional<qint64> decodeFileAck(QStringView data);

/// The associated data a chunk is sealed with: the transfer id, segment and index, so a chunk cannot be moved to
/// another transfer or place.
QByteArray chunkAssociatedData(const QString &tid, quint32 segment, quint32 index);

/// A safe local file name for a name a peer offered: no directories, no "." or "..", no control or format
/// characters, none of < > : " / \ | ? *, no leading dots or spaces, no trailing dots or spaces, no device names
/// (CON, NUL, COM1, …, whatever the extension), at most 200 UTF-8 bytes (the extension kept); never empty ("file").
QString sanitizeFileName(const QString &offered);
/// @p name in @p dir, or "stem (2).ext", "stem (3).ext", … when a file of that name, or its ".part", exists.
QString uniqueFilePath(const QString &dir, const QString &name);

} // namespace PeerLink
