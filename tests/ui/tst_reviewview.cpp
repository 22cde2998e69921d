// The review studio driven from the keyboard, as an annotator would, checked against the store:
// decisions, the correction editor (no shortcut fires while typing), undo and redo, a decision
// that cannot be saved, filters, search, and decisions surviving a restart.

#include "mainwindow.h"
#include "models/historymodel.h"
#include "models/reviewqueuemodel.h"
#include "settings/studiosettings.h"
#include "views/decisionpanel.h"
#include "views/queuepanel.h"
#include "views/reviewview.h"
#include "workers/decisionwriter.h"

#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "store/statement.h"
#include "store/store.h"

#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "../common/demostore.h"
#include <QTextBrowser>
#include <QUndoStack>

using namespace flywheel;

namespace {

struct ReviewRow {
    qint64 interactionId = 0;
    QString decision;
    QString corrected;
    QString reviewer;
    double seconds = -1;
};

QList<ReviewRow> reviewsIn(const QString &path)
{
    QList<ReviewRow> rows;
    auto store = Store::open(path);
    if (!store)
        return rows;
    auto query = store->db().prepare("SELECT interaction_id, decision, coalesce(corrected_output, ''), "
                                     "reviewer, seconds FROM reviews ORDER BY id");
    if (!query)
        return rows;
    (void)query->forEachRow([&] {
        rows.append({query->columnInt(0), query->columnText(1), query->columnText(2), query->columnText(3),
                     query->columnDouble(4)});
    });
    return rows;
}

// Opens the store in @p window, shown and active (shortcuts need an active window), and waits
// for the first item of the queue.
bool openActive(ui::MainWindow &window, const QString &path)
{
    window.openStore(path);
    window.show();
    QApplication::setActiveWindow(&window);
    if (!QTest::qWaitForWindowActive(&window))
        return false;
    return QTest::qWaitFor([&] { return window.review()->currentInteraction() > 0; });
}

} // namespace

class TestReviewView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        ui::StudioSettings settings;
        settings.annotator = QStringLiteral("tester");
        settings.save();
        QCOMPARE(m_stores.prepare(), QString());
    }

    void init()
    {
        m_path = m_stores.copy(QStringLiteral("review"));
        QVERIFY(!m_path.isEmpty());
    }

    void keyboardSession()
    {
        ui::MainWindow window;
        QVERIFY(openActive(window, m_path));
        ui::ReviewView *view = window.review();
        QTableView *table = view->queuePanel()->table();
        QTRY_VERIFY(view->queueModel()->isCounted());
        QVector<qint64> ids;
        for (int row = 0; row < 5; ++row) {
            QTRY_VERIFY(view->queueModel()->rowAt(row).has_value());
            ids.append(view->queueModel()->rowAt(row)->key.interactionId);
        }
        QCOMPARE(view->currentInteraction(), ids[0]);
        table->setFocus();

        QTest::keyClick(table, Qt::Key_A);
        QCOMPARE(view->currentInteraction(), ids[1]); // the next item at once
        QTest::keyClick(table, Qt::Key_X);
        QCOMPARE(view->currentInteraction(), ids[2]);

        // E opens the editor; typed letters are text, not decisions.
        QTRY_VERIFY(view->isCurrentLoaded());
        QTest::keyClick(table, Qt::Key_E);
        QVERIFY(view->decisionPanel()->isCorrecting());
        QPlainTextEdit *editor = view->decisionPanel()->correctionEdit();
        QVERIFY(editor->hasFocus());
        editor->clear();
        const QString typed = QStringLiteral("Fixed: a x e, then space j k 1 2 and / done.");
        QTest::keyClicks(editor, typed);
        QCOMPARE(editor->toPlainText(), typed);
        QCOMPARE(view->currentInteraction(), ids[2]);
        QTRY_COMPARE(view->writer()->pending(), 0);
        QCOMPARE(reviewsIn(m_path).size(), 2);
        QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(view->currentInteraction(), ids[3]);
        QVERIFY(!view->decisionPanel()->isCorrecting());

        QTest::keyClick(table, Qt::Key_Space);
        QCOMPARE(view->currentInteraction(), ids[4]);
        QTRY_COMPARE(view->writer()->pending(), 0);
        QCOMPARE(reviewsIn(m_path).size(), 4);

        // Undo writes the store: the skip is gone; redo brings it back.
        QTest::keyClick(table, Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(view->writer()->pending(), 0);
        QCOMPARE(reviewsIn(m_path).size(), 3);
        QTest::keyClick(table, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(view->writer()->pending(), 0);

        const QList<ReviewRow> rows = reviewsIn(m_path);
        QCOMPARE(rows.size(), 4);
        const QStringList expected{QStringLiteral("approve"), QStringLiteral("reject"),
                                   QStringLiteral("correct"), QStringLiteral("skip")};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(rows[i].interactionId, ids[i]);
            QCOMPARE(rows[i].decision, expected[i]);
            QCOMPARE(rows[i].reviewer, QStringLiteral("tester"));
            QVERIFY(rows[i].seconds >= 0);
        }
        QCOMPARE(rows[2].corrected, typed);

        // The history lists them, saved; the queue's status column shows them.
        QCOMPARE(view->history()->savedThisSession(), 4);
        QCOMPARE(view->queueModel()->index(0, ui::ReviewQueueModel::Status).data().toString(),
                 QStringLiteral("Accepted"));
        QCOMPARE(view->queueModel()->index(3, ui::ReviewQueueModel::Status).data().toString(),
                 QStringLiteral("Skipped"));
    }

    void decisionsSurviveReopening()
    {
        {
            ui::MainWindow window;
            QVERIFY(openActive(window, m_path));
            ui::ReviewView *view = window.review();
            QTest::keyClick(view->queuePanel()->table(), Qt::Key_A);
            QTest::keyClick(view->queuePanel()->table(), Qt::Key_X);
            // Closing right away: the writer finishes what it was asked before the window goes.
        }
        QCOMPARE(reviewsIn(m_path).size(), 2);
        ui::MainWindow again;
        again.openStore(m_path);
        QTRY_COMPARE(again.review()->history()->rowCount(), 2);
        QCOMPARE(again.review()->history()->entry(0)->decision.kind, DecisionKind::Reject);
        // Decided items leave the to-do queue.
        QueueFilter decided;
        decided.status = QueueFilter::Status::Decided;
        again.review()->showQueue(decided);
        QTRY_VERIFY(again.review()->queueModel()->isCounted());
        QCOMPARE(again.review()->queueModel()->rowCount(), 2);
    }

    void decisionChangedFromTheHistory()
    {
        ui::MainWindow window;
        QVERIFY(openActive(window, m_path));
        ui::ReviewView *view = window.review();
        const qint64 first = view->currentInteraction();
        QTest::keyClick(view->queuePanel()->table(), Qt::Key_A);
        QTest::keyClick(view->queuePanel()->table(), Qt::Key_A);
        QTRY_COMPARE(view->history()->savedThisSession(), 2);
        // The history's oldest entry (the first decision), activated from the keyboard.
        auto *history = window.findChild<QListView *>(QStringLiteral("historyList"));
        QVERIFY(history);
        history->setFocus();
        history->setCurrentIndex(view->history()->index(1));
        QTest::keyClick(history, Qt::Key_Return);
        QCOMPARE(view->currentInteraction(), first);
        QTRY_VERIFY(view->isCurrentLoaded());
        QTest::keyClick(history, Qt::Key_X);
        QTRY_COMPARE(view->writer()->pending(), 0);
        const QList<ReviewRow> rows = reviewsIn(m_path);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.last().interactionId, first);
        QCOMPARE(rows.last().decision, QStringLiteral("reject"));
    }

    void unsavedDecisionStaysOnScreen()
    {
        {
            auto store = Store::open(m_path);
            QVERIFY(store);
            QVERIFY(store->db().exec("CREATE TRIGGER refuse BEFORE INSERT ON reviews "
                                     "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"));
        }
        ui::MainWindow window;
        QVERIFY(openActive(window, m_path));
        ui::ReviewView *view = window.review();
        const qint64 first = view->currentInteraction();
        QSignalSpy failures(view, &ui::ReviewView::saveFailed);
        QTRY_VERIFY(view->isCurrentLoaded());
        QTest::keyClick(view->queuePanel()->table(), Qt::Key_E);
        QVERIFY(view->decisionPanel()->isCorrecting());
        view->decisionPanel()->correctionEdit()->setPlainText(QStringLiteral("my careful correction"));
        QTest::keyClick(view->decisionPanel()->correctionEdit(), Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE(failures.count(), 1);
        QVERIFY(failures.first().first().toString().contains(QStringLiteral("simulated write failure")));
        // Back on the item, with the text typed, and the history says it is not saved.
        QCOMPARE(view->currentInteraction(), first);
        QVERIFY(view->decisionPanel()->isCorrecting());
        QCOMPARE(view->decisionPanel()->correction(), QStringLiteral("my careful correction"));
        QCOMPARE(ui::HistoryModel::State(view->history()->index(0).data(ui::HistoryModel::StateRole).toInt()),
                 ui::HistoryModel::State::Failed);
        QCOMPARE(view->history()->savedThisSession(), 0);
        QVERIFY(reviewsIn(m_path).isEmpty());
        // Undo has nothing to take back: the command is dropped without a write.
        QCOMPARE(view->undoStack()->count(), 1);
        QVERIFY(view->undoStack()->command(0)->isObsolete());
        view->undoStack()->undo();
        QCOMPARE(view->undoStack()->count(), 0);
        QCOMPARE(view->writer()->pending(), 0);
        QCOMPARE(ui::HistoryModel::State(view->history()->index(0).data(ui::HistoryModel::StateRole).toInt()),
                 ui::HistoryModel::State::Failed);
    }

    void filtersAndSearch()
    {
        qint64 marked = 0;
        {
            auto store = Store::open(m_path);
            QVERIFY(store);
            marked = *store->db().queryInt("SELECT max(interaction_id) FROM flags");
            auto update = store->db().prepare("UPDATE interactions SET output = output || ' quokkaphrase', "
                                              "updated_at = ?2 WHERE id = ?1");
            QVERIFY(update);
            update->bind(1, marked);
            update->bind(2, currentTimeMs());
            QVERIFY(update->run());
        }
        ui::MainWindow window;
        window.openStore(m_path);
        ui::ReviewView *view = window.review();
        ui::ReviewQueueModel *model = view->queueModel();
        QTRY_VERIFY(model->isCounted());

        QueueFilter bySegment;
        bySegment.segment = QStringLiteral("billing");
        view->showQueue(bySegment);
        QTRY_VERIFY(model->isCounted());
        QVERIFY(model->rowCount() > 0);
        for (int row = 0; row < qMin(model->rowCount(), 20); ++row) {
            QTRY_VERIFY(model->rowAt(row).has_value());
            QCOMPARE(model->rowAt(row)->segment, QStringLiteral("billing"));
        }

        // Typing into the search box narrows the queue once the index has caught up.
        view->showQueue({});
        QTRY_VERIFY(model->isCounted());
        view->queuePanel()->searchBox()->setFocus();
        QTest::keyClicks(view->queuePanel()->searchBox(), QStringLiteral("quokkaphr"));
        QTRY_COMPARE_WITH_TIMEOUT(model->filter().search, QStringLiteral("quokkaphr"), 3000);
        QTRY_VERIFY_WITH_TIMEOUT(model->isCounted() && model->rowCount() == 1, 10000);
        QTRY_VERIFY(model->rowAt(0).has_value());
        QCOMPARE(model->rowAt(0)->key.interactionId, marked);
        // Keys typed into the search box made no decision.
        QCOMPARE(reviewsIn(m_path).size(), 0);
    }

private:
    testing::DemoStoreCopies m_stores;
    QString m_path;
};

QTEST_MAIN(TestReviewView)
#include "tst_reviewview.moc"
