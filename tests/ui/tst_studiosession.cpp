// The studio session: one writer thread for every write the studio makes, readers that cannot
// write, write turns for worker threads, and views that follow changed() instead of being poked.

#include "dialogs/importdialog.h"
#include "mainwindow.h"
#include "session/studiosession.h"
#include "settings/studiosettings.h"
#include "tasks/curationtask.h"
#include "views/guidelinespanel.h"
#include "views/reviewview.h"
#include "views/storeoverview.h"
#include "workers/decisionwriter.h"
#include "workers/storethread.h"

#include "store/database.h"
#include "store/store.h"

#include <QAction>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "../common/demostore.h"

#include <thread>

using namespace flywheel;

namespace {

qint64 countIn(const QString &path, const char *sql)
{
    auto store = Store::open(path, Store::readerOptions());
    if (!store)
        return -1;
    auto count = store->db().queryInt(sql);
    return count ? *count : -1;
}

} // namespace

class TestStudioSession : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ui::StudioSettings settings;
        settings.annotator = QStringLiteral("tester");
        settings.save();
        QCOMPARE(m_stores.prepare(), QString());
    }

    void init()
    {
        m_path = m_stores.copy(QStringLiteral("session"));
        QVERIFY(!m_path.isEmpty());
    }

    void readersRefuseWrites()
    {
        auto reader = ui::StudioSession::openReader(m_path);
        QVERIFY2(reader, qPrintable(reader.errorMessage()));
        QVERIFY(reader->db().queryInt("SELECT count(*) FROM interactions"));
        const Status write = reader->db().exec("INSERT INTO sources (name, created_at) VALUES ('x', 0)");
        QVERIFY(!write);
        QVERIFY2(write.errorMessage().contains(QStringLiteral("readonly")), qPrintable(write.errorMessage()));
    }

    void readersNeverUpgrade()
    {
        const QString old = m_stores.filePath(QStringLiteral("old.flywheel"));
        Store::Options options;
        options.targetVersion = 3;
        QVERIFY(Store::open(old, options));
        auto reader = ui::StudioSession::openReader(old);
        QVERIFY(!reader);
        QVERIFY2(reader.errorMessage().contains(QStringLiteral("upgrade")),
                 qPrintable(reader.errorMessage()));
        auto untouched = Database::open(old, Database::OpenMode::ReadOnly);
        QVERIFY(untouched);
        const auto version = untouched->queryInt("PRAGMA user_version");
        QVERIFY(version);
        QCOMPARE(*version, qint64(3));
        QVERIFY(ui::StudioSession::create(old));
        QVERIFY(ui::StudioSession::openReader(old));
    }

    // A worker's turn runs on the writer thread, after what was posted before it, while the
    // worker waits for it.
    void writeTurnsRunOnTheWriterInOrder()
    {
        ui::StudioSession session;
        session.open(m_path);
        std::vector<int> order;
        std::thread::id writerThread;
        session.writer()->post([&](Store *, const QString &) {
            order.push_back(1);
            writerThread = std::this_thread::get_id();
        });
        std::thread::id turnThread;
        Status turned;
        std::thread worker([&] {
            turned = session.writeTurn()([&](Store &store) -> Status {
                order.push_back(2);
                turnThread = std::this_thread::get_id();
                return store.db().exec("INSERT INTO sources (name, created_at) VALUES ('turn', 0)");
            });
            order.push_back(3);
        });
        worker.join();
        QVERIFY2(turned, qPrintable(turned.errorMessage()));
        QCOMPARE(order, (std::vector<int>{1, 2, 3}));
        QCOMPARE(turnThread, writerThread);
        QCOMPARE(countIn(m_path, "SELECT count(*) FROM sources WHERE name = 'turn'"), qint64(1));
    }

    void writeTurnsReportAStoreThatCannotOpen()
    {
        ui::StudioSession session;
        session.open(m_stores.filePath(QStringLiteral("missing.flywheel")));
        Status turned;
        std::thread worker([&] { turned = session.writeTurn()([](Store &) { return Status{}; }); });
        worker.join();
        QVERIFY(!turned);
        QVERIFY2(turned.errorMessage().contains(QStringLiteral("no store")),
                 qPrintable(turned.errorMessage()));
    }

    // Decisions, guidelines, the search index, curation and an import, all at once in the
    // studio: one connection of the process commits, whoever asked for the write.
    void theStudioHasOneWriter()
    {
        ui::MainWindow window;
        window.openStore(m_path);
        ui::ReviewView *view = window.review();
        QTRY_VERIFY_WITH_TIMEOUT(view->currentInteraction() > 0, 20000);
        QSignalSpy asked(view->writer(), &ui::DecisionWriter::queued);
        view->actions().at(0)->trigger(); // accept
        QTRY_COMPARE(view->writer()->pending(), 0);
        QCOMPARE(Database::openWriters(), 1);
        Database::resetPeakWriters();

        QSignalSpy curated(window.curation(), &ui::CurationTask::finished);
        window.runCuration(true);
        const QString capture = m_stores.filePath(QStringLiteral("capture.jsonl"));
        QFile file(capture);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 300; ++i)
            file.write(R"({"id":"one-writer-)" + QByteArray::number(i) +
                       R"(","timestamp":"2026-11-01T12:00:00Z","input":"Where is my refund?",)"
                       R"("output":"It is on its way.","model":"helper","model_version":"v1"})"
                       "\n");
        file.close();
        ui::ImportDialog import(window.session());
        QSignalSpy imported(&import, &ui::ImportDialog::imported);
        import.startImport({capture});
        window.guidelines()->save(QStringLiteral("Accept what helps the user."));
        // While the queue reloads after curation no item is current, and a key does nothing.
        for (int i = 0; i < 5; ++i) {
            QTRY_VERIFY(view->currentInteraction() > 0);
            view->actions().at(1)->trigger(); // reject
            QTest::qWait(20);
        }
        QTRY_VERIFY_WITH_TIMEOUT(curated.count() == 1 && imported.count() == 1 && !import.isRunning(), 60000);
        QTRY_COMPARE(view->writer()->pending(), 0);
        QTRY_COMPARE(window.guidelines()->shown().version, qint64(1));

        QCOMPARE(Database::peakWriters(), 1);
        QCOMPARE(countIn(m_path, "SELECT count(*) FROM interactions WHERE external_id LIKE 'one-writer-%'"),
                 qint64(300));
        QVERIFY(asked.count() >= 5);
        QCOMPARE(countIn(m_path, "SELECT count(*) FROM reviews"), qint64(asked.count()));
        QVERIFY(import.lastError().isEmpty());
    }

    // Whoever changes the store tells the session; the views that show it follow.
    void viewsFollowTheChangesTheyShow()
    {
        ui::StudioSession session;
        ui::StoreOverview overview;
        overview.follow(&session);
        QSignalSpy loaded(&overview, &ui::StoreOverview::loaded);
        overview.show();
        session.open(m_path);
        QTRY_COMPARE(loaded.count(), 1);
        session.notify(ui::StudioSession::Change::Guidelines); // not shown in the overview
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 1);
        session.notify(ui::StudioSession::Change::Decisions);
        QTRY_COMPARE(loaded.count(), 2);
        // A hidden view is read when it is shown again, once for any number of changes.
        overview.hide();
        session.notify(ui::StudioSession::Change::Import);
        session.notify(ui::StudioSession::Change::Curation);
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 2);
        overview.show();
        QTRY_COMPARE(loaded.count(), 3);
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 3);
    }

    void curationTellsTheSession()
    {
        ui::StudioSession session;
        session.open(m_path);
        QSignalSpy changed(&session, &ui::StudioSession::changed);
        ui::CurationTask task(&session);
        QSignalSpy finished(&task, &ui::CurationTask::finished);
        QVERIFY(task.start());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().first().value<ui::StudioSession::Changes>(),
                 ui::StudioSession::Changes(ui::StudioSession::Change::Curation));
    }

    void openingAnotherStoreClearsTheUndoStack()
    {
        ui::MainWindow window;
        window.openStore(m_path);
        ui::ReviewView *view = window.review();
        QTRY_VERIFY_WITH_TIMEOUT(view->currentInteraction() > 0, 20000);
        view->actions().at(0)->trigger();
        QCOMPARE(window.session()->undoStack()->count(), 1);
        QCOMPARE(view->undoStack(), window.session()->undoStack());
        const QString other = m_stores.copy(QStringLiteral("other"));
        QVERIFY(!other.isEmpty());
        window.openStore(other);
        QCOMPARE(window.session()->undoStack()->count(), 0);
        // The decision asked for before the switch went to the first store.
        QTRY_COMPARE(view->writer()->pending(), 0);
        QCOMPARE(countIn(m_path, "SELECT count(*) FROM reviews"), qint64(1));
        QCOMPARE(countIn(other, "SELECT count(*) FROM reviews"), qint64(0));
    }

private:
    testing::DemoStoreCopies m_stores;
    QString m_path;
};

QTEST_MAIN(TestStudioSession)
#include "tst_studiosession.moc"
