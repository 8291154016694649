// The chat view (issue 16, part 1, first half): day separators, groups by sender and time, initials avatars, own
// messages on the right, long text wrapped, and a 64 KiB message laid out without trouble. The decisions are checked
// alone; the painting is checked on an offscreen view's pixels.
#include "app/conversationmodel.h"
#include "app/messagedelegate.h"
#include "app/messageselection.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QListView>
#include <QPlainTextEdit>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

ConversationModel::Entry entry(const QString &from, const QDateTime &time, bool outgoing, const QString &text = u"hi"_s)
{
    ConversationModel::Entry e;
    e.from = from;
    e.fromName = from == u"li"_s ? u"Li Lei"_s : from;
    e.text = text;
    e.time = time;
    e.outgoing = outgoing;
    e.mid = u"%1-%2"_s.arg(from).arg(time.toMSecsSinceEpoch());
    e.state = outgoing ? ConversationModel::State::Delivered : ConversationModel::State::Received;
    return e;
}

/// A left-button mouse event at @p pos, sent to @p widget as the window system would.
void mouse(QWidget *widget, QEvent::Type type, const QPoint &pos)
{
    const Qt::MouseButtons buttons = type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton;
    QMouseEvent event(type, QPointF(pos), QPointF(widget->mapToGlobal(pos)),
                      type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons, Qt::NoModifier);
    QCoreApplication::sendEvent(widget, &event);
}

/// A chat view of @p model painted by a MessageDelegate, shown and active.
struct ShownView
{
    explicit ShownView(QAbstractItemModel *model)
    {
        view.resize(500, 400);
        delegate = new MessageDelegate(&view);
        view.setItemDelegate(delegate);
        view.setModel(model);
        selection = new MessageSelection(&view, delegate, &view);
        view.show();
        view.activateWindow();
    }
    QListView view;
    MessageDelegate *delegate = nullptr;
    MessageSelection *selection = nullptr;
};

} // namespace

class TestChatView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dayLabels();
    void initialsAndAvatarColours();
    void groupsAndSeparators();
    void ownOnTheRightOthersOnTheLeft();
    void longMessagesWrap();
    void linksAreFoundAndHit();
    void verifiedMark();
    void partOfAMessageIsSelectedAndCopied();
    void wholeMessageCopiedFromTheView();
};

void TestChatView::dayLabels()
{
    const QDate today(2026, 11, 30);
    QCOMPARE(dayLabel(today, today), u"Today"_s);
    QCOMPARE(dayLabel(today.addDays(-1), today), u"Yesterday"_s);
    QCOMPARE(dayLabel(QDate(2026, 11, 2), today), QLocale().toString(QDate(2026, 11, 2), QLocale::LongFormat));
}

void TestChatView::initialsAndAvatarColours()
{
    QCOMPARE(initials(u"Li Lei"_s), u"LL"_s);
    QCOMPARE(initials(u"  bob  "_s), u"B"_s);
    QCOMPARE(initials(u"小明"_s), u"小"_s);
    QCOMPARE(initials(QString()), u"?"_s);
    QCOMPARE(avatarColor(u"alice"_s), avatarColor(u"alice"_s)); // the same every time
    QCOMPARE(avatarColor(u"bob"_s).hue(), 284); // and in every run (FNV-1a of "bob" is 0x86c6a0d4)
    QVERIFY(avatarColor(u"alice"_s) != avatarColor(u"bob"_s));
    for (const QString &id : { u"alice"_s, u"bob"_s, u"carol"_s, u"小明"_s })
        QVERIFY(avatarColor(id).valueF() < 0.7); // white initials read on it
}

void TestChatView::groupsAndSeparators()
{
    ConversationModel model(u"li"_s);
    const QDateTime day1 = QDateTime(QDate(2026, 11, 29), QTime(10, 0)).toUTC();
    model.append(entry(u"li"_s, day1, false));                   // 0: separator, sender
    model.append(entry(u"li"_s, day1.addSecs(60), false));       // 1: same group
    model.append(entry(u"me"_s, day1.addSecs(120), true));       // 2: own: never a sender line
    model.append(entry(u"li"_s, day1.addSecs(180), false));      // 3: after own: sender again
    model.append(entry(u"li"_s, day1.addSecs(180 + 6 * 60), false)); // 4: more than 5 minutes later: again
    model.append(entry(u"li"_s, day1.addDays(1), false));        // 5: the next day: separator and sender
    const QDate today(2026, 11, 30);
    const auto d = [&](int row) { return decorationFor(model.index(row), today); };
    QVERIFY(d(0).daySeparator && d(0).showSender);
    QCOMPARE(d(0).dayLabel, u"Yesterday"_s);
    QVERIFY(!d(1).daySeparator && !d(1).showSender);
    QVERIFY(!d(2).showSender);
    QVERIFY(d(3).showSender && !d(3).daySeparator);
    QVERIFY(d(4).showSender);
    QVERIFY(d(5).daySeparator && d(5).showSender);
    QCOMPARE(d(5).dayLabel, u"Today"_s);
}

void TestChatView::ownOnTheRightOthersOnTheLeft()
{
    ConversationModel model(u"li"_s);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    model.append(entry(u"li"_s, now, false));
    model.append(entry(u"me"_s, now.addSecs(1), true));
    QListView view;
    view.resize(500, 400);
    auto *delegate = new MessageDelegate(&view);
    view.setItemDelegate(delegate);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QStyleOptionViewItem option;
    option.initFrom(&view);
    option.rect = view.visualRect(model.index(0));
    const auto theirs = delegate->geometry(option, model.index(0));
    option.rect = view.visualRect(model.index(1));
    const auto mine = delegate->geometry(option, model.index(1));
    const int middle = view.viewport()->width() / 2;
    QVERIFY(theirs.bubble.center().x() < middle);
    QVERIFY(!theirs.avatar.isNull() && !theirs.name.isNull());
    QVERIFY(mine.bubble.center().x() > middle);
    QVERIFY(mine.avatar.isNull());
    // And it is painted there: the own bubble's colour (the palette's highlight) at its centre.
    const QImage shot = view.viewport()->grab().toImage();
    QCOMPARE(shot.pixelColor(mine.bubble.left() + 3, mine.bubble.center().y()).rgb(),
             view.palette().color(QPalette::Highlight).rgb());
    // Theirs in the base colour, not the avatar's, even as the first of its group (the avatar was drawn just before).
    QCOMPARE(shot.pixelColor(theirs.bubble.left() + 3, theirs.bubble.center().y()).rgb(),
             view.palette().color(QPalette::AlternateBase).rgb());
}

void TestChatView::longMessagesWrap()
{
    ConversationModel model(u"li"_s);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    model.append(entry(u"li"_s, now, false, u"short"_s));
    model.append(entry(u"li"_s, now, false, QString(64 * 1024, u'x'))); // one 64 KiB word: wrapped anywhere
    model.append(entry(u"li"_s, now, false, QString(2000, u'好')));
    MessageDelegate delegate;
    QStyleOptionViewItem option;
    option.rect = QRect(0, 0, 600, 10);
    option.font = QFont();
    const QSize small = delegate.sizeHint(option, model.index(0));
    const QSize big = delegate.sizeHint(option, model.index(1));
    QVERIFY(small.height() > 0);
    QVERIFY(big.height() > 20 * small.height()); // many lines, not one line running off the side
    QCOMPARE(big.width(), 600);
    QVERIFY(delegate.geometry(option, model.index(1)).bubble.width() <= 600);
    QCOMPARE(delegate.sizeHint(option, model.index(1)), big); // laid out once, then from the cache
    QVERIFY(delegate.sizeHint(option, model.index(2)).height() > 5 * small.height());
}

void TestChatView::linksAreFoundAndHit()
{
    const QString text = u"see https://example.org/a?b=1. and (peerlink://join?hub=ws://h:1) or http://x"_s;
    const auto links = findLinks(text);
    QCOMPARE(links.size(), 3);
    QCOMPARE(text.mid(links.at(0).first, links.at(0).second), u"https://example.org/a?b=1"_s); // no full stop
    QCOMPARE(text.mid(links.at(1).first, links.at(1).second), u"peerlink://join?hub=ws://h:1"_s); // no bracket
    QCOMPARE(text.mid(links.at(2).first, links.at(2).second), u"http://x"_s);
    QVERIFY(findLinks(u"no links, ftp://nope or javascript:alert(1)"_s).isEmpty());

    ConversationModel model(u"li"_s);
    model.append(entry(u"li"_s, QDateTime::currentDateTimeUtc(), false, u"https://example.org/page"_s));
    MessageDelegate delegate;
    QStyleOptionViewItem option;
    option.rect = QRect(0, 0, 500, 200);
    option.font = QFont();
    const auto g = delegate.geometry(option, model.index(0));
    QCOMPARE(delegate.linkAt(option, model.index(0), g.text.topLeft() + QPoint(4, 4)),
             QUrl(u"https://example.org/page"_s));
    QVERIFY(delegate.linkAt(option, model.index(0), g.footer.center()).isEmpty()); // the time, not the link
}

void TestChatView::verifiedMark()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ConversationModel withLi(u"li"_s);
    auto theirs = entry(u"li"_s, now, false);
    theirs.encrypted = true;
    withLi.append(theirs);
    auto mine = entry(u"me"_s, now.addSecs(1), true);
    mine.encrypted = true;
    withLi.append(mine);
    withLi.append(entry(u"li"_s, now.addSecs(2), false)); // not end-to-end: never verified
    QCOMPARE(messagePeer(withLi.index(0)), u"li"_s);
    QCOMPARE(messagePeer(withLi.index(1)), u"li"_s); // one's own, to li: li's key

    ConversationModel everyone { QString() };
    everyone.append(theirs);
    everyone.append(mine);
    QCOMPARE(messagePeer(everyone.index(0)), u"li"_s);
    QVERIFY(messagePeer(everyone.index(1)).isEmpty()); // to everyone: no one key

    MessageDelegate delegate;
    QVERIFY(!delegate.showsVerified(withLi.index(0))); // nothing is verified without a check
    QSet<QString> verified;
    delegate.setVerifiedCheck([&verified](const QString &peer) { return verified.contains(peer); });
    QVERIFY(!delegate.showsVerified(withLi.index(0)));
    verified.insert(u"li"_s);
    QVERIFY(delegate.showsVerified(withLi.index(0)));
    QVERIFY(delegate.showsVerified(withLi.index(1)));
    QVERIFY(!delegate.showsVerified(withLi.index(2)));
    QVERIFY(delegate.showsVerified(everyone.index(0)));
    QVERIFY(!delegate.showsVerified(everyone.index(1)));

    // Painted in the footer, beside the lock; nowhere else does the row change.
    ShownView shown(&withLi);
    shown.delegate->setVerifiedCheck([&verified](const QString &peer) { return verified.contains(peer); });
    QVERIFY(QTest::qWaitForWindowExposed(&shown.view));
    const QStyleOptionViewItem option = viewOption(&shown.view, withLi.index(0));
    const auto g = shown.delegate->geometry(option, withLi.index(0));
    const QImage with = shown.view.viewport()->grab().toImage();
    verified.clear();
    shown.view.viewport()->update();
    const QImage without = shown.view.viewport()->grab().toImage();
    // The mark's blue shield in the footer of the verified message's bubble, and not once unverified.
    const auto blueIn = [&g](const QImage &image) {
        int count = 0;
        for (int y = g.footer.top(); y <= g.footer.bottom(); ++y)
            for (int x = g.footer.left(); x <= g.footer.right(); ++x)
                count += QColor(image.pixel(x, y)).blue() > 150 && QColor(image.pixel(x, y)).red() < 60;
        return count;
    };
    QVERIFY(blueIn(with) > 10);
    QCOMPARE(blueIn(without), 0);
}

void TestChatView::partOfAMessageIsSelectedAndCopied()
{
    ConversationModel model(u"li"_s);
    const QString text = u"hello wonderful world, see https://example.org/x"_s;
    model.append(entry(u"li"_s, QDateTime::currentDateTimeUtc(), false, text));
    ShownView shown(&model);
    QVERIFY(QTest::qWaitForWindowExposed(&shown.view));
    QWidget *viewport = shown.view.viewport();
    const QStyleOptionViewItem option = viewOption(&shown.view, model.index(0));
    const auto g = shown.delegate->geometry(option, model.index(0));
    const QFontMetrics fm(option.font);
    const QPoint start = g.text.topLeft() + QPoint(1, fm.height() / 2);
    const QPoint end = start + QPoint(fm.horizontalAdvance(u"hello wonder"_s), 0);

    // Pressed on the text and dragged: a text field over the message has that part selected.
    mouse(viewport, QEvent::MouseButtonPress, start);
    QPlainTextEdit *field = shown.selection->textField();
    QVERIFY(field);
    QCOMPARE(field->toPlainText(), text);
    QVERIFY(field->isReadOnly());
    QVERIFY(g.text.contains(field->geometry().topLeft()));
    mouse(viewport, QEvent::MouseMove, start + QPoint(20, 0));
    mouse(viewport, QEvent::MouseMove, end);
    mouse(viewport, QEvent::MouseButtonRelease, end);
    const QString selected = field->textCursor().selectedText();
    QVERIFY2(selected.startsWith(u"hello wond"_s), qPrintable(selected));
    QVERIFY(selected.size() < text.size());
    QCOMPARE(shown.view.currentIndex(), model.index(0));

    // Ctrl+C copies just that part.
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(field, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), selected);

    // Escape takes the field away; so does scrolling.
    QTest::keyClick(field, Qt::Key_Escape);
    QTRY_VERIFY(!shown.selection->textField());
    QVERIFY(shown.selection->open(model.index(0)));
    QVERIFY(shown.selection->textField());
    shown.selection->close();
    QVERIFY(!shown.selection->textField());

    // A press on a link is the link's: no text field.
    const QPoint onLink = g.text.topLeft() + QPoint(fm.horizontalAdvance(u"hello wonderful world, see htt"_s), fm.height() / 2);
    if (!shown.delegate->linkAt(option, model.index(0), onLink).isEmpty()) {
        mouse(viewport, QEvent::MouseButtonPress, onLink);
        QVERIFY(!shown.selection->textField());
        mouse(viewport, QEvent::MouseButtonRelease, onLink);
    }
    // Nor outside the text.
    mouse(viewport, QEvent::MouseButtonPress, g.footer.center());
    QVERIFY(!shown.selection->textField());
    mouse(viewport, QEvent::MouseButtonRelease, g.footer.center());
}

void TestChatView::wholeMessageCopiedFromTheView()
{
    ConversationModel model(u"li"_s);
    model.append(entry(u"li"_s, QDateTime::currentDateTimeUtc(), false, u"first 你好"_s));
    model.append(entry(u"li"_s, QDateTime::currentDateTimeUtc(), false, u"second"_s));
    ShownView shown(&model);
    QVERIFY(QTest::qWaitForWindowActive(&shown.view));
    shown.view.setFocus();
    shown.view.setCurrentIndex(model.index(0));
    auto *copy = shown.view.findChild<QAction *>(u"copySelectedMessage"_s);
    QVERIFY(copy);
    QCOMPARE(copy->shortcut(), QKeySequence(QKeySequence::Copy));
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(&shown.view, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), u"first 你好"_s);
}

QTEST_MAIN(TestChatView)
#include "tst_chatview.moc"
