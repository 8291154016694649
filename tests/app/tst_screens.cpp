// The "done when" check of issue 16 under a real X server: `peerlink --host` runs on an Xvfb of the test's own (light
// and dark palettes), three peers join and chat, the app takes its screenshots, and the QR code in the hub panel's
// screenshot decodes (zxing) to the invitation link of that hub. Then a second `peerlink` is started with that link as
// its only argument (as the desktop opens peerlink:// links): its connect dialog comes up, Enter (xdotool) accepts it,
// and it joins the hub of the link. Xvfb, both apps and the hub are stopped however the test ends.
#include "appwindowfixture.h"

#include "app/dialogs.h"
#include "app/apppalette.h"
#include "app/messagedelegate.h"
#include "core/invitation.h"

#include "qrdecode.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

quint16 freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

/// A display number no X server uses (no socket, no lock file).
int freeDisplay()
{
    for (int n = 99; n < 400; ++n) {
        if (!QFile::exists(u"/tmp/.X11-unix/X%1"_s.arg(n)) && !QFile::exists(u"/tmp/.X%1-lock"_s.arg(n)))
            return n;
    }
    return -1;
}

bool listening(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(200);
}

/// A process stopped when this goes, however the test ends.
struct Stopped
{
    QProcess &process;
    ~Stopped()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(5000)) {
                process.kill();
                process.waitForFinished(5000);
            }
        }
    }
};

} // namespace

class TestScreens : public QObject, public AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void hostWithThreePeersUnderXvfb_data();
    void hostWithThreePeersUnderXvfb();

private:
    QString m_link; ///< decoded from the screenshot
};

void TestScreens::hostWithThreePeersUnderXvfb_data()
{
    QTest::addColumn<QString>("palette");
    QTest::newRow("light") << u"light"_s;
    QTest::newRow("dark") << u"dark"_s;
}

void TestScreens::hostWithThreePeersUnderXvfb()
{
    QFETCH(QString, palette);
    const QString xvfb = QStandardPaths::findExecutable(u"Xvfb"_s);
    if (xvfb.isEmpty())
        QFAIL("Xvfb is missing: scripts/install-deps.sh installs it (package xvfb)");
    const int display = freeDisplay();
    QVERIFY(display > 0);
    QProcess x;
    Stopped stopX { x };
    x.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    x.start(xvfb, { u":%1"_s.arg(display), u"-screen"_s, u"0"_s, u"1400x1000x24"_s, u"-nolisten"_s, u"tcp"_s,
                    u"-noreset"_s }); // no reset when the first app, its last client, goes
    QVERIFY(x.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(u"/tmp/.X11-unix/X%1"_s.arg(display)) || x.state() == QProcess::NotRunning,
                             20000);
    QCOMPARE(x.state(), QProcess::Running);

    QTemporaryDir home;
    QVERIFY(home.isValid());
    const quint16 port = freePort();
    QVERIFY(port);
    QDir(home.path()).mkpath(u"config/PeerLink"_s);
    {
        QFile conf(home.filePath(u"config/PeerLink/PeerLink.conf"_s));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("[ui]\nlanguage=en\n[hosting]\nbind=127.0.0.1\nname=Team hub\n");
    }
    const QString shots = home.filePath(u"shots"_s);
    QProcess app;
    Stopped stopApp { app };
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DISPLAY"_s, u":%1"_s.arg(display));
    env.insert(u"QT_QPA_PLATFORM"_s, u"xcb"_s);
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, home.filePath(u"data"_s));
    env.insert(u"XDG_RUNTIME_DIR"_s, home.path());
    env.insert(u"PEERLINK_DIRECT_BIND"_s, u"127.0.0.1"_s); // loopback only
    env.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    app.start(QStringLiteral(PEERLINK_APP),
              { u"--host"_s, u"--port"_s, QString::number(port), u"--id"_s, u"alice"_s, u"--name"_s, u"Alice"_s,
                u"--screenshots"_s, shots, u"--screenshot-peers"_s, u"3"_s, u"--screenshot-delay"_s, u"0"_s,
                u"--screenshot-message"_s, u"Hello, team!"_s, u"--palette"_s, palette });
    QVERIFY(app.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(listening(port) || app.state() == QProcess::NotRunning, 30000);
    QCOMPARE(app.state(), QProcess::Running);

    // Three peers: bob says two things (one group), carol one, dave only joins (the app shoots once he is there).
    const QUrl hub(u"ws://127.0.0.1:%1"_s.arg(port));
    auto bob = joinedPeer(hub, u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY_WITH_TIMEOUT(bob->hasPeer(u"alice"_s), 30000); // the app's own client is there to hear them
    QSignalSpy bobSent(bob.get(), &PeerClient::messageAcked);
    bob->sendMessage(u"Good morning, everyone!"_s);
    bob->sendMessage(u"The build is green."_s);
    auto carol = joinedPeer(hub, u"carol"_s);
    QVERIFY(carol);
    QSignalSpy carolSent(carol.get(), &PeerClient::messageAcked);
    carol->sendMessage(u"Morning! 早上好"_s);
    QTRY_COMPARE(bobSent.size(), 2);
    QTRY_COMPARE(carolSent.size(), 1);
    auto dave = joinedPeer(hub, u"dave"_s);
    QVERIFY(dave);
    QTRY_VERIFY_WITH_TIMEOUT(app.state() == QProcess::NotRunning, 60000);
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);

    const QImage window(QDir(shots).filePath(u"mainwindow.png"_s));
    const QImage panel(QDir(shots).filePath(u"hubpanel.png"_s));
    QVERIFY(!window.isNull());
    QVERIFY(!panel.isNull());
    // What the window shows, in the palette asked for: one's own bubble in its highlight colour, and the avatars
    // of the two who spoke (bob once for his two grouped messages, carol).
    const QPalette colours = fixedPalette(palette == u"dark");
    const auto count = [&window](const QColor &c) {
        int n = 0;
        for (int y = 0; y < window.height(); ++y)
            for (int x = 0; x < window.width(); ++x)
                n += window.pixelColor(x, y).rgb() == c.rgb();
        return n;
    };
    QVERIFY(count(colours.color(QPalette::Highlight)) > 500);
    QVERIFY(count(colours.color(QPalette::AlternateBase)) > 500); // their bubbles
    QVERIFY(count(avatarColor(u"bob"_s)) > 100);
    QVERIFY(count(avatarColor(u"carol"_s)) > 100);
    QVERIFY(count(avatarColor(u"bob"_s)) < 2 * count(avatarColor(u"carol"_s))); // one avatar for bob's group
    Invitation expected;
    expected.hubs = { hub };
    expected.name = u"Team hub"_s;
    m_link = decodeQr(panel);
    QCOMPARE(m_link, expected.toLink());

    // The link opened by a second instance, as the desktop opens it (the link its only argument): its connect
    // dialog comes up filled in, Enter accepts it (xdotool on the Xvfb), and it joins the hub of the link.
    const QString xdotool = QStandardPaths::findExecutable(u"xdotool"_s);
    if (xdotool.isEmpty())
        QFAIL("xdotool is missing: scripts/install-deps.sh installs it (package xdotool)");
    Hub again; // the first instance has quit: a hub at the invitation's address
    QVERIFY(again.listen(QHostAddress::LocalHost, port));
    QSignalSpy joined(&again, &Hub::peerJoined);
    QTemporaryDir home2;
    QProcessEnvironment env2 = env;
    env2.insert(u"HOME"_s, home2.path());
    env2.insert(u"XDG_CONFIG_HOME"_s, home2.filePath(u"config"_s));
    env2.insert(u"XDG_DATA_HOME"_s, home2.filePath(u"data"_s));
    env2.insert(u"XDG_RUNTIME_DIR"_s, home2.path());
    QProcess second;
    Stopped stopSecond { second };
    second.setProcessEnvironment(env2);
    second.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    second.start(QStringLiteral(PEERLINK_APP), { u"--id"_s, u"eve"_s, m_link });
    QVERIFY(second.waitForStarted());
    const auto xdo = [&xdotool, &env2](const QStringList &arguments) {
        QProcess p;
        p.setProcessEnvironment(env2);
        p.start(xdotool, arguments);
        p.waitForFinished(10000);
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    };
    QString dialog;
    QTRY_VERIFY_WITH_TIMEOUT(!(dialog = xdo({ u"search"_s, u"--name"_s, u"Connect to a hub"_s })).isEmpty()
                                 || second.state() == QProcess::NotRunning,
                             30000);
    QCOMPARE(second.state(), QProcess::Running);
    dialog = dialog.split(u'\n').constLast();
    xdo({ u"windowfocus"_s, u"--sync"_s, dialog });
    xdo({ u"key"_s, u"Return"_s });
    QTRY_VERIFY_WITH_TIMEOUT(!joined.isEmpty(), 30000);
    QCOMPARE(joined.first().at(0).value<HubPeer>().id, u"eve"_s);
    QCOMPARE(again.peerCount(), 1);
}

QTEST_MAIN(TestScreens)
#include "tst_screens.moc"
