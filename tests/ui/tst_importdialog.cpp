#include "dialogs/importdialog.h"

#include "session/studiosession.h"
#include "store/store.h"

#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;

namespace {

QByteArray interactionLine(int id)
{
    return R"({"id":"req-)" + QByteArray::number(id) +
           R"(","timestamp":"2026-11-01T12:00:00Z","input":"How do I reset my password?",)"
           R"("output":"Open Settings, then Security.","model":"helper","model_version":"v1"})"
           "\n";
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

qint64 interactions(const QString &path)
{
    auto store = Store::open(path);
    if (!store)
        return -1;
    auto count = store->db().queryInt("SELECT count(*) FROM interactions");
    return count ? *count : -1;
}

} // namespace

class TestImportDialog : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir.emplace();
        QVERIFY(m_dir->isValid());
        m_storePath = m_dir->filePath(QStringLiteral("import.flywheel"));
        QVERIFY(Store::open(m_storePath));
    }

    void cleanup() { m_dir.reset(); }

    void importsAndListsRejectedLines()
    {
        const QString capture = m_dir->filePath(QStringLiteral("capture.jsonl"));
        QVERIFY(writeFile(capture, interactionLine(1) + interactionLine(2) +
                                       R"({"id":"broken","timestamp":)"
                                       "\n" +
                                       interactionLine(3) +
                                       R"({"id":"no-time","input":"hi"})"
                                       "\n" +
                                       interactionLine(4)));
        ui::StudioSession session;
        session.open(m_storePath);
        ui::ImportDialog dialog(&session);
        QSignalSpy imported(&dialog, &ui::ImportDialog::imported);
        dialog.startImport({capture});
        QVERIFY(dialog.isRunning());
        QTRY_VERIFY(!dialog.isRunning());
        QVERIFY2(dialog.lastError().isEmpty(), qPrintable(dialog.lastError()));
        QCOMPARE(imported.count(), 1);

        const IngestReport &report = dialog.lastReport();
        QVERIFY(!report.cancelled);
        QCOMPARE(report.counts.stored, qint64(4));
        QCOMPARE(report.counts.rejected, qint64(2));
        QCOMPARE(interactions(m_storePath), qint64(4));

        const QTableWidget *rejected = dialog.rejectedLines();
        QCOMPARE(rejected->rowCount(), 2);
        QCOMPARE(rejected->item(0, 0)->text(), QStringLiteral("capture.jsonl"));
        QCOMPARE(rejected->item(0, 1)->text(), QStringLiteral("3"));
        QCOMPARE(rejected->item(1, 1)->text(), QStringLiteral("5"));
        QVERIFY(!rejected->item(0, 2)->text().isEmpty());
        QVERIFY(rejected->item(1, 2)->text().contains(QStringLiteral("timestamp")));
    }

    void reportsUnreadableInput()
    {
        ui::StudioSession session;
        session.open(m_storePath);
        ui::ImportDialog dialog(&session);
        dialog.startImport({m_dir->filePath(QStringLiteral("missing.jsonl"))});
        QTRY_VERIFY(!dialog.isRunning());
        QVERIFY(!dialog.lastError().isEmpty());
        QCOMPARE(dialog.rejectedLines()->rowCount(), 0);
    }

    void cancelsAndStaysUsable()
    {
        const int lines = 100000;
        QByteArray big;
        big.reserve(lines * 200);
        for (int i = 0; i < lines; ++i)
            big += interactionLine(i);
        const QString bigPath = m_dir->filePath(QStringLiteral("big.jsonl"));
        QVERIFY(writeFile(bigPath, big));

        ui::StudioSession session;
        session.open(m_storePath);
        ui::ImportDialog dialog(&session);
        QSignalSpy imported(&dialog, &ui::ImportDialog::imported);
        dialog.startImport({bigPath});
        dialog.cancelImport();
        QTRY_VERIFY(!dialog.isRunning());
        QVERIFY2(dialog.lastError().isEmpty(), qPrintable(dialog.lastError()));
        QVERIFY(dialog.lastReport().cancelled);
        QVERIFY(interactions(m_storePath) < lines);

        // Usable again: the import button is back and a second import completes.
        const auto buttons = dialog.findChildren<QPushButton *>();
        const bool importEnabled = std::any_of(buttons.cbegin(), buttons.cend(), [](const QPushButton *b) {
            return b->text() == QObject::tr("&Import") && b->isEnabled();
        });
        QVERIFY(importEnabled);
        const QString small = m_dir->filePath(QStringLiteral("small.jsonl"));
        QVERIFY(writeFile(small, interactionLine(lines + 1)));
        dialog.startImport({small});
        QTRY_VERIFY(!dialog.isRunning());
        QVERIFY(!dialog.lastReport().cancelled);
        QCOMPARE(dialog.lastReport().counts.stored, qint64(1));
        QVERIFY(imported.count() >= 1);
    }

    void destroyingWhileRunningWaitsForTheWorker()
    {
        QByteArray lines;
        for (int i = 0; i < 20000; ++i)
            lines += interactionLine(i);
        const QString path = m_dir->filePath(QStringLiteral("many.jsonl"));
        QVERIFY(writeFile(path, lines));
        {
            ui::StudioSession session;
            session.open(m_storePath);
            ui::ImportDialog dialog(&session);
            dialog.startImport({path});
        }
        // The worker stopped with the dialog and left a store that opens.
        QVERIFY(interactions(m_storePath) >= 0);
    }

private:
    std::optional<QTemporaryDir> m_dir;
    QString m_storePath;
};

QTEST_MAIN(TestImportDialog)
#include "tst_importdialog.moc"
