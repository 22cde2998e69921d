// The contract of the SQLite wrapper every stage writes through: values round-trip by type, a
// value that cannot be bound is an error rather than a silent NULL, errors leave the statement
// reusable, and queryInt binds its arguments.
#include "store/database.h"
#include "store/statement.h"

#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace flywheel;

class TestStatement : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_dir.emplace();
        auto db = Database::open(m_dir->filePath(QStringLiteral("statement.db")));
        QVERIFY2(db, qPrintable(db.errorMessage()));
        m_db.emplace(std::move(*db));
        QVERIFY(m_db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, s TEXT, b BLOB, "
                           "u TEXT UNIQUE)"));
    }

    void cleanup()
    {
        m_db.reset();
        m_dir.reset();
    }

    void valuesRoundTripByType()
    {
        auto insert = m_db->prepare("INSERT INTO t (i, d, s, b) VALUES (?1, ?2, ?3, ?4)");
        QVERIFY(insert);
        insert->bind(1, qint64(1) << 40);
        insert->bind(2, 0.25);
        insert->bind(3, QStringLiteral("naïve ✓"));
        const QByteArray blob("a\0b", 3);
        insert->bindBlob(4, blob.constData(), int(blob.size()));
        QVERIFY(insert->run());
        insert->bind(1, std::optional<qint64>());
        insert->bind(2, std::optional<double>(1.5));
        insert->bindTextOrNull(3, std::string_view());
        insert->bindNull(4);
        QVERIFY(insert->run());

        auto select = m_db->prepare("SELECT i, d, s, b FROM t ORDER BY id");
        QVERIFY(select);
        QCOMPARE(select->step().value_or(false), true);
        QCOMPARE(select->columnInt(0), qint64(1) << 40);
        QCOMPARE(select->columnDouble(1), 0.25);
        QCOMPARE(select->columnText(2), QStringLiteral("naïve ✓"));
        QCOMPARE(select->columnBlob(3), blob);
        QCOMPARE(select->step().value_or(false), true);
        QVERIFY(select->isNull(0));
        QCOMPARE(select->columnDouble(1), 1.5);
        QVERIFY(select->isNull(2));
        QVERIFY(select->isNull(3));
        QCOMPARE(select->step().value_or(true), false);
    }

    void aValueThatCannotBeBoundIsAnError()
    {
        auto insert = m_db->prepare("INSERT INTO t (i) VALUES (?1)");
        QVERIFY(insert);
        insert->bind(1, qint64(7));
        insert->bind(2, qint64(8)); // there is no ?2
        const Status s = insert->run();
        QVERIFY(!s);
        QVERIFY2(s.errorMessage().contains(QStringLiteral("?2")), qPrintable(s.errorMessage()));
        QCOMPARE(m_db->queryInt("SELECT count(*) FROM t").value_or(-1), qint64(0)); // nothing ran
        // reset() forgets the error with the bindings: the statement is usable again.
        insert->reset();
        insert->bind(1, qint64(7));
        QVERIFY(insert->run());
        QCOMPARE(m_db->queryInt("SELECT count(*) FROM t").value_or(-1), qint64(1));
    }

    void aFailedStepLeavesTheStatementReusable()
    {
        auto insert = m_db->prepare("INSERT INTO t (u) VALUES (?1)");
        QVERIFY(insert);
        insert->bind(1, std::string_view("same"));
        QVERIFY(insert->run());
        insert->bind(1, std::string_view("same"));
        const Status duplicate = insert->run();
        QVERIFY(!duplicate);
        QVERIFY2(duplicate.errorMessage().contains(QStringLiteral("UNIQUE")),
                 qPrintable(duplicate.errorMessage()));
        insert->reset();
        insert->bind(1, std::string_view("other"));
        QVERIFY(insert->run());
        QCOMPARE(m_db->queryInt("SELECT count(*) FROM t").value_or(-1), qint64(2));
    }

    void forEachRowStopsWhenTheVisitorSaysSo()
    {
        QVERIFY(m_db->exec("INSERT INTO t (i) VALUES (1), (2), (3)"));
        auto select = m_db->prepare("SELECT i FROM t ORDER BY i");
        QVERIFY(select);
        QList<qint64> seen;
        QVERIFY(select->forEachRow([&] {
            seen.append(select->columnInt(0));
            return seen.size() < 2;
        }));
        QCOMPARE(seen, (QList<qint64>{1, 2}));
        select->reset();
        seen.clear();
        QVERIFY(select->forEachRow([&] { seen.append(select->columnInt(0)); }));
        QCOMPARE(seen, (QList<qint64>{1, 2, 3}));
    }

    void queryIntBindsItsArguments()
    {
        QVERIFY(m_db->exec("INSERT INTO t (i, s) VALUES (1, 'a'), (2, 'b'), (3, 'b')"));
        QCOMPARE(m_db->queryInt("SELECT count(*) FROM t WHERE s = ?1 AND i > ?2",
                                {std::string_view("b"), qint64(2)})
                     .value_or(-1),
                 qint64(1));
        QCOMPARE(m_db->queryInt("SELECT count(*) FROM t WHERE s = ?1", {QStringLiteral("a")}).value_or(-1),
                 qint64(1));
        QCOMPARE(m_db->queryInt("SELECT count(*) FROM t WHERE i < ?1", {2.5}).value_or(-1), qint64(2));
        const auto none = m_db->queryInt("SELECT i FROM t WHERE i > ?1", {qint64(9)});
        QVERIFY(!none);
        QVERIFY(none.errorMessage().contains(QStringLiteral("no row")));
        QVERIFY(!m_db->queryInt("SELECT i FROM t WHERE i = ?1", {qint64(1), qint64(2)}));
        QVERIFY(!m_db->queryInt("SELEKT 1"));
    }

    void movingKeepsOneOwner()
    {
        auto prepared = m_db->prepare("SELECT ?1");
        QVERIFY(prepared);
        Statement moved = std::move(*prepared);
        moved.bind(1, qint64(5));
        QCOMPARE(moved.step().value_or(false), true);
        QCOMPARE(moved.columnInt(0), qint64(5));
        Statement assigned;
        assigned = std::move(moved);
        assigned.reset();
        assigned.bind(2, qint64(1)); // an error travels with the statement
        Statement carried = std::move(assigned);
        QVERIFY(!carried.step());
    }

private:
    std::optional<QTemporaryDir> m_dir;
    std::optional<Database> m_db;
};

QTEST_MAIN(TestStatement)
#include "tst_statement.moc"
