// The flywheel-health dashboard: each metric on small hand-computed fixtures and the coverage-gap
// score on crafted distributions. tst_dashboardrollup checks the rollup against plain queries.

#include "dashboardtesting.h"
#include "ingesttesting.h"

#include "curate/curator.h"
#include "curate/rules.h"
#include "demo/demogenerator.h"
#include "export/exporter.h"
#include "export/lineage.h"
#include "metrics/dashboard.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QTest>

using namespace flywheel;
using testing::near;
using testing::utc;

namespace {

// An input of letters derived from the id: far from every other id's (no near-duplicates), with no
// digits, so no personal data is found in it.
QByteArray inputOf(const QByteArray &id)
{
    QByteArray text = "Question:";
    const QByteArray digest = QCryptographicHash::hash(id, QCryptographicHash::Sha256);
    for (int i = 0; i < 24; ++i) {
        if (i % 6 == 0)
            text += ' ';
        text += char('a' + (quint8(digest[i]) % 26));
    }
    return text;
}

// One interaction line of model "bot".
QByteArray jsonLine(const QByteArray &id, qint64 ts, const QByteArray &version = "v1",
                    const QByteArray &outcome = "accepted", const QByteArray &category = "weather",
                    const QByteArray &extra = {}, const QByteArray &input = {})
{
    const QByteArray time = QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC).toString(Qt::ISODate).toLatin1();
    return R"({"id":")" + id + R"(","timestamp":")" + time + R"(","model":"bot","model_version":")" +
           version + R"(","input":")" + (input.isEmpty() ? inputOf(id) : input) + R"(","output":"Answer )" +
           id + R"(.","category":")" + category + R"(","outcome":")" + outcome + "\"" + extra + "}\n";
}

const QByteArray kThumbsUp = R"(,"feedback":[{"kind":"thumbs","value":"up"}])";
const QByteArray kThumbsDown = R"(,"feedback":[{"kind":"thumbs","value":"down"}])";
const QByteArray kCorrection = R"(,"correction":{"output":"A better answer."})";

const SegmentCoverage *segment(const DashboardMetrics &m, const QString &name)
{
    for (const SegmentCoverage &s : m.coverage)
        if (s.segment == name)
            return &s;
    return nullptr;
}

} // namespace

class TestDashboard : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_dir.emplace();
        auto store = Store::open(m_dir->filePath(QStringLiteral("dashboard.flywheel")));
        QVERIFY(store);
        m_store.emplace(std::move(*store));
    }

    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
    }

    void emptyStore()
    {
        for (bool curated : {false, true}) {
            if (curated)
                QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
            auto m = loadDashboard(*m_store, {});
            QVERIFY2(m, qPrintable(m.errorMessage()));
            QCOMPARE(m->curationRunId != 0, curated);
            QVERIFY(m->volume.empty() && m->quality.empty() && m->deployments.empty());
            QVERIFY(m->automation.empty() && m->reviews.empty() && m->backlog.empty());
            QVERIFY(m->coverage.empty() && m->datasets.empty() && m->cycles.empty());
            QCOMPARE(m->automationTotal.curated, qint64(0));
            QCOMPARE(m->automationTotal.automated.value, 0.0);
            QCOMPARE(m->automationTotal.reviewerSecondsPerCurated, 0.0);
            QCOMPARE(m->coverageGap, 0.0);
            QCOMPARE(m->duplicates.n, qint64(0));
            QCOMPARE(m->backlogInteractions, qint64(0));
            QCOMPARE(m->newInteractions, qint64(0));
            const QByteArray json = QJsonDocument(dashboardJson(*m)).toJson();
            QVERIFY(!json.contains("nan") && !json.contains("inf"));
        }
    }

    // One day, one version, one segment: 10 interactions on Monday 2026-11-02.
    //   a0-a5 accepted (a0-a2 thumbs up)  -> positive
    //   a6, a7 abandoned (a6 thumbs down) -> negative
    //   a8 edited                         -> negative
    //   a9 no outcome, a correction       -> gold, flagged correction_to_review
    void singleDay()
    {
        ingestSingleDay();
        auto m = loadDashboard(*m_store, {});
        QVERIFY(m);
        const qint64 monday = utc(2026, 11, 2);
        QCOMPARE(m->volume.size(), size_t(1));
        QCOMPARE(m->volume[0].bucketMs, monday);
        QCOMPARE(m->volume[0].model, QStringLiteral("bot"));
        QCOMPARE(m->volume[0].version, QStringLiteral("v1"));
        QCOMPARE(m->volume[0].interactions, qint64(10));
        const QualityPoint &q = m->quality.at(0);
        QCOMPARE(q.acceptance.hits, qint64(6)); // a0-a5 of 10
        QCOMPARE(q.acceptance.n, qint64(10));
        QCOMPARE(q.acceptance.value, 0.6);
        QVERIFY(qAbs(q.acceptance.low - 0.3127) < 1e-4); // Wilson, as in tst_lineage
        QCOMPARE(q.correction.hits, qint64(2));          // a8 edited, a9 corrected
        QCOMPARE(q.abandonment.hits, qint64(2));         // a6, a7
        QCOMPARE(q.thumbsUp.hits, qint64(3));            // a0-a2 up
        QCOMPARE(q.thumbsUp.n, qint64(4));               // of a0-a2 and a6
        QCOMPARE(q.thumbsUp.value, 0.75);

        // Every interaction has a gold, positive or negative label from the rules.
        QCOMPARE(m->automation.size(), size_t(1));
        QCOMPARE(m->automation[0].curated, qint64(10));
        QCOMPARE(m->automation[0].byRules, qint64(10));
        QCOMPARE(m->automation[0].byReviewers, qint64(0));
        QCOMPARE(m->automation[0].automated.value, 1.0);
        QCOMPARE(m->automation[0].reviewerSeconds, 0.0);

        // Failures: a6, a7, a8 negative and a9 corrected.
        QCOMPARE(m->coverage.size(), size_t(1));
        QCOMPARE(m->coverage[0].segment, QStringLiteral("weather"));
        QCOMPARE(m->coverage[0].traffic, qint64(10));
        QCOMPARE(m->coverage[0].curated, qint64(10));
        QCOMPARE(m->coverage[0].failures, qint64(4));
        QCOMPARE(m->coverage[0].failureRate.value, 0.4);
        QCOMPARE(m->coverage[0].trafficShare, 1.0);
        QCOMPARE(m->coverage[0].curatedShare, 1.0);
        QVERIFY(!m->coverage[0].underCovered); // under 20 interactions
        QCOMPARE(m->coverageGap, 0.0);         // one segment: shares equal

        QCOMPARE(m->reviews.size(), size_t(1));
        QCOMPARE(m->reviews[0].bucketMs, monday);
        QCOMPARE(m->reviews[0].flagged, qint64(1)); // a9
        QCOMPARE(m->reviews[0].decisions, qint64(0));
        QCOMPARE(m->backlogInteractions, qint64(1));
        QCOMPARE(m->backlog.size(), size_t(1));
        QCOMPARE(m->backlog[0].reason, QStringLiteral("correction_to_review"));
        QCOMPARE(m->backlog[0].open, qint64(1));
        QCOMPARE(m->duplicates.hits, qint64(0));
        QCOMPARE(m->duplicates.n, qint64(10));
        QVERIFY(m->cycles.empty()); // one version
        QVERIFY(m->curationRunId > 0);
        QCOMPARE(m->newInteractions, qint64(0));
        QCOMPARE(m->changedInteractions, qint64(0));
    }

    // The same day with reviews on Tuesday: a9 approved as gold (30 s), a0 rejected as negative
    // (12 s), a1 skipped (4 s). Reviews are read live: no new curation run.
    void reviewsAutomationAndBacklog()
    {
        ingestSingleDay();
        const qint64 tuesday = utc(2026, 11, 3, 9);
        QVERIFY(review("a9", "approve", "'gold'", tuesday, 30));
        QVERIFY(review("a0", "reject", "'negative'", tuesday + 60000, 12));
        QVERIFY(review("a1", "skip", "NULL", tuesday + 120000, 4));
        auto m = loadDashboard(*m_store, {});
        QVERIFY(m);
        QCOMPARE(m->changedInteractions, qint64(3)); // the reviews' triggers log them

        // 10 curated: a9 and a0 by reviewers, the 8 others by the rules. 46 s / 10 = 4.6 s.
        const AutomationFigures &a = m->automation.at(0);
        QCOMPARE(a.curated, qint64(10));
        QCOMPARE(a.byRules, qint64(8));
        QCOMPARE(a.byReviewers, qint64(2));
        QCOMPARE(a.automated.value, 0.8);
        QCOMPARE(a.reviewerSeconds, 46.0);
        QVERIFY(near(a.reviewerSecondsPerCurated, 4.6));
        QCOMPARE(m->automationTotal.byReviewers, qint64(2));

        // Failures: a6, a7, a8 (rules' negatives), a9 (corrected, whatever its label) and now a0.
        QCOMPARE(m->coverage.at(0).failures, qint64(5));
        QCOMPARE(m->coverage.at(0).curated, qint64(10));

        // Monday: a9 flagged; Tuesday: two decisions (the skip is not one).
        QCOMPARE(m->reviews.size(), size_t(2));
        QCOMPARE(m->reviews[0].flagged, qint64(1));
        QCOMPARE(m->reviews[0].decisions, qint64(0));
        QCOMPARE(m->reviews[1].bucketMs, utc(2026, 11, 3));
        QCOMPARE(m->reviews[1].flagged, qint64(0));
        QCOMPARE(m->reviews[1].decisions, qint64(2));
        // a9's latest review decided: nothing left open.
        QCOMPARE(m->backlogInteractions, qint64(0));
        QCOMPARE(m->backlog.at(0).open, qint64(0));

        // A later skip of a9 reopens it.
        QVERIFY(review("a9", "skip", "NULL", tuesday + 180000, 2));
        m = loadDashboard(*m_store, {});
        QCOMPARE(m->backlogInteractions, qint64(1));
        QCOMPARE(m->backlog.at(0).open, qint64(1));
        QCOMPARE(m->automation.at(0).byReviewers, qint64(2)); // the gold label still counts
        QCOMPARE(m->automation.at(0).reviewerSeconds, 48.0);
    }

    // v1 with outcomes; v2 with none and no feedback: rates of 0 with their n, and no NaN.
    void versionWithoutFeedback()
    {
        QByteArray lines;
        for (int i = 0; i < 4; ++i)
            lines += jsonLine("p" + QByteArray::number(i), utc(2026, 11, 2, 8 + i), "v1", "accepted");
        for (int i = 0; i < 3; ++i)
            lines += jsonLine("q" + QByteArray::number(i), utc(2026, 11, 2, 12 + i), "v2", "none");
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        auto m = loadDashboard(*m_store, {});
        QVERIFY(m);
        QCOMPARE(m->quality.size(), size_t(2));
        const QualityPoint &v2 = m->quality[1];
        QCOMPARE(v2.version, QStringLiteral("v2"));
        QCOMPARE(v2.interactions, qint64(3));
        QCOMPARE(v2.acceptance.n, qint64(3));
        QCOMPARE(v2.acceptance.value, 0.0);
        QCOMPARE(v2.thumbsUp.n, qint64(0));
        QCOMPARE(v2.thumbsUp.value, 0.0);
        QCOMPARE(v2.thumbsUp.high, 0.0);
        const AutomationFigures &a = m->automation.at(1);
        QCOMPARE(a.version, QStringLiteral("v2"));
        QCOMPARE(a.curated, qint64(0)); // unlabeled
        QCOMPARE(a.automated.n, qint64(0));
        QCOMPARE(a.automated.value, 0.0);
        QCOMPARE(a.reviewerSecondsPerCurated, 0.0);
        // The cycle v1 -> v2 (first seen in that order): acceptance 4/4 then 0/3.
        QCOMPARE(m->cycles.size(), size_t(1));
        QCOMPARE(m->cycles[0].segments[0].previous.acceptance.value, 1.0);
        QCOMPARE(m->cycles[0].segments[0].current.thumbsUp.n, qint64(0));
        const QByteArray json = QJsonDocument(dashboardJson(*m)).toJson();
        QVERIFY(!json.contains("nan") && !json.contains("inf"));
    }

    // 1 interaction on Sunday 2026-11-01, 2 on Monday 11-02, 3 on Sunday 11-08, 4 on Monday 11-09.
    // ISO weeks start on Monday: 10-26 holds 1, 11-02 holds 2 + 3 = 5, 11-09 holds 4.
    void weekBuckets()
    {
        QByteArray lines;
        int id = 0;
        for (const auto &[day, count] : {std::pair{1, 1}, std::pair{2, 2}, std::pair{8, 3}, std::pair{9, 4}})
            for (int i = 0; i < count; ++i)
                lines += jsonLine("w" + QByteArray::number(id++), utc(2026, 11, day, 10 + i));
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        DashboardFilter weeks;
        weeks.bucket = DashboardFilter::Bucket::Week;
        auto m = loadDashboard(*m_store, weeks);
        QVERIFY(m);
        QCOMPARE(m->volume.size(), size_t(3));
        QCOMPARE(m->volume[0].bucketMs, utc(2026, 10, 26));
        QCOMPARE(m->volume[0].interactions, qint64(1));
        QCOMPARE(m->volume[1].bucketMs, utc(2026, 11, 2));
        QCOMPARE(m->volume[1].interactions, qint64(5));
        QCOMPARE(m->volume[2].bucketMs, utc(2026, 11, 9));
        QCOMPARE(m->volume[2].interactions, qint64(4));
        QCOMPARE(m->quality[1].acceptance.hits, qint64(5));
        auto days = loadDashboard(*m_store, {});
        QVERIFY(days);
        QCOMPARE(days->volume.size(), size_t(4));
        QCOMPARE(days->volume[2].bucketMs, utc(2026, 11, 8));
        QCOMPARE(days->volume[2].interactions, qint64(3));
        QCOMPARE(dashboardJson(*m)
                     .value(QStringLiteral("volume"))
                     .toArray()
                     .at(1)
                     .toObject()
                     .value(QStringLiteral("bucket")),
                 QJsonValue(QStringLiteral("2026-11-02")));
    }

    //             billing           shipping
    // 11-02 v1    2 accepted        1 abandoned
    // 11-03 v1    1 accepted
    // 11-03 v2    2 accepted        2 abandoned
    // 11-04 v2                      3 accepted
    // v1 first seen 11-02 08:00 (no deployment recorded); v2 deployed 11-03 00:00.
    void filter()
    {
        QByteArray lines;
        int id = 0;
        const auto add = [&](int day, const QByteArray &version, const QByteArray &category,
                             const QByteArray &outcome, int count) {
            for (int i = 0; i < count; ++i)
                lines += jsonLine("f" + QByteArray::number(id++), utc(2026, 11, day, 8 + i), version, outcome,
                                  category);
        };
        add(2, "v1", "billing", "accepted", 2);
        add(2, "v1", "shipping", "abandoned", 1);
        add(3, "v1", "billing", "accepted", 1);
        add(3, "v2", "billing", "accepted", 2);
        add(3, "v2", "shipping", "abandoned", 2);
        add(4, "v2", "shipping", "accepted", 3);
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(recordModelVersion(*m_store, QStringLiteral("bot"), QStringLiteral("v2"), std::nullopt,
                                   utc(2026, 11, 3), QString()));
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());

        const auto volume = [](const DashboardMetrics &m) {
            QStringList points;
            for (const VolumePoint &p : m.volume)
                points.append(QStringLiteral("%1 %2 %3")
                                  .arg(QDateTime::fromMSecsSinceEpoch(p.bucketMs, Qt::UTC).date().day())
                                  .arg(p.version)
                                  .arg(p.interactions));
            return points.join(QStringLiteral(", "));
        };
        auto all = loadDashboard(*m_store, {});
        QVERIFY(all);
        QCOMPARE(volume(*all), QStringLiteral("2 v1 3, 3 v1 1, 3 v2 4, 4 v2 3"));
        QCOMPARE(all->deployments.size(), size_t(2));
        QCOMPARE(all->deployments[0].version, QStringLiteral("v1"));
        QCOMPARE(all->deployments[0].atMs, utc(2026, 11, 2, 8));
        QVERIFY(!all->deployments[0].recorded);
        QCOMPARE(all->deployments[1].atMs, utc(2026, 11, 3));
        QVERIFY(all->deployments[1].recorded);

        // A range within one day takes the whole day.
        DashboardFilter range;
        range.time = TimeRange{utc(2026, 11, 3, 15), utc(2026, 11, 3, 16)};
        auto day = loadDashboard(*m_store, range);
        QCOMPARE(volume(*day), QStringLiteral("3 v1 1, 3 v2 4"));
        QCOMPARE(day->deployments.size(), size_t(1)); // v2's; v1 first appeared the day before
        QCOMPARE(day->coverage.size(), size_t(2));
        QCOMPARE(segment(*day, QStringLiteral("shipping"))->traffic, qint64(2));

        // v2: billing 2 of 7 (all curated), shipping 5 of 7 (all curated, 2 negatives).
        DashboardFilter v2;
        v2.modelVersions = {QStringLiteral("v2")};
        auto version = loadDashboard(*m_store, v2);
        QCOMPARE(volume(*version), QStringLiteral("3 v2 4, 4 v2 3"));
        QCOMPARE(version->deployments.size(), size_t(1));
        QCOMPARE(version->automation.size(), size_t(1));
        QCOMPARE(version->automation[0].curated, qint64(7));
        QCOMPARE(segment(*version, QStringLiteral("shipping"))->failures, qint64(2));
        QVERIFY(near(segment(*version, QStringLiteral("shipping"))->trafficShare, 5.0 / 7));
        QCOMPARE(version->coverageGap, 0.0);
        // The cycle v1 -> v2 stays, with v1's counts: 4 interactions, 3 accepted.
        QCOMPARE(version->cycles.size(), size_t(1));
        QCOMPARE(version->cycles[0].segments[0].previous.interactions, qint64(4));
        QCOMPARE(version->cycles[0].segments[0].previous.acceptance.hits, qint64(3));
        QCOMPARE(version->cycles[0].segments[0].current.interactions, qint64(7));

        // shipping: 1 + 2 + 3 interactions, 3 abandoned.
        DashboardFilter shipping;
        shipping.segments = {QStringLiteral("shipping")};
        auto one = loadDashboard(*m_store, shipping);
        QCOMPARE(volume(*one), QStringLiteral("2 v1 1, 3 v2 2, 4 v2 3"));
        QCOMPARE(one->coverage.size(), size_t(1));
        QCOMPARE(one->coverage[0].failureRate.value, 0.5);
        QCOMPARE(one->coverage[0].trafficShare, 1.0);
        QCOMPARE(one->deployments.size(), size_t(2));        // segments do not apply to deployments
        QCOMPARE(one->cycles[0].segments.size(), size_t(2)); // all (= shipping) and shipping
        QCOMPARE(one->cycles[0].segments[0].previous.abandonment.hits, qint64(1));
        QCOMPARE(one->cycles[0].segments[0].current.interactions, qint64(5));

        DashboardFilter all3;
        all3.time = TimeRange::ofDays(QDate(2026, 11, 3), QDate(2026, 11, 4));
        all3.modelVersions = {QStringLiteral("v2")};
        all3.segments = {QStringLiteral("billing")};
        auto combined = loadDashboard(*m_store, all3);
        QCOMPARE(volume(*combined), QStringLiteral("3 v2 2"));
        QCOMPARE(combined->duplicates.n, qint64(2));
        const QJsonObject echoed = dashboardJson(*combined).value(QStringLiteral("filter")).toObject();
        QCOMPARE(echoed.value(QStringLiteral("from")).toString(), QStringLiteral("2026-11-03"));
        QCOMPARE(echoed.value(QStringLiteral("segments")).toArray().at(0).toString(),
                 QStringLiteral("billing"));
    }

    void coverageGapScores()
    {
        const GapTerm same[] = {{0.5, 0.5, 0.3}, {0.5, 0.5, 0.1}};
        QCOMPARE(coverageGapScore(same), 0.0);
        // Every curated example in the easy segment, none in the hard one:
        // (0.1 * 0 + 0.5 * 0.5) / (0.1 * 0.5 + 0.5 * 0.5) = 0.25 / 0.30.
        const GapTerm easyOnly[] = {{0.5, 1.0, 0.1}, {0.5, 0.0, 0.5}};
        QVERIFY(near(coverageGapScore(easyOnly), 0.25 / 0.30));
        const GapTerm hardOnly[] = {{0.5, 0.0, 0.1}, {0.5, 1.0, 0.5}};
        QVERIFY(near(coverageGapScore(hardOnly), 0.05 / 0.30));
        const GapTerm noFailures[] = {{0.7, 0.0, 0.0}, {0.3, 1.0, 0.0}};
        QCOMPARE(coverageGapScore(noFailures), 0.0); // the denominator is 0
        QCOMPARE(coverageGapScore({}), 0.0);
    }

    // easy: 20 accepted (curated, no failure). hard: 16 without outcome (unlabeled) and 4 abandoned
    // (curated negatives). t = 1/2, 1/2; c = 20/24, 4/24; h = 0, 4/20.
    // Gap = 0.2 * (1/2 - 1/6) / (0.2 * 1/2) = 2/3; hard is under-covered (1/6 < 1/4).
    void coverageGapOnAStore()
    {
        QByteArray lines;
        for (int i = 0; i < 20; ++i)
            lines += jsonLine("e" + QByteArray::number(i), utc(2026, 11, 2, 1), "v1", "accepted", "easy");
        for (int i = 0; i < 20; ++i)
            lines += jsonLine("h" + QByteArray::number(i), utc(2026, 11, 2, 2), "v1",
                              i < 4 ? "abandoned" : "none", "hard");
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        auto m = loadDashboard(*m_store, {});
        QVERIFY(m);
        QVERIFY(near(m->coverageGap, 2.0 / 3.0));
        const SegmentCoverage *hard = segment(*m, QStringLiteral("hard"));
        QVERIFY(hard);
        QVERIFY(near(hard->curatedShare, 4.0 / 24));
        QCOMPARE(hard->failureRate.value, 0.2);
        QVERIFY(hard->underCovered);
        QVERIFY(!segment(*m, QStringLiteral("easy"))->underCovered);
        QCOMPARE(
            dashboardJson(*m).value(QStringLiteral("coverage")).toObject().value(QStringLiteral("gap_score")),
            QJsonValue(m->coverageGap));

        // Identical distributions: two segments of 5 accepted and 5 abandoned each.
        init();
        lines.clear();
        for (int i = 0; i < 20; ++i)
            lines += jsonLine("s" + QByteArray::number(i), utc(2026, 11, 2, 1), "v1",
                              i % 10 < 5 ? "accepted" : "abandoned", i < 10 ? "one" : "two");
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        m = loadDashboard(*m_store, {});
        QCOMPARE(m->coverageGap, 0.0);
    }

    // sft@1 from run 1: easy 10 accepted, hard 8 without outcome and 2 abandoned. Its items are the
    // 10 easy ones: c = 1, 0; t = 1/2, 1/2; h = 0, 0.2. Gap = 0.2 * 1/2 / (0.2 * 1/2) = 1.
    // sft@2 from run 2, after 10 accepted in hard: t = 10/30, 20/30; h = 0, 2/20; items 10 easy and
    // 10 hard: c = 1/2, 1/2. Gap = 0.1 * (2/3 - 1/2) / (0.1 * 2/3) = 1/4.
    void coverageGapPerDatasetVersion()
    {
        QByteArray lines;
        for (int i = 0; i < 10; ++i)
            lines += jsonLine("e" + QByteArray::number(i), utc(2026, 11, 2, 1), "v1", "accepted", "easy");
        for (int i = 0; i < 10; ++i)
            lines += jsonLine("h" + QByteArray::number(i), utc(2026, 11, 2, 2), "v1",
                              i < 2 ? "abandoned" : "none", "hard");
        testing::ingestLines(*m_store, *m_dir, lines);
        auto first = Curator(*m_store, RuleSet::defaults()).run();
        QVERIFY(first);
        QVERIFY(exportSft(QStringLiteral("first")));
        lines.clear();
        for (int i = 10; i < 20; ++i)
            lines += jsonLine("h" + QByteArray::number(i), utc(2026, 11, 3, 2), "v1", "accepted", "hard");
        testing::ingestLines(*m_store, *m_dir, lines);
        auto second = Curator(*m_store, RuleSet::defaults()).run();
        QVERIFY(second);
        QVERIFY(exportSft(QStringLiteral("second")));

        auto m = loadDashboard(*m_store, {});
        QVERIFY(m);
        QCOMPARE(m->datasets.size(), size_t(2));
        const DatasetGrowth &v1 = m->datasets[0], &v2 = m->datasets[1];
        QCOMPARE(v1.name, QStringLiteral("sft"));
        QCOMPARE(v1.version, qint64(1));
        QCOMPARE(v1.kind, QStringLiteral("sft"));
        QCOMPARE(v1.examples, qint64(10));
        QCOMPARE(v1.referenceRunId, first->runId);
        QVERIFY(near(v1.coverageGap, 1.0));
        QCOMPARE(v2.version, qint64(2));
        QCOMPARE(v2.examples, qint64(20));
        QCOMPARE(v2.referenceRunId, second->runId);
        QVERIFY(near(v2.coverageGap, 0.25));
        QVERIFY(v2.createdAtMs >= v1.createdAtMs);
        // The filter does not apply to dataset versions.
        DashboardFilter other;
        other.segments = {QStringLiteral("easy")};
        QVERIFY(near(loadDashboard(*m_store, other)->datasets[1].coverageGap, 0.25));
    }

    // Exact duplicates: three interactions with one input make a cluster; two are not its
    // representative.
    void duplicateRatio()
    {
        QByteArray lines;
        for (int i = 0; i < 3; ++i)
            lines += jsonLine("d" + QByteArray::number(i), utc(2026, 11, 2, 1 + i), "v1", "accepted",
                              "weather", {}, "How warm will it be in Lisbon tomorrow afternoon");
        for (int i = 0; i < 5; ++i)
            lines += jsonLine("u" + QByteArray::number(i), utc(2026, 11, 2, 5 + i));
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        auto m = loadDashboard(*m_store, {});
        QCOMPARE(m->duplicates.hits, qint64(2));
        QCOMPARE(m->duplicates.n, qint64(8));
    }

private:
    void ingestSingleDay()
    {
        QByteArray lines;
        for (int i = 0; i < 10; ++i)
            lines += jsonLine("a" + QByteArray::number(i), utc(2026, 11, 2, 8) + i * 60000, "v1",
                              i < 6    ? "accepted"
                              : i < 8  ? "abandoned"
                              : i == 8 ? "edited"
                                       : "none",
                              "weather",
                              i < 3    ? kThumbsUp
                              : i == 6 ? kThumbsDown
                              : i == 9 ? kCorrection
                                       : QByteArray());
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        // The labels the fixture's arithmetic assumes.
        QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM curation WHERE label = 'positive'"),
                 qint64(6));
        QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM curation WHERE label = 'negative'"),
                 qint64(3));
        QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM curation WHERE label = 'gold'"), qint64(1));
        QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM flags"), qint64(1));
    }

    bool review(const char *id, const char *decision, const char *label, qint64 at, double seconds)
    {
        const QByteArray sql =
            QStringLiteral(
                "INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at, seconds) "
                "SELECT id, '%1', %2, 'ann', %3, %4 FROM interactions WHERE external_id = '%5'")
                .arg(QLatin1String(decision), QLatin1String(label))
                .arg(at)
                .arg(seconds)
                .arg(QLatin1String(id))
                .toUtf8();
        return bool(m_store->db().exec(sql.constData()));
    }

    bool exportSft(const QString &folder)
    {
        ExportOptions options;
        options.outDir = m_dir->filePath(folder);
        options.ratios = {1, 0, 0};
        auto report = Exporter(*m_store, options).run();
        if (!report)
            qWarning("%s", qPrintable(report.errorMessage()));
        return bool(report);
    }

    std::optional<QTemporaryDir> m_dir;
    std::optional<Store> m_store;
};

QTEST_GUILESS_MAIN(TestDashboard)
#include "tst_dashboard.moc"
