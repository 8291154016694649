#include "linereader.h"

#include <QSocketNotifier>

#include <cerrno>
#include <unistd.h>

namespace PeerLink {

LineReader::LineReader(QObject *parent)
    : QObject(parent)
    , m_notifier(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
{
    connect(m_notifier, &QSocketNotifier::activated, this, &LineReader::onReadable);
}

LineReader::~LineReader() = default;

void LineReader::onReadable()
{
    char chunk[16384];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        m_notifier->setEnabled(false);
        if (!m_buffer.isEmpty())
            Q_EMIT lineRead(QString::fromUtf8(std::exchange(m_buffer, {})));
        Q_EMIT endOfInput();
        return;
    }
    deliver(QByteArray(chunk, n));
}

void LineReader::deliver(const QByteArray &chunk)
{
    m_buffer.append(chunk);
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        Q_EMIT lineRead(QString::fromUtf8(line));
    }
    if (m_buffer.size() > MaxLineBytes) {
        // A line this long is no command: drop it rather than grow without bound.
        Q_EMIT lineDropped(m_buffer.size());
        m_buffer.clear();
    }
}

} // namespace PeerLink
