#include "../common/pagedamage.h"

#include "mainwindow.h"
#include "tasks/curationtask.h"
#include "views/damagebanner.h"
#include "views/reviewview.h"
#include "views/storeoverview.h"

#include "demo/demogenerator.h"
#include "review/decisions.h"
#include "store/damage.h"
#include "store/store.h"

#include <QAction>
#include <QUndoStack>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void showsStoreFiguresWithoutBlocking()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ui.flywheel"));
        {
            auto store = Store::open(path);
            QVERIFY(store);
            DemoOptions options;
            options.interactions = 1500;
            QVERIFY(DemoGenerator(*store, options).run());
        }
        ui::MainWindow window;
        QSignalSpy loaded(window.overview(), &ui::StoreOverview::loaded);
        window.openStore(path);
        // The overview reads the store when its tab is shown.
        QCOMPARE(loaded.count(), 0);
        window.tabs()->setCurrentWidget(window.overview());
        // The figures arrive from a worker thread; the window is usable meanwhile.
        QVERIFY(window.windowTitle().contains(QStringLiteral("ui.flywheel")));
        QTRY_COMPARE(loaded.count(), 1);
        const auto stats = loaded.first().first().value<StoreStats>();
        QCOMPARE(stats.interactions, qint64(1500));

        const auto labels = window.findChildren<QLabel *>();
        const bool showsCount = std::any_of(labels.cbegin(), labels.cend(), [](const QLabel *label) {
            return label->text() == QLocale().toString(1500);
        });
        QVERIFY(showsCount);
        const auto tables = window.findChildren<QTableWidget *>();
        QCOMPARE(tables.size(), 3);
        // Model versions in order, each with the share of its outputs users accepted.
        QTableWidget *versions = tables.at(0);
        QCOMPARE(versions->rowCount(), 3);
        QCOMPARE(versions->horizontalHeaderItem(2)->text(), QStringLiteral("Accepted"));
        QCOMPARE(versions->item(0, 0)->text(), QStringLiteral("support-assistant v1"));
        QVERIFY(versions->item(0, 2)->text().endsWith(QStringLiteral(" %")));
    }

    // The history panel reads the damaged reviews table as the store opens: the banner says so at
    // once, and recovering from it opens the new store with every decision.
    void damageShowsTheBannerAndRecoveryOpensTheNewStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("damaged.flywheel"));
        qint64 decisions = 0;
        {
            auto store = Store::open(path);
            QVERIFY(store);
            DemoOptions options;
            options.interactions = 800;
            QVERIFY(DemoGenerator(*store, options).run());
            for (qint64 id = 1; id <= 200; ++id) {
                Decision decision;
                decision.interactionId = id;
                decision.kind = DecisionKind::Accept;
                decision.note = QStringLiteral("Resolves the question as the policy says.").repeated(4);
                QVERIFY(recordDecision(*store, decision));
            }
            decisions = *store->db().queryInt("SELECT count(*) FROM reviews");
        }
        QVERIFY(testing::overwriteRootPage(path, "reviews", "sqlite_autoindex_sources_1"));
        ui::MainWindow window;
        window.show();
        window.openStore(path);
        QTRY_VERIFY_WITH_TIMEOUT(window.damageBanner()->isDamaged(), 10000);
        QVERIFY(damage::isDamaged(path));
        // The studio stops offering to write: no decision key, no undo.
        QVERIFY(!window.review()->isWritable());
        QAction *accept = window.review()->actions().at(0);
        QVERIFY(accept->text().startsWith(QStringLiteral("Accept")));
        QVERIFY(!accept->isEnabled());
        QVERIFY(!window.review()->undoStack()->canUndo());

        const QString to = dir.filePath(QStringLiteral("recovered.flywheel"));
        window.damageBanner()->recoverTo(to);
        QTRY_COMPARE_WITH_TIMEOUT(window.storePath(), to, 20000);
        QVERIFY(!window.damageBanner()->isDamaged());
        QVERIFY(window.review()->isWritable());
        QVERIFY(accept->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!window.curation()->isRunning(), 20000);
        auto recovered = Store::open(to);
        QVERIFY(recovered);
        QCOMPARE(*recovered->db().queryInt("SELECT count(*) FROM reviews"), decisions);
        damage::forget(path);
    }

    void reportsUnreadableStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.flywheel"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a database at all, just text that is long enough to be read as a header......");
        file.close();
        ui::MainWindow window;
        QSignalSpy failed(window.overview(), &ui::StoreOverview::failed);
        window.tabs()->setCurrentWidget(window.overview());
        window.openStore(path);
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("not a Flywheel Studio store")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
