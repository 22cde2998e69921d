// A damaged store: SQLite's report is noticed at once, nothing more is written to it, and
// `recoverStore` copies what is readable to a new store, decisions first. The damage is the one
// found in the store corrupted on 2026-12-03: a table's root page holding another tree's page.

#include "../common/pagedamage.h"

#include "demo/demogenerator.h"
#include "review/decisions.h"
#include "review/guidelines.h"
#include "store/damage.h"
#include "store/recovery.h"
#include "store/statement.h"
#include "store/store.h"
#include "store/storecheck.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;

namespace {

qint64 number(Store &store, const char *sql)
{
    auto value = store.db().queryInt(sql);
    return value ? *value : -1;
}

QByteArray digest(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly)
               ? QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256)
               : QByteArray();
}

} // namespace

class TestStoreDamage : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("team-%1.flywheel").arg(++m_count));
        auto store = Store::open(m_path);
        QVERIFY(store);
        DemoOptions options;
        options.interactions = 600;
        QVERIFY(DemoGenerator(*store, options).run());
        // Enough decisions, with notes, for the reviews table to span several pages under its root.
        auto ids = store->db().prepare("SELECT id FROM interactions ORDER BY id LIMIT 300");
        QVERIFY(ids);
        QList<qint64> interactions;
        QVERIFY(ids->forEachRow([&] { interactions.append(ids->columnInt(0)); }));
        for (qint64 id : interactions) {
            Decision decision;
            decision.interactionId = id;
            decision.kind = id % 4 ? DecisionKind::Accept : DecisionKind::Reject;
            decision.reviewer = QStringLiteral("ana");
            decision.note =
                QStringLiteral("Checked against the refund policy; the answer names the right form. ")
                    .repeated(3);
            QVERIFY(recordDecision(*store, decision));
        }
        QVERIFY(saveGuidelines(*store, QStringLiteral("# Rules\n\nAccept answers that resolve the question."),
                               QStringLiteral("ana")));
        QVERIFY(saveGuidelines(
            *store, QStringLiteral("# Rules\n\nAccept answers that resolve the question.\n\nReject guesses."),
            QStringLiteral("ana")));
        m_decisions = number(*store, "SELECT count(*) FROM reviews");
        m_interactions = number(*store, "SELECT count(*) FROM interactions");
        QCOMPARE(m_decisions, qint64(interactions.size()));
        QVERIFY(store->db().checkpointAndTruncate());
    }

    void cleanup() { damage::forget(m_path); }

    // The root page of reviews holds a copy of another tree's page, as in the corrupted store.
    void damageIsNoticedAndNothingMoreIsWritten()
    {
        QVERIFY(testing::overwriteRootPage(m_path, "reviews", "sqlite_autoindex_sources_1"));
        QStringList told;
        const int listener =
            damage::addListener([&](const QString &path, const QString &) { told.append(path); });
        auto store = Store::open(m_path);
        QVERIFY(store);
        auto history = loadRecentDecisions(*store, 20);
        QVERIFY(!history);
        QVERIFY2(history.errorMessage().contains(QStringLiteral("malformed")),
                 qPrintable(history.errorMessage()));
        QVERIFY(damage::isDamaged(m_path));
        QCOMPARE(told.size(), 1);

        const QByteArray before = digest(m_path);
        Decision decision;
        decision.interactionId = 1;
        decision.kind = DecisionKind::Accept;
        QVERIFY(!recordDecision(*store, decision)); // its own table is the damaged one
        // Writes to healthy tables of the same file are refused too, with what to do.
        auto saved =
            saveGuidelines(*store, QStringLiteral("# Rules after the damage"), QStringLiteral("ana"));
        QVERIFY(!saved);
        QVERIFY2(saved.errorMessage().contains(QStringLiteral("recover --to")),
                 qPrintable(saved.errorMessage()));
        // A write outside any explicit transaction is turned back too.
        const Status bare = store->db().exec("INSERT INTO sources (name, created_at) VALUES ('late', 0)");
        QVERIFY(!bare.ok());
        QVERIFY2(bare.errorMessage().contains(QStringLiteral("damaged")), qPrintable(bare.errorMessage()));
        store = Error{};
        QCOMPARE(digest(m_path), before);
        QCOMPARE(told.size(), 1);
        damage::removeListener(listener);
    }

    void recoveryPutsBackDecisionsFromLostPages()
    {
        QVERIFY(testing::overwriteRootPage(m_path, "reviews", "sqlite_autoindex_sources_1"));
        const QString to = m_dir.filePath(QStringLiteral("recovered-%1.flywheel").arg(m_count));
        auto report = recoverStore(m_path, to);
        QVERIFY2(report, qPrintable(report.errorMessage()));
        QCOMPARE(report->tables.front().name, QStringLiteral("reviews"));
        QVERIFY(report->tables.front().damagedPages > 0);
        QCOMPARE(report->decisionsFromLostPages, m_decisions);
        auto recovered = Store::open(to);
        QVERIFY(recovered);
        QCOMPARE(number(*recovered, "SELECT count(*) FROM reviews"), m_decisions);
        QCOMPARE(number(*recovered, "SELECT count(*) FROM reviews WHERE note LIKE 'Checked against%'"),
                 m_decisions);
        QCOMPARE(number(*recovered, "SELECT count(*) FROM guidelines"), qint64(2));
        QCOMPARE(number(*recovered, "SELECT count(*) FROM interactions"), m_interactions);
        auto health = checkStore(to);
        QVERIFY2(
            health && health->healthy(),
            qPrintable(health ? health->integrityProblems.join(QLatin1Char(';')) : health.errorMessage()));
    }

    // Nothing is damaged: every row of every copied table arrives, including what is only in the WAL.
    void recoveryOfAHealthyStoreIsComplete()
    {
        auto writer = Store::open(m_path);
        QVERIFY(writer);
        Decision late;
        late.interactionId = number(*writer, "SELECT max(id) FROM interactions");
        late.kind = DecisionKind::Correct;
        late.correctedOutput = QStringLiteral("Only in the WAL so far.");
        QVERIFY(recordDecision(*writer, late));
        const QString to = m_dir.filePath(QStringLiteral("copy-%1.flywheel").arg(m_count));
        auto report = recoverStore(m_path, to);
        QVERIFY2(report, qPrintable(report.errorMessage()));
        QVERIFY(report->warning.isEmpty());
        QCOMPARE(report->lostAndFound, qint64(0));
        auto copy = Store::open(to);
        QVERIFY(copy);
        for (const char *sql : {"SELECT count(*) FROM reviews", "SELECT count(*) FROM interactions",
                                "SELECT count(*) FROM feedback_events", "SELECT count(*) FROM corrections",
                                "SELECT count(*) FROM guidelines", "SELECT count(*) FROM model_versions",
                                "SELECT total(length(input)) FROM interactions"})
            QCOMPARE(number(*copy, sql), number(*writer, sql));
        QCOMPARE(
            number(*copy, "SELECT count(*) FROM reviews WHERE corrected_output = 'Only in the WAL so far.'"),
            qint64(1));
    }

    void recoveryRefusesAnExistingTarget()
    {
        auto report = recoverStore(m_path, m_path);
        QVERIFY(!report);
        QVERIFY(report.errorMessage().contains(QStringLiteral("already exists")));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_count = 0;
    qint64 m_decisions = 0, m_interactions = 0;
};

QTEST_GUILESS_MAIN(TestStoreDamage)
#include "tst_storedamage.moc"
