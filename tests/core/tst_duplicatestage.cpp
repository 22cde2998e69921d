// The duplicates stage alone: clusters and their representatives, and an incremental run over
// what a full run stored giving what a full run over everything gives.

#include "curate/duplicatestage.h"
#include "curate/textnorm.h"
#include "util/hasher.h"

#include <QTest>

#include <algorithm>

using namespace flywheel;

namespace {

struct Rows {
    std::vector<Curated> curated;
    std::unordered_map<quint64, std::string> texts; // normalised, by hash
};

void addRow(Rows &rows, qint64 id, std::string_view input, Label label = Label::Unlabeled, double score = 0)
{
    Curated c;
    c.id = id;
    c.label = label;
    c.score = score;
    const std::string text = normalizeText(input);
    c.inputHash = hash64(text);
    rows.texts.try_emplace(c.inputHash, text);
    rows.curated.push_back(c);
}

NearDuplicateSettings settings()
{
    NearDuplicateSettings s;
    s.threshold = 0.8;
    s.rows = 5;
    s.bands = 20;
    return s;
}

// What a run stores for the next one: signatures by hash as SQLite orders it, pairs by first ids.
DuplicateStage::Stored storedBy(const DuplicateStage &stage)
{
    DuplicateStage::Stored stored;
    for (size_t t = 0; t < stage.texts().size(); ++t)
        stored.signatures.emplace_back(qint64(stage.texts()[t].hash), stage.signatures().bytes(t));
    std::sort(stored.signatures.begin(), stored.signatures.end());
    for (const DuplicateStage::Pair &p : stage.pairs())
        stored.pairs.push_back(
            {stage.texts()[p.first].firstId, stage.texts()[p.second].firstId, p.similarity, p.bands});
    return stored;
}

const char *const kRefund = "I would like a refund for my order number 1234 please, it arrived broken";
const char *const kRefundAgain = "I would like a refund for my order number 1234 please, it arrived broken!";
const char *const kPassword = "How do I reset my password when the reset email never arrives?";
const char *const kPasswordAgain = "How do I reset my password when the reset email never arrives??";
const char *const kWeather = "What will the weather be like in Lisbon tomorrow afternoon?";

} // namespace

class TestDuplicateStage : public QObject {
    Q_OBJECT

private slots:
    void clustersAreRepresentedByTheirBestLabeledMember()
    {
        Rows rows;
        addRow(rows, 1, kRefund, Label::Negative);
        addRow(rows, 2, kRefundAgain, Label::Gold);
        addRow(rows, 3, kWeather);
        addRow(rows, 4, kRefund, Label::Positive, 0.9); // an exact duplicate of 1
        DuplicateStage stage(settings(), nullptr);
        stage.run(rows.curated, rows.texts, std::nullopt, [](qint64) { return std::string(); });
        QCOMPARE(stage.texts().size(), size_t(3));
        QCOMPARE(rows.curated[0].text, rows.curated[3].text);
        QCOMPARE(stage.pairs().size(), size_t(1));
        const std::vector<qint64> expected{2, 2, 0, 2};
        QCOMPARE(stage.clusterOf(), expected);
        QCOMPARE(stage.groups(), qint64(1));
        QCOMPARE(stage.members(), qint64(3));
        QVERIFY(stage.singleton()[2]);
        QVERIFY(!stage.singleton()[0]);
    }

    void incrementalOverStoredResultsEqualsFull()
    {
        Rows before;
        addRow(before, 1, kRefund);
        addRow(before, 2, kPassword);
        addRow(before, 3, kWeather);
        DuplicateStage first(settings(), nullptr);
        first.run(before.curated, before.texts, std::nullopt, [](qint64) { return std::string(); });
        QCOMPARE(first.pairs().size(), size_t(0));

        Rows all = before;
        addRow(all, 4, kRefundAgain);
        addRow(all, 5, kPasswordAgain);
        DuplicateStage full(settings(), nullptr);
        Rows fullRows = all;
        full.run(fullRows.curated, fullRows.texts, std::nullopt, [](qint64) { return std::string(); });

        // The incremental run knows only the new rows' texts; earlier ones come from the store.
        Rows fresh = all;
        fresh.texts.clear();
        for (size_t i = 3; i < fresh.curated.size(); ++i)
            fresh.texts.try_emplace(fresh.curated[i].inputHash, all.texts.at(fresh.curated[i].inputHash));
        std::vector<qint64> readBack;
        DuplicateStage incremental(settings(), nullptr);
        incremental.run(fresh.curated, fresh.texts, storedBy(first), [&](qint64 id) {
            readBack.push_back(id);
            return all.texts.at(all.curated[size_t(id - 1)].inputHash);
        });
        QCOMPARE(incremental.clusterOf(), full.clusterOf());
        QCOMPARE(incremental.pairs().size(), full.pairs().size());
        QCOMPARE(incremental.pairs().size(), size_t(2));
        for (size_t p = 0; p < full.pairs().size(); ++p) {
            QCOMPARE(incremental.pairs()[p].first, full.pairs()[p].first);
            QCOMPARE(incremental.pairs()[p].second, full.pairs()[p].second);
            QCOMPARE(incremental.pairs()[p].bands, full.pairs()[p].bands);
        }
        for (const qint64 id : readBack)
            QVERIFY2(id <= 3, "only inputs of the earlier run are read from the store");
        QVERIFY(!incremental.texts()[0].fresh);
        QVERIFY(incremental.texts()[3].fresh);
    }

    void cancelledLeavesNoClusters()
    {
        Rows rows;
        addRow(rows, 1, kRefund);
        addRow(rows, 2, kRefundAgain);
        std::atomic_bool cancel{true};
        DuplicateStage stage(settings(), &cancel);
        stage.run(rows.curated, rows.texts, std::nullopt, [](qint64) { return std::string(); });
        QVERIFY(stage.clusterOf().empty());
        QCOMPARE(stage.groups(), qint64(0));
    }
};

QTEST_APPLESS_MAIN(TestDuplicateStage)
#include "tst_duplicatestage.moc"
