// The flywheel-health dashboard: each metric on small hand-computed fixtures, the coverage-gap
// score on crafted distributions, and the rollup's figures against plain queries over the base
// tables on a curated demo store, after a full and an incremental run.

#include "ingesttesting.h"

#include "curate/curator.h"
#include "curate/rules.h"
#include "demo/demogenerator.h"
#include "export/exporter.h"
#include "export/lineage.h"
#include "metrics/dashboard.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <map>

using namespace flywheel;

namespace {

constexpr qint64 kDay = 86400000;

qint64 utc(int year, int month, int day, int hour = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0), Qt::UTC).toMSecsSinceEpoch();
}

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

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-9;
}

const SegmentCoverage *segment(const DashboardMetrics &m, const QString &name)
{
    for (const SegmentCoverage &s : m.coverage)
        if (s.segment == name)
            return &s;
    return nullptr;
}

// ---- Plain queries over the base tables, for the equality tests ---------------------------------

// The dashboard's filter on interactions i and their curation row c (UTC days of i.ts).
constexpr const char *kPlainFilter =
    " (?1 IS NULL OR (i.ts - (i.ts % 86400000 + 86400000) % 86400000) / 86400000 >= ?1)"
    " AND (?2 IS NULL OR (i.ts - (i.ts % 86400000 + 86400000) % 86400000) / 86400000 <= ?2)"
    " AND (?3 = '[]' OR i.model_version IN (SELECT value FROM json_each(?3)))"
    " AND (?4 = '[]' OR c.segment IN (SELECT value FROM json_each(?4))) ";

// Each row of @p sql (its filter bound as the dashboard binds it) as "key columns -> values".
std::map<QString, QString> plainRows(Store &store, const QByteArray &sql, const DashboardFilter &f, int keys)
{
    std::map<QString, QString> rows;
    auto statement = store.db().prepare(sql.constData());
    if (!statement) {
        qWarning("%s", qPrintable(statement.errorMessage()));
        return rows;
    }
    const auto day = [](qint64 ms) {
        return ms >= 0 ? ms / kDay : -((-ms + kDay - 1) / kDay);
    };
    f.fromMs ? statement->bind(1, day(f.fromMs)) : statement->bindNull(1);
    f.toMs ? statement->bind(2, day(f.toMs)) : statement->bindNull(2);
    statement->bind(3, QJsonDocument(QJsonArray::fromStringList(f.modelVersions))
                           .toJson(QJsonDocument::Compact)
                           .toStdString());
    statement->bind(
        4,
        QJsonDocument(QJsonArray::fromStringList(f.segments)).toJson(QJsonDocument::Compact).toStdString());
    (void)statement->forEachRow([&] {
        QStringList key, values;
        for (int c = 0; c < statement->columnCount(); ++c)
            (c < keys ? key : values).append(statement->columnText(c));
        rows[key.join(QLatin1Char('|'))] = values.join(QLatin1Char('|'));
    });
    return rows;
}

QString n(qint64 value)
{
    return QString::number(value);
}

// Reports the first key whose values differ.
bool sameRows(const std::map<QString, QString> &dashboard, const std::map<QString, QString> &plain,
              const char *what)
{
    for (const auto &[key, value] : plain) {
        const auto found = dashboard.find(key);
        if (found == dashboard.end() || found->second != value) {
            qWarning("%s %s: dashboard %s, plain query %s", what, qPrintable(key),
                     found == dashboard.end() ? "(none)" : qPrintable(found->second), qPrintable(value));
            return false;
        }
    }
    if (dashboard.size() != plain.size()) {
        qWarning("%s: %zu rows on the dashboard, %zu from the plain query", what, dashboard.size(),
                 plain.size());
        return false;
    }
    return true;
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
        range.fromMs = utc(2026, 11, 3, 15);
        range.toMs = utc(2026, 11, 3, 16);
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
        all3.fromMs = utc(2026, 11, 3);
        all3.toMs = utc(2026, 11, 4);
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

    // The rollup's figures equal plain queries over the base tables: on a curated demo store with
    // reviews and a dataset, unfiltered and filtered, after a full and after an incremental run.
    void rollupEqualsPlainQueries()
    {
        QVERIFY(DemoGenerator(*m_store, DemoOptions{3000, 42}).run());
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        // Reviews of 60 flagged interactions on three days, with a later review of some.
        QVERIFY(m_store->db().exec(R"sql(
INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at, seconds)
SELECT interaction_id,
       CASE n % 4 WHEN 0 THEN 'approve' WHEN 1 THEN 'reject' WHEN 2 THEN 'correct' ELSE 'skip' END,
       CASE n % 4 WHEN 0 THEN 'positive' WHEN 1 THEN 'negative' WHEN 2 THEN 'gold' END,
       'ann', 1793700000000 + (n % 3) * 86400000 + n * 1000, n % 7 + 0.5
FROM (SELECT interaction_id, row_number() OVER (ORDER BY interaction_id) AS n
      FROM (SELECT DISTINCT interaction_id FROM flags) LIMIT 60);
INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at, seconds)
SELECT interaction_id, 'skip', NULL, 'ann', created_at + 5000, 1 FROM reviews WHERE id % 5 = 0;
INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at)
SELECT interaction_id, 'reject', 'negative', 'ann', created_at + 9000 FROM reviews WHERE id % 7 = 1 AND id <= 60;
)sql"));
        ExportOptions options;
        options.outDir = m_dir->filePath(QStringLiteral("sft"));
        QVERIFY(Exporter(*m_store, options).run());
        compareWithPlainQueries();

        // Incremental: new traffic, a new correction of an old interaction, a new review.
        QVERIFY(DemoGenerator(*m_store, DemoOptions{300, 43}).run());
        QVERIFY(m_store->db().exec(R"sql(
INSERT INTO corrections (interaction_id, source_id, interaction_external_id, corrected_output, event_key, ingested_at)
SELECT id, source_id, external_id, 'Corrected later.', randomblob(16), 1 FROM interactions WHERE id IN (5, 6, 7);
INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at, seconds)
VALUES (8, 'approve', 'gold', 'ann', 1793800000000, 9);
)sql"));
        auto incremental = Curator(*m_store, RuleSet::defaults()).run();
        QVERIFY(incremental);
        QVERIFY2(incremental->incremental, incremental->fullReason.c_str());
        compareWithPlainQueries();
        const auto rollup = [&] {
            DashboardFilter none;
            return std::pair{plainRows(*m_store, "SELECT * FROM daily_rollup", none, 3),
                             plainRows(*m_store, "SELECT * FROM flag_rollup", none, 4)};
        };
        const auto afterIncremental = rollup();
        Curator full(*m_store, RuleSet::defaults());
        full.setFull(true);
        QVERIFY(full.run());
        QVERIFY(sameRows(rollup().first, afterIncremental.first, "daily_rollup, full against incremental"));
        QVERIFY(sameRows(rollup().second, afterIncremental.second, "flag_rollup, full against incremental"));
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

    void compareWithPlainQueries()
    {
        DashboardFilter filtered;
        filtered.fromMs = utc(2026, 8, 20);
        filtered.toMs = utc(2026, 10, 10);
        filtered.modelVersions = {QStringLiteral("v2"), QStringLiteral("v3")};
        filtered.segments = {QStringLiteral("billing"), QStringLiteral("shipping"),
                             QStringLiteral("returns")};
        for (const DashboardFilter &f : {DashboardFilter{}, filtered}) {
            auto m = loadDashboard(*m_store, f);
            QVERIFY2(m, qPrintable(m.errorMessage()));
            QVERIFY(!m->quality.empty());
            compareQuality(*m, f);
            compareLabels(*m, f);
            compareReviewWork(*m, f);
        }
        compareDatasets();
        compareCyclesWithCompareCycles();
    }

    void compareQuality(const DashboardMetrics &m, const DashboardFilter &f)
    {
        std::map<QString, QString> dashboard;
        for (const QualityPoint &q : m.quality)
            dashboard[QStringLiteral("%1|%2|%3").arg(n(q.bucketMs / kDay), q.model, q.version)] =
                QStringList{n(q.interactions),     n(q.acceptance.hits), n(q.correction.hits),
                            n(q.abandonment.hits), n(q.thumbsUp.n),      n(q.thumbsUp.hits)}
                    .join(QLatin1Char('|'));
        const auto plain = plainRows(*m_store,
                                     QByteArray(R"sql(
SELECT (i.ts - (i.ts % 86400000 + 86400000) % 86400000) / 86400000, i.model_name, i.model_version,
       count(*), sum(i.outcome IN ('accepted', 'copied')),
       sum(i.outcome = 'edited' OR EXISTS (SELECT 1 FROM corrections WHERE interaction_id = i.id)),
       sum(i.outcome = 'abandoned'),
       sum(EXISTS (SELECT 1 FROM feedback_events WHERE interaction_id = i.id AND kind = 'thumbs' AND value <> 0)),
       sum(EXISTS (SELECT 1 FROM feedback_events WHERE interaction_id = i.id AND kind = 'thumbs' AND value > 0))
FROM interactions i JOIN curation c ON c.interaction_id = i.id WHERE)sql") +
                                         kPlainFilter + "GROUP BY 1, 2, 3",
                                     f, 3);
        QVERIFY(sameRows(dashboard, plain, "quality"));
        qint64 volume = 0;
        for (const VolumePoint &v : m.volume)
            volume += v.interactions;
        QCOMPARE(volume, m.duplicates.n);
    }

    // Automation per version, coverage per segment and duplicates, from effective_labels.
    void compareLabels(const DashboardMetrics &m, const DashboardFilter &f)
    {
        std::map<QString, QString> automation, seconds, coverage;
        for (const AutomationFigures &a : m.automation) {
            automation[a.model + QLatin1Char('|') + a.version] =
                QStringList{n(a.curated), n(a.byRules), n(a.byReviewers)}.join(QLatin1Char('|'));
            if (a.reviewerSeconds != 0)
                seconds[a.model + QLatin1Char('|') + a.version] = QString::number(a.reviewerSeconds, 'f', 3);
        }
        for (const SegmentCoverage &s : m.coverage)
            coverage[s.segment] =
                QStringList{n(s.traffic), n(s.curated), n(s.failures)}.join(QLatin1Char('|'));
        const QByteArray labels = "FROM interactions i JOIN curation c ON c.interaction_id = i.id "
                                  "JOIN effective_labels e ON e.interaction_id = i.id WHERE";
        QVERIFY(
            sameRows(automation,
                     plainRows(*m_store,
                               "SELECT i.model_name, i.model_version, "
                               "sum(e.label IN ('gold', 'positive', 'negative')), "
                               "sum(e.label IN ('gold', 'positive', 'negative') AND e.decided_by = 'rules'), "
                               "sum(e.decided_by = 'review') " +
                                   labels + kPlainFilter + "GROUP BY 1, 2",
                               f, 2),
                     "automation"));
        QVERIFY(sameRows(
            seconds,
            plainRows(*m_store,
                      "SELECT i.model_name, i.model_version, printf('%.3f', total(r.seconds)) "
                      "FROM reviews r JOIN interactions i ON i.id = r.interaction_id JOIN curation c "
                      "ON c.interaction_id = i.id WHERE" +
                          QByteArray(kPlainFilter) + "GROUP BY 1, 2 HAVING total(r.seconds) <> 0",
                      f, 2),
            "reviewer seconds"));
        QVERIFY(sameRows(
            coverage,
            plainRows(*m_store,
                      "SELECT c.segment, count(*), sum(e.label IN ('gold', 'positive', 'negative')), "
                      "sum(e.label = 'negative' OR EXISTS (SELECT 1 FROM corrections "
                      "WHERE interaction_id = i.id)) " +
                          labels + kPlainFilter + "GROUP BY 1",
                      f, 1),
            "coverage"));
        const auto duplicates =
            plainRows(*m_store,
                      "SELECT 'all', sum(c.cluster_id IS NOT NULL AND c.cluster_id <> "
                      "c.interaction_id), count(*) FROM interactions i JOIN curation c ON "
                      "c.interaction_id = i.id WHERE" +
                          QByteArray(kPlainFilter),
                      f, 1);
        QCOMPARE(duplicates.at(QStringLiteral("all")),
                 n(m.duplicates.hits) + QLatin1Char('|') + n(m.duplicates.n));
    }

    void compareReviewWork(const DashboardMetrics &m, const DashboardFilter &f)
    {
        std::map<QString, QString> flagged, decisions, backlog;
        for (const ReviewPoint &p : m.reviews) {
            if (p.flagged)
                flagged[n(p.bucketMs / kDay)] = n(p.flagged);
            if (p.decisions)
                decisions[n(p.bucketMs / kDay)] = n(p.decisions);
        }
        for (const BacklogEntry &b : m.backlog)
            if (b.open)
                backlog[b.reason] = n(b.open);
        QVERIFY(
            sameRows(flagged,
                     plainRows(*m_store,
                               "SELECT (i.ts - (i.ts % 86400000 + 86400000) % 86400000) / 86400000, "
                               "count(DISTINCT f.interaction_id) FROM flags f JOIN interactions i ON i.id = "
                               "f.interaction_id JOIN curation c ON c.interaction_id = i.id WHERE" +
                                   QByteArray(kPlainFilter) + "GROUP BY 1",
                               f, 1),
                     "flagged"));
        // Decisions by the decision's day: the filter's dates apply to it.
        QByteArray byDecision = kPlainFilter;
        byDecision.replace("i.ts", "r.created_at");
        QVERIFY(sameRows(
            decisions,
            plainRows(*m_store,
                      "SELECT (r.created_at - (r.created_at % 86400000 + 86400000) % 86400000) / "
                      "86400000, count(*) FROM reviews r JOIN interactions i ON i.id = r.interaction_id "
                      "JOIN curation c ON c.interaction_id = i.id WHERE r.decision <> 'skip' AND" +
                          byDecision + "GROUP BY 1",
                      f, 1),
            "decisions"));
        const QByteArray open =
            "FROM flags f JOIN interactions i ON i.id = f.interaction_id JOIN curation c ON "
            "c.interaction_id = i.id LEFT JOIN reviews r ON r.id = (SELECT id FROM reviews "
            "WHERE interaction_id = f.interaction_id ORDER BY created_at DESC, id DESC LIMIT 1) "
            "WHERE (r.id IS NULL OR r.decision = 'skip') AND";
        QVERIFY(sameRows(
            backlog,
            plainRows(*m_store, "SELECT f.reason, count(*) " + open + kPlainFilter + "GROUP BY 1", f, 1),
            "backlog"));
        const auto total = plainRows(
            *m_store, "SELECT 'all', count(DISTINCT f.interaction_id) " + open + kPlainFilter, f, 1);
        QCOMPARE(total.at(QStringLiteral("all")), n(m.backlogInteractions));
    }

    // Each dataset's items per segment, counted by the trigger, against dataset_items; and its score
    // recomputed from them and its run's segment_stats.
    void compareDatasets()
    {
        DashboardFilter none;
        QVERIFY(
            sameRows(plainRows(*m_store, "SELECT dataset_id, segment, items FROM dataset_segments", none, 2),
                     plainRows(*m_store,
                               "SELECT d.dataset_id, c.segment, count(*) FROM dataset_items d "
                               "JOIN curation c ON c.interaction_id = d.interaction_id GROUP BY 1, 2",
                               none, 2),
                     "dataset segments"));
        auto m = loadDashboard(*m_store, {});
        QVERIFY(m && !m->datasets.empty());
        for (const DatasetGrowth &d : m->datasets) {
            auto terms = m_store->db().prepare(
                "SELECT s.traffic_share, s.failure_rate, (SELECT count(*) FROM dataset_items i JOIN "
                "curation "
                "c "
                "ON c.interaction_id = i.interaction_id WHERE i.dataset_id = ?1 AND c.segment = "
                "s.segment) * "
                "1.0 / "
                "(SELECT count(*) FROM dataset_items WHERE dataset_id = ?1) FROM segment_stats s "
                "WHERE s.run_id = (SELECT curation_run_id FROM datasets WHERE id = ?1)");
            QVERIFY(terms);
            terms->bind(1, d.id);
            std::vector<GapTerm> gap;
            QVERIFY(terms->forEachRow([&] {
                gap.push_back({terms->columnDouble(0), terms->columnDouble(2), terms->columnDouble(1)});
            }));
            QVERIFY(!gap.empty());
            QVERIFY(near(d.coverageGap, coverageGapScore(gap)));
        }
    }

    void compareCyclesWithCompareCycles()
    {
        auto m = loadDashboard(*m_store, {});
        auto plain = compareCycles(*m_store);
        QVERIFY(m && plain);
        QCOMPARE(m->cycles.size(), plain->size());
        QVERIFY(!plain->empty());
        for (size_t c = 0; c < plain->size(); ++c) {
            const CycleComparison &a = m->cycles[c], &b = plain->at(c);
            QCOMPARE(a.currentVersion, b.currentVersion);
            QCOMPARE(a.previousVersion, b.previousVersion);
            QCOMPARE(a.segments.size(), b.segments.size());
            for (size_t s = 0; s < a.segments.size(); ++s)
                for (const auto &[x, y] : {std::pair{&a.segments[s].previous, &b.segments[s].previous},
                                           std::pair{&a.segments[s].current, &b.segments[s].current}}) {
                    QCOMPARE(a.segments[s].segment, b.segments[s].segment);
                    QCOMPARE(x->interactions, y->interactions);
                    QCOMPARE(x->acceptance.hits, y->acceptance.hits);
                    QCOMPARE(x->correction.hits, y->correction.hits);
                    QCOMPARE(x->abandonment.hits, y->abandonment.hits);
                    QCOMPARE(x->thumbsUp.hits, y->thumbsUp.hits);
                    QCOMPARE(x->thumbsUp.n, y->thumbsUp.n);
                }
        }
    }

    std::optional<QTemporaryDir> m_dir;
    std::optional<Store> m_store;
};

QTEST_GUILESS_MAIN(TestDashboard)
#include "tst_dashboard.moc"
