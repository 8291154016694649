// History in the app (issue 14, part 1): conversations kept on disk across a restart, search that jumps to the
// message, export, delete, retention with a controlled clock, a broken database that never stops live chat, and a
// large conversation that opens with one page. Offscreen, a real hub on loopback, no fixed sleeps.
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/dialogs.h"
#include "app/errortext.h"
#include "app/historyretention.h"
#include "app/hubhost.h"
#include "app/languagemanager.h"
#include "app/mainwindow.h"
#include "history/messagestore.h"
#include "hub/hub.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::History;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kDay = 24LL * 60 * 60 * 1000;
constexpr qint64 kBase = 1764000000000; // 24 Nov 2025

StoredMessage stored(const QString &conversation, const QString &sender, const QString &text, qint64 sentMs,
                     const QString &mid)
{
    StoredMessage m;
    m.conversation = conversation;
    m.sender = sender;
    m.recipient = sender == u"me"_s ? conversation : u"me"_s;
    m.outgoing = sender == u"me"_s;
    m.state = m.outgoing ? MessageState::Delivered : MessageState::Received;
    m.text = text;
    m.sentMs = sentMs;
    m.mid = mid;
    return m;
}

} // namespace

class TestAppHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void restartShowsEarlierConversations();
    void unconfirmedMessagesOfAnEarlierRunShowAsFailed();
    void searchFindsChineseAndEnglishAndJumps();
    void exportWritesEveryFormat();
    void exportFormatFromFileName_data();
    void exportFormatFromFileName();
    void deleteAsksThenDeletes();
    void retentionWithAControlledClock();
    void retentionIsASetting();
    void corruptDatabaseIsReportedAndChatGoesOn();
    void unwritableDatabaseIsReportedAndNothingIsLost_data();
    void unwritableDatabaseIsReportedAndNothingIsLost();
    void lockedDatabaseIsReportedAndChatGoesOn();
    void largeConversationOpensWithOnePage();
    void historyErrorsInWords_data();
    void historyErrorsInWords();
    void historyErrorsInChinese();

private:
    /// A client and controller joined to the hub as "me" over @p store.
    void startApp(MessageStore *store, int pageSize = 200);
    void stopApp();
    void makeWindow();
    std::unique_ptr<PeerClient> joinedPeer(const QString &id);
    QString dbPath() const { return m_dir->filePath(u"profile/history.db"_s); }
    QListView *messageView() const { return m_window->findChild<QListView *>(u"messageView"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<QSettings> m_qsettings;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<LanguageManager> m_language;
    std::unique_ptr<HubHost> m_host;
    std::unique_ptr<MessageStore> m_store;
    std::unique_ptr<PeerClient> m_client;
    std::unique_ptr<ChatController> m_controller;
    std::unique_ptr<MainWindow> m_window;
};

void TestAppHistory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen());
    m_qsettings = std::make_unique<QSettings>(m_dir->filePath(u"peerlink.ini"_s), QSettings::IniFormat);
    m_settings = std::make_unique<AppSettings>(m_qsettings.get());
    m_settings->setPeerId(u"me"_s);
    m_language = std::make_unique<LanguageManager>();
    m_host = std::make_unique<HubHost>();
}

void TestAppHistory::cleanup()
{
    stopApp();
    m_store.reset();
    m_host.reset();
    m_hub.reset();
}

void TestAppHistory::startApp(MessageStore *store, int pageSize)
{
    m_client = std::make_unique<PeerClient>();
    m_controller = std::make_unique<ChatController>(m_client.get());
    m_controller->setHistory(store, pageSize);
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    QVERIFY(m_controller->connectToHub(m_hub->serverUrl(), u"me"_s, { u"Me"_s, QString() }));
    QVERIFY(joined.wait());
}

void TestAppHistory::stopApp()
{
    m_window.reset();
    m_controller.reset();
    m_client.reset();
}

void TestAppHistory::makeWindow()
{
    m_window = std::make_unique<MainWindow>(m_controller.get(), m_host.get(), m_settings.get(), m_language.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

std::unique_ptr<PeerClient> TestAppHistory::joinedPeer(const QString &id)
{
    auto c = std::make_unique<PeerClient>();
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(m_hub->serverUrl(), id) || !joined.wait())
        return nullptr;
    return c;
}

void TestAppHistory::restartShowsEarlierConversations()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    startApp(m_store.get());
    {
        auto bob = joinedPeer(u"bob"_s);
        QVERIFY(bob);
        QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
        bob->sendMessage(u"me"_s, u"hello from bob, 你好"_s);
        QTRY_COMPARE(m_controller->conversation(u"bob"_s)->rowCount(), 1);
        QVERIFY(m_controller->send(u"bob"_s, u"hi bob"_s));
        ConversationModel *c = m_controller->conversation(u"bob"_s);
        QTRY_COMPARE(c->index(1).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                     ConversationModel::State::Sent);
        bob->sendMessage(u"to everyone"_s);
        QTRY_COMPARE(m_controller->conversation(QString())->rowCount(), 1);
    }
    // Quit: the app, its client and its store go; the file stays.
    stopApp();
    m_store.reset();

    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    startApp(m_store.get());
    makeWindow();
    QVERIFY(m_controller->peerModel()->contains(u"bob"_s));
    QVERIFY(!m_controller->peerModel()->isOnline(u"bob"_s));
    QCOMPARE(messageView()->model()->rowCount(), 1); // Everyone, shown at start
    QCOMPARE(messageView()->model()->index(0, 0).data(ConversationModel::TextRole).toString(), u"to everyone"_s);

    auto *peerList = m_window->findChild<QListView *>(u"peerList"_s);
    peerList->setCurrentIndex(m_controller->peerModel()->indexOf(u"bob"_s));
    QCOMPARE(m_controller->activeConversation(), u"bob"_s);
    QAbstractItemModel *shown = messageView()->model();
    QCOMPARE(shown->rowCount(), 2);
    QCOMPARE(shown->index(0, 0).data(ConversationModel::TextRole).toString(), u"hello from bob, 你好"_s);
    QCOMPARE(shown->index(0, 0).data(ConversationModel::FromRole).toString(), u"bob"_s);
    QCOMPARE(shown->index(1, 0).data(ConversationModel::TextRole).toString(), u"hi bob"_s);
    QCOMPARE(shown->index(1, 0).data(ConversationModel::OutgoingRole).toBool(), true);
    QCOMPARE(shown->index(1, 0).data(ConversationModel::StateRole).value<ConversationModel::State>(),
             ConversationModel::State::Sent);
    QVERIFY(shown->index(1, 0).data(ConversationModel::IdRole).toLongLong() > 0);
    // The stored rows carry what the issue asks for.
    const QList<StoredMessage> rows = m_store->page(u"bob"_s, 0, 10);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).recipient, u"me"_s);
    QCOMPARE(rows.at(1).sender, u"me"_s);
    QCOMPARE(rows.at(1).recipient, u"bob"_s);
    QVERIFY(!rows.at(1).mid.isEmpty());
    // bob (no identity key) sends no receipts: the hub took it (sent), nobody confirmed delivery.
    QCOMPARE(rows.at(1).state, History::MessageState::Sent);
    QCOMPARE(rows.at(1).deliveredMs, 0);

    // Live chat continues after the history: a new message lands below it, and is stored.
    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    bob->sendMessage(u"me"_s, u"back again"_s);
    QTRY_COMPARE(shown->rowCount(), 3);
    QCOMPARE(m_store->count(u"bob"_s), 3);
    // Leaving again, bob stays in the list: there is a conversation with him.
    bob.reset();
    QTRY_VERIFY(!m_controller->peerModel()->isOnline(u"bob"_s));
    QVERIFY(m_controller->peerModel()->contains(u"bob"_s));
}

void TestAppHistory::unconfirmedMessagesOfAnEarlierRunShowAsFailed()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    StoredMessage lost = stored(u"bob"_s, u"me"_s, u"never confirmed"_s, kBase, u"m1"_s);
    lost.state = MessageState::Sending;
    QVERIFY(m_store->append(lost) > 0);
    StoredMessage refused = stored(u"bob"_s, u"me"_s, u"refused"_s, kBase + 1, u"m2"_s);
    refused.state = MessageState::Failed;
    QVERIFY(m_store->append(refused) > 0);
    startApp(m_store.get());
    ConversationModel *c = m_controller->conversation(u"bob"_s);
    QCOMPARE(c->rowCount(), 2);
    QCOMPARE(c->index(0).data(ConversationModel::StateRole).value<ConversationModel::State>(),
             ConversationModel::State::Failed);
    QVERIFY(c->index(0).data(Qt::ToolTipRole).toString().contains(u"closed before the hub confirmed"_s));
    QCOMPARE(c->index(1).data(ConversationModel::StateRole).value<ConversationModel::State>(),
             ConversationModel::State::Failed);
    QCOMPARE(c->index(1).data(Qt::ToolTipRole).toString(), u"Not delivered"_s);
    QVERIFY(c->index(1).data(Qt::DisplayRole).toString().contains(u"(not delivered)"_s));
}

void TestAppHistory::searchFindsChineseAndEnglishAndJumps()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    QList<StoredMessage> alice;
    for (int i = 0; i < 1000; ++i) {
        const QString text = i == 700 ? u"lunch at noon? 我们明天吃午饭"_s : u"filler message %1"_s.arg(i);
        alice.append(stored(u"alice"_s, i % 2 ? u"me"_s : u"alice"_s, text, kBase + i * 1000, u"a%1"_s.arg(i)));
    }
    QCOMPARE(m_store->appendAll(alice), 1000);
    QVERIFY(m_store->append(stored(u"bob"_s, u"bob"_s, u"see you tomorrow 明天见"_s, kBase + 5000000, u"b1"_s)) > 0);
    startApp(m_store.get(), 50);
    makeWindow();

    QCOMPARE(m_window->search(u"午饭"_s), 1);
    QCOMPARE(m_window->search(u"lunch"_s), 1);
    QCOMPARE(m_window->search(u"明天"_s), 2); // both conversations, newest first
    auto *results = m_window->findChild<QListWidget *>(u"searchResults"_s);
    QVERIFY(results->isVisible());
    QCOMPARE(results->count(), 2);
    QCOMPARE(results->item(0)->data(Qt::UserRole + 1).toString(), u"bob"_s);
    QCOMPARE(results->item(1)->data(Qt::UserRole + 1).toString(), u"alice"_s);
    QVERIFY(results->item(1)->text().contains(u"[明天]"_s));

    // Ctrl+F goes to the search field; typing and Enter searches.
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    auto *field = m_window->findChild<QLineEdit *>(u"searchEdit"_s);
    QTRY_VERIFY(field->hasFocus());
    QTest::keyClicks(field, u"noon"_s);
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(results->count(), 1);
    QCOMPARE(results->item(0)->data(Qt::UserRole + 1).toString(), u"alice"_s);
    const qint64 id = results->item(0)->data(Qt::UserRole).toLongLong();
    QVERIFY(id > 0);

    // Clicking the result opens alice's conversation at that message, selected, loading only what lies between.
    QTest::mouseClick(results->viewport(), Qt::LeftButton, {}, results->visualItemRect(results->item(0)).center());
    QCOMPARE(m_controller->activeConversation(), u"alice"_s);
    QAbstractItemModel *shown = messageView()->model();
    QCOMPARE(shown, m_controller->conversation(u"alice"_s));
    const QModelIndex current = messageView()->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(current.data(ConversationModel::IdRole).toLongLong(), id);
    QCOMPARE(current.data(ConversationModel::TextRole).toString(), u"lunch at noon? 我们明天吃午饭"_s);
    QCOMPARE(current.row(), shown->rowCount() - 300); // message 700 of 1000: 300 from the newest end
    QVERIFY(shown->rowCount() <= 350); // only the pages up to it (and perhaps one of context)
    QVERIFY(messageView()->selectionModel()->isSelected(current));
    // In view (also once a page of context above it has come in), and still selected.
    const QPersistentModelIndex found(current);
    QTRY_VERIFY(messageView()->visualRect(found).intersects(messageView()->viewport()->rect()));
    QVERIFY(messageView()->selectionModel()->isSelected(found));
    QVERIFY(shown->rowCount() < 1000);
    QCOMPARE(m_window->showMessage(u"bob"_s, id), false); // not in that conversation
}

void TestAppHistory::exportWritesEveryFormat()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    QVERIFY(m_store->append(stored(u"bob"_s, u"bob"_s, u"<i>hi</i> 你好"_s, kBase, u"m1"_s)) > 0);
    QVERIFY(m_store->append(stored(u"bob"_s, u"me"_s, u"fine & you?"_s, kBase + 1000, u"m2"_s)) > 0);
    startApp(m_store.get());
    QVERIFY(!m_controller->exportConversation(u"bob"_s, m_dir->filePath(u"missing/dir/x.html"_s),
                                              MessageStore::ExportFormat::Html));
    QString error;
    QVERIFY(!m_controller->exportConversation(u"bob"_s, m_dir->filePath(u"missing/dir/x.html"_s),
                                              MessageStore::ExportFormat::Html, &error));
    QVERIFY(!error.isEmpty());

    const QString html = m_dir->filePath(u"bob.html"_s);
    QVERIFY(m_controller->exportConversation(u"bob"_s, html, exportFormatForPath(html)));
    QFile h(html);
    QVERIFY(h.open(QIODevice::ReadOnly));
    const QString page = QString::fromUtf8(h.readAll());
    QVERIFY(page.startsWith(u"<!DOCTYPE html>"_s));
    QVERIFY(page.contains(u"&lt;i&gt;hi&lt;/i&gt; 你好"_s));
    QVERIFY(page.contains(u"fine &amp; you?"_s));

    const QString text = m_dir->filePath(u"bob.txt"_s);
    QVERIFY(m_controller->exportConversation(u"bob"_s, text, exportFormatForPath(text)));
    QFile t(text);
    QVERIFY(t.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(t.readAll()),
             u"bob\n\n[2025-11-24T16:00:00.000Z] bob: <i>hi</i> 你好\n[2025-11-24T16:00:01.000Z] me: fine & you?\n"_s);

    const QString json = m_dir->filePath(u"bob.json"_s);
    QVERIFY(m_controller->exportConversation(u"bob"_s, json, exportFormatForPath(json)));
    QFile j(json);
    QVERIFY(j.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(j.readAll()).object();
    QCOMPARE(doc.value(u"conversation"_s).toString(), u"bob"_s);
    const QJsonArray messages = doc.value(u"messages"_s).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value(u"text"_s).toString(), u"<i>hi</i> 你好"_s);
    QCOMPARE(messages.at(1).toObject().value(u"from"_s).toString(), u"me"_s);
    QCOMPARE(messages.at(1).toObject().value(u"to"_s).toString(), u"bob"_s);
}

void TestAppHistory::exportFormatFromFileName_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("format");
    QTest::newRow("html") << u"/tmp/a.html"_s << int(MessageStore::ExportFormat::Html);
    QTest::newRow("no suffix") << u"/tmp/a"_s << int(MessageStore::ExportFormat::Html);
    QTest::newRow("txt") << u"/tmp/A.TXT"_s << int(MessageStore::ExportFormat::Text);
    QTest::newRow("json") << u"/tmp/对话.json"_s << int(MessageStore::ExportFormat::Json);
}

void TestAppHistory::exportFormatFromFileName()
{
    QFETCH(QString, path);
    QFETCH(int, format);
    QCOMPARE(int(exportFormatForPath(path)), format);
}

void TestAppHistory::deleteAsksThenDeletes()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    QVERIFY(m_store->append(stored(u"bob"_s, u"bob"_s, u"delete me"_s, kBase, u"m1"_s)) > 0);
    QVERIFY(m_store->append(stored(u"carol"_s, u"carol"_s, u"keep me"_s, kBase, u"m2"_s)) > 0);
    startApp(m_store.get());
    makeWindow();
    m_window->showMessage(u"bob"_s, m_store->page(u"bob"_s, 0, 1).at(0).id);
    QCOMPARE(m_controller->activeConversation(), u"bob"_s);
    QCOMPARE(messageView()->model()->rowCount(), 1);

    // "Keep it" keeps it.
    m_window->confirmDeleteConversation();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(u"confirmDelete"_s)));
    box->button(QMessageBox::No)->click();
    QCOMPARE(m_store->count(u"bob"_s), 1);

    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(u"confirmDelete"_s));
    m_window->findChild<QAction *>(u"actionDeleteConversation"_s)->trigger();
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(u"confirmDelete"_s)));
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE(m_store->count(u"bob"_s), 0);
    QCOMPARE(m_store->count(u"carol"_s), 1);
    QTRY_COMPARE(messageView()->model()->rowCount(), 0);
    QCOMPARE(m_window->search(u"delete"_s), 0);
    QCOMPARE(m_window->search(u"keep"_s), 1);
}

void TestAppHistory::retentionWithAControlledClock()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    QVERIFY(m_store->append(stored(u"bob"_s, u"bob"_s, u"thirty days ago"_s, kBase - 30 * kDay, u"m1"_s)) > 0);
    QVERIFY(m_store->append(stored(u"bob"_s, u"bob"_s, u"ten days ago"_s, kBase - 10 * kDay, u"m2"_s)) > 0);
    QVERIFY(m_store->append(stored(u"bob"_s, u"me"_s, u"yesterday"_s, kBase - kDay, u"m3"_s)) > 0);
    startApp(m_store.get());
    ConversationModel *c = m_controller->conversation(u"bob"_s);
    QCOMPARE(c->rowCount(), 3);

    qint64 now = kBase;
    HistoryRetention retention(m_store.get());
    retention.setClock([&now] { return now; });
    connect(&retention, &HistoryRetention::messagesDeleted, m_controller.get(), &ChatController::reloadHistory);
    QSignalSpy deleted(&retention, &HistoryRetention::messagesDeleted);

    // Keep forever (the default): nothing goes.
    retention.start();
    QCOMPARE(m_store->count(u"bob"_s), 3);
    QCOMPARE(deleted.size(), 0);

    retention.setDays(14);
    QCOMPARE(retention.apply(), 1);
    QCOMPARE(m_store->count(u"bob"_s), 2);
    QCOMPARE(c->rowCount(), 2);
    QCOMPARE(c->index(0).data(ConversationModel::TextRole).toString(), u"ten days ago"_s);

    // A week later, the daily pass (driven here with a short interval and the clock moved on).
    now += 7 * kDay;
    retention.start(10);
    QCOMPARE(m_store->count(u"bob"_s), 1);
    QCOMPARE(c->rowCount(), 1);
    QCOMPARE(c->index(0).data(ConversationModel::TextRole).toString(), u"yesterday"_s);
    now += 14 * kDay;
    QTRY_COMPARE(m_store->count(u"bob"_s), 0);
    QTRY_COMPARE(c->rowCount(), 0);

    // The setting itself lives in the settings, forever by default.
    QCOMPARE(m_settings->historyRetentionDays(), 0);
    m_settings->setHistoryRetentionDays(30);
    QCOMPARE(m_settings->historyRetentionDays(), 30);
}

void TestAppHistory::retentionIsASetting()
{
    QCOMPARE(m_settings->historyRetentionDays(), 0); // forever by default
    {
        SettingsDialog dialog(m_settings.get());
        auto *days = dialog.findChild<QSpinBox *>(u"retentionSpin"_s);
        QVERIFY(days);
        QCOMPARE(days->value(), 0);
        QCOMPARE(days->text(), u"Forever"_s);
        days->setValue(30);
        dialog.accept();
    }
    QCOMPARE(m_settings->historyRetentionDays(), 30);
    SettingsDialog again(m_settings.get());
    QCOMPARE(again.findChild<QSpinBox *>(u"retentionSpin"_s)->value(), 30);
    m_settings->setHistoryRetentionDays(-3);
    QCOMPARE(m_settings->historyRetentionDays(), 0);
}

void TestAppHistory::corruptDatabaseIsReportedAndChatGoesOn()
{
    QDir().mkpath(QFileInfo(dbPath()).absolutePath());
    QFile f(dbPath());
    QVERIFY(f.open(QIODevice::WriteOnly));
    const QByteArray garbage = QByteArray("somebody's precious file, not a database ").repeated(100);
    f.write(garbage);
    f.close();
    m_store = std::make_unique<MessageStore>();
    QVERIFY(!m_store->open(dbPath()));
    startApp(m_store.get());
    QVERIFY2(m_controller->historyProblem().contains(u"damaged"_s), qPrintable(m_controller->historyProblem()));
    QVERIFY(m_controller->historyProblem().contains(u"keep chatting"_s));
    makeWindow();
    QTRY_VERIFY(m_window->findChild<QMessageBox *>(u"historyProblem"_s));

    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
    bob->sendMessage(u"me"_s, u"still here"_s);
    QTRY_COMPARE(m_controller->conversation(u"bob"_s)->rowCount(), 1);
    QVERIFY(m_controller->send(u"bob"_s, u"me too"_s));
    QTRY_COMPARE(m_controller->conversation(u"bob"_s)->index(1).data(ConversationModel::StateRole)
                     .value<ConversationModel::State>(),
                 ConversationModel::State::Sent);
    QCOMPARE(m_window->search(u"still"_s), 0);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), garbage); // left as it was
}

void TestAppHistory::unwritableDatabaseIsReportedAndNothingIsLost_data()
{
    QTest::addColumn<bool>("full");
    QTest::addColumn<QString>("words");
    QTest::newRow("read-only") << false << u"cannot be written"_s;
    QTest::newRow("full disk") << true << u"disk is full"_s;
}

void TestAppHistory::unwritableDatabaseIsReportedAndNothingIsLost()
{
    QFETCH(bool, full);
    QFETCH(QString, words);
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    for (int i = 0; i < 20; ++i)
        QVERIFY(m_store->append(stored(u"bob"_s, u"bob"_s, u"kept %1"_s.arg(i), kBase + i, u"k%1"_s.arg(i))) > 0);
    if (full) {
        QSqlQuery pages(m_store->connection());
        QVERIFY(pages.exec(u"PRAGMA page_count"_s) && pages.next());
        const int used = pages.value(0).toInt();
        pages.finish();
        QVERIFY(QSqlQuery(m_store->connection()).exec(u"PRAGMA max_page_count=%1"_s.arg(used)));
    } else {
        QVERIFY(QSqlQuery(m_store->connection()).exec(u"PRAGMA query_only=1"_s));
    }
    startApp(m_store.get());
    QSignalSpy problems(m_controller.get(), &ChatController::historyProblemReported);
    makeWindow();
    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
    ConversationModel *c = m_controller->conversation(u"bob"_s);
    QCOMPARE(c->rowCount(), 20);
    bob->sendMessage(u"me"_s, QString(8000, u'x'));
    bob->sendMessage(u"me"_s, u"and one more"_s);
    QTRY_COMPARE(c->rowCount(), 22); // shown all the same
    QCOMPARE(c->index(21).data(ConversationModel::TextRole).toString(), u"and one more"_s);
    QVERIFY(problems.size() >= 1);
    QCOMPARE(problems.size(), 1); // said once, not with every message
    const QString text = problems.first().at(0).toString();
    QVERIFY2(text.contains(words), qPrintable(text));
    QTRY_VERIFY(m_window->findChild<QMessageBox *>(u"historyProblem"_s));
    QVERIFY(m_controller->send(u"bob"_s, u"sending works"_s));
    QTRY_COMPARE(c->index(22).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Sent);
    // Nothing stored before is lost, and the history still answers. (A full database may still take a short
    // message in a free page; the long one never fits.)
    if (full)
        QVERIFY(m_store->count(u"bob"_s) >= 20);
    else
        QCOMPARE(m_store->count(u"bob"_s), 20);
    QCOMPARE(m_store->search(u"xxxxxxxx"_s).size(), 0);
    QCOMPARE(m_store->page(u"bob"_s, 0, 100).first().text, u"kept 0"_s);
    QCOMPARE(m_window->search(u"kept"_s), 20);
}

void TestAppHistory::lockedDatabaseIsReportedAndChatGoesOn()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    QVERIFY(m_store->append(stored(u"bob"_s, u"bob"_s, u"before the lock"_s, kBase, u"m1"_s)) > 0);
    startApp(m_store.get());
    QSignalSpy problems(m_controller.get(), &ChatController::historyProblemReported);
    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
    ConversationModel *c = m_controller->conversation(u"bob"_s);
    {
        // Another program (a second PeerLink) holds the database for writing.
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"locker"_s);
        other.setDatabaseName(dbPath());
        QVERIFY(other.open());
        QVERIFY(QSqlQuery(other).exec(u"BEGIN EXCLUSIVE"_s));
        bob->sendMessage(u"me"_s, u"while locked"_s);
        // The store waits a little (its busy timeout) before it gives up and says so.
        QTRY_COMPARE_WITH_TIMEOUT(c->rowCount(), 2, 20000);
        QCOMPARE(c->index(1).data(ConversationModel::TextRole).toString(), u"while locked"_s);
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().at(0).toString().contains(u"another program"_s),
                 qPrintable(problems.first().at(0).toString()));
        QVERIFY(QSqlQuery(other).exec(u"ROLLBACK"_s));
        other.close();
    }
    QSqlDatabase::removeDatabase(u"locker"_s);
    // Once the other program lets go, messages are stored again; nothing stored before was lost.
    bob->sendMessage(u"me"_s, u"after the lock"_s);
    QTRY_COMPARE(c->rowCount(), 3);
    QCOMPARE(m_store->count(u"bob"_s), 2);
    QCOMPARE(m_store->page(u"bob"_s, 0, 10).last().text, u"after the lock"_s);
}

void TestAppHistory::largeConversationOpensWithOnePage()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    QList<StoredMessage> many;
    many.reserve(20000);
    for (int i = 0; i < 20000; ++i)
        many.append(stored(u"bob"_s, i % 3 ? u"bob"_s : u"me"_s, u"message number %1"_s.arg(i), kBase + i * 1000,
                           u"m%1"_s.arg(i)));
    QCOMPARE(m_store->appendAll(many), 20000);
    startApp(m_store.get(), 200);
    makeWindow();
    auto *peerList = m_window->findChild<QListView *>(u"peerList"_s);
    peerList->setCurrentIndex(m_controller->peerModel()->indexOf(u"bob"_s));
    QAbstractItemModel *shown = messageView()->model();
    QCOMPARE(shown, m_controller->conversation(u"bob"_s));
    QCOMPARE(shown->rowCount(), 200);
    QCOMPARE(shown->index(199, 0).data(ConversationModel::TextRole).toString(), u"message number 19999"_s);
    // The view lays out and shows the newest message; it does not pull more pages on its own.
    QTRY_VERIFY(messageView()->visualRect(shown->index(199, 0)).intersects(messageView()->viewport()->rect()));
    QCoreApplication::processEvents();
    QCOMPARE(shown->rowCount(), 200);

    // Scrolled to the top: the next older page comes, and what was at the top stays in view.
    QScrollBar *bar = messageView()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    bar->setValue(bar->minimum());
    QTRY_COMPARE(shown->rowCount(), 400);
    QCOMPARE(shown->index(0, 0).data(ConversationModel::TextRole).toString(), u"message number 19600"_s);
    QTRY_VERIFY(messageView()->visualRect(shown->index(200, 0)).intersects(messageView()->viewport()->rect()));
    QVERIFY(!messageView()->visualRect(shown->index(0, 0)).intersects(messageView()->viewport()->rect()));
}

void TestAppHistory::historyErrorsInWords_data()
{
    QTest::addColumn<QString>("storeMessage");
    QTest::addColumn<QString>("words");
    QTest::newRow("corrupt") << u"The history database cannot be read: file is not a database"_s << u"damaged"_s;
    QTest::newRow("full") << u"A message could not be written to the history: database or disk is full"_s
                          << u"disk is full"_s;
    QTest::newRow("locked") << u"The history database is busy: database is locked"_s << u"another program"_s;
    QTest::newRow("read-only") << u"A message could not be written to the history: attempt to write a readonly "
                                  "database"_s
                               << u"read-only"_s;
    QTest::newRow("newer") << u"The history database was written by a newer PeerLink: schema 9"_s << u"newer"_s;
}

void TestAppHistory::historyErrorsInWords()
{
    QFETCH(QString, storeMessage);
    QFETCH(QString, words);
    const QString text = describeHistoryError(storeMessage);
    QVERIFY2(text.contains(words), qPrintable(text));
    QVERIFY(text.contains(u"Nothing already saved was deleted"_s));
}

void TestAppHistory::historyErrorsInChinese()
{
    m_store = std::make_unique<MessageStore>();
    QVERIFY(m_store->open(dbPath()));
    QVERIFY(QSqlQuery(m_store->connection()).exec(u"PRAGMA query_only=1"_s));
    LanguageManager language;
    QCOMPARE(language.apply(u"zh_CN"_s), u"zh_CN"_s);
    startApp(m_store.get());
    makeWindow();
    QSignalSpy problems(m_controller.get(), &ChatController::historyProblemReported);
    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    bob->sendMessage(u"me"_s, u"你好"_s);
    QVERIFY(problems.wait());
    QCOMPARE(problems.first().at(0).toString(),
             u"无法写入消息记录（磁盘或文件夹是只读的）。 你可以继续聊天；在问题解决之前，新消息不会被保存。已保存的内容均未删除。"_s);
    QCOMPARE(m_window->findChild<QLineEdit *>(u"searchEdit"_s)->placeholderText(), u"搜索所有对话（Ctrl+F）"_s);
    QCOMPARE(m_window->findChild<QAction *>(u"actionExport"_s)->text(), u"导出对话(&E)…"_s);
    QCOMPARE(language.apply(u"en"_s), u"en"_s);
    QTRY_COMPARE(m_window->findChild<QAction *>(u"actionExport"_s)->text(), u"&Export conversation…"_s);
}

QTEST_MAIN(TestAppHistory)
#include "tst_apphistory.moc"
