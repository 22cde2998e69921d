#include "ingesttesting.h"

#include "ingest/ingester.h"
#include "store/backup.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/storecheck.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;

class TestStoreCheck : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        m_dir.emplace();
        m_path = m_dir->filePath(QStringLiteral("check.flywheel"));
        auto store = Store::open(m_path);
        QVERIFY(store);
        QByteArray lines;
        for (int i = 0; i < 2000; ++i)
            lines += testing::interactionLine("c" + QByteArray::number(i));
        lines += R"({"type":"feedback","interaction_id":"later","kind":"thumbs","value":"up"})"
                 "\n{broken\n";
        const QString input = m_dir->filePath(QStringLiteral("in.jsonl"));
        QVERIFY(testing::writeFile(input, lines));
        QVERIFY(Ingester(*store).ingest({input}));
    }

    void healthyStore()
    {
        const QByteArray before = fileBytes();
        auto health = checkStore(m_path);
        QVERIFY2(health, qPrintable(health.errorMessage()));
        QVERIFY(health->healthy());
        QCOMPARE(health->schemaVersion, latestSchemaVersion());
        QVERIFY(!health->needsUpgrade());
        QCOMPARE(health->eventsAwaitingInteraction, qint64(1));
        QCOMPARE(health->quarantinedLines, qint64(1));
        QCOMPARE(health->quarantinedBytes, qint64(7));
        QCOMPARE(health->unfinishedRuns, qint64(0));
        QCOMPARE(fileBytes(), before); // checking writes nothing
    }

    void danglingForeignKeys()
    {
        {
            auto store = Store::open(m_path);
            QVERIFY(store->db().exec("PRAGMA foreign_keys = OFF"));
            QVERIFY(store->db().exec(
                "INSERT INTO flags (interaction_id, reason, priority) VALUES (999999, 'x', 1)"));
        }
        auto health = checkStore(m_path);
        QVERIFY(health);
        QVERIFY(!health->healthy());
        QCOMPARE(health->foreignKeyProblems.size(), 1);
        QVERIFY(health->foreignKeyProblems[0].startsWith(QStringLiteral("flags row")));
    }

    void damagedFile()
    {
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.size() > 6 * 16384);
        // Garbage over the headers of b-tree pages, as a failing disk might leave them.
        for (qint64 page = 2; page < 6; ++page) {
            QVERIFY(file.seek(page * 16384));
            file.write(QByteArray(64, '\x5a'));
        }
        file.close();
        auto health = checkStore(m_path);
        QVERIFY(!health || !health->healthy());
        if (health)
            QVERIFY(!health->integrityProblems.isEmpty());
    }

    void notAStore()
    {
        const QString other = m_dir->filePath(QStringLiteral("notes.txt"));
        QVERIFY(testing::writeFile(other, "hello"));
        QVERIFY(!checkStore(other));
        QVERIFY(checkStore(m_dir->filePath(QStringLiteral("missing.flywheel")))
                    .errorMessage()
                    .contains(QStringLiteral("no store at")));
        {
            auto store = Store::open(m_path);
            QVERIFY(store->db().exec("PRAGMA user_version = 99"));
        }
        auto newer = checkStore(m_path);
        QVERIFY(!newer);
        QVERIFY(newer.errorMessage().contains(QStringLiteral("newer than this Flywheel Studio")));
    }

    void backupIsAConsistentCopyWhileOthersWrite()
    {
        // Another connection is in the middle of a write: the copy waits for nothing and leaves it out.
        auto writer = Store::open(m_path);
        QVERIFY(writer && writer->db().exec("BEGIN IMMEDIATE"));
        QVERIFY(writer->db().exec("UPDATE interactions SET category = 'uncommitted'"));
        const QString copy = m_dir->filePath(QStringLiteral("copy.flywheel"));
        QVERIFY(backupStore(m_path, copy));
        QVERIFY(writer->db().exec("COMMIT"));
        auto health = checkStore(copy);
        QVERIFY(health && health->healthy());
        auto restored = Store::open(copy);
        QVERIFY(restored);
        QCOMPARE(testing::count(*restored, "SELECT count(*) FROM interactions"), qint64(2000));
        QCOMPARE(
            testing::count(*restored, "SELECT count(*) FROM interactions WHERE category = 'uncommitted'"),
            qint64(0));
        QVERIFY(!QFile::exists(copy + QStringLiteral(".partial")));

        // An existing file is never overwritten; a non-store is never copied.
        const qint64 sizeBefore = QFile(copy).size();
        auto again = backupStore(m_path, copy);
        QVERIFY(!again);
        QVERIFY(again.errorMessage().contains(QStringLiteral("already exists")));
        QCOMPARE(QFile(copy).size(), sizeBefore);
        const QString other = m_dir->filePath(QStringLiteral("notes.txt"));
        QVERIFY(testing::writeFile(other, "hello"));
        QVERIFY(!backupStore(other, m_dir->filePath(QStringLiteral("notes-copy.flywheel"))));
        QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("notes-copy.flywheel"))));
    }

private:
    QByteArray fileBytes() const
    {
        QFile file(m_path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    std::optional<QTemporaryDir> m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestStoreCheck)
#include "tst_storecheck.moc"
