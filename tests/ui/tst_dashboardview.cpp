#include "charts/coveragechart.h"
#include "mainwindow.h"
#include "models/reviewqueuemodel.h"
#include "views/dashboardview.h"
#include "views/reviewview.h"

#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "store/store.h"

#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QImage>
#include <QMenu>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "../common/demostore.h"
#include <QToolButton>

using namespace flywheel;

class TestDashboardView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("dashboard.flywheel"));
        QCOMPARE(testing::makeCuratedDemoStore(m_path), QString());
    }

    void loadsAndReloadsOnFilterChange()
    {
        ui::DashboardView view;
        view.resize(1400, 900);
        view.show();
        QSignalSpy loaded(&view, &ui::DashboardView::loaded);
        view.load(m_path);
        // The figures arrive from a worker thread; nothing is shown before.
        QVERIFY(!view.metrics());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        QVERIFY(view.metrics()->curationRunId > 0);
        QCOMPARE(view.chartViews().size(), 8);
        for (QChartView *chartView : view.chartViews())
            QVERIFY2(!chartView->chart()->series().isEmpty() ||
                         chartView->objectName() == QStringLiteral("07-data-growth"),
                     qPrintable(chartView->objectName()));
        // The filter's choices come from the first load.
        QCOMPARE(view.versionChoices(),
                 QStringList({QStringLiteral("v1"), QStringLiteral("v2"), QStringLiteral("v3")}));
        QVERIFY(view.segmentChoices().contains(QStringLiteral("billing")));

        // Weekly buckets from the bucket box: every bucket is a Monday.
        auto *bucket = view.findChild<QComboBox *>(QStringLiteral("bucket"));
        QVERIFY(bucket);
        bucket->setCurrentIndex(1);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 20000);
        QCOMPARE(view.metrics()->filter.bucket, DashboardFilter::Bucket::Week);
        QVERIFY(!view.metrics()->volume.empty());
        for (const VolumePoint &p : view.metrics()->volume)
            QCOMPARE(QDateTime::fromMSecsSinceEpoch(p.bucketMs, Qt::UTC).date().dayOfWeek(), 1);

        // One version from its menu: only its traffic is drawn.
        auto *versions = view.findChild<QToolButton *>(QStringLiteral("versions"));
        QVERIFY(versions);
        QAction *v2 = nullptr;
        for (QAction *action : versions->menu()->actions())
            if (action->data().toString() == QStringLiteral("v2"))
                v2 = action;
        QVERIFY(v2);
        v2->setChecked(true);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 3, 20000);
        QCOMPARE(view.metrics()->filter.modelVersions, QStringList{QStringLiteral("v2")});
        QVERIFY(versions->text().contains(QStringLiteral("v2")));
        for (const VolumePoint &p : view.metrics()->volume)
            QCOMPARE(p.version, QStringLiteral("v2"));
        // The choices stay: the other versions can still be picked.
        QCOMPARE(view.versionChoices().size(), 3);
    }

    void newestRequestWins()
    {
        ui::DashboardView view;
        // The segment filter of each load shown, in order.
        QStringList shown;
        connect(&view, &ui::DashboardView::loaded, this,
                [&] { shown.append(view.metrics()->filter.segments.join(QLatin1Char(','))); });
        view.load(m_path);
        DashboardFilter billing;
        billing.segments = {QStringLiteral("billing")};
        DashboardFilter shipping;
        shipping.segments = {QStringLiteral("shipping")};
        shipping.bucket = DashboardFilter::Bucket::Week;
        view.setFilter(billing);
        view.setFilter(shipping);
        QTRY_VERIFY_WITH_TIMEOUT(shown.contains(QStringLiteral("shipping")), 20000);
        // The older requests finish too; a result that arrives after a newer request was made is
        // dropped, so nothing older ever replaces what is shown. (A request that finishes before
        // the next one is made is shown: it was the newest then.)
        QTest::qWait(500);
        const QStringList order{QString(), QStringLiteral("billing"), QStringLiteral("shipping")};
        for (qsizetype i = 1; i < shown.size(); ++i)
            QVERIFY2(order.indexOf(shown[i]) > order.indexOf(shown[i - 1]),
                     qPrintable(shown.join(QLatin1Char('|'))));
        QCOMPARE(shown.last(), QStringLiteral("shipping"));
        QCOMPARE(view.metrics()->filter.segments, QStringList{QStringLiteral("shipping")});
        QCOMPARE(view.filter().bucket, DashboardFilter::Bucket::Week);
        QCOMPARE(view.metrics()->coverage.size(), size_t(1));
        QCOMPARE(view.metrics()->coverage.front().segment, QStringLiteral("shipping"));
    }

    void savesCharts()
    {
        ui::DashboardView view;
        QSignalSpy loaded(&view, &ui::DashboardView::loaded);
        view.load(m_path);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        QTemporaryDir out;
        const QString png = out.filePath(QStringLiteral("coverage.png"));
        QVERIFY(view.saveChart(5, png, QSize(1000, 600)));
        QCOMPARE(QImage(png).size(), QSize(1000, 600));
        QVERIFY(view.saveChart(0, out.filePath(QStringLiteral("volume.svg"))));
        // Every chart view offers both formats on right-click.
        QCOMPARE(view.chartViews().at(3)->actions().size(), 2);
        QVERIFY(view.chartViews().at(3)->actions().at(1)->text().contains(QStringLiteral("SVG")));
    }

    void segmentClickOpensReviewQueue()
    {
        ui::MainWindow window;
        window.openStore(m_path);
        QSignalSpy loaded(window.dashboard(), &ui::DashboardView::loaded);
        // Loaded only once its tab is shown.
        QTest::qWait(100);
        QCOMPARE(loaded.count(), 0);
        window.tabs()->setCurrentWidget(window.dashboard());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);

        auto *coverage =
            qobject_cast<charts::CoverageChart *>(window.dashboard()->chartViews().at(5)->chart());
        QVERIFY(coverage);
        auto *bars = qobject_cast<QAbstractBarSeries *>(coverage->series().constFirst());
        QVERIFY(bars);
        const int index = int(coverage->segments().indexOf(QStringLiteral("billing")));
        QVERIFY(index >= 0);
        QSignalSpy activated(window.dashboard(), &ui::DashboardView::segmentActivated);
        emit bars->clicked(index, bars->barSets().constFirst());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(window.tabs()->currentWidget(), window.review());
        QCOMPARE(window.review()->queueModel()->filter().segment, QStringLiteral("billing"));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QTEST_MAIN(TestDashboardView)
#include "tst_dashboardview.moc"
