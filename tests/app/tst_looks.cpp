// Looks and access (issue 16, part 5): colours that follow a light or a dark palette (no fixed red), every control with
// an accessible name (a walk over the widget tree of the window and the dialogs), and the window's docks back where the
// user left them.
#include "appwindowfixture.h"
#include "app/appicon.h"
#include "app/apppalette.h"
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/conversationmodel.h"
#include "app/dialogs.h"
#include "app/firstrun.h"
#include "app/hubhost.h"
#include "app/languagemanager.h"
#include "app/mainwindow.h"
#include "client/peerclient.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x20, 0x22, 0x25));
    p.setColor(QPalette::Base, QColor(0x2a, 0x2c, 0x30));
    p.setColor(QPalette::WindowText, Qt::white);
    p.setColor(QPalette::Text, Qt::white);
    p.setColor(QPalette::Button, QColor(0x30, 0x32, 0x36));
    p.setColor(QPalette::ButtonText, Qt::white);
    return p;
}

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::WindowText, Qt::black);
    p.setColor(QPalette::Text, Qt::black);
    return p;
}

/// The controls of @p root (and its children) that a screen reader would announce without a name.
QStringList unnamedControls(QWidget *root)
{
    QStringList unnamed;
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *w : std::as_const(widgets)) {
        const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QLineEdit *>(w)
            || qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractSpinBox *>(w)
            || qobject_cast<QAbstractItemView *>(w);
        // Qt's own inner parts (a view's headers and corner, a combo box's list, a line edit's clear button) are named
        // by the control they belong to.
        const QWidget *parent = w->parentWidget();
        const bool qtPart = w->objectName().startsWith(u"qt_"_s)
            || (parent && (qobject_cast<const QComboBox *>(parent) || qobject_cast<const QLineEdit *>(parent)
                           || qobject_cast<const QAbstractItemView *>(parent) || parent->inherits("QAbstractSpinBox")
                           || parent->inherits("QComboBoxPrivateContainer")));
        if (!control || qtPart)
            continue;
        QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(w);
        if (!iface || iface->text(QAccessible::Name).trimmed().isEmpty())
            unnamed.append(u"%1 (%2)"_s.arg(w->objectName(), QString::fromLatin1(w->metaObject()->className())));
    }
    return unnamed;
}

} // namespace

class TestLooks : public QObject, protected Test::AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void errorColourReadsOnLightAndDark();
    void failedMessageFollowsThePalette();
    void everyControlHasAnAccessibleName();
    void docksComeBackWhereTheyWere();
    void menusWorkFromTheKeyboard();
    void iconsCrispAtTwiceTheScale();
};

void TestLooks::init()
{
    QVERIFY(setUpApp());
}

void TestLooks::cleanup()
{
    tearDownApp();
    QApplication::setPalette(QPalette());
}

void TestLooks::errorColourReadsOnLightAndDark()
{
    for (const QPalette &p : { lightPalette(), darkPalette() }) {
        const QColor error = errorColor(p);
        QVERIFY2(contrastRatio(error, p.color(QPalette::Window)) >= 4.5, qPrintable(error.name()));
        QVERIFY2(contrastRatio(error, p.color(QPalette::Base)) >= 4.5, qPrintable(error.name()));
        // Text on the warning bar reads too.
        QVERIFY(contrastRatio(p.color(QPalette::WindowText), warningBackground(p)) >= 4.5);
    }
    QVERIFY(errorColor(lightPalette()) != errorColor(darkPalette()));
    QCOMPARE(contrastRatio(Qt::black, Qt::white), 21.0);
}

void TestLooks::failedMessageFollowsThePalette()
{
    ConversationModel model(u"bob"_s);
    ConversationModel::Entry e;
    e.from = u"me"_s;
    e.text = u"lost"_s;
    e.outgoing = true;
    e.mid = u"m1"_s;
    e.time = QDateTime::currentDateTimeUtc();
    e.state = ConversationModel::State::Failed;
    model.append(e);
    for (const QPalette &p : { darkPalette(), lightPalette() }) {
        QApplication::setPalette(p);
        const QColor shown = model.index(0).data(Qt::ForegroundRole).value<QBrush>().color();
        QCOMPARE(shown, errorColor(p));
        QVERIFY(contrastRatio(shown, p.color(QPalette::Base)) >= 4.5);
    }
}

void TestLooks::everyControlHasAnAccessibleName()
{
    QVERIFY(makeWindow());
    QStringList unnamed = unnamedControls(m_window.get());
    ConnectDialog connect(m_settings.get(), nullptr);
    HostDialog host(m_settings.get());
    SettingsDialog settings(m_settings.get());
    WelcomeDialog welcome(m_settings.get());
    for (QWidget *dialog : std::initializer_list<QWidget *> { &connect, &host, &settings, &welcome })
        unnamed += unnamedControls(dialog);
    QVERIFY2(unnamed.isEmpty(), qPrintable(u"without an accessible name: "_s + unnamed.join(u", "_s)));
}

void TestLooks::docksComeBackWhereTheyWere()
{
    QVERIFY(makeWindow());
    auto *hubDock = m_window->findChild<QDockWidget *>(u"hubDock"_s);
    QVERIFY(hubDock);
    QCOMPARE(m_window->dockWidgetArea(hubDock), Qt::RightDockWidgetArea);
    m_window->addDockWidget(Qt::LeftDockWidgetArea, hubDock);
    m_window->shutdown();
    m_window.reset();
    QVERIFY(makeWindow());
    hubDock = m_window->findChild<QDockWidget *>(u"hubDock"_s);
    QCOMPARE(m_window->dockWidgetArea(hubDock), Qt::LeftDockWidgetArea);
    QVERIFY(hubDock->isHidden()); // shown again when there is a hub to show
}

void TestLooks::menusWorkFromTheKeyboard()
{
    // Every menu and every action in it has a mnemonic, unique within its menu; the main actions have shortcuts,
    // which the menus show.
    QStringList problems;
    for (QAction *menuAction : m_window->menuBar()->actions()) {
        QMenu *menu = menuAction->menu();
        if (!menu)
            continue;
        if (!menuAction->text().contains(u'&'))
            problems.append(u"menu %1 has no mnemonic"_s.arg(menuAction->text()));
        QSet<QChar> seen;
        for (QAction *a : menu->actions()) {
            if (a->isSeparator() || a->text().isEmpty())
                continue;
            const qsizetype amp = a->text().indexOf(u'&');
            if (amp < 0 || amp + 1 >= a->text().size()) {
                problems.append(u"%1 has no mnemonic"_s.arg(a->text()));
                continue;
            }
            const QChar key = a->text().at(amp + 1).toLower();
            if (seen.contains(key))
                problems.append(u"%1: mnemonic %2 used twice in %3"_s.arg(a->text(), key, menuAction->text()));
            seen.insert(key);
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"; "_s)));
    for (const char *name : { "actionConnect", "actionHost", "actionQuit", "actionSettings" })
        QVERIFY2(!m_window->findChild<QAction *>(QLatin1StringView(name))->shortcut().isEmpty(), name);
}

namespace {

/// Why @p icon is not drawn crisp at a device pixel ratio of 2 (empty when it is): the 16 px icon on a 2x screen must
/// be 32 device pixels drawn at that size (as the 32 px icon at 1x is), not the 16 px picture blown up.
QString blurAt2x(const QIcon &icon)
{
    const QPixmap twice = icon.pixmap(QSize(16, 16), 2.0);
    if (twice.size() != QSize(32, 32) || twice.devicePixelRatio() != 2.0)
        return u"%1x%2 at ratio %3"_s.arg(twice.width()).arg(twice.height()).arg(twice.devicePixelRatio());
    const QImage sharp = twice.toImage().convertToFormat(QImage::Format_ARGB32);
    const QImage reference = icon.pixmap(QSize(32, 32), 1.0).toImage().convertToFormat(QImage::Format_ARGB32);
    if (sharp != reference)
        return u"not the same pixels as the icon drawn at 32 px"_s;
    const QImage blownUp = icon.pixmap(QSize(16, 16), 1.0).toImage().convertToFormat(QImage::Format_ARGB32)
                               .scaled(32, 32, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    if (sharp == blownUp)
        return u"the 16 px picture scaled up"_s;
    return QString();
}

} // namespace

void TestLooks::iconsCrispAtTwiceTheScale()
{
    // Every icon the app ships is an SVG (drawn at the screen's size by Qt's SVG icon engine); the app's own icon
    // also has PNGs at 16 to 256 px, and its 32 px one serves 16 px at 2x.
    const QStringList svgs = QDir(u":/icons"_s).entryList({ u"*.svg"_s }, QDir::Files);
    QVERIFY(svgs.size() >= 10);
    QStringList blurred;
    for (const QString &name : svgs) {
        if (const QString why = blurAt2x(QIcon(u":/icons/"_s + name)); !why.isEmpty())
            blurred.append(name + u": "_s + why);
    }
    if (const QString why = blurAt2x(appIcon()); !why.isEmpty())
        blurred.append(u"appIcon(): "_s + why);
    // And what the window shows: every action's icon (Qt's own, such as a line edit's clear button, come from the
    // style: not the app's to draw).
    for (const QAction *action : m_window->findChildren<QAction *>()) {
        if (action->icon().isNull() || action->objectName().startsWith(u"_q_"_s))
            continue;
        if (const QString why = blurAt2x(action->icon()); !why.isEmpty())
            blurred.append(action->objectName() + u": "_s + why);
    }
    QVERIFY2(blurred.isEmpty(), qPrintable(blurred.join(u"; "_s)));
}

QTEST_MAIN(TestLooks)
#include "tst_looks.moc"
