// The review studio's core: decisions written and undone, the queue's filters, order and paging,
// and full-text search, including strings that are not valid FTS5 syntax.

#include "ingesttesting.h"

#include "curate/curationqueries.h"
#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "review/decisions.h"
#include "review/guidelines.h"
#include "review/latestreview.h"
#include "review/reviewqueue.h"
#include "review/searchindex.h"

#include <QRandomGenerator>
#include <QTest>

#include <set>

using namespace flywheel;
using namespace flywheel::testing;

class TestReview : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_dir.emplace();
        auto store = Store::open(m_dir->filePath(QStringLiteral("review.flywheel")));
        QVERIFY(store);
        m_store.emplace(std::move(*store));
        DemoOptions options;
        options.interactions = 3000;
        QVERIFY(DemoGenerator(*m_store, options).run());
        auto report = Curator(*m_store, RuleSet::defaults()).run();
        QVERIFY2(report, qPrintable(report.errorMessage()));
        auto indexed = updateSearchIndex(*m_store);
        QVERIFY2(indexed, qPrintable(indexed.errorMessage()));
        QCOMPARE(*indexed, count(*m_store, "SELECT count(DISTINCT interaction_id) FROM flags"));
    }

    void cleanup() { QVERIFY(m_store->db().exec("DELETE FROM reviews")); }

    // The latest review wins: the latest time, then the highest id, among the reviews the
    // condition keeps; the effective_labels view and latestReview() agree.
    void latestReviewWinsByTimeThenId()
    {
        const qint64 id = count(*m_store, "SELECT min(interaction_id) FROM flags");
        const auto exec = [&](const std::string &sql) {
            return bool(m_store->db().exec(sql.c_str()));
        };
        const std::string insert =
            "INSERT INTO reviews (id, interaction_id, decision, label, created_at) VALUES ";
        const std::string target = std::to_string(id);
        // Inserted out of order: ids 30, 10, 20; the two latest share a millisecond.
        QVERIFY(exec(insert + "(30, " + target + ", 'approve', 'positive', 2000)"));
        QVERIFY(exec(insert + "(10, " + target + ", 'reject', 'negative', 1000)"));
        QVERIFY(exec(insert + "(20, " + target + ", 'skip', NULL, 2000)"));
        const auto latest = [&](const char *column, const char *where) {
            return queryText(*m_store, ("SELECT " + latestReview(column, target, where)).c_str());
        };
        const auto effectiveLabel = [&] {
            return queryText(*m_store,
                             ("SELECT label FROM effective_labels WHERE interaction_id = " + target).c_str());
        };
        QCOMPARE(latest("id", ""), QStringLiteral("30"));
        QCOMPARE(latest("decision", ""), QStringLiteral("approve"));
        QCOMPARE(latest("id", "decision <> 'approve'"), QStringLiteral("20"));
        QCOMPARE(latest("label", "label = 'negative'"), QStringLiteral("negative"));
        QVERIFY(exec("UPDATE reviews SET label = 'gold' WHERE id = 20"));
        // Now 20 and 30 both give a label at 2000: the higher id, 30, still wins.
        QCOMPARE(latest("label", "label IS NOT NULL"), QStringLiteral("positive"));
        QCOMPARE(effectiveLabel(), QStringLiteral("positive"));
        QVERIFY(exec("UPDATE reviews SET created_at = 3000 WHERE id = 20"));
        QCOMPARE(latest("label", "label IS NOT NULL"), QStringLiteral("gold"));
        QCOMPARE(effectiveLabel(), QStringLiteral("gold"));
    }

    // Guidelines are versions: saving adds one, equal text adds none, and each decision records the
    // version it was made under.
    void guidelinesAreVersionedAndDecisionsRecordTheirs()
    {
        auto none = loadGuidelines(*m_store);
        QVERIFY(none);
        QCOMPARE(none->version, 0);
        QVERIFY(none->text.isEmpty());
        Decision d;
        d.interactionId = count(*m_store, "SELECT min(interaction_id) FROM flags");
        d.kind = DecisionKind::Accept;
        QVERIFY(recordDecision(*m_store, d));
        QCOMPARE(queryText(*m_store, "SELECT coalesce(guidelines_version, 'none') FROM reviews"),
                 QStringLiteral("none"));

        const QString first = QStringLiteral("# Accept\nAn answer that is right and polite.\n");
        auto one = saveGuidelines(*m_store, first, QStringLiteral("lead"));
        QVERIFY2(one, qPrintable(one.errorMessage()));
        QCOMPARE(one->version, 1);
        QCOMPARE(*loadGuidelines(*m_store), *one);
        auto same = saveGuidelines(*m_store, first, QStringLiteral("someone else"));
        QVERIFY(same);
        QCOMPARE(*same, *one);
        const QString hostile = QStringLiteral("'); DROP TABLE reviews; --\n\u00e9\u20ac \" <b>x</b>");
        auto two = saveGuidelines(*m_store, hostile, QString());
        QVERIFY(two);
        QCOMPARE(two->version, 2);
        auto latest = loadGuidelines(*m_store);
        QCOMPARE(latest->text, hostile);
        QVERIFY(latest->author.isEmpty());
        QVERIFY(latest->createdAtMs >= one->createdAtMs);
        auto versions = loadGuidelineVersions(*m_store);
        QVERIFY(versions);
        QCOMPARE(versions->size(), 2);
        QCOMPARE(versions->at(0).version, 2);
        QCOMPARE(versions->at(1).text, first);
        QCOMPARE(loadGuidelineVersions(*m_store, 1)->size(), 1);
        QCOMPARE(loadGuidelineVersions(*m_store, 7)->size(), 0);

        d.kind = DecisionKind::Reject;
        QVERIFY(recordDecision(*m_store, d));
        QCOMPARE(queryText(*m_store, "SELECT group_concat(coalesce(guidelines_version, 'none'), ' ') FROM "
                                     "(SELECT guidelines_version FROM reviews ORDER BY id)"),
                 QStringLiteral("none 2"));
        QVERIFY(m_store->db().exec("DELETE FROM reviews; DELETE FROM guidelines"));
    }

    void decisionsRoundTripAndUndo()
    {
        const qint64 interaction = count(*m_store, "SELECT min(interaction_id) FROM flags");
        Decision d;
        d.interactionId = interaction;
        d.kind = DecisionKind::Correct;
        d.correctedOutput = QStringLiteral("The gold answer.");
        d.tags = {QStringLiteral("tone"), QStringLiteral("facts")};
        d.note = QStringLiteral("too curt");
        d.segment = QStringLiteral("billing");
        d.reviewer = QStringLiteral("ana");
        d.flagReason = QStringLiteral("correction");
        d.seconds = 12.5;
        d.createdAtMs = 1'780'000'000'000;
        auto id = recordDecision(*m_store, d);
        QVERIFY2(id, qPrintable(id.errorMessage()));
        d.id = *id;
        auto loaded = loadDecisionsFor(*m_store, interaction);
        QVERIFY(loaded);
        QCOMPARE(loaded->size(), 1);
        QCOMPARE(loaded->first(), d);
        // The reviewer's label wins over curation's.
        QCOMPARE(queryText(*m_store, "SELECT label FROM effective_labels WHERE interaction_id = "
                                     "(SELECT min(interaction_id) FROM flags)"),
                 QStringLiteral("gold"));

        // Undo deletes the row; redo brings it back with the same id.
        QVERIFY(removeDecision(*m_store, d.id));
        QCOMPARE(count(*m_store, "SELECT count(*) FROM reviews"), 0);
        auto again = recordDecision(*m_store, d);
        QVERIFY(again);
        QCOMPARE(*again, d.id);
        auto recent = loadRecentDecisions(*m_store, 10);
        QVERIFY(recent);
        QCOMPARE(recent->size(), 1);
        QCOMPARE(recent->first().first, d);
        QVERIFY(!recent->first().second.isEmpty()); // the interaction's external id
    }

    // Undo, then another writer's decision takes the freed id (the History panel, another
    // annotator, another process): the redo must still be stored, under a new id.
    void redoAfterItsIdWasTaken()
    {
        const qint64 interaction = count(*m_store, "SELECT min(interaction_id) FROM flags");
        Decision mine;
        mine.interactionId = interaction;
        mine.kind = DecisionKind::Accept;
        mine.reviewer = QStringLiteral("ana");
        auto id = recordDecision(*m_store, mine);
        QVERIFY(id);
        mine.id = *id;
        QVERIFY(removeDecision(*m_store, mine.id));
        Decision theirs = mine;
        theirs.id = 0;
        theirs.kind = DecisionKind::Reject;
        theirs.reviewer = QStringLiteral("ben");
        auto taken = recordDecision(*m_store, theirs);
        QVERIFY(taken);
        QCOMPARE(*taken, mine.id); // SQLite hands out the freed id again
        auto redone = recordDecision(*m_store, mine);
        QVERIFY2(redone, qPrintable(redone.errorMessage()));
        QVERIFY(*redone != mine.id);
        QCOMPARE(
            count(*m_store, "SELECT count(*) FROM reviews WHERE reviewer = 'ana' AND decision = 'approve'"),
            1);
        QCOMPARE(count(*m_store, "SELECT count(*) FROM reviews WHERE reviewer = 'ben'"), 1);
        QVERIFY(m_store->db().exec("DELETE FROM reviews"));
    }

    void queueShowsEachUnreviewedInteractionOnceByPriority()
    {
        ReviewQueue queue(*m_store, {});
        auto total = queue.count();
        QVERIFY(total);
        QCOMPARE(*total, count(*m_store, "SELECT count(DISTINCT interaction_id) FROM flags"));
        // Keyset pages of 50 walk the whole queue: no row twice, none missing, priority never rises.
        std::set<qint64> seen;
        double last = 1e9;
        QueueKey key;
        bool first = true;
        while (true) {
            auto page = queue.pageAfter(first ? nullptr : &key, 50);
            QVERIFY2(page, qPrintable(page.errorMessage()));
            if (page->isEmpty())
                break;
            for (const QueueRow &row : *page) {
                QVERIFY(row.key.priority <= last);
                last = row.key.priority;
                QVERIFY(seen.insert(row.key.interactionId).second);
            }
            key = page->last().key;
            first = false;
        }
        QCOMPARE(qint64(seen.size()), *total);
        // A page at an offset is the same as walking there.
        auto atOffset = queue.pageAt(*total - 3, 50);
        QVERIFY(atOffset);
        QCOMPARE(atOffset->size(), 3);
        QCOMPARE(atOffset->last().key.interactionId, key.interactionId);
    }

    void statusFiltersFollowDecisions()
    {
        auto top = ReviewQueue(*m_store, {}).pageAfter(nullptr, 3);
        QVERIFY(top);
        QCOMPARE(top->size(), 3);
        const qint64 before = *ReviewQueue(*m_store, {}).count();
        const std::array kinds{DecisionKind::Accept, DecisionKind::Skip, DecisionKind::Reject};
        for (int i = 0; i < 3; ++i) {
            Decision d;
            d.interactionId = top->at(i).key.interactionId;
            d.kind = kinds[i];
            d.reviewer = QStringLiteral("bo");
            QVERIFY(recordDecision(*m_store, d));
        }
        QCOMPARE(*ReviewQueue(*m_store, {}).count(), before - 3);
        QueueFilter skipped;
        skipped.status = QueueFilter::Status::Skipped;
        QCOMPARE(*ReviewQueue(*m_store, skipped).count(), 1);
        QueueFilter decided;
        decided.status = QueueFilter::Status::Decided;
        auto decidedRows = ReviewQueue(*m_store, decided).pageAfter(nullptr, 10);
        QVERIFY(decidedRows);
        QCOMPARE(decidedRows->size(), 2);
        QCOMPARE(decidedRows->first().decision, QStringLiteral("approve"));
        QCOMPARE(decidedRows->first().label, QStringLiteral("positive"));
        QCOMPARE(decidedRows->first().reviewer, QStringLiteral("bo"));
        QueueFilter byAnnotator;
        byAnnotator.status = QueueFilter::Status::All;
        byAnnotator.annotator = QStringLiteral("bo");
        QCOMPARE(*ReviewQueue(*m_store, byAnnotator).count(), 3);
        byAnnotator.annotator = QStringLiteral("nobody");
        QCOMPARE(*ReviewQueue(*m_store, byAnnotator).count(), 0);
    }

    void fieldFiltersMatchTheStore()
    {
        auto facets = loadQueueFacets(*m_store);
        QVERIFY(facets);
        QVERIFY(facets->reasons.size() >= 2);
        QVERIFY(facets->segments.size() >= 3);
        QCOMPARE(facets->modelVersions.size(), 3);

        const QString reason = facets->reasons.first();
        QueueFilter byReason;
        byReason.reason = reason;
        auto rows = ReviewQueue(*m_store, byReason).pageAfter(nullptr, 1000000);
        QVERIFY(rows);
        QCOMPARE(
            qint64(rows->size()),
            count(*m_store,
                  qPrintable(QStringLiteral("SELECT count(*) FROM flags WHERE reason = '%1'").arg(reason))));
        for (const QueueRow &row : *rows)
            QCOMPARE(row.key.reason, reason);

        QueueFilter bySegment;
        bySegment.segment = facets->segments.first();
        bySegment.modelVersion = facets->modelVersions.last();
        auto segmentRows = ReviewQueue(*m_store, bySegment).pageAfter(nullptr, 1000000);
        QVERIFY(segmentRows);
        QVERIFY(!segmentRows->isEmpty());
        for (const QueueRow &row : *segmentRows) {
            QCOMPARE(row.segment, bySegment.segment);
            QCOMPARE(row.modelVersion, bySegment.modelVersion);
        }

        QueueFilter byTime;
        const qint64 middle = count(*m_store, "SELECT (min(ts) + max(ts)) / 2 FROM interactions");
        byTime.time.fromMs = middle;
        byTime.order = QueueFilter::Order::Newest;
        auto recent = ReviewQueue(*m_store, byTime).pageAfter(nullptr, 1000000);
        QVERIFY(recent);
        QVERIFY(!recent->isEmpty());
        for (int i = 0; i < recent->size(); ++i) {
            QVERIFY(recent->at(i).timestampMs >= middle);
            if (i > 0)
                QVERIFY(recent->at(i).key.interactionId < recent->at(i - 1).key.interactionId);
        }
    }

    void searchFindsInputsOutputsAndCorrections()
    {
        // A distinctive word put into one flagged interaction's output, and another's correction.
        const qint64 first = count(*m_store, "SELECT min(interaction_id) FROM flags");
        const qint64 second = count(*m_store, "SELECT max(interaction_id) FROM flags");
        QVERIFY(m_store->db().exec(qPrintable(
            QStringLiteral(
                "UPDATE interactions SET output = 'Zyxwv quokka answer', updated_at = %1 WHERE id = %2")
                .arg(currentTimeMs())
                .arg(first))));
        Decision d;
        d.interactionId = second;
        d.kind = DecisionKind::Correct;
        d.correctedOutput = QStringLiteral("Le quokka répond");
        QVERIFY(recordDecision(*m_store, d));
        auto reindexed = updateSearchIndex(*m_store);
        QVERIFY(reindexed);
        QCOMPARE(*reindexed, 2);

        QueueFilter search;
        search.status = QueueFilter::Status::All;
        search.search = QStringLiteral("quokk"); // a prefix while typing
        auto rows = ReviewQueue(*m_store, search).pageAfter(nullptr, 100);
        QVERIFY2(rows, qPrintable(rows.errorMessage()));
        QSet<qint64> ids;
        for (const QueueRow &row : *rows)
            ids.insert(row.key.interactionId);
        QCOMPARE(ids, (QSet<qint64>{first, second}));
        search.search = QStringLiteral("QUOKKA repond"); // case and accents folded, every word must occur
        QCOMPARE(*ReviewQueue(*m_store, search).count(), 1);
        // Input words: a user message's word.
        search.search = queryText(*m_store, "SELECT input FROM search_index WHERE input <> '' LIMIT 1")
                            .split(QLatin1Char(' '))
                            .first();
        QVERIFY(*ReviewQueue(*m_store, search).count() >= 1);
    }

    void searchExpressionsQuoteEverything_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expression");
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("spaces") << QStringLiteral("   ") << QString();
        QTest::newRow("prefix") << QStringLiteral("refund pol") << QStringLiteral("\"refund\" \"pol\"*");
        QTest::newRow("finished word") << QStringLiteral("refund ") << QStringLiteral("\"refund\"");
        QTest::newRow("syntax") << QStringLiteral("a\" OR NEAR(")
                                << QStringLiteral("\"a\"\"\" \"OR\" \"NEAR(\"*");
        // A NUL would end FTS5's reading of the query inside a quote (found by fuzz_search).
        QTest::newRow("control characters")
            << QString::fromUtf8("a\0b\x1c c", 6) << QStringLiteral("\"a\" \"b\" \"c\"*");
    }

    void searchExpressionsQuoteEverything()
    {
        QFETCH(QString, typed);
        QFETCH(QString, expression);
        QCOMPARE(searchExpression(typed), expression);
    }

    // Whatever is typed into the search box or a filter, the queue answers without an error.
    void hostileSearchAndFilterStrings()
    {
        QString alphabet = QStringLiteral("aZ09 \"'*()^:-+.,;{}[]\\%_NEAROR AND NOT ÿé\u00ad\t\n\x1c");
        alphabet.append(QChar(0));
        QRandomGenerator random(7);
        for (int i = 0; i < 500; ++i) {
            QString text;
            const int length = random.bounded(12);
            for (int j = 0; j < length; ++j)
                text += alphabet.at(random.bounded(alphabet.size()));
            QueueFilter filter;
            filter.status = QueueFilter::Status::All;
            filter.search = text;
            filter.segment = i % 3 == 0 ? text : QString();
            filter.reason = i % 5 == 0 ? text : QString();
            filter.annotator = i % 7 == 0 ? text : QString();
            ReviewQueue queue(*m_store, filter);
            auto total = queue.count();
            QVERIFY2(total, qPrintable(text + QStringLiteral(": ") + total.errorMessage()));
            auto page = queue.pageAfter(nullptr, 5);
            QVERIFY2(page, qPrintable(text + QStringLiteral(": ") + page.errorMessage()));
        }
    }

    void detailsByIdWithSiblings()
    {
        const qint64 clustered =
            count(*m_store, "SELECT min(interaction_id) FROM curation WHERE cluster_id IS NOT "
                            "NULL AND cluster_id <> interaction_id");
        QVERIFY(clustered > 0);
        auto details = loadInteractionDetailsById(*m_store, clustered);
        QVERIFY2(details, qPrintable(details.errorMessage()));
        QCOMPARE(details->id, clustered);
        QVERIFY(!details->siblings.isEmpty());
        for (const auto &sibling : details->siblings) {
            QVERIFY(sibling.id != clustered);
            QVERIFY(!sibling.externalId.isEmpty());
            QVERIFY(sibling.similarity > 0 && sibling.similarity <= 1);
        }
        QVERIFY(!loadInteractionDetailsById(*m_store, 99'999'999));
    }

private:
    std::optional<QTemporaryDir> m_dir;
    std::optional<Store> m_store;
};

QTEST_GUILESS_MAIN(TestReview)
#include "tst_review.moc"
