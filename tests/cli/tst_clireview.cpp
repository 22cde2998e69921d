// The commands around review: curate, queue, show, dupes and guidelines. Part of tst_cli (the
// class and its helpers are in tst_cli.h and tst_cli.cpp).

#include "tst_cli.h"

#include "store/store.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

void TestCli::curateQueueShowAndDupes()
{
    const QString input = writeInput(
        R"({"id":"q1","timestamp":"2026-11-01T12:00:00Z","input":"Where is my order?","output":"Soon.","outcome":"accepted"})"
        "\n"
        R"({"id":"q2","timestamp":"2026-11-01T12:01:00Z","input":"where is my  order?","output":"","finish_reason":"error"})"
        "\n"
        R"({"id":"q3","timestamp":"2026-11-01T12:02:00Z","input":"Card 4111 1111 1111 1111","output":"Noted."})"
        "\n");
    QCOMPARE(flywheel({QStringLiteral("--store"), store(), QStringLiteral("ingest"), input}).exitCode, 0);
    const QStringList base{QStringLiteral("--store"), store(), QStringLiteral("--json")};

    const Run curate = flywheel(base + QStringList{QStringLiteral("curate"), QStringLiteral("--explain")});
    QCOMPARE(curate.exitCode, 0);
    const QJsonObject report = curate.json();
    QCOMPARE(report.value(QStringLiteral("processed")).toInteger(), 3);
    QCOMPARE(report.value(QStringLiteral("labels")).toObject().value(QStringLiteral("positive")).toInteger(),
             1);
    QCOMPARE(report.value(QStringLiteral("duplicate_clusters")).toInteger(), 1);
    QVERIFY(!report.value(QStringLiteral("rules")).toArray().isEmpty());

    const Run queue =
        flywheel(base + QStringList{QStringLiteral("queue"), QStringLiteral("--limit"), QStringLiteral("1")});
    QCOMPARE(queue.exitCode, 0);
    const QJsonArray entries = queue.json().value(QStringLiteral("queue")).toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries[0][QStringLiteral("reason")].toString(), QStringLiteral("personal_data"));
    QCOMPARE(entries[0][QStringLiteral("id")].toString(), QStringLiteral("q3"));

    const Run show = flywheel(base + QStringList{QStringLiteral("show"), QStringLiteral("q3")});
    QCOMPARE(show.exitCode, 0);
    const QJsonObject shown = show.json().value(QStringLiteral("interactions")).toArray().at(0).toObject();
    QCOMPARE(shown.value(QStringLiteral("personal_data")).toArray().at(0)[QStringLiteral("kind")].toString(),
             QStringLiteral("card"));
    const Run text =
        flywheel({QStringLiteral("--store"), store(), QStringLiteral("show"), QStringLiteral("q1")});
    QVERIFY2(text.out.contains("rule accepted_as_is -> positive"), text.out.constData());
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("show"), QStringLiteral("nope")}).exitCode, 2);

    const Run dupes = flywheel(base + QStringList{QStringLiteral("dupes")});
    QCOMPARE(dupes.exitCode, 0);
    QCOMPARE(dupes.json()
                 .value(QStringLiteral("clusters"))
                 .toArray()
                 .at(0)[QStringLiteral("representative")]
                 .toString(),
             QStringLiteral("q1"));

    const Run check = flywheel(base + QStringList{QStringLiteral("check")});
    QCOMPARE(check.exitCode, 0);
    QCOMPARE(check.json().value(QStringLiteral("healthy")).toBool(), true);
    QCOMPARE(flywheel({QStringLiteral("--store"), m_dir->filePath(QStringLiteral("none.flywheel")),
                       QStringLiteral("check")})
                 .exitCode,
             2);

    const QString copy = m_dir->filePath(QStringLiteral("backup.flywheel"));
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("backup"), QStringLiteral("--to"), copy}).exitCode,
             0);
    QCOMPARE(flywheel({QStringLiteral("--store"), copy, QStringLiteral("check")}).exitCode, 0);
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("backup"), QStringLiteral("--to"), copy}).exitCode,
             2);
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("backup")}).exitCode, 2);

    const QString badRules = writeInput(R"({"rules": [{"id": "x"}]})");
    const Run bad = flywheel(
        {QStringLiteral("--store"), store(), QStringLiteral("curate"), QStringLiteral("--rules"), badRules});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("\"label\" must be gold, positive or negative"), bad.err.constData());
}

// `flywheel queue` lists what the studio's queue lists: each flagged interaction once, by priority,
// with the studio's filters.
void TestCli::queueListsAsTheStudioDoes()
{
    const QStringList base{QStringLiteral("--store"), store(), QStringLiteral("--json")};
    const auto queue = [&](const QStringList &options) {
        const Run run = flywheel(base + QStringList{QStringLiteral("queue")} + options);
        if (run.exitCode != 0)
            qWarning("%s", run.err.constData());
        return run.json();
    };
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("demo"), QStringLiteral("--interactions"),
                                         QStringLiteral("3000")})
                 .exitCode,
             0);
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("curate")}).exitCode, 0);

    const QJsonObject todo = queue({QStringLiteral("--limit"), QStringLiteral("100000")});
    const qint64 total = todo.value(QStringLiteral("total")).toInteger();
    const QJsonArray rows = todo.value(QStringLiteral("queue")).toArray();
    QCOMPARE(qint64(rows.size()), total);
    QSet<QString> ids;
    double previous = 1e9;
    for (const QJsonValue &row : rows) {
        const QString id = row[QStringLiteral("id")].toString();
        QVERIFY2(!ids.contains(id), qPrintable(id));
        ids.insert(id);
        QVERIFY(row[QStringLiteral("priority")].toDouble() <= previous);
        previous = row[QStringLiteral("priority")].toDouble();
    }
    const QString top = rows[0][QStringLiteral("id")].toString();
    {
        auto opened = flywheel::Store::open(store());
        QVERIFY2(opened, qPrintable(opened.errorMessage()));
        QCOMPARE(*opened->db().queryInt("SELECT count(DISTINCT interaction_id) FROM flags"), total);
        QVERIFY(opened->db().exec(
            QStringLiteral(
                "INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at, segment) "
                "SELECT id, 'approve', 'positive', 'ana', 1, 'picked' FROM interactions "
                "WHERE external_id = '%1'")
                .arg(top)
                .toUtf8()
                .constData()));
    }
    QCOMPARE(queue({}).value(QStringLiteral("total")).toInteger(), total - 1);
    const QJsonObject decided = queue({QStringLiteral("--status"), QStringLiteral("decided")});
    QCOMPARE(decided.value(QStringLiteral("total")).toInteger(), 1);
    const QJsonValue mine = decided.value(QStringLiteral("queue")).toArray().at(0);
    QCOMPARE(mine[QStringLiteral("id")].toString(), top);
    QCOMPARE(mine[QStringLiteral("decision")].toString(), QStringLiteral("approve"));
    QCOMPARE(mine[QStringLiteral("reviewer")].toString(), QStringLiteral("ana"));
    QCOMPARE(mine[QStringLiteral("segment")].toString(), QStringLiteral("picked"));
    QCOMPARE(queue({QStringLiteral("--status"), QStringLiteral("all"), QStringLiteral("--segment"),
                    QStringLiteral("picked")})
                 .value(QStringLiteral("total"))
                 .toInteger(),
             1);

    const QJsonObject slow =
        queue({QStringLiteral("--status"), QStringLiteral("all"), QStringLiteral("--reason"),
               QStringLiteral("latency_outlier"), QStringLiteral("--limit"), QStringLiteral("1000")});
    QVERIFY(slow.value(QStringLiteral("total")).toInteger() > 0);
    for (const QJsonValue &row : slow.value(QStringLiteral("queue")).toArray())
        QCOMPARE(row[QStringLiteral("reason")].toString(), QStringLiteral("latency_outlier"));

    // The longest word of an input finds it.
    const QJsonValue second = rows[1];
    QString word;
    for (const QString &w :
         second[QStringLiteral("preview")].toString().split(QRegularExpression(QStringLiteral("\\W+"))))
        if (w.size() > word.size())
            word = w;
    const QJsonObject found =
        queue({QStringLiteral("--search"), word, QStringLiteral("--limit"), QStringLiteral("100000")});
    QVERIFY(found.value(QStringLiteral("total")).toInteger() < total);
    bool listed = false;
    for (const QJsonValue &row : found.value(QStringLiteral("queue")).toArray())
        listed = listed || row[QStringLiteral("id")].toString() == second[QStringLiteral("id")].toString();
    QVERIFY2(listed, qPrintable(word));

    QCOMPARE(queue({QStringLiteral("--from"), QStringLiteral("2100-01-01")})
                 .value(QStringLiteral("total"))
                 .toInteger(),
             0);
    const Run none = flywheel({QStringLiteral("--store"), store(), QStringLiteral("queue"),
                               QStringLiteral("--from"), QStringLiteral("2100-01-01")});
    QCOMPARE(none.exitCode, 0);
    QVERIFY2(none.out.contains("No flagged interaction matches."), none.out.constData());
}

void TestCli::guidelinesAreSetPrintedAndKept()
{
    const QStringList base{QStringLiteral("--store"), store()};
    const QStringList guidelines{QStringLiteral("guidelines")};
    QCOMPARE(flywheel(base + QStringList{QStringLiteral("init")}).exitCode, 0);
    const Run none = flywheel(base + guidelines);
    QCOMPARE(none.exitCode, 0);
    QVERIFY2(none.out.contains("No guidelines yet"), none.out.constData());

    const QByteArray text =
        "# Deciding\n\n- Accept what is right and polite.\n- \xc3\xa9t\xc3\xa9: \"quotes\" and 'ticks'\n";
    const Run set = flywheel(base + guidelines +
                             QStringList{QStringLiteral("--set"), writeInput(text),
                                         QStringLiteral("--author"), QStringLiteral("lead")});
    QCOMPARE(set.exitCode, 0);
    QVERIFY2(set.out.contains("version 1"), set.out.constData());
    const Run printed = flywheel(base + guidelines);
    QCOMPARE(printed.exitCode, 0);
    QCOMPARE(printed.out, text); // stdout is the Markdown as written; who and when go to stderr
    QVERIFY2(printed.err.contains("Version 1 by lead"), printed.err.constData());

    const Run fromStdin =
        flywheel(base + guidelines + QStringList{QStringLiteral("--set"), QStringLiteral("-")},
                 "## Refunds\n", {QStringLiteral("USER=ana")});
    QCOMPARE(fromStdin.exitCode, 0);
    const Run history = flywheel(base + QStringList{QStringLiteral("--json")} + guidelines +
                                 QStringList{QStringLiteral("--history")});
    const QJsonArray versions = history.json().value(QStringLiteral("versions")).toArray();
    QCOMPARE(versions.size(), 2);
    QCOMPARE(versions[0][QStringLiteral("version")].toInteger(), 2);
    QCOMPARE(versions[0][QStringLiteral("author")].toString(), QStringLiteral("ana"));
    QCOMPARE(versions[1][QStringLiteral("author")].toString(), QStringLiteral("lead"));
    const Run first = flywheel(base + QStringList{QStringLiteral("--json")} + guidelines +
                               QStringList{QStringLiteral("--version"), QStringLiteral("1")});
    QCOMPARE(first.json().value(QStringLiteral("text")).toString(), QString::fromUtf8(text));

    const Run missing =
        flywheel(base + guidelines + QStringList{QStringLiteral("--version"), QStringLiteral("9")});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("no version 9"), missing.err.constData());
    const Run empty = flywheel(base + guidelines + QStringList{QStringLiteral("--set"), writeInput(" \n")});
    QCOMPARE(empty.exitCode, 2);
    QVERIFY2(empty.err.contains("is empty"), empty.err.constData());
    const Run notText =
        flywheel(base + guidelines + QStringList{QStringLiteral("--set"), writeInput("\xff\xfe")});
    QCOMPARE(notText.exitCode, 2);
    QVERIFY2(notText.err.contains("not UTF-8"), notText.err.constData());
}
