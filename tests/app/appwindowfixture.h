#pragma once
// The app's main window with everything it needs (settings in a file of the test's own, the hosting side, the client,
// the controller) and a hub for it to join: the common set-up of the window tests (tst_mainwindow, tst_roughedges,
// tst_looks). A test class inherits it and calls setUpApp() in init() and tearDownApp() in cleanup().
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/hubhost.h"
#include "app/languagemanager.h"
#include "app/mainwindow.h"
#include "client/peerclient.h"
#include "hub/hub.h"

#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace PeerLink::Test {

struct AppWindowFixture
{
    /// Settings as "me" ("Me"), hosting on loopback at a free port; a hub of the test's own; the window shown.
    bool setUpApp()
    {
        using namespace Qt::StringLiterals;
        m_dir = std::make_unique<QTemporaryDir>();
        m_qsettings = std::make_unique<QSettings>(m_dir->filePath(u"peerlink.ini"_s), QSettings::IniFormat);
        m_settings = std::make_unique<AppSettings>(m_qsettings.get());
        m_settings->setPeerId(u"me"_s);
        m_settings->setDisplayName(u"Me"_s);
        m_settings->setHostBindAddress(QHostAddress::LocalHost);
        m_settings->setHostPort(0);
        m_language = std::make_unique<LanguageManager>();
        m_host = std::make_unique<HubHost>();
        m_client = std::make_unique<PeerClient>();
        m_controller = std::make_unique<ChatController>(m_client.get());
        m_hub = std::make_unique<Hub>();
        return m_hub->listen(QHostAddress::LocalHost, 0) && makeWindow();
    }
    /// A new window over the same settings, controller and hub.
    bool makeWindow()
    {
        m_window = std::make_unique<MainWindow>(m_controller.get(), m_host.get(), m_settings.get(), m_language.get());
        m_window->show();
        return QTest::qWaitForWindowExposed(m_window.get());
    }
    void tearDownApp()
    {
        m_window.reset();
        m_controller.reset();
        m_client.reset();
        m_host.reset();
        m_hub.reset();
    }
    /// A peer of the test joined to @p url as @p id (nullptr when it could not join).
    static std::unique_ptr<PeerClient> joinedPeer(const QUrl &url, const QString &id)
    {
        auto c = std::make_unique<PeerClient>();
        QSignalSpy joined(c.get(), &PeerClient::joined);
        if (!c->connectToHub(url, id) || !joined.wait())
            return nullptr;
        return c;
    }
    /// Types @p text into the message input and presses Enter (which sends).
    void typeAndEnter(const QString &text)
    {
        auto *input = child<QPlainTextEdit>("messageInput");
        input->setFocus();
        QTest::keyClicks(input, text);
        QTest::keyClick(input, Qt::Key_Return);
    }
    template<typename T>
    T *child(const char *name) const
    {
        return m_window->findChild<T *>(QString::fromLatin1(name));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_qsettings;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<LanguageManager> m_language;
    std::unique_ptr<HubHost> m_host;
    std::unique_ptr<PeerClient> m_client;
    std::unique_ptr<ChatController> m_controller;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<Hub> m_hub;
};

} // namespace PeerLink::Test
