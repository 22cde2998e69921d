#include "demo/demogenerator.h"
#include "demo/oasstconversations.h"
#include "store/statement.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>

using namespace flywheel;

namespace {

constexpr qint64 kDayMs = 86'400'000;
constexpr qint64 kDefaultSize = 20000;
// The demo commits every 20,000 interactions.
constexpr qint64 kBatchSize = 20000;
// 2026-08-03T00:00:00Z and 2026-10-31T23:59:59Z: the demo's fixed window.
constexpr qint64 kWindowStartMs = 1785715200000;
constexpr qint64 kWindowEndMs = 1793491199000;

Statement prepare(Store &store, const char *sql)
{
    auto statement = store.db().prepare(sql);
    if (!statement)
        qFatal("%s: %s", sql, qPrintable(statement.errorMessage()));
    return std::move(*statement);
}

qint64 queryInt(Store &store, const char *sql)
{
    auto value = store.db().queryInt(sql);
    if (!value)
        qFatal("%s: %s", sql, qPrintable(value.errorMessage()));
    return *value;
}

// A single number from a query with up to two text parameters.
double queryDouble(Store &store, const char *sql, std::string_view first = {}, std::string_view second = {})
{
    Statement statement = prepare(store, sql);
    if (!first.empty())
        statement.bind(1, first);
    if (!second.empty())
        statement.bind(2, second);
    return statement.step().value() ? statement.columnDouble(0) : -1;
}

// A digest of the first @p columns of every row of a query, NULLs included, in the query's order.
QByteArray digest(Store &store, const char *sql, int columns)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    Statement statement = prepare(store, sql);
    qint64 rowCount = 0;
    while (statement.step().value()) {
        for (int column = 0; column < columns; ++column) {
            const std::string_view text = statement.columnUtf8(column);
            hash.addData(statement.isNull(column) ? QByteArrayView("\x01null")
                                                  : QByteArrayView(text.data(), qsizetype(text.size())));
            hash.addData(QByteArrayView("\x00", 1));
        }
        ++rowCount;
    }
    hash.addData(QByteArray::number(rowCount));
    return hash.result();
}

// Everything the demo stores except ingest times (ingested_at, updated_at, run records).
QByteArray storeDigest(Store &store)
{
    QByteArray all;
    all += digest(store,
                  "SELECT external_id, ts, session_id, user_id, model_name, model_version, input, output, "
                  "output_tool_calls, latency_ms, prompt_tokens, completion_tokens, finish_reason, category, "
                  "outcome, metadata, content_hash FROM interactions ORDER BY external_id",
                  17);
    all += digest(store,
                  "SELECT i.external_id, f.interaction_external_id, f.kind, f.value, f.label, f.name, "
                  "f.comment, f.origin, f.ts, f.metadata, hex(f.event_key) FROM feedback_events f "
                  "LEFT JOIN interactions i ON i.id = f.interaction_id ORDER BY f.event_key",
                  11);
    all += digest(store,
                  "SELECT i.external_id, c.interaction_external_id, c.corrected_output, c.author, c.ts, "
                  "c.metadata, hex(c.event_key) FROM corrections c "
                  "LEFT JOIN interactions i ON i.id = c.interaction_id ORDER BY c.event_key",
                  7);
    all += digest(store,
                  "SELECT model_name, version, first_seen_at, last_seen_at, deployed_at FROM model_versions "
                  "ORDER BY model_name, version",
                  5);
    return all;
}

Result<DemoReport> generate(Store &store, qint64 interactions, quint64 seed,
                            const std::atomic_bool *cancel = nullptr,
                            DemoGenerator::ProgressCallback progress = {})
{
    DemoGenerator generator(store, DemoOptions{interactions, seed});
    generator.setCancelFlag(cancel);
    generator.setProgressCallback(std::move(progress));
    return generator.run();
}

} // namespace

class TestDemoGenerator : public QObject {
    Q_OBJECT

private:
    // A fresh store in this test's own folder.
    Store openStore(const QString &name = QStringLiteral("demo.flywheel"))
    {
        auto store = Store::open(m_dir->filePath(name));
        if (!store)
            qFatal("cannot open a store: %s", qPrintable(store.errorMessage()));
        return std::move(*store);
    }

    // The default-size demo with the default seed, which the property tests look at.
    Store defaultDemo()
    {
        Store store = openStore();
        auto report = generate(store, kDefaultSize, DemoOptions{}.seed);
        if (!report)
            qFatal("the demo failed: %s", qPrintable(report.errorMessage()));
        return store;
    }

    std::unique_ptr<QTemporaryDir> m_dir;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void sameSeedGivesTheSameStore()
    {
        Store first = openStore(QStringLiteral("a.flywheel"));
        Store second = openStore(QStringLiteral("b.flywheel"));
        Store other = openStore(QStringLiteral("c.flywheel"));
        QVERIFY(generate(first, 3000, 7));
        QVERIFY(generate(second, 3000, 7));
        QVERIFY(generate(other, 3000, 8));
        QCOMPARE(queryInt(first, "SELECT count(*) FROM interactions"), 3000);
        QVERIFY(queryInt(first, "SELECT count(*) FROM feedback_events") > 0);
        QVERIFY(queryInt(first, "SELECT count(*) FROM corrections") > 0);
        QCOMPARE(storeDigest(first), storeDigest(second));
        QVERIFY(storeDigest(first) != storeDigest(other));
        QCOMPARE(queryInt(other, "SELECT count(*) FROM interactions WHERE external_id LIKE 'demo-8-%'"),
                 3000);
    }

    void secondRunAddsNothing()
    {
        Store store = openStore();
        auto first = generate(store, 3000, 42);
        QVERIFY2(first, qPrintable(first.errorMessage()));
        QCOMPARE(first->interactions, 3000);
        QCOMPARE(first->counts.interactionsAdded, 3000);
        QVERIFY(first->counts.stored >= 3000);
        QCOMPARE(first->feedbackEvents, queryInt(store, "SELECT count(*) FROM feedback_events"));
        QCOMPARE(first->corrections, queryInt(store, "SELECT count(*) FROM corrections"));
        QVERIFY(!first->cancelled);
        const QByteArray before = storeDigest(store);

        auto second = generate(store, 3000, 42);
        QVERIFY2(second, qPrintable(second.errorMessage()));
        QCOMPARE(second->counts.stored, 0);
        QCOMPARE(second->counts.updated, 0);
        QCOMPARE(second->counts.unchanged, second->counts.read);
        QCOMPARE(second->counts.read, first->counts.read);
        QCOMPARE(second->interactions, 0);
        QCOMPARE(second->feedbackEvents, 0);
        QCOMPARE(second->corrections, 0);
        QCOMPARE(storeDigest(store), before);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM ingest_runs WHERE source_name = 'demo' AND status = "
                                 "'completed'"),
                 2);
    }

    void anotherSizeWithTheSameSeedIsRefused()
    {
        Store store = openStore();
        QVERIFY(generate(store, 2000, 42));
        const QByteArray before = storeDigest(store);
        auto bigger = generate(store, 3000, 42);
        QVERIFY(!bigger);
        QVERIFY2(bigger.errorMessage().contains(QStringLiteral("2000 interactions")),
                 qPrintable(bigger.errorMessage()));
        QCOMPARE(storeDigest(store), before);
        // Another seed is another demo: it may share the store.
        QVERIFY(generate(store, 1000, 43));
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions"), 3000);
    }

    void categoriesHaveDifferentShares()
    {
        Store store = defaultDemo();
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions"), kDefaultSize);
        QVERIFY(queryInt(store, "SELECT count(DISTINCT category) FROM interactions") >= 8);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions WHERE category IS NULL"), 0);
        const double smallest = queryDouble(
            store, "SELECT min(n) FROM (SELECT count(*) AS n FROM interactions GROUP BY category)");
        const double largest = queryDouble(
            store, "SELECT max(n) FROM (SELECT count(*) AS n FROM interactions GROUP BY category)");
        QVERIFY2(smallest >= 0.02 * kDefaultSize, "every category has real traffic");
        QVERIFY2(largest >= 2.5 * smallest, "shares clearly differ");
        QVERIFY(queryDouble(store, "SELECT count(*) FROM interactions WHERE category = ?1", "billing") >
                2 * queryDouble(store, "SELECT count(*) FROM interactions WHERE category = ?1",
                                "legal-compliance"));
    }

    void modelVersionsAreDeployedInOrder()
    {
        Store store = defaultDemo();
        Statement versions = prepare(store, "SELECT version, deployed_at, first_seen_at, last_seen_at FROM "
                                            "model_versions WHERE model_name = 'support-assistant' "
                                            "ORDER BY deployed_at");
        QStringList names;
        qint64 previousDeploy = 0;
        while (versions.step().value()) {
            names << versions.columnText(0);
            QVERIFY(!versions.isNull(1));
            const qint64 deployed = versions.columnInt(1);
            QVERIFY2(deployed >= previousDeploy + 20 * kDayMs || previousDeploy == 0, "weeks apart");
            QVERIFY(versions.columnInt(2) <= versions.columnInt(3));
            previousDeploy = deployed;
        }
        QCOMPARE(names, (QStringList{QStringLiteral("v1"), QStringLiteral("v2"), QStringLiteral("v3")}));
        QCOMPARE(queryInt(store, "SELECT count(*) FROM model_versions"), 3);
        // No version serves before it is deployed; each one's traffic is later than the previous one's.
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions i JOIN model_versions m ON "
                                 "m.model_name = i.model_name AND m.version = i.model_version WHERE i.ts < "
                                 "m.deployed_at"),
                 0);
        QVERIFY(queryDouble(store, "SELECT avg(ts) FROM interactions WHERE model_version = ?1", "v1") <
                queryDouble(store, "SELECT avg(ts) FROM interactions WHERE model_version = ?1", "v2"));
        QVERIFY(queryDouble(store, "SELECT avg(ts) FROM interactions WHERE model_version = ?1", "v2") <
                queryDouble(store, "SELECT avg(ts) FROM interactions WHERE model_version = ?1", "v3"));
        for (const char *version : {"v1", "v2", "v3"})
            QVERIFY2(queryDouble(store, "SELECT count(*) FROM interactions WHERE model_version = ?1",
                                 version) > 0.15 * kDefaultSize,
                     version);
    }

    void trafficSpansNinetyDaysAndGrows()
    {
        Store store = defaultDemo();
        const qint64 first = queryInt(store, "SELECT min(ts) FROM interactions");
        const qint64 last = queryInt(store, "SELECT max(ts) FROM interactions");
        QVERIFY(first >= kWindowStartMs);
        QVERIFY(last <= kWindowEndMs);
        QVERIFY2(last - first >= 89 * kDayMs, "about 90 days");
        const double early =
            queryDouble(store, "SELECT count(*) FROM interactions WHERE ts < 1785715200000 + "
                               "30 * 86400000");
        const double late =
            queryDouble(store, "SELECT count(*) FROM interactions WHERE ts >= 1785715200000 + "
                               "60 * 86400000");
        QVERIFY2(late > 1.3 * early, "traffic grows");
        const double weekdayPerDay =
            queryDouble(store, "SELECT count(*) / 65.0 FROM interactions WHERE "
                               "strftime('%w', ts / 1000, 'unixepoch') NOT IN ('0', '6')");
        const double weekendPerDay =
            queryDouble(store, "SELECT count(*) / 25.0 FROM interactions WHERE "
                               "strftime('%w', ts / 1000, 'unixepoch') IN ('0', '6')");
        QVERIFY2(weekdayPerDay > 1.3 * weekendPerDay, "quieter weekends");
    }

    void feedbackIsSparseAndConsistent()
    {
        Store store = defaultDemo();
        const double withFeedback =
            queryDouble(store, "SELECT count(DISTINCT interaction_id) FROM feedback_events") / kDefaultSize;
        QVERIFY2(withFeedback >= 0.05 && withFeedback <= 0.10, qPrintable(QString::number(withFeedback)));
        QCOMPARE(queryInt(store, "SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL"), 0);
        // Thumbs agree with what the user did.
        QCOMPARE(queryInt(store, "SELECT count(*) FROM feedback_events f JOIN interactions i ON i.id = "
                                 "f.interaction_id WHERE f.kind = 'thumbs' AND f.value > 0 AND i.outcome IN "
                                 "('abandoned', 'regenerated')"),
                 0);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM feedback_events f JOIN interactions i ON i.id = "
                                 "f.interaction_id WHERE f.kind = 'thumbs' AND f.value < 0 AND i.outcome IN "
                                 "('accepted', 'copied')"),
                 0);
        QVERIFY(queryInt(store, "SELECT count(*) FROM feedback_events WHERE kind = 'thumbs' AND value > 0") >
                0);
        QVERIFY(queryInt(store, "SELECT count(*) FROM feedback_events WHERE kind = 'thumbs' AND value < 0") >
                0);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM feedback_events WHERE kind = 'rating' AND "
                                 "(value < 1 OR value > 5 OR value <> round(value))"),
                 0);
        QVERIFY(queryInt(store, "SELECT count(*) FROM feedback_events WHERE kind = 'rating'") > 20);
        QVERIFY(queryInt(store, "SELECT count(*) FROM feedback_events WHERE comment IS NOT NULL") > 20);
        // Minutes after the interaction; survey answers come hours later as separate events.
        QCOMPARE(queryInt(store, "SELECT count(*) FROM feedback_events f JOIN interactions i ON i.id = "
                                 "f.interaction_id WHERE f.ts <= i.ts"),
                 0);
        QVERIFY(queryInt(store,
                         "SELECT count(*) FROM feedback_events f JOIN interactions i ON i.id = "
                         "f.interaction_id WHERE f.kind = 'thumbs' AND f.ts - i.ts < 20 * 60000") > 100);
        QVERIFY(queryInt(store, "SELECT count(*) FROM feedback_events f JOIN interactions i ON i.id = "
                                "f.interaction_id WHERE json_extract(f.metadata, '$.via') = 'survey-email' "
                                "AND f.ts - i.ts >= 3600000") > 10);
    }

    void correctionsFixEditedOutputs()
    {
        Store store = defaultDemo();
        const double corrected =
            queryDouble(store, "SELECT count(DISTINCT interaction_id) FROM corrections") / kDefaultSize;
        QVERIFY2(corrected >= 0.01 && corrected <= 0.06, qPrintable(QString::number(corrected)));
        const double onEdited = queryDouble(store, "SELECT avg(i.outcome = 'edited') FROM corrections c JOIN "
                                                   "interactions i ON i.id = c.interaction_id");
        QVERIFY2(onEdited >= 0.8, "mostly where the user edited the output");
        QCOMPARE(queryInt(store, "SELECT count(*) FROM corrections c JOIN interactions i ON i.id = "
                                 "c.interaction_id WHERE c.corrected_output = i.output"),
                 0);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM corrections WHERE interaction_id IS NULL"), 0);
        QVERIFY(queryInt(store, "SELECT count(*) FROM corrections WHERE author LIKE 'agent-%'") > 0);
        QVERIFY(queryInt(store, "SELECT count(*) FROM corrections WHERE author LIKE 'u\\_%' ESCAPE '\\'") >
                0);
        QVERIFY(queryInt(store, "SELECT count(*) FROM feedback_events WHERE kind = 'label'") > 0);
    }

    void outcomesAndSessions()
    {
        Store store = defaultDemo();
        QVERIFY(queryDouble(store, "SELECT avg(outcome = 'none') FROM interactions") < 0.3);
        QCOMPARE(queryInt(store, "SELECT count(DISTINCT outcome) FROM interactions"), 6);
        // Abandoning ends a session, and some sessions end that way.
        QCOMPARE(queryInt(store,
                          "SELECT count(*) FROM (SELECT outcome, lead(outcome) OVER (PARTITION BY "
                          "session_id ORDER BY external_id) AS next FROM interactions) WHERE outcome = "
                          "'abandoned' AND next IS NOT NULL"),
                 0);
        const double sessions = queryDouble(store, "SELECT count(DISTINCT session_id) FROM interactions");
        QVERIFY(sessions > kDefaultSize / 3.0 && sessions < kDefaultSize);
        QVERIFY(queryDouble(store, "SELECT count(*) FROM interactions WHERE outcome = 'abandoned'") >
                0.03 * sessions);
        QVERIFY(queryDouble(store, "SELECT count(*) FROM (SELECT session_id FROM interactions GROUP BY "
                                   "session_id HAVING count(*) >= 3)") > 0.05 * sessions);
        // Later turns send the conversation so far after the system prompt.
        QCOMPARE(queryInt(store,
                          "SELECT count(*) FROM interactions WHERE json_extract(input, '$[0].role') <> "
                          "'system' OR json_extract(input, '$[#-1].role') <> 'user'"),
                 0);
        QCOMPARE(queryInt(store,
                          "SELECT count(*) FROM interactions WHERE json_array_length(input) >= 3 AND "
                          "(json_extract(input, '$[1].role') <> 'user' OR json_extract(input, '$[2].role') "
                          "<> 'assistant')"),
                 0);
        QVERIFY(queryInt(store,
                         "SELECT count(*) FROM interactions WHERE json_extract(metadata, '$.turn') > 1 "
                         "AND json_array_length(input) >= 4") > 1000);
        QVERIFY(queryInt(store, "SELECT count(*) FROM interactions WHERE json_array_length(input) >= 6") >
                200);
        // A few hundred users, some heavy.
        const qint64 users = queryInt(store, "SELECT count(DISTINCT user_id) FROM interactions");
        QVERIFY2(users >= 150 && users <= 1000, qPrintable(QString::number(users)));
        QVERIFY(
            queryInt(store, "SELECT max(n) FROM (SELECT count(*) AS n FROM interactions GROUP BY user_id)") >
            5 * kDefaultSize / users);
    }

    void nearDuplicatePrompts()
    {
        Store store = defaultDemo();
        // Regenerated answers and re-asked questions repeat an input exactly.
        QVERIFY(queryInt(store, "SELECT count(*) FROM (SELECT input FROM interactions GROUP BY input HAVING "
                                "count(*) > 1)") > 200);
        // The same question retyped: other case, spacing or punctuation.
        QVERIFY(queryInt(store,
                         "SELECT count(*) FROM (SELECT norm FROM (SELECT lower(trim(json_extract(input, "
                         "'$[#-1].content'), ' ?!.' || char(10))) AS norm, json_extract(input, "
                         "'$[#-1].content') AS raw FROM interactions) GROUP BY norm HAVING count(DISTINCT "
                         "raw) > 1)") > 50);
        // Paraphrases: one intent asked in several phrasings.
        QVERIFY(
            queryInt(store,
                     "SELECT count(*) FROM (SELECT json_extract(metadata, '$.intent') AS intent FROM "
                     "interactions WHERE json_extract(metadata, '$.turn') = 1 AND intent IS NOT NULL "
                     "GROUP BY intent HAVING count(DISTINCT json_extract(input, '$[1].content')) >= 3)") >=
            20);
    }

    void somePromptsHoldPersonalData()
    {
        Store store = defaultDemo();
        const qint64 emails = queryInt(store, "SELECT count(*) FROM interactions WHERE json_extract(input, "
                                              "'$[#-1].content') GLOB '*[a-z].[a-z]*@example.[a-z]*'");
        QVERIFY(emails > 10);
        QVERIFY(emails < kDefaultSize / 20);
        QVERIFY(queryInt(store, "SELECT count(*) FROM interactions WHERE input GLOB "
                                "'*+1 415 555 01[0-9][0-9]*'") > 5);
        QVERIFY(queryInt(store, "SELECT count(*) FROM interactions WHERE input GLOB "
                                "'*[A-Z][A-Z][0-9][0-9] [A-Z0-9][A-Z0-9][A-Z0-9][A-Z0-9] [0-9]*'") > 0);
    }

    void realConversationsAreMixedIn()
    {
        auto sample = OasstConversations::loadEmbedded();
        QVERIFY2(sample, qPrintable(sample.errorMessage()));
        QSet<QString> replies;
        for (const OasstPrompt &prompt : sample->prompts())
            for (const OasstReply &reply : prompt.replies)
                replies.insert(QString::fromStdString(reply.text));
        QVERIFY(replies.size() > 600);

        Store store = defaultDemo();
        const double share = queryDouble(store, "SELECT avg(category = 'open-questions') FROM interactions");
        QVERIFY(share >= 0.03 && share <= 0.08);
        Statement outputs =
            prepare(store, "SELECT output FROM interactions WHERE category = 'open-questions' AND "
                           "finish_reason = 'stop'");
        int verbatim = 0;
        int total = 0;
        while (outputs.step().value()) {
            ++total;
            verbatim += replies.contains(outputs.columnText(0));
        }
        QVERIFY(total > 300);
        QCOMPARE(verbatim, total);
        QVERIFY(queryInt(store, "SELECT count(*) FROM interactions WHERE category = 'open-questions' AND "
                                "json_array_length(input) >= 4") > 5);
        QVERIFY(queryInt(store,
                         "SELECT count(*) FROM interactions WHERE json_extract(metadata, '$.oasst_rank') "
                         "IS NOT NULL") > 100);
        QVERIFY(queryInt(store,
                         "SELECT count(*) FROM feedback_events WHERE json_extract(metadata, '$.from') = "
                         "'oasst_emojis'") > 10);
    }

    void qualityImprovesExceptOnTheHardCategory_data()
    {
        QTest::addColumn<QString>("category");
        QTest::addColumn<double>("minGain");
        QTest::addColumn<double>("maxGain");
        // Across seeds easy categories gain 8 to 15 points from v1 to v3; the hard one moves within noise.
        QTest::newRow("billing improves") << QStringLiteral("billing") << 0.06 << 1.0;
        QTest::newRow("shipping improves") << QStringLiteral("shipping") << 0.06 << 1.0;
        QTest::newRow("legal stagnates") << QStringLiteral("legal-compliance") << -1.0 << 0.04;
    }

    void qualityImprovesExceptOnTheHardCategory()
    {
        QFETCH(QString, category);
        QFETCH(double, minGain);
        QFETCH(double, maxGain);
        Store store = defaultDemo();
        const std::string name = category.toStdString();
        const char *sql = "SELECT avg(outcome = 'accepted') FROM interactions WHERE category = ?1 AND "
                          "model_version = ?2";
        const double v1 = queryDouble(store, sql, name, "v1");
        const double v3 = queryDouble(store, sql, name, "v3");
        QVERIFY2(v3 - v1 >= minGain && v3 - v1 <= maxGain,
                 qPrintable(QStringLiteral("acceptance v1 %1, v3 %2").arg(v1).arg(v3)));
    }

    void recordsAreWellFormed()
    {
        Store store = defaultDemo();
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions WHERE NOT json_valid(input) OR "
                                 "json_type(input) <> 'array' OR NOT json_valid(metadata) OR output IS NULL"),
                 0);
        // Templates are fully rendered.
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions WHERE category <> 'open-questions' AND "
                                 "(instr(output, '{') OR instr(output, '}') OR instr(output, '<<') OR "
                                 "instr(output, '#. ') OR instr(input, '<<'))"),
                 0);
        QCOMPARE(queryInt(store,
                          "SELECT count(*) FROM interactions WHERE latency_ms <= 0 OR prompt_tokens <= 0 "
                          "OR completion_tokens <= 0 OR content_hash = 0 OR session_id IS NULL OR "
                          "user_id IS NULL OR external_id NOT LIKE 'demo-42-%'"),
                 0);
        QVERIFY(queryDouble(store, "SELECT avg(finish_reason = 'stop') FROM interactions") > 0.9);
        QVERIFY(queryInt(store, "SELECT count(*) FROM interactions WHERE finish_reason = 'length'") > 0);
        QVERIFY(queryDouble(store, "SELECT avg(finish_reason = 'content_filter') FROM interactions") < 0.01);
        // Longer answers take longer, and later versions are faster.
        QVERIFY(queryDouble(store, "SELECT avg(latency_ms) FROM interactions WHERE completion_tokens > 150") >
                queryDouble(store, "SELECT avg(latency_ms) FROM interactions WHERE completion_tokens < 50"));
        const char *perToken = "SELECT avg(latency_ms * 1.0 / completion_tokens) FROM interactions WHERE "
                               "model_version = ?1";
        QVERIFY(queryDouble(store, perToken, "v3") < queryDouble(store, perToken, "v1"));
        QVERIFY(
            queryInt(store, "SELECT count(DISTINCT json_extract(metadata, '$.channel')) FROM interactions") ==
            3);
    }

    void cancelStopsEarlyAndResumes()
    {
        Store store = openStore();
        std::atomic_bool cancel = false;
        QList<qint64> progress;
        auto cancelled = generate(store, 30000, 42, &cancel, [&](qint64 done, qint64 total) {
            QCOMPARE(total, 30000);
            progress << done;
            cancel = true;
        });
        QVERIFY2(cancelled, qPrintable(cancelled.errorMessage()));
        QVERIFY(cancelled->cancelled);
        QCOMPARE(cancelled->interactions, kBatchSize);
        QCOMPARE(progress.first(), kBatchSize);
        // Consistent: what was generated is committed with all its events.
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions"), cancelled->interactions);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM feedback_events"), cancelled->feedbackEvents);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL"), 0);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM corrections WHERE interaction_id IS NULL"), 0);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM ingest_runs WHERE status = 'cancelled'"), 1);

        // Running again finishes the job, and the result is the same as an uninterrupted run.
        cancel = false;
        progress.clear();
        auto resumed = generate(store, 30000, 42, &cancel, [&](qint64 done, qint64) { progress << done; });
        QVERIFY2(resumed, qPrintable(resumed.errorMessage()));
        QVERIFY(!resumed->cancelled);
        QCOMPARE(resumed->interactions, 30000 - cancelled->interactions);
        QCOMPARE(progress, (QList<qint64>{20000, 30000}));
        Store whole = openStore(QStringLiteral("whole.flywheel"));
        QVERIFY(generate(whole, 30000, 42));
        QCOMPARE(storeDigest(store), storeDigest(whole));
    }

    void cancelBeforeStartAddsNothing()
    {
        Store store = openStore();
        const std::atomic_bool cancel = true;
        auto report = generate(store, 1000, 42, &cancel);
        QVERIFY2(report, qPrintable(report.errorMessage()));
        QVERIFY(report->cancelled);
        QCOMPARE(report->interactions, 0);
        QCOMPARE(queryInt(store, "SELECT count(*) FROM interactions"), 0);
    }
};

QTEST_GUILESS_MAIN(TestDemoGenerator)
#include "tst_demogenerator.moc"
