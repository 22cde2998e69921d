// One reading of --from/--to for every command and both studio date filters: dates are UTC days,
// the end is excluded, and the last day given is taken whole.
#include "util/timerange.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include <ctime>

using namespace flywheel;

namespace {

qint64 utc(int y, int m, int d, int h = 0, int min = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min), QTimeZone::utc()).toMSecsSinceEpoch();
}

} // namespace

class TestTimeRange : public QObject {
    Q_OBJECT

private slots:
    void datesAreWholeUtcDays()
    {
        const auto range = parseTimeRange(QStringLiteral("2026-11-02"), QStringLiteral("2026-11-03"));
        QVERIFY(range);
        QCOMPARE(*range->fromMs, utc(2026, 11, 2));
        QCOMPARE(*range->toMs, utc(2026, 11, 4)); // the day after the last, excluded
        QVERIFY(range->contains(utc(2026, 11, 3, 23, 59)));
        QVERIFY(!range->contains(utc(2026, 11, 4)));
        QVERIFY(!range->contains(utc(2026, 11, 1, 23, 59)));
        QCOMPARE(range->firstDay(), QDate(2026, 11, 2));
        QCOMPARE(range->lastDay(), QDate(2026, 11, 3));
        QCOMPARE(*range, TimeRange::ofDays(QDate(2026, 11, 2), QDate(2026, 11, 3)));
    }

    void oneDay()
    {
        const auto range = parseTimeRange(QStringLiteral("2026-11-02"), QStringLiteral("2026-11-02"));
        QVERIFY(range);
        QCOMPARE(*range->toMs - *range->fromMs, qint64(24 * 3600 * 1000));
    }

    void timesAreInstantsAndTheEndIsTaken()
    {
        const auto range = parseTimeRange(QStringLiteral("2026-11-02T09:00:00+05:30"),
                                          QStringLiteral("2026-11-02T12:00:00Z"));
        QVERIFY(range);
        QCOMPARE(*range->fromMs, utc(2026, 11, 2, 3, 30));
        QVERIFY(range->contains(utc(2026, 11, 2, 12)));
        QVERIFY(!range->contains(utc(2026, 11, 2, 12) + 1));
        QCOMPARE(range->lastDay(), QDate(2026, 11, 2));
    }

    void openEnds()
    {
        const auto none = parseTimeRange(QString(), QString());
        QVERIFY(none);
        QVERIFY(none->isOpen());
        QVERIFY(none->contains(0));
        QVERIFY(!none->firstDay().isValid());
        const auto from = parseTimeRange(QStringLiteral("2026-11-02"), QString());
        QVERIFY(from && from->fromMs && !from->toMs);
        const auto shown = TimeRange::ofDays(QDate(), QDate(2026, 11, 2));
        QVERIFY(!shown.fromMs);
        QCOMPARE(shown.lastDay(), QDate(2026, 11, 2));
    }

    void errorsNameTheOption()
    {
        const auto bad = parseTimeRange(QStringLiteral("yesterday"), QString());
        QVERIFY(!bad);
        QVERIFY(bad.errorMessage().startsWith(QStringLiteral("--from takes a date")));
        QVERIFY(bad.errorMessage().contains(QStringLiteral("\"yesterday\"")));
        const auto noZone = parseTimeRange(QString(), QStringLiteral("2026-11-02T12:00:00"));
        QVERIFY(!noZone);
        QVERIFY(noZone.errorMessage().startsWith(QStringLiteral("--to takes")));
        const auto backwards = parseTimeRange(QStringLiteral("2026-11-03"), QStringLiteral("2026-11-02"));
        QVERIFY(!backwards);
        QVERIFY(backwards.errorMessage().startsWith(QStringLiteral("--to must not be before --from")));
    }

    void theSameUnderAnyTimeZone()
    {
        // The computer's zone never enters: the same text gives the same range.
        const QByteArray saved = qgetenv("TZ");
        const auto utcRange = parseTimeRange(QStringLiteral("2026-03-29"), QStringLiteral("2026-03-29"));
        for (const char *zone : {"Asia/Kolkata", "America/Los_Angeles", "Europe/London"}) {
            qputenv("TZ", zone);
            tzset();
            QCOMPARE(*parseTimeRange(QStringLiteral("2026-03-29"), QStringLiteral("2026-03-29")), *utcRange);
            QCOMPARE(TimeRange::ofDays(QDate(2026, 3, 29), QDate(2026, 3, 29)), *utcRange);
        }
        saved.isEmpty() ? qunsetenv("TZ") : qputenv("TZ", saved);
        tzset();
    }
};

QTEST_GUILESS_MAIN(TestTimeRange)
#include "tst_timerange.moc"
