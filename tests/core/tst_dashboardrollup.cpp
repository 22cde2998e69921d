// The flywheel-health dashboard's rollup: its figures equal plain queries over the base tables on a
// curated demo store with reviews and a dataset, unfiltered and filtered, after a full and an
// incremental run.

#include "dashboardtesting.h"
#include "ingesttesting.h"

#include "curate/curator.h"
#include "curate/rules.h"
#include "demo/demogenerator.h"
#include "export/exporter.h"
#include "export/lineage.h"
#include "metrics/dashboard.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <map>

using namespace flywheel;
using testing::near;
using testing::utc;

namespace {

constexpr qint64 kDay = 86400000;

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
    const QDate epoch(1970, 1, 1);
    f.time.fromMs ? statement->bind(1, epoch.daysTo(f.time.firstDay())) : statement->bindNull(1);
    f.time.toMs ? statement->bind(2, epoch.daysTo(f.time.lastDay())) : statement->bindNull(2);
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

class TestDashboardRollup : public QObject {
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
    void compareWithPlainQueries()
    {
        DashboardFilter filtered;
        filtered.time = TimeRange::ofDays(QDate(2026, 8, 20), QDate(2026, 10, 10));
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

QTEST_GUILESS_MAIN(TestDashboardRollup)
#include "tst_dashboardrollup.moc"
