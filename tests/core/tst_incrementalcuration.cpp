#include "tst_incrementalcuration.h"

#include "../common/curationresults.h"
#include "ingesttesting.h"

#include "curate/curationrun.h"
#include "curate/nearduplicates.h"
#include "curate/rules.h"
#include "curate/topics.h"
#include "demo/demogenerator.h"
#include "store/statement.h"

#include <QTest>

using namespace flywheel;

namespace {

// Inputs without a category, on four themes, numbered so that neighbours are near-duplicates.
QByteArray uncategorized(int from, int to, const QByteArray &prefix = "u", int numbers = 0)
{
    static const char *themes[] = {
        "how do I reset the password for the login page of my account number %1",
        "where is my parcel, the delivery tracking code %1 shows nothing since monday",
        "please translate this sentence into french for my trip: the weather is nice %1",
        "write a python function that sorts a list of numbers and removes repeats %1",
    };
    QByteArray lines;
    for (int i = from; i < to; ++i) {
        const QByteArray user =
            QByteArray(themes[i % 4]).replace("%1", QByteArray::number(numbers + i / 4 % 97));
        const QByteArray id = prefix + QByteArray::number(i);
        lines += R"({"id":")" + id +
                 R"(","timestamp":"2026-11-01T12:00:00Z","model":"bot","model_version":"v1",)" +
                 R"("latency_ms":)" + QByteArray::number(800 + (i * 37) % 300) +
                 R"(,"input":[{"role":"user","content":")" + user +
                 R"("}],"output":"Here you are.","outcome":")" +
                 (i % 3 == 0   ? "accepted"
                  : i % 3 == 1 ? "edited"
                               : "abandoned") +
                 "\"}\n";
    }
    return lines;
}

} // namespace

void TestIncrementalCuration::init()
{
    m_dir.emplace();
    auto store = Store::open(m_dir->filePath(QStringLiteral("incremental.flywheel")));
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(*store));
}

void TestIncrementalCuration::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestIncrementalCuration::ingest(const QByteArray &lines)
{
    testing::ingestLines(*m_store, *m_dir, lines);
}

qint64 TestIncrementalCuration::count(const char *sql)
{
    return testing::count(*m_store, sql);
}

// 2,000 demo interactions (categories, near-duplicates, feedback, personal data) and 1,000 without
// a category (enough for topics to stay as they are while a few are added), curated once.
void TestIncrementalCuration::buildBase()
{
    DemoOptions options;
    options.interactions = 2000;
    QVERIFY(DemoGenerator(*m_store, options).run());
    ingest(uncategorized(0, 1000));
    const CurationReport first = curate();
    QVERIFY(!first.incremental);
    QCOMPARE(first.fullReason, std::string("no earlier run"));
}

CurationReport TestIncrementalCuration::curate(bool full)
{
    Curator curator(*m_store, RuleSet::defaults());
    curator.setFull(full);
    auto report = curator.run();
    if (!report)
        qFatal("curation failed: %s", qPrintable(report.errorMessage()));
    return *report;
}

QStringList TestIncrementalCuration::results()
{
    QStringList lines;
    testing::forEachCurationResult(*m_store, [&](const QString &line) { lines.append(line); });
    return lines;
}

void TestIncrementalCuration::topicCheckpoints()
{
    QCOMPARE(topicCheckpoint(0), qint64(0));
    QCOMPARE(topicCheckpoint(999), qint64(999)); // small stores: every run trains
    QCOMPARE(topicCheckpoint(1000), qint64(1000));
    QCOMPARE(topicCheckpoint(1249), qint64(1000));
    QCOMPARE(topicCheckpoint(1250), qint64(1250));
    QCOMPARE(topicCheckpoint(2000), qint64(1953));
    QCOMPARE(topicCheckpoint(1000000), qint64(807794)); // 1000 · 1.25^30
}

void TestIncrementalCuration::signaturesAndTopicModelRoundTrip()
{
    const std::vector<std::string> texts = {"reset my password please", "", "track my parcel delivery",
                                            "reset my password now", "track the parcel delivery today"};
    const std::vector<std::string_view> views(texts.begin(), texts.end());
    TextSignatures signatures;
    signTexts(views, NearDuplicateSettings{}, signatures);
    QCOMPARE(signatures.size(), texts.size());
    QVERIFY(signatures.empty(1));
    TextSignatures back;
    for (size_t t = 0; t < texts.size(); ++t)
        QVERIFY(back.appendBytes(signatures.bytes(t)));
    QVERIFY(!back.appendBytes("odd"));
    for (size_t t = 0; t < texts.size(); ++t) {
        QCOMPARE(back.empty(t), signatures.empty(t));
        QVERIFY(std::equal(back.of(t), back.of(t) + back.width(), signatures.of(t)));
    }

    const TopicModel model = TopicModel::train(views, std::vector<qint64>(texts.size(), 1));
    QVERIFY(!model.names().empty());
    const std::optional<TopicModel> parsed = TopicModel::parse(model.serialize());
    QVERIFY(parsed);
    QCOMPARE(parsed->names(), model.names());
    for (const std::string_view text :
         {"password reset", "parcel tracking", "nothing known", "delivery today"})
        QCOMPARE(parsed->assign(text), model.assign(text));
    QVERIFY(!TopicModel::parse("not a model"));
    const std::string bytes = model.serialize();
    QVERIFY(!TopicModel::parse(std::string_view(bytes).substr(0, bytes.size() - 3)));
}

// New interactions (with a category and without, near and exact duplicates of old inputs, personal
// data), feedback and a correction on old ones, and a review: an incremental run computes only those,
// and its results are, row for row, those of a full run.
void TestIncrementalCuration::incrementalEqualsFull()
{
    buildBase();
    DemoOptions more;
    more.interactions = 100;
    more.seed = 43;
    QVERIFY(DemoGenerator(*m_store, more).run());
    QByteArray changes =
        uncategorized(1000, 1060, "u", 500) + uncategorized(0, 2, "again") +
        R"({"type":"feedback","interaction_id":"u3","kind":"thumbs","value":"down"})"
        "\n"
        R"({"type":"correction","interaction_id":"u5","output":"A better answer."})"
        "\n"
        R"({"id":"mail","timestamp":"2026-11-02T12:00:00Z","input":[{"role":"user","content":)"
        R"("write to jane.doe@example.com about my parcel"}],"output":"Done."})"
        "\n";
    ingest(changes);
    QVERIFY(m_store->db().exec("INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at) "
                               "SELECT interaction_id, 'reject', 'negative', 'ann', 1 FROM curation "
                               "WHERE label = 'positive' ORDER BY interaction_id LIMIT 1"));
    // A reviewer moves an input without a category out of its topic; a later review without a
    // segment leaves it there.
    QVERIFY(
        m_store->db().exec("INSERT INTO reviews (interaction_id, decision, reviewer, created_at, segment) "
                           "SELECT id, 'approve', 'ann', 2, 'returns desk' FROM interactions "
                           "WHERE external_id = 'u7'"));
    QVERIFY(m_store->db().exec("INSERT INTO reviews (interaction_id, decision, reviewer, created_at) "
                               "SELECT id, 'approve', 'ann', 3 FROM interactions WHERE external_id = 'u7'"));
    QCOMPARE(count("SELECT count(DISTINCT interaction_id) FROM curation_dirty"), qint64(4));

    const CurationReport incremental = curate();
    QVERIFY2(incremental.incremental, incremental.fullReason.c_str());
    QCOMPARE(incremental.processed, qint64(100 + 60 + 2 + 1 + 4));
    QCOMPARE(incremental.interactions, qint64(3000 + 163));
    QCOMPARE(count("SELECT count(*) FROM curation_dirty"), qint64(0));
    const QStringList afterIncremental = results();

    const CurationReport full = curate(true);
    QCOMPARE(full.fullReason, std::string("asked for"));
    QCOMPARE(full.processed, incremental.interactions);
    const QStringList afterFull = results();
    QCOMPARE(afterIncremental.size(), afterFull.size());
    for (qsizetype i = 0; i < afterFull.size(); ++i)
        QCOMPARE(afterIncremental[i], afterFull[i]);
    QCOMPARE(incremental.labels, full.labels);
    QCOMPARE(incremental.flags, full.flags);
    QCOMPARE(incremental.nearDuplicatePairs, full.nearDuplicatePairs);
    QCOMPARE(incremental.duplicateGroups, full.duplicateGroups);
    QCOMPARE(incremental.personalDataSpans, full.personalDataSpans);
    for (size_t r = 0; r < full.rules.size(); ++r) {
        QCOMPARE(incremental.rules[r].coverage, full.rules[r].coverage);
        QCOMPARE(incremental.rules[r].conflicts, full.rules[r].conflicts);
        QCOMPARE(incremental.rules[r].overturned, full.rules[r].overturned);
    }
    QVERIFY(incremental.nearDuplicatePairs > 0);
    QCOMPARE(count("SELECT count(*) FROM curation c JOIN interactions i ON i.id = c.interaction_id "
                   "WHERE i.external_id LIKE 'u%' AND c.segment LIKE 'topic:%'"),
             qint64(1059));
    QCOMPARE(count("SELECT count(*) FROM curation c JOIN interactions i ON i.id = c.interaction_id "
                   "WHERE i.external_id = 'u7' AND c.segment = 'returns desk'"),
             qint64(1));
    QCOMPARE(count("SELECT traffic FROM segment_stats WHERE segment = 'returns desk' AND run_id = "
                   "(SELECT max(id) FROM curation_runs)"),
             qint64(1));
    QCOMPARE(count("SELECT sum(interactions) FROM daily_rollup WHERE segment = 'returns desk'"), qint64(1));

    // Nothing changed: nothing computed, nothing written differently.
    const CurationReport idle = curate();
    QVERIFY(idle.incremental);
    QCOMPARE(idle.processed, qint64(0));
    QCOMPARE(results(), afterFull);
    QCOMPARE(count("SELECT count(*) FROM reviews"), qint64(3));
}

void TestIncrementalCuration::reasonsForAFullRun()
{
    ingest(uncategorized(0, 1100));
    QCOMPARE(curate().fullReason, std::string("no earlier run"));
    QVERIFY(curate().incremental);
    QCOMPARE(curate(true).fullReason, std::string("asked for"));

    auto rules = RuleSet::parse(
        R"({"rules":[{"id":"r","when":{"outcome":"accepted"},"label":"positive","reason":"test"}]})",
        QStringLiteral("test.json"));
    QVERIFY(rules);
    auto other = Curator(*m_store, *rules).run();
    QVERIFY(other);
    QCOMPARE(other->fullReason, std::string("the rules changed"));
    QCOMPARE(curate().fullReason, std::string("the rules changed"));

    // The same id with another output: the interaction is updated in place.
    QByteArray edited = uncategorized(7, 8);
    edited.replace("Here you are.", "Here it is.");
    ingest(edited);
    QCOMPARE(curate().fullReason, std::string("an interaction's content changed"));

    QVERIFY(m_store->db().exec("DELETE FROM interactions WHERE id = 9"));
    QCOMPARE(curate().fullReason, std::string("interactions were deleted"));

    ingest(uncategorized(1100, 1300, "grow"));
    QCOMPARE(curate().fullReason,
             std::string("topics are retrained at 1250 interactions without a category"));
    QVERIFY(curate().incremental);
}

void TestIncrementalCuration::changeLogListsCuratedInteractionsOnly()
{
    ingest(uncategorized(0, 10));
    curate();
    QCOMPARE(count("SELECT count(*) FROM curation_dirty"), qint64(0));
    ingest(R"({"type":"feedback","interaction_id":"u2","kind":"rating","value":4})"
           "\n");
    QCOMPARE(count("SELECT count(*) FROM curation_dirty"), qint64(1));
    // An interaction the last run did not reach is new to the next one, with its events.
    ingest(uncategorized(10, 11).replace("\"}\n", R"(","feedback":[{"kind":"thumbs","value":"up"}]})"
                                                  "\n"));
    QCOMPARE(count("SELECT count(*) FROM curation_dirty"), qint64(1));
    curate();
    QCOMPARE(count("SELECT count(*) FROM curation_dirty"), qint64(0));
    QCOMPARE(count("SELECT count(*) FROM curation"), qint64(11));
}

void TestIncrementalCuration::cancelledIncrementalRunKeepsResults()
{
    ingest(uncategorized(0, 1100));
    curate();
    const QStringList before = results();
    ingest(uncategorized(1100, 1150, "late") +
           R"({"type":"feedback","interaction_id":"u1","kind":"thumbs","value":"down"})"
           "\n");
    std::atomic_bool cancel{false};
    Curator curator(*m_store, RuleSet::defaults());
    curator.setCancelFlag(&cancel);
    curator.setProgressCallback([&](const CurationProgress &p) {
        if (p.stage == QStringLiteral("duplicates"))
            cancel = true;
    });
    auto report = curator.run();
    QVERIFY(report);
    QVERIFY(report->cancelled);
    QCOMPARE(results(), before);
    QCOMPARE(count("SELECT count(*) FROM curation_dirty"), qint64(1)); // still waiting
    const CurationReport next = curate();
    QVERIFY(next.incremental);
    QCOMPARE(next.processed, qint64(51));
}

QTEST_GUILESS_MAIN(TestIncrementalCuration)
