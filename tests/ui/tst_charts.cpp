#include "charts/coveragechart.h"
#include "charts/dashboardcharts.h"
#include "charts/savechart.h"

#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChart>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace flywheel;
using namespace flywheel::charts;

namespace {

constexpr qint64 kDay = 86400000;
constexpr qint64 kStart = 1785715200000; // 2026-08-03, a Monday

// A small store's worth of figures, with a bit of everything each chart draws.
DashboardMetrics sample()
{
    DashboardMetrics m;
    m.curationRunId = 3;
    m.curatedAtMs = kStart + 40 * kDay;
    for (int day = 0; day < 40; ++day) {
        const QString version = day < 20 ? QStringLiteral("v1") : QStringLiteral("v2");
        const qint64 at = kStart + day * kDay;
        const qint64 n = 40 + day;
        m.volume.push_back({at, QStringLiteral("assistant"), version, n});
        m.quality.push_back({at, QStringLiteral("assistant"), version, n, wilsonRate(n / 2, n),
                             wilsonRate(n / 10, n), wilsonRate(n / 8, n), wilsonRate(3, 5)});
        m.reviews.push_back({at, day % 7, day % 5});
    }
    m.deployments = {{QStringLiteral("assistant"), QStringLiteral("v1"), kStart, true},
                     {QStringLiteral("assistant"), QStringLiteral("v2"), kStart + 20 * kDay, false}};
    AutomationFigures v1{
        QStringLiteral("assistant"), QStringLiteral("v1"), 500, 450, 50, wilsonRate(450, 500), 1500, 3};
    AutomationFigures v2{
        QStringLiteral("assistant"), QStringLiteral("v2"), 700, 665, 35, wilsonRate(665, 700), 700, 1};
    m.automation = {v1, v2};
    m.automationTotal = {{}, {}, 1200, 1115, 85, wilsonRate(1115, 1200), 2200, 2200.0 / 1200};
    m.backlog = {{QStringLiteral("personal_data"), 40}, {QStringLiteral("latency_outlier"), 12}};
    m.backlogInteractions = 50;
    const auto segment = [](const char *name, qint64 traffic, qint64 curated, qint64 failures, double t,
                            double c, bool under) {
        return SegmentCoverage{QString::fromLatin1(name),     traffic, curated, failures, t, c,
                               wilsonRate(failures, traffic), under};
    };
    m.coverage = {segment("billing", 1200, 500, 300, 0.4, 0.42, false),
                  segment("legal", 300, 20, 180, 0.1, 0.02, true),
                  segment("shipping", 1500, 680, 300, 0.5, 0.56, false)};
    m.coverageGap = 0.21;
    m.datasets = {{1, QStringLiteral("sft"), 1, kStart + 10 * kDay, 400, QStringLiteral("sft"), 2, 0.3},
                  {2, QStringLiteral("sft"), 2, kStart + 30 * kDay, 900, QStringLiteral("sft"), 3, 0.18}};
    m.duplicates = wilsonRate(600, 3000);
    CycleComparison cycle;
    cycle.model = QStringLiteral("assistant");
    cycle.previousVersion = QStringLiteral("v1");
    cycle.currentVersion = QStringLiteral("v2");
    cycle.trainedOn = QStringLiteral("sft@1");
    for (const QString &name : {QString(), QStringLiteral("billing"), QStringLiteral("legal")}) {
        SegmentComparison s;
        s.segment = name;
        s.previous = {QStringLiteral("v1"), 400, wilsonRate(180, 400), {}, {}, {}};
        s.current = {QStringLiteral("v2"), 500, wilsonRate(290, 500), {}, {}, {}};
        cycle.segments.push_back(s);
    }
    m.cycles = {cycle};
    return m;
}

// Pixels that are not the white background.
int inked(const QImage &image)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if ((image.pixel(x, y) & 0xffffff) != 0xffffff)
                ++count;
    return count;
}

bool hasColor(const QImage &image, const QColor &color)
{
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (QColor(image.pixel(x, y)) == color)
                return true;
    return false;
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void everyChartDraws_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<bool>("empty");
        const auto charts = dashboardCharts();
        for (size_t i = 0; i < charts.size(); ++i) {
            QTest::newRow(qPrintable(charts[i].id)) << int(i) << false;
            QTest::newRow(qPrintable(charts[i].id + QStringLiteral(" empty"))) << int(i) << true;
        }
    }

    void everyChartDraws()
    {
        QFETCH(int, index);
        QFETCH(bool, empty);
        const DashboardMetrics metrics = empty ? DashboardMetrics{} : sample();
        const VersionPalette palette(metrics);
        const DashboardChart spec = dashboardCharts()[size_t(index)];
        std::unique_ptr<QChart> chart(spec.build(metrics, palette));
        QVERIFY(chart);
        // The empty state says what to do instead of drawing bare axes.
        QCOMPARE(chart->objectName() == QStringLiteral("empty"), empty);
        QCOMPARE(chart->series().isEmpty(), empty);
        QCOMPARE(chart->axes().isEmpty(), empty);
        if (empty)
            QVERIFY2(chart->title().contains(QStringLiteral("flywheel curate")), qPrintable(chart->title()));

        QTemporaryDir dir;
        const QString path = dir.filePath(spec.id + QStringLiteral(".png"));
        QVERIFY(saveChart(chart.get(), path, QSize(900, 500)));
        const QImage image(path);
        QCOMPARE(image.size(), QSize(900, 500));
        // Not blank: the title alone inks a few hundred pixels, a chart many thousands.
        QVERIFY2(inked(image) > (empty ? 300 : 15000), qPrintable(QString::number(inked(image))));
    }

    void versionsKeepTheirColours()
    {
        const DashboardMetrics metrics = sample();
        VersionPalette palette(metrics);
        const QColor v1 = palette.color(QStringLiteral("assistant"), QStringLiteral("v1"));
        const QColor v2 = palette.color(QStringLiteral("assistant"), QStringLiteral("v2"));
        QVERIFY(v1 != v2);
        // A filtered load adds nothing new and moves nothing.
        DashboardMetrics filtered;
        filtered.volume.push_back({kStart, QStringLiteral("assistant"), QStringLiteral("v2"), 5});
        palette.add(filtered);
        QCOMPARE(palette.color(QStringLiteral("assistant"), QStringLiteral("v2")), v2);
        QCOMPARE(palette.label(QStringLiteral("assistant"), QStringLiteral("v2")), QStringLiteral("v2"));
        // With a second model, labels name the model.
        palette.add(QStringLiteral("ranker"), QStringLiteral("v1"));
        QVERIFY(palette.color(QStringLiteral("ranker"), QStringLiteral("v1")) != v1);
        QCOMPARE(palette.label(QStringLiteral("ranker"), QStringLiteral("v1")), QStringLiteral("ranker v1"));

        // The volume chart paints each version in its colour.
        std::unique_ptr<QChart> chart(dashboardCharts()[0].build(metrics, VersionPalette(metrics)));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("volume.png"));
        QVERIFY(saveChart(chart.get(), path, QSize(900, 500)));
        const QImage image(path);
        QVERIFY(hasColor(image, v1));
        QVERIFY(hasColor(image, v2));
    }

    void coverageHighlightsAndClicks()
    {
        const DashboardMetrics metrics = sample();
        std::unique_ptr<CoverageChart> chart(buildCoverageChart(metrics, VersionPalette(metrics)));
        QVERIFY(chart->title().contains(QStringLiteral("0.210")));
        // Ordered by traffic, largest at the top (the last category of horizontal bars).
        QCOMPARE(chart->segments(), QStringList({QStringLiteral("legal"), QStringLiteral("billing"),
                                                 QStringLiteral("shipping")}));
        auto *bars = qobject_cast<QAbstractBarSeries *>(chart->series().constFirst());
        QVERIFY(bars);
        // The under-covered segment's curated bar is the one drawn in red.
        QBarSet *curated = bars->barSets().constFirst();
        QCOMPARE(curated->selectedBars(), QList<int>{0});

        QSignalSpy clicked(chart.get(), &CoverageChart::segmentClicked);
        emit bars->clicked(2, curated);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toString(), QStringLiteral("shipping"));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("coverage.png"));
        QVERIFY(saveChart(chart.get(), path, QSize(900, 500)));
        QVERIFY(hasColor(QImage(path), colors::underCovered()));
    }

    void savesPngAndSvg()
    {
        const DashboardMetrics metrics = sample();
        std::unique_ptr<QChart> chart(dashboardCharts()[1].build(metrics, VersionPalette(metrics)));
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("quality.png"));
        const QString svg = dir.filePath(QStringLiteral("quality.SVG"));
        QVERIFY(saveChart(chart.get(), png, QSize(800, 450)));
        QVERIFY(saveChart(chart.get(), svg, QSize(800, 450)));
        QImage image;
        QVERIFY(image.load(png, "PNG"));
        QCOMPARE(image.size(), QSize(800, 450));
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY2(text.startsWith("<?xml") || text.startsWith("<svg"), text.left(40).constData());
        QVERIFY(text.contains("</svg>"));
        // The chart is free again after being drawn, and draws again.
        QVERIFY(!chart->scene());
        QVERIFY(saveChart(chart.get(), png, QSize(400, 300)));
        QCOMPARE(QImage(png).size(), QSize(400, 300));
        // Neither PNG nor SVG: refused.
        QVERIFY(!saveChart(chart.get(), dir.filePath(QStringLiteral("quality.jpg")), QSize(400, 300)));
        QVERIFY(!saveChart(chart.get(), dir.filePath(QStringLiteral("none/quality.png")), QSize(400, 300)));
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
