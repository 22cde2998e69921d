// The studio's file dialogs list a store's folder without opening the store: Qt's own dialog reads
// each file's first bytes to guess its type, and that close() dropped the studio's SQLite locks on
// the open store (docs/reliability.md, "The corrupted store of 2026-12-03").

#include "../common/posixlocks.h"

#include "dialogs/filedialogs.h"
#include "store/store.h"

#include <QFileDialog>
#include <QFileSystemModel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using flywheel::testing::processHoldsLockOn;

namespace {

// Shows @p dialog on the store's folder until its model has listed it and looked at each file.
void listFolder(QFileDialog *dialog, const QString &folder)
{
    auto *model = dialog->findChild<QFileSystemModel *>();
    QVERIFY(model);
    QSignalSpy loaded(model, &QFileSystemModel::directoryLoaded);
    dialog->setDirectory(folder);
    dialog->show();
    QVERIFY(loaded.count() > 0 || loaded.wait(10000));
    // Types and icons are gathered on the model's thread after the listing; give it time to reach every file.
    const QModelIndex root = model->index(folder);
    for (int row = 0; row < model->rowCount(root); ++row)
        (void)model->type(model->index(row, 0, root));
    QTest::qWait(1500);
    dialog->close();
}

} // namespace

class TestFileDialogs : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("studio.flywheel"));
        auto opened = flywheel::Store::open(m_path);
        QVERIFY(opened);
        m_store.emplace(std::move(*opened));
        QVERIFY(m_store->db().queryInt("SELECT count(*) FROM interactions"));
        QVERIFY(processHoldsLockOn(m_path));
    }
    void cleanup() { m_store.reset(); }

    void studioDialogsKeepTheStoreLocked()
    {
        for (const QString &filter : {QStringLiteral("Flywheel stores (*.flywheel)"),
                                      QStringLiteral("Capture files (*.jsonl *.csv);;All files (*)")}) {
            std::unique_ptr<QFileDialog> dialog(flywheel::ui::createFileDialog(nullptr, {}, {}, filter));
            listFolder(dialog.get(), m_dir.path());
            QVERIFY2(processHoldsLockOn(m_path), qPrintable(filter));
            QVERIFY(processHoldsLockOn(m_path + QStringLiteral("-shm")));
        }
    }

    // Qt's dialog as the studio used it before: it opens the store, and the process's lock is gone.
    // This is what the test above guards against, and shows that its check can fail.
    void qtsOwnDialogDropsTheLock()
    {
        QFileDialog dialog(nullptr, {}, {}, QStringLiteral("Flywheel stores (*.flywheel)"));
        dialog.setOption(QFileDialog::DontUseNativeDialog);
        listFolder(&dialog, m_dir.path());
        QVERIFY(!processHoldsLockOn(m_path));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::optional<flywheel::Store> m_store;
};

QTEST_MAIN(TestFileDialogs)
#include "tst_filedialogs.moc"
