#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

namespace PeerLink {

/// Reads lines from standard input without blocking the event loop (a socket notifier on Unix, a reader thread
/// on Windows). Lines longer than 1 MiB are dropped, not buffered without bound.
class LineReader : public QObject
{
    Q_OBJECT
public:
    explicit LineReader(QObject *parent = nullptr);
    ~LineReader() override;

    /// Longest line accepted, in bytes.
    static constexpr qsizetype MaxLineBytes = 1024 * 1024;

Q_SIGNALS:
    void lineRead(const QString &line);
    void endOfInput();
    /// A line longer than MaxLineBytes was dropped.
    void lineDropped(qsizetype bytes);

private:
    void onReadable();
    /// Splits complete lines off the buffer and emits them.
    void deliver(const QByteArray &chunk);

    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_buffer;
};

} // namespace PeerLink
