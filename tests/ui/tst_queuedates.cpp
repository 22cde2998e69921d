// The studio's queue date filter and `flywheel queue --from/--to` select the same interactions for
// the same dates, whatever the time zone: ctest runs this under TZ=Asia/Kolkata (east of UTC) and
// TZ=America/Los_Angeles (west). Dates are UTC days (core/util/timerange.h).
#include "../common/runflywheel.h"

#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "models/reviewqueuemodel.h"
#include "review/reviewqueue.h"
#include "store/store.h"
#include "views/queuepanel.h"

#include <QDateEdit>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace flywheel;

namespace {

QSet<QString> idsOf(Store &store, const QueueFilter &filter)
{
    QSet<QString> ids;
    auto rows = ReviewQueue(store, filter).pageAt(0, 1000000);
    if (rows)
        for (const QueueRow &row : *rows)
            ids.insert(row.externalId);
    return ids;
}

} // namespace

class TestQueueDates : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("dates.flywheel"));
        auto store = Store::open(m_path);
        QVERIFY(store);
        DemoOptions options;
        options.interactions = 3000;
        QVERIFY(DemoGenerator(*store, options).run());
        QVERIFY(Curator(*store, RuleSet::defaults()).run());
        // This only tests something away from UTC.
        QVERIFY2(QTimeZone::systemTimeZone().offsetFromUtc(QDateTime::currentDateTimeUtc()) != 0,
                 "run under a TZ away from UTC (ctest sets one)");
    }

    void studioAndCommandLineAgree()
    {
        auto store = Store::open(m_path);
        QVERIFY(store);
        const qint64 first = *store->db().queryInt("SELECT min(ts) FROM interactions");
        const qint64 last = *store->db().queryInt("SELECT max(ts) FROM interactions");
        const QDate from = QDateTime::fromMSecsSinceEpoch((first + last) / 2, QTimeZone::utc()).date();
        const QDate to = from.addDays(1);

        // The studio: the dates typed into the queue's boxes.
        ui::ReviewQueueModel model;
        model.setStorePath(m_path);
        ui::QueuePanel panel(&model);
        const QList<QDateEdit *> boxes = panel.findChildren<QDateEdit *>();
        QCOMPARE(boxes.size(), 2);
        QueueFilter everything;
        everything.status = QueueFilter::Status::All;
        panel.applyFilter(everything);
        boxes.at(0)->setDate(from);
        boxes.at(1)->setDate(to);
        const QueueFilter studio = model.filter();
        QVERIFY(studio.time.fromMs && studio.time.toMs);
        const QSet<QString> shown = idsOf(*store, studio);

        // The command line, for the same dates.
        const auto run = testing::runFlywheel(
            {QStringLiteral("--store"), m_path, QStringLiteral("--json"), QStringLiteral("queue"),
             QStringLiteral("--status"), QStringLiteral("all"), QStringLiteral("--limit"),
             QStringLiteral("1000000"), QStringLiteral("--from"), from.toString(Qt::ISODate),
             QStringLiteral("--to"), to.toString(Qt::ISODate)});
        QCOMPARE(run.exitCode, 0);
        QSet<QString> listed;
        for (const QJsonValue &row :
             QJsonDocument::fromJson(run.out).object().value(QStringLiteral("queue")).toArray())
            listed.insert(row.toObject().value(QStringLiteral("id")).toString());

        QVERIFY(!shown.isEmpty());
        QCOMPARE(shown, listed);

        // And the test can tell: local midnights would have selected other interactions.
        QueueFilter local = studio;
        local.time =
            TimeRange{from.startOfDay().toMSecsSinceEpoch(), to.addDays(1).startOfDay().toMSecsSinceEpoch()};
        QVERIFY(idsOf(*store, local) != shown);
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QTEST_MAIN(TestQueueDates)
#include "tst_queuedates.moc"
