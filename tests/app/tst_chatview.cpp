// The chat view (issue 16, part 1, first half): day separators, groups by sender and time, initials avatars, own
// messages on the right, long text wrapped, and a 64 KiB message laid out without trouble. The decisions are checked
// alone; the painting is checked on an offscreen view's pixels.
#include "app/conversationmodel.h"
#include "app/messagedelegate.h"

#include <QListView>
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

QTEST_MAIN(TestChatView)
#include "tst_chatview.moc"
