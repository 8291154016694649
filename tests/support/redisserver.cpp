#include "redisserver.h"

#include <QDeadlineTimer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>
#include <sys/types.h>

namespace PeerLink::Test {

using namespace Qt::StringLiterals;

RedisServer::RedisServer()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

RedisServer::~RedisServer()
{
    stop();
}

QString RedisServer::url() const
{
    return u"redis://127.0.0.1:%1"_s.arg(m_port);
}

bool RedisServer::start(int timeoutMs)
{
    const QString program = QStandardPaths::findExecutable(u"redis-server"_s, { u"/usr/bin"_s, u"/usr/sbin"_s })
                                .isEmpty()
        ? QStandardPaths::findExecutable(u"redis-server"_s)
        : QStandardPaths::findExecutable(u"redis-server"_s, { u"/usr/bin"_s, u"/usr/sbin"_s });
    if (program.isEmpty()) {
        m_error = u"redis-server is not installed (scripts/install-deps.sh installs it)"_s;
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = u"no temporary directory"_s;
        return false;
    }
    if (m_port == 0) {
        // A free port now (the small race with another program taking it is retried below).
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            m_error = probe.errorString();
            return false;
        }
        m_port = probe.serverPort();
    }
    m_process.start(program, { u"--port"_s, QString::number(m_port), u"--bind"_s, u"127.0.0.1"_s, u"--dir"_s,
                               m_dir.path(), u"--save"_s, QString(), u"--appendonly"_s, u"no"_s,
                               u"--protected-mode"_s, u"yes"_s, u"--daemonize"_s, u"no"_s, u"--loglevel"_s,
                               u"warning"_s });
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = m_process.errorString();
        return false;
    }
    bool up = false;
    QTest::qWaitFor([&] { return m_process.state() == QProcess::NotRunning || (up = command("PING", 500).startsWith("+PONG")); },
                    timeoutMs);
    if (up)
        return true;
    if (m_process.state() == QProcess::NotRunning) {
        m_error = u"redis-server ended: "_s + QString::fromLocal8Bit(m_process.readAll());
        return false;
    }
    m_error = u"redis-server did not answer on port %1"_s.arg(m_port);
    stop();
    return false;
}

void RedisServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    resume(); // (a paused server does not act on SIGTERM)
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void RedisServer::pause()
{
    if (isRunning())
        ::kill(pid_t(m_process.processId()), SIGSTOP);
}

void RedisServer::resume()
{
    if (isRunning())
        ::kill(pid_t(m_process.processId()), SIGCONT);
}

QByteArray RedisServer::command(const QByteArray &line, int timeoutMs) const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(line + "\r\n");
    if (!socket.waitForBytesWritten(timeoutMs))
        return {};
    QByteArray answer;
    const QDeadlineTimer deadline(timeoutMs);
    while (!answer.contains("\r\n") && !deadline.hasExpired()) {
        if (!socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            break;
        answer += socket.readAll();
    }
    return answer.left(answer.indexOf("\r\n"));
}

} // namespace PeerLink::Test
