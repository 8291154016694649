// A file transfer as an item of a conversation (issue 15, item 5), without a network: the item's state, actions and
// words for every transfer state (table-driven), the file's type in words, and a transfer item in a conversation
// backed by the history: never stored, kept in its place when the history is read again, and not in the way of
// finding stored messages.
#include "app/conversationmodel.h"
#include "app/transferitem.h"
#include "app/transfersmodel.h"
#include "history/messagestore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

using Info = FileTransfers::Info;
using Dir = FileTransfers::Direction;
using FState = FileTransfers::State;
using IState = TransferItem::State;

Q_DECLARE_METATYPE(TransferItem::Actions)

class TestTransferItem : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void states_data();
    void states();
    void noTransferIsUnknown();
    void typeInWords();
    void itemsAreNotStoredAndStayInTheirPlace();
};

namespace {

Info info(Dir direction, FState state, bool declined = false, bool byPeer = false, const QString &error = QString(),
          FileTransfers::PausedBy pausedBy = FileTransfers::PausedBy::Nobody)
{
    Info i;
    i.tid = u"t1"_s;
    i.peer = u"bob"_s;
    i.direction = direction;
    i.state = state;
    i.declined = declined;
    i.byPeer = byPeer;
    i.name = u"report.pdf"_s;
    i.mimeType = u"application/pdf"_s;
    i.size = 2000;
    i.bytes = state == FState::Done ? 2000 : 500;
    i.error = error;
    i.pausedBy = pausedBy;
    return i;
}

} // namespace

void TestTransferItem::states_data()
{
    QTest::addColumn<Info>("transfer");
    QTest::addColumn<IState>("state");
    QTest::addColumn<TransferItem::Actions>("actions");
    QTest::addColumn<bool>("ended");
    QTest::addColumn<QString>("status");
    QTest::addColumn<double>("progress");

    const TransferItem::Actions answer = TransferItem::Actions(TransferItem::Accept) | TransferItem::Decline;
    const TransferItem::Actions cancel(TransferItem::Cancel);
    const TransferItem::Actions pause = TransferItem::Actions(TransferItem::Pause) | TransferItem::Cancel;
    const TransferItem::Actions resume = TransferItem::Actions(TransferItem::Resume) | TransferItem::Cancel;
    const TransferItem::Actions open(TransferItem::Open);
    const TransferItem::Actions none(TransferItem::NoAction);
    const QString half = TransfersModel::formatBytes(500);
    const QString whole = TransfersModel::formatBytes(2000);
    QTest::newRow("offered to us") << info(Dir::Incoming, FState::Offered) << IState::Offered << answer << false
                                   << u"bob offers you this file."_s << 0.25;
    QTest::newRow("our offer waits") << info(Dir::Outgoing, FState::Offered) << IState::Waiting << cancel << false
                                     << u"Waiting for bob to accept."_s << 0.25;
    QTest::newRow("receiving") << info(Dir::Incoming, FState::Active) << IState::Receiving << pause << false
                               << u"Receiving: %1 of %2"_s.arg(half, whole) << 0.25;
    QTest::newRow("sending") << info(Dir::Outgoing, FState::Active) << IState::Sending << pause << false
                             << u"Sending: %1 of %2"_s.arg(half, whole) << 0.25;
    QTest::newRow("paused, disk full")
        << info(Dir::Incoming, FState::Paused, false, false, u"disk full"_s, FileTransfers::PausedBy::Disk)
        << IState::Paused << resume << false << u"Paused: disk full"_s << 0.25;
    QTest::newRow("paused by us") << info(Dir::Outgoing, FState::Paused, false, false, QString(),
                                          FileTransfers::PausedBy::You)
                                  << IState::Paused << resume << false
                                  << u"Paused by you at %1 of %2"_s.arg(half, whole) << 0.25;
    QTest::newRow("paused by bob") << info(Dir::Incoming, FState::Paused, false, true, u"bob paused the transfer."_s,
                                           FileTransfers::PausedBy::Peer)
                                   << IState::Paused << cancel << false << u"Paused: bob paused the transfer."_s
                                   << 0.25;
    QTest::newRow("received") << info(Dir::Incoming, FState::Done) << IState::Received << open << true
                              << u"Received."_s << 1.0;
    QTest::newRow("sent") << info(Dir::Outgoing, FState::Done) << IState::Sent << none << true
                          << u"Sent: bob has it."_s << 1.0;
    QTest::newRow("we declined") << info(Dir::Incoming, FState::Cancelled, true, false, u"declined"_s)
                                 << IState::Declined << none << true << u"You declined it."_s << 0.25;
    QTest::newRow("bob declined") << info(Dir::Outgoing, FState::Failed, true, true, u"bob declined the file."_s)
                                  << IState::Declined << none << true << u"bob declined it."_s << 0.25;
    QTest::newRow("sender cancelled") << info(Dir::Incoming, FState::Cancelled, false, true, u"x"_s)
                                      << IState::Cancelled << none << true << u"Cancelled by the sender, bob."_s
                                      << 0.25;
    QTest::newRow("receiver cancelled") << info(Dir::Outgoing, FState::Cancelled, false, true, u"x"_s)
                                        << IState::Cancelled << none << true << u"Cancelled by bob."_s << 0.25;
    QTest::newRow("we cancelled") << info(Dir::Outgoing, FState::Cancelled, false, false, u"cancelled"_s)
                                  << IState::Cancelled << none << true << u"Cancelled."_s << 0.25;
    QTest::newRow("too large for bob") << info(Dir::Outgoing, FState::Failed, false, true, u"too large"_s)
                                       << IState::Failed << none << true << u"Failed: too large"_s << 0.25;
}

void TestTransferItem::states()
{
    QFETCH(Info, transfer);
    QFETCH(IState, state);
    QFETCH(TransferItem::Actions, actions);
    QFETCH(bool, ended);
    QFETCH(QString, status);
    QFETCH(double, progress);
    QCOMPARE(TransferItem::stateOf(transfer), state);
    QCOMPARE(TransferItem::actionsOf(transfer), actions);
    QCOMPARE(TransferItem::actionsFor(state), actions & ~TransferItem::Actions(TransferItem::Resume));
    QCOMPARE(TransferItem::isEnded(state), ended);
    QCOMPARE(TransferItem::statusText(transfer), status);
    QCOMPARE(TransferItem::progress(transfer), progress);
}

void TestTransferItem::noTransferIsUnknown()
{
    QCOMPARE(TransferItem::stateOf(std::nullopt), IState::Unknown);
    QCOMPARE(TransferItem::actionsFor(IState::Unknown), TransferItem::Actions(TransferItem::NoAction));
    QVERIFY(TransferItem::isEnded(IState::Unknown));
    QVERIFY(!TransferItem::statusText(std::nullopt).isEmpty());
}

void TestTransferItem::typeInWords()
{
    // The offered MIME type first, the name's suffix when the type says nothing, "file" when neither does.
    QVERIFY(TransferItem::typeName(u"x.bin"_s, u"application/pdf"_s).contains(u"PDF"_s));
    QVERIFY(TransferItem::typeName(u"notes.txt"_s, u"application/octet-stream"_s).contains(u"text"_s, Qt::CaseInsensitive));
    QCOMPARE(TransferItem::typeName(u"noname"_s, QString()), u"file"_s);
    const QString details = TransferItem::detailsText(info(Dir::Incoming, FState::Offered));
    QVERIFY2(details.startsWith(TransfersModel::formatBytes(2000)) && details.contains(u"PDF"_s), qPrintable(details));
}

void TestTransferItem::itemsAreNotStoredAndStayInTheirPlace()
{
    QTemporaryDir dir;
    History::MessageStore store;
    QVERIFY(store.open(dir.filePath(u"history.db"_s)));
    ConversationModel conversation(u"bob"_s, &store, 50);
    ConversationModel::Entry before;
    before.from = u"bob"_s;
    before.text = u"here it comes"_s;
    before.time = QDateTime::currentDateTimeUtc().addSecs(-5);
    before.mid = u"m1"_s;
    conversation.append(before);
    QVERIFY(conversation.appendTransfer(u"t1"_s, u"bob"_s, u"Bob"_s, false));
    QVERIFY(!conversation.appendTransfer(u"t1"_s, u"bob"_s, u"Bob"_s, false)); // once
    ConversationModel::Entry after = before;
    after.text = u"got it?"_s;
    after.time = QDateTime::currentDateTimeUtc().addSecs(5);
    after.mid = u"m2"_s;
    conversation.append(after);
    QCOMPARE(conversation.rowCount(), 3);
    QCOMPARE(conversation.rowOfTransfer(u"t1"_s), 1);
    // Without its transfer (no TransfersModel), the item is there and says so.
    const QModelIndex item = conversation.index(1);
    QCOMPARE(item.data(ConversationModel::TransferIdRole).toString(), u"t1"_s);
    QCOMPARE(item.data(ConversationModel::TransferStateRole).value<IState>(), IState::Unknown);
    QCOMPARE(item.data(ConversationModel::IdRole).toLongLong(), 0);
    QVERIFY(conversation.index(0).data(ConversationModel::TransferIdRole).toString().isEmpty());

    // Only the messages are in the history: the item is not, and is not exported.
    QCOMPARE(store.page(u"bob"_s, 0, 50).size(), 2);
    // Read again from the history, the item stays between the two messages.
    conversation.reload();
    QCOMPARE(conversation.rowCount(), 3);
    QCOMPARE(conversation.rowOfTransfer(u"t1"_s), 1);
    QCOMPARE(conversation.index(2).data(ConversationModel::TextRole).toString(), u"got it?"_s);
    // Finding a stored message is not thrown off by the item.
    const qint64 first = conversation.index(0).data(ConversationModel::IdRole).toLongLong();
    QVERIFY(first > 0);
    QCOMPARE(conversation.rowOfId(first), 0);
    // A message's state never lands on an item (one's own has no message id either).
    QVERIFY(conversation.appendTransfer(u"t2"_s, u"me"_s, u"me"_s, true));
    QVERIFY(!conversation.setState(QString(), ConversationModel::State::Failed));
    QCOMPARE(conversation.index(3).data(ConversationModel::StateRole).value<ConversationModel::State>(),
             ConversationModel::State::Received);
}

QTEST_MAIN(TestTransferItem)
#include "tst_transferitem.moc"
