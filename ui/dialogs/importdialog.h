#pragma once

#include "ingest/ingester.h"

#include "util/mailbox.h"
#include "workers/backgroundjob.h"

#include <QDialog>

#include <atomic>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace flywheel::ui {

class StudioSession;

/// Imports capture files into the session's store: the user picks files, a source and a format, and
/// the core's Ingester runs in the session's write turn while the dialog shows its progress, lets
/// the user cancel, and ends with a report listing the rejected lines. An import that changed the
/// store tells the session (StudioSession::Change::Import).
class ImportDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportDialog)

public:
    explicit ImportDialog(StudioSession *session, QWidget *parent = nullptr);
    /// Cancels a running import and waits for its worker: nothing outlives the dialog.
    ~ImportDialog() override;

    /// Imports @p files with the source and format chosen in the dialog, without blocking.
    /// Ignored while an import runs.
    void startImport(const QStringList &files);
    /// Asks the running import to stop after the current line; what it stored is kept.
    void cancelImport();

    bool isRunning() const { return m_running; }
    /// The report of the last import that finished (completed or cancelled).
    const IngestReport &lastReport() const { return m_report; }
    /// Why the last import failed, or empty.
    const QString &lastError() const { return m_lastError; }
    /// One row per rejected line of the last report: file, line, reason.
    QTableWidget *rejectedLines() const { return m_rejected; }

signals:
    /// An import finished and may have changed the store (also after a failure: the batches
    /// committed before it are kept).
    void imported();

public slots:
    /// While an import runs, asks whether to cancel it and closes once the worker has stopped.
    void reject() override;

private:
    void addFiles();
    void removeSelectedFiles();
    void showProgress(const IngestProgress &progress);
    void finishImport(const Result<IngestReport> &result);
    void showReport();
    void updateButtons();

    StudioSession *m_session;
    Mailbox m_replies;
    BackgroundJob<Result<IngestReport>> m_job{[this](Result<IngestReport> r) {
        finishImport(r);
    }};
    std::atomic_bool m_cancel{false};
    bool m_running = false;
    bool m_closeWhenDone = false;
    IngestReport m_report;
    QString m_lastError;

    QListWidget *m_files;
    QPushButton *m_addButton;
    QPushButton *m_removeButton;
    QLineEdit *m_source;
    QComboBox *m_format;
    QProgressBar *m_progress;
    QLabel *m_status;
    QLabel *m_summary;
    QTableWidget *m_rejected;
    QPushButton *m_importButton;
    QPushButton *m_cancelButton;
    QPushButton *m_closeButton;
};

} // namespace flywheel::ui
