// Lineage and the cycle: dataset diffs, model versions trained on datasets, and each version's
// rates against the one before it on a hand-computed fixture.

#include "ingesttesting.h"

#include "curate/curator.h"
#include "curate/rules.h"
#include "export/exporter.h"
#include "export/lineage.h"
#include "metrics/cycle.h"

#include <QTest>

using namespace flywheel;

namespace {

QByteArray line(const QByteArray &id, const QByteArray &version, const QByteArray &outcome,
                const QByteArray &extra = {})
{
    return R"({"id":")" + id + R"(","timestamp":"2026-11-01T12:00:00Z","model":"bot","model_version":")" +
           version + R"(","input":"Question )" + id + R"( about the weather in a city","output":"Answer )" +
           id + R"(.","category":"weather","outcome":")" + outcome + "\"" + extra + "}\n";
}

} // namespace

class TestLineage : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_dir.emplace();
        auto store = Store::open(m_dir->filePath(QStringLiteral("lineage.flywheel")));
        QVERIFY(store);
        m_store.emplace(std::move(*store));
    }

    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
    }

    void wilsonIntervals()
    {
        const Rate six = wilsonRate(6, 10);
        QCOMPARE(six.value, 0.6);
        QVERIFY(qAbs(six.low - 0.3127) < 1e-4);
        QVERIFY(qAbs(six.high - 0.8318) < 1e-4);
        const Rate none = wilsonRate(0, 0); // no division by zero
        QCOMPARE(none.value, 0.0);
        QCOMPARE(none.high, 0.0);
        const Rate all = wilsonRate(10, 10);
        QCOMPARE(all.high, 1.0);
        QVERIFY(qAbs(all.low - 0.7225) < 1e-4);
    }

    // v1: 10 interactions, 6 accepted, 2 abandoned, 1 corrected, thumbs on 4 (3 up). v2: 5
    // interactions, 4 accepted, no feedback.
    void cycleFiguresOnAFixture()
    {
        QByteArray lines;
        for (int n = 0; n < 10; ++n) {
            const QByteArray outcome = n < 6 ? "accepted" : n < 8 ? "abandoned" : "edited";
            QByteArray extra;
            if (n < 4)
                extra = QByteArray(R"(,"feedback":[{"kind":"thumbs","value":")") + (n < 3 ? "up" : "down") +
                        "\"}]";
            if (n == 9)
                extra = R"(,"correction":{"output":"Better."})";
            lines += line("a" + QByteArray::number(n), "v1", outcome, extra);
        }
        for (int n = 0; n < 5; ++n)
            lines += line("b" + QByteArray::number(n), "v2", n < 4 ? "accepted" : "none");
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(recordModelVersion(*m_store, QStringLiteral("bot"), QStringLiteral("v1"), std::nullopt,
                                   qint64(1000), QString()));
        QVERIFY(recordModelVersion(*m_store, QStringLiteral("bot"), QStringLiteral("v2"), std::nullopt,
                                   qint64(2000), QString()));

        auto cycles = compareCycles(*m_store);
        QVERIFY(cycles);
        QCOMPARE(cycles->size(), size_t(1));
        const CycleComparison &c = cycles->front();
        QCOMPARE(c.previousVersion, QStringLiteral("v1"));
        QCOMPARE(c.currentVersion, QStringLiteral("v2"));
        QCOMPARE(c.segments.size(), size_t(2)); // all, and "weather"
        const SegmentComparison &all = c.segments.front();
        QVERIFY(all.segment.isEmpty());
        QCOMPARE(all.previous.interactions, qint64(10));
        QCOMPARE(all.previous.acceptance.hits, qint64(6));
        QCOMPARE(all.previous.abandonment.hits, qint64(2));
        QCOMPARE(all.previous.correction.hits, qint64(1));
        QCOMPARE(all.previous.thumbsUp.hits, qint64(3));
        QCOMPARE(all.previous.thumbsUp.n, qint64(4));
        QVERIFY(qAbs(all.previous.acceptance.low - 0.3127) < 1e-4);
        QCOMPARE(all.current.interactions, qint64(5));
        QCOMPARE(all.current.acceptance.value, 0.8);
        QCOMPARE(all.current.thumbsUp.n, qint64(0)); // a version with no feedback
        QCOMPARE(all.current.thumbsUp.value, 0.0);
        QCOMPARE(c.segments[1].segment, QStringLiteral("weather"));
        QCOMPARE(c.segments[1].previous.acceptance.hits, qint64(6));
    }

    void datasetsDiffAndTrainedOn()
    {
        QByteArray lines;
        for (int n = 0; n < 12; ++n)
            lines += line("q" + QByteArray::number(n), "v1", "accepted");
        testing::ingestLines(*m_store, *m_dir, lines);
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        ExportOptions options;
        options.outDir = m_dir->filePath(QStringLiteral("first"));
        options.ratios = {1, 0, 0};
        QVERIFY(Exporter(*m_store, options).run());
        // One interaction leaves (a reviewer rejects it), one enters (new traffic).
        QVERIFY(m_store->db().exec(
            "INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at) "
            "SELECT id, 'reject', 'negative', 'ann', 1 FROM interactions WHERE external_id = 'q3'"));
        testing::ingestLines(*m_store, *m_dir, line("q12", "v1", "accepted"));
        QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
        options.outDir = m_dir->filePath(QStringLiteral("second"));
        QVERIFY(Exporter(*m_store, options).run());

        auto first = resolveDataset(*m_store, QStringLiteral("sft@1"));
        auto latest = resolveDataset(*m_store, QStringLiteral("sft"));
        QVERIFY(first && latest);
        QCOMPARE(latest->version, qint64(2));
        QVERIFY(!resolveDataset(*m_store, QStringLiteral("sft@9")));
        QVERIFY(!resolveDataset(*m_store, QStringLiteral("sft@x")));
        auto diff = diffDatasets(*m_store, *first, *latest);
        QVERIFY(diff);
        QCOMPARE(diff->entered, std::vector<QString>{QStringLiteral("q12")});
        QCOMPARE(diff->left, std::vector<QString>{QStringLiteral("q3")});
        QVERIFY(diff->moved.empty());
        QCOMPARE(diff->kept, first->interactions - 1); // duplicates collapsed, minus the one that left

        QVERIFY(recordModelVersion(*m_store, QStringLiteral("bot"), QStringLiteral("v2"), latest->id,
                                   qint64(1800000000000), QStringLiteral("fine-tuned")));
        auto versions = listModelVersions(*m_store);
        QVERIFY(versions);
        QCOMPARE(versions->size(), size_t(2));
        QCOMPARE(versions->at(0).version, QStringLiteral("v1"));
        QCOMPARE(versions->at(0).interactions, qint64(13)); // all traffic, duplicates included
        QCOMPARE(versions->at(1).trainedOn, QStringLiteral("sft@2"));
        QCOMPARE(*versions->at(1).deployedAt, qint64(1800000000000));
        auto cycles = compareCycles(*m_store);
        QVERIFY(cycles);
        QCOMPARE(cycles->front().trainedOn, QStringLiteral("sft@2"));
    }

private:
    std::optional<QTemporaryDir> m_dir;
    std::optional<Store> m_store;
};

QTEST_GUILESS_MAIN(TestLineage)
#include "tst_lineage.moc"
