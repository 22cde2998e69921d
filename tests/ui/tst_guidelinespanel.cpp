#include "mainwindow.h"
#include "views/guidelinespanel.h"

#include "review/guidelines.h"
#include "session/studiosession.h"
#include "store/store.h"

#include <QDockWidget>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

using namespace flywheel;

namespace {

// The guidelines editor the panel opened; when it is missing, any modal dialog is closed so the
// test fails instead of waiting.
QPlainTextEdit *openEditor()
{
    QWidget *dialog = QApplication::activeModalWidget();
    auto *editor = dialog ? dialog->findChild<QPlainTextEdit *>(QStringLiteral("guidelinesEditor")) : nullptr;
    if (!editor && dialog)
        dialog->close();
    return editor;
}

} // namespace

class TestGuidelinesPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_dir.emplace();
        m_path = m_dir->filePath(QStringLiteral("guidelines.flywheel"));
        auto store = Store::open(m_path);
        QVERIFY(store);
        QVERIFY(saveGuidelines(*store, QStringLiteral("# Deciding\n\n- **Accept** what is right.\n"),
                               QStringLiteral("lead")));
    }

    void showsTheLatestVersionAsMarkdown()
    {
        ui::StudioSession session;
        ui::GuidelinesPanel panel(&session);
        session.open(m_path);
        QTRY_COMPARE(panel.shown().version, qint64(1));
        QVERIFY2(panel.status()->text().startsWith(QStringLiteral("Version 1 by lead")),
                 qPrintable(panel.status()->text()));
        // Rendered: the heading and the bold word, without their Markdown marks.
        const QString shown = panel.browser()->toPlainText();
        QVERIFY2(shown.contains(QStringLiteral("Deciding")) && !shown.contains(QLatin1Char('#')) &&
                     !shown.contains(QStringLiteral("**")),
                 qPrintable(shown));
    }

    void editingSavesTheNextVersion()
    {
        ui::StudioSession session;
        ui::GuidelinesPanel panel(&session);
        panel.setAuthor(QStringLiteral("ana"));
        session.open(m_path);
        QTRY_COMPARE(panel.shown().version, qint64(1));
        QSignalSpy saved(&panel, &ui::GuidelinesPanel::saved);
        // The editor opens on the latest text; typing and Ctrl+Enter save.
        QTimer::singleShot(0, this, [] {
            QPlainTextEdit *editor = openEditor();
            QVERIFY(editor);
            QCOMPARE(editor->toPlainText(), QStringLiteral("# Deciding\n\n- **Accept** what is right.\n"));
            editor->moveCursor(QTextCursor::End);
            QTest::keyClicks(editor, QStringLiteral("- Reject what is wrong."));
            QTest::keyClick(editor, Qt::Key_Return);
            QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
        });
        panel.edit();
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved.first().first().toLongLong(), qint64(2));
        QVERIFY(panel.unsaved().isEmpty());
        QVERIFY(panel.browser()->toPlainText().contains(QStringLiteral("Reject what is wrong.")));
        auto store = Store::open(m_path);
        auto latest = loadGuidelines(*store);
        QCOMPARE(latest->version, qint64(2));
        QCOMPARE(latest->author, QStringLiteral("ana"));
        QVERIFY(latest->text.endsWith(QStringLiteral("- Reject what is wrong.\n")));
    }

    // A save answered after a reload took over the display is still a save: its text is not kept
    // as unsaved.
    void aSaveOvertakenByAReloadIsNotLeftUnsaved()
    {
        ui::StudioSession session;
        ui::GuidelinesPanel panel(&session);
        session.open(m_path);
        QTRY_COMPARE(panel.shown().version, qint64(1));
        panel.save(QStringLiteral("# Second\n"));
        panel.reload();
        QTRY_COMPARE(panel.shown().version, qint64(2));
        QVERIFY(panel.unsaved().isEmpty());
    }

    // A refused write says so and keeps the text for the next try; nothing looks saved.
    void aRefusedSaveKeepsTheText()
    {
        {
            auto store = Store::open(m_path);
            QVERIFY(store->db().exec("CREATE TRIGGER refuse BEFORE INSERT ON guidelines "
                                     "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"));
        }
        ui::StudioSession session;
        ui::GuidelinesPanel panel(&session);
        session.open(m_path);
        QTRY_COMPARE(panel.shown().version, qint64(1));
        panel.save(QStringLiteral("# Lost?\n"));
        QTRY_VERIFY(panel.status()->text().startsWith(QStringLiteral("NOT SAVED")));
        QVERIFY(panel.status()->text().contains(QStringLiteral("the disk is full")));
        QCOMPARE(panel.unsaved(), QStringLiteral("# Lost?\n"));
        QCOMPARE(panel.shown().version, qint64(1));
        // Edit… reopens on the unsaved text.
        QTimer::singleShot(0, this, [] {
            QPlainTextEdit *editor = openEditor();
            QVERIFY(editor);
            QCOMPARE(editor->toPlainText(), QStringLiteral("# Lost?\n"));
            QTest::keyClick(editor, Qt::Key_Escape);
        });
        panel.edit();
        QCOMPARE(panel.unsaved(), QStringLiteral("# Lost?\n"));
    }

    void theWindowShowsThemOnF1()
    {
        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openStore(m_path);
        QTRY_COMPARE(window.guidelines()->shown().version, qint64(1));
        auto *dock = window.findChild<QDockWidget *>(QStringLiteral("guidelines"));
        QVERIFY(dock);
        QTRY_VERIFY(dock->visibleRegion().isEmpty()); // behind the history at first
        QTest::keyClick(&window, Qt::Key_F1);
        QTRY_VERIFY(!dock->visibleRegion().isEmpty());
        QTest::keyClick(&window, Qt::Key_F1);
        QTRY_VERIFY(dock->visibleRegion().isEmpty());
    }

private:
    std::optional<QTemporaryDir> m_dir;
    QString m_path;
};

QTEST_MAIN(TestGuidelinesPanel)
#include "tst_guidelinespanel.moc"
