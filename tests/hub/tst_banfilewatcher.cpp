// BanFileWatcher on a real folder: the list is read, read again when the file is edited or replaced and on request,
// and a bad edit keeps the list in force.
#include "hub/banfilewatcher.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestBanFileWatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsTheFileAtStart();
    void refusesABadFileAtStart();
    void reloadsWhenEdited_data();
    void reloadsWhenEdited();
    void keepsTheListOnABadEdit();
    void reloadsOnRequest();

private:
    /// Writes @p content to @p path: in place, or (@p replace) as editors do, through a new file renamed over it.
    static bool write(const QString &path, const QByteArray &content, bool replace = false);
};

bool TestBanFileWatcher::write(const QString &path, const QByteArray &content, bool replace)
{
    if (replace) {
        QSaveFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit();
    }
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

void TestBanFileWatcher::readsTheFileAtStart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"bans.txt"_s);
    QVERIFY(write(path, "192.0.2.7\nid:troll\n"));
    BanFileWatcher watcher(path);
    QVERIFY2(watcher.start(), qPrintable(watcher.errorString()));
    QCOMPARE(watcher.bans().ids, QStringList { u"troll"_s });
    QCOMPARE(watcher.bans().addresses, QList<QHostAddress> { QHostAddress(u"192.0.2.7"_s) });
    QCOMPARE(watcher.path(), path);
}

void TestBanFileWatcher::refusesABadFileAtStart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    BanFileWatcher missing(dir.filePath(u"missing.txt"_s));
    QVERIFY(!missing.start());
    QVERIFY(!missing.errorString().isEmpty());
    const QString path = dir.filePath(u"bad.txt"_s);
    QVERIFY(write(path, "id:ok\nnot an address\n"));
    BanFileWatcher bad(path);
    QVERIFY(!bad.start());
    QVERIFY2(bad.errorString().contains(u":2"_s), qPrintable(bad.errorString())); // FILE:LINE
    QVERIFY(bad.bans().ids.isEmpty());
}

void TestBanFileWatcher::reloadsWhenEdited_data()
{
    QTest::addColumn<bool>("replace");
    QTest::newRow("written in place") << false;
    QTest::newRow("replaced (rename over it)") << true;
}

void TestBanFileWatcher::reloadsWhenEdited()
{
    QFETCH(bool, replace);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"bans.txt"_s);
    QVERIFY(write(path, "id:first\n"));
    BanFileWatcher watcher(path);
    QVERIFY(watcher.start());
    QSignalSpy reloaded(&watcher, &BanFileWatcher::reloaded);
    QVERIFY(write(path, "id:first\nid:second\n2001:db8::7\n", replace));
    QTRY_VERIFY_WITH_TIMEOUT(!reloaded.isEmpty() && watcher.bans().ids.size() == 2, 10000);
    QCOMPARE(watcher.bans().ids, QStringList({ u"first"_s, u"second"_s }));
    QCOMPARE(reloaded.constLast().at(0).value<BanList>().addresses,
             QList<QHostAddress> { QHostAddress(u"2001:db8::7"_s) });
    // And again: a replaced file is watched anew.
    QVERIFY(write(path, "id:third\n", replace));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.bans().ids, QStringList { u"third"_s }, 10000);
}

void TestBanFileWatcher::keepsTheListOnABadEdit()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"bans.txt"_s);
    QVERIFY(write(path, "id:kept\n"));
    BanFileWatcher watcher(path);
    QVERIFY(watcher.start());
    QSignalSpy failed(&watcher, &BanFileWatcher::reloadFailed);
    QSignalSpy reloaded(&watcher, &BanFileWatcher::reloaded);
    // Replaced, not written in place: a file caught half-written (empty) would be a valid list of its own.
    QVERIFY(write(path, "id:kept\n300.1.2.3\n", true));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
    QVERIFY2(failed.constLast().at(0).toString().contains(u":2"_s), qPrintable(failed.constLast().at(0).toString()));
    QCOMPARE(watcher.bans().ids, QStringList { u"kept"_s });
    QVERIFY(reloaded.isEmpty());
    // Fixed: in force again.
    QVERIFY(write(path, "id:fixed\n", true));
    QTRY_COMPARE_WITH_TIMEOUT(watcher.bans().ids, QStringList { u"fixed"_s }, 10000);
}

void TestBanFileWatcher::reloadsOnRequest()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"bans.txt"_s);
    QVERIFY(write(path, "id:one\n"));
    BanFileWatcher watcher(path);
    QVERIFY(watcher.start());
    QSignalSpy reloaded(&watcher, &BanFileWatcher::reloaded);
    QVERIFY(watcher.reload());
    QCOMPARE(reloaded.size(), 1);
    QCOMPARE(reloaded.at(0).at(0).value<BanList>().ids, QStringList { u"one"_s });
    QVERIFY(QFile::remove(path));
    QSignalSpy failed(&watcher, &BanFileWatcher::reloadFailed);
    QVERIFY(!watcher.reload()); // gone: the list stays
    QCOMPARE(failed.size(), 1);
    QCOMPARE(watcher.bans().ids, QStringList { u"one"_s });
}

QTEST_GUILESS_MAIN(TestBanFileWatcher)
#include "tst_banfilewatcher.moc"
