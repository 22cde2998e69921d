#include "mainwindow.h"
#include "views/storeoverview.h"

#include "demo/demogenerator.h"
#include "store/store.h"

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
