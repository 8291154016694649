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

} // namespace PeerLink
