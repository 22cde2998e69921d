#include "util/timestamps.h"

#include <QDateTime>
#include <QTest>

using namespace flywheel;

class TestTimestamps : public QObject {
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("utc") << QStringLiteral("2026-11-01T12:30:05Z") << qint64(1793536205000);
        QTest::newRow("millis") << QStringLiteral("2026-11-01T12:30:05.123Z") << qint64(1793536205123);
        QTest::newRow("micros truncated")
            << QStringLiteral("2026-11-01T12:30:05.123456Z") << qint64(1793536205123);
        QTest::newRow("offset") << QStringLiteral("2026-11-01T14:30:05+02:00") << qint64(1793536205000);
        QTest::newRow("negative offset")
            << QStringLiteral("2026-11-01T07:00:05-05:30") << qint64(1793536205000);
        QTest::newRow("space separator") << QStringLiteral("2026-11-01 12:30:05z") << qint64(1793536205000);
        QTest::newRow("leap day") << QStringLiteral("2024-02-29T00:00:00Z") << qint64(1709164800000);
        QTest::newRow("epoch") << QStringLiteral("1970-01-01T00:00:00Z") << qint64(0);
    }

    void parses()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto parsed = parseRfc3339(text.toStdString());
        QVERIFY(parsed.has_value());
        QCOMPARE(*parsed, expected);
        // Cross-check with Qt's own parser.
        QCOMPARE(QDateTime::fromString(text.replace(QLatin1Char(' '), QLatin1Char('T')).toUpper(),
                                       Qt::ISODateWithMs)
                     .toMSecsSinceEpoch(),
                 expected);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("no offset") << QStringLiteral("2026-11-01T12:30:05");
        QTest::newRow("date only") << QStringLiteral("2026-11-01");
        QTest::newRow("month 13") << QStringLiteral("2026-13-01T00:00:00Z");
        QTest::newRow("feb 30") << QStringLiteral("2026-02-30T00:00:00Z");
        QTest::newRow("not leap") << QStringLiteral("2025-02-29T00:00:00Z");
        QTest::newRow("hour 24") << QStringLiteral("2026-11-01T24:00:00Z");
        QTest::newRow("trailing") << QStringLiteral("2026-11-01T12:30:05Zjunk");
        QTest::newRow("empty fraction") << QStringLiteral("2026-11-01T12:30:05.Z");
        QTest::newRow("words") << QStringLiteral("yesterday");
    }

    void rejects()
    {
        QFETCH(QString, text);
        QVERIFY(!parseRfc3339(text.toStdString()).has_value());
    }

    void truncatesBeyondMilliseconds()
    {
        // Qt rounds sub-millisecond digits; the store truncates, so a time never moves into the future.
        QCOMPARE(parseRfc3339("2026-11-01T12:30:05.1239Z").value(), qint64(1793536205123));
    }

    void formatsRoundTrip()
    {
        for (qint64 ms : {qint64(0), qint64(1793536205123), qint64(951782400000) /* 2000-02-29 */}) {
            const std::string text = formatRfc3339(ms);
            QCOMPARE(parseRfc3339(text).value(), ms);
        }
        QCOMPARE(QString::fromStdString(formatRfc3339(1793536205123)),
                 QStringLiteral("2026-11-01T12:30:05.123Z"));
    }
};

QTEST_GUILESS_MAIN(TestTimestamps)
#include "tst_timestamps.moc"
