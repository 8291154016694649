#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace PeerLink::Test {

/// A real redis-server for a test (Debian's redis-server), on a free loopback port, with its files in a temporary
/// directory and nothing saved to disk. Stopped by stop() or, however the test ends, by the destructor.
class RedisServer
{
public:
    RedisServer();
    ~RedisServer();
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    /// Starts it (on the same port as before after a stop()) and waits until it answers PING; false with
    /// errorString() when it did not come up in @p timeoutMs.
    bool start(int timeoutMs = 10000);
    /// Stops it (SIGTERM, then SIGKILL after a bound); its data goes with it.
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    /// Stops it answering without closing anything (SIGSTOP), and lets it go on (SIGCONT).
    void pause();
    void resume();
    quint16 port() const { return m_port; }
    /// redis://127.0.0.1:PORT
    QString url() const;
    QString errorString() const { return m_error; }
    /// Sends one command (inline form) and returns the first line of the answer; empty on failure.
    QByteArray command(const QByteArray &line, int timeoutMs = 5000) const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace PeerLink::Test
