// Windows: console control events (Ctrl-C, Ctrl-Break, closing the console, log-off, shutdown) stand in for
// SIGINT and SIGTERM. The handler runs on a thread of its own, so it only queues the signal to the watcher.
#include "signalwatcher.h"

#include <QMetaObject>
#include <QPointer>

#include <csignal>
#include <windows.h>

namespace PeerLink {

namespace {
QPointer<SignalWatcher> g_watcher;
bool g_int = false;
bool g_term = false;

BOOL WINAPI consoleHandler(DWORD event)
{
    const int signum = event == CTRL_C_EVENT ? SIGINT : SIGTERM;
    if ((signum == SIGINT && !g_int) || (signum == SIGTERM && !g_term) || !g_watcher)
        return FALSE;
    QMetaObject::invokeMethod(g_watcher.data(), "signalReceived", Qt::QueuedConnection, Q_ARG(int, signum));
    return TRUE;
}
} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent)
{
    g_watcher = this;
}

SignalWatcher::~SignalWatcher()
{
    SetConsoleCtrlHandler(consoleHandler, FALSE);
}

bool SignalWatcher::watch(int signum)
{
    if (signum == SIGINT)
        g_int = true;
    else if (signum == SIGTERM)
        g_term = true;
    else
        return false;
    return SetConsoleCtrlHandler(consoleHandler, TRUE) != 0;
}

void SignalWatcher::onReadable()
{
}

} // namespace PeerLink
