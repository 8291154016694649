#pragma once
// PEERLINK_TEST_MAIN(TestClass): QTEST_GUILESS_MAIN, plus the hub's epoll event dispatcher when the environment says
// PEERLINK_TEST_EVENT_DISPATCHER=epoll. CTest runs the network tests both ways (tests/CMakeLists.txt: *_epoll), so
// everything the hub and the client do over real sockets is checked on Qt's dispatcher and on ours.

#include <QCoreApplication>
#include <QTest>

#ifdef Q_OS_LINUX
#include "runtime/epolleventdispatcher.h"
#endif

namespace PeerLink::Test {
inline void installEventDispatcher()
{
#ifdef Q_OS_LINUX
    if (qEnvironmentVariable("PEERLINK_TEST_EVENT_DISPATCHER") == QLatin1StringView("epoll"))
        QCoreApplication::setEventDispatcher(new PeerLink::EpollEventDispatcher);
#endif
}
} // namespace PeerLink::Test

#define PEERLINK_TEST_MAIN(TestObject)                                                                                 \
    int main(int argc, char *argv[])                                                                                   \
    {                                                                                                                  \
        PeerLink::Test::installEventDispatcher();                                                                      \
        QCoreApplication app(argc, argv);                                                                              \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                                       \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&tc, argc, argv);                                                                          \
    }
