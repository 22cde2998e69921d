#include "dialogs/importdialog.h"

#include "dialogs/filedialogs.h"
#include "session/studiosession.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace flywheel::ui {
namespace {

// The GUI shows every rejection it can; the store's quarantine keeps them all anyway.
constexpr int kRejectionSamples = 1000;
// The progress bar's range: bytes can exceed an int, so the bar shows thousandths.
constexpr int kProgressSteps = 1000;

Result<IngestReport> ingestInBackground(const WriteTurn &writeTurn, const QStringList &files,
                                        const IngestOptions &options, const std::atomic_bool *cancel,
                                        const Ingester::ProgressCallback &progress)
{
    // Import writes all along: it runs in the session's write turn, on its writer's connection,
    // and decisions made meanwhile are written after it (cancel stops it after the current line).
    Result<IngestReport> report = Error{};
    const Status turn = writeTurn([&](Store &store) {
        Ingester ingester(store, options);
        ingester.setCancelFlag(cancel);
        ingester.setProgressCallback(progress);
        report = ingester.ingest(files);
        return Status{};
    });
    if (!turn)
        return turn.error();
    return report;
}

bool changedStore(const CaptureCounts &c)
{
    // Rejected lines count too: they land in the quarantine, which the overview shows.
    return c.stored + c.updated + c.rejected + c.interactionsAdded + c.feedbackAdded + c.correctionsAdded > 0;
}

} // namespace

ImportDialog::ImportDialog(StudioSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_files(new QListWidget(this))
    , m_addButton(new QPushButton(tr("&Add Files…"), this))
    , m_removeButton(new QPushButton(tr("&Remove"), this))
    , m_source(new QLineEdit(QStringLiteral("native"), this))
    , m_format(new QComboBox(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_rejected(new QTableWidget(0, 3, this))
    , m_importButton(new QPushButton(tr("&Import"), this))
    , m_cancelButton(new QPushButton(tr("&Cancel Import"), this))
    , m_closeButton(new QPushButton(tr("Close"), this))
{
    setWindowTitle(tr("Import Capture Files"));

    m_files->setSelectionMode(QAbstractItemView::ExtendedSelection);
    const QStringList formats =
        QString::fromStdString(captureFormatNames()).split(QStringLiteral(", "), Qt::SkipEmptyParts);
    for (const QString &format : formats)
        m_format->addItem(format, format);
    m_format->setCurrentIndex(m_format->findData(QStringLiteral("auto")));
    m_source->setToolTip(tr("The namespace of the ids in these files"));

    auto *fileButtons = new QVBoxLayout;
    fileButtons->addWidget(m_addButton);
    fileButtons->addWidget(m_removeButton);
    fileButtons->addStretch();
    auto *files = new QHBoxLayout;
    files->addWidget(m_files, 1);
    files->addLayout(fileButtons);

    auto *form = new QFormLayout;
    form->addRow(tr("&Source:"), m_source);
    form->addRow(tr("&Format:"), m_format);

    m_progress->setRange(0, kProgressSteps);
    m_progress->setValue(0);
    m_status->setWordWrap(true);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_rejected->setHorizontalHeaderLabels({tr("File"), tr("Line"), tr("Reason")});
    m_rejected->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_rejected->horizontalHeader()->setStretchLastSection(true);
    m_rejected->verticalHeader()->setVisible(false);
    m_rejected->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_rejected->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rejected->setWordWrap(false);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_importButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_closeButton);
    m_importButton->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Capture files:"), this));
    layout->addLayout(files);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_summary);
    layout->addWidget(new QLabel(tr("Rejected lines (all are kept in the quarantine):"), this));
    layout->addWidget(m_rejected, 1);
    layout->addLayout(buttons);
    resize(720, 560);

    connect(m_addButton, &QPushButton::clicked, this, &ImportDialog::addFiles);
    connect(m_removeButton, &QPushButton::clicked, this, &ImportDialog::removeSelectedFiles);
    connect(m_importButton, &QPushButton::clicked, this, [this] {
        QStringList paths;
        for (int row = 0; row < m_files->count(); ++row)
            paths.append(m_files->item(row)->data(Qt::UserRole).toString());
        startImport(paths);
    });
    connect(m_cancelButton, &QPushButton::clicked, this, &ImportDialog::cancelImport);
    connect(m_closeButton, &QPushButton::clicked, this, &ImportDialog::reject);
    connect(m_source, &QLineEdit::textChanged, this, &ImportDialog::updateButtons);
    connect(m_files->model(), &QAbstractItemModel::rowsInserted, this, &ImportDialog::updateButtons);
    connect(m_files->model(), &QAbstractItemModel::rowsRemoved, this, &ImportDialog::updateButtons);
    updateButtons();
}

ImportDialog::~ImportDialog()
{
    m_cancel = true;
    m_job.waitForFinished();
}

void ImportDialog::addFiles()
{
    const QStringList paths =
        chooseFilesToOpen(this, tr("Add Capture Files"), QString(),
                          tr("Capture files (*.jsonl *.jsonl.gz *.json *.csv *.gz);;All files (*)"));
    for (const QString &path : paths) {
        auto *item = new QListWidgetItem(QFileInfo(path).fileName(), m_files);
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
    }
}

void ImportDialog::removeSelectedFiles()
{
    qDeleteAll(m_files->selectedItems());
}

void ImportDialog::startImport(const QStringList &files)
{
    if (m_running || files.isEmpty())
        return;
    const auto format = captureFormatFromName(m_format->currentData().toString().toStdString());
    IngestOptions options;
    options.sourceName = m_source->text().trimmed();
    options.format = format.value_or(CaptureFormat::Auto);
    options.rejectionSamples = kRejectionSamples;
    if (options.sourceName.isEmpty()) {
        m_status->setText(tr("Name the source of these files."));
        return;
    }

    m_files->clear();
    for (const QString &path : files) {
        auto *item = new QListWidgetItem(QFileInfo(path).fileName(), m_files);
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
    }
    m_report = {};
    m_lastError.clear();
    m_rejected->setRowCount(0);
    m_summary->clear();
    m_progress->setRange(0, kProgressSteps);
    m_progress->setValue(0);
    m_status->setText(tr("Importing…"));
    m_cancel = false;
    m_running = true;
    updateButtons();

    // Progress arrives on the worker thread; it is shown on the GUI thread. Events still queued
    // when the dialog is destroyed are dropped with it.
    const Ingester::ProgressCallback progress = [this](const IngestProgress &p) {
        m_replies.post([this, p] { showProgress(p); });
    };
    m_job.start([turn = m_session->writeTurn(), files, options, this, progress] {
        return ingestInBackground(turn, files, options, &m_cancel, progress);
    });
}

void ImportDialog::cancelImport()
{
    if (!m_running)
        return;
    m_cancel = true;
    m_status->setText(tr("Cancelling…"));
    updateButtons();
}

void ImportDialog::reject()
{
    if (!m_running) {
        QDialog::reject();
        return;
    }
    if (!m_closeWhenDone &&
        QMessageBox::question(this, tr("Import Running"),
                              tr("An import is running. Cancel it? What it has stored so far is kept.")) !=
            QMessageBox::Yes)
        return;
    // The dialog closes once the worker has stopped, so the GUI never blocks on it.
    m_closeWhenDone = true;
    cancelImport();
}

void ImportDialog::showProgress(const IngestProgress &p)
{
    if (!m_running)
        return;
    if (p.bytesTotal > 0 && p.fileCount > 0) {
        const double fileShare = double(p.bytesDone) / double(p.bytesTotal);
        m_progress->setRange(0, kProgressSteps);
        m_progress->setValue(int(kProgressSteps * (p.fileIndex + qBound(0.0, fileShare, 1.0)) / p.fileCount));
    } else {
        m_progress->setRange(0, 0); // standard input: no size, a busy bar
    }
    if (m_cancel)
        return;
    const QLocale locale;
    m_status->setText(tr("File %1 of %2 (%3): %4 lines read, %5 stored, %6 rejected.")
                          .arg(p.fileIndex + 1)
                          .arg(p.fileCount)
                          .arg(QFileInfo(p.file).fileName(), locale.toString(p.counts.read),
                               locale.toString(p.counts.stored), locale.toString(p.counts.rejected)));
}

void ImportDialog::finishImport(const Result<IngestReport> &result)
{
    m_running = false;
    m_progress->setRange(0, kProgressSteps);
    if (result) {
        m_report = *result;
        m_progress->setValue(m_report.cancelled ? m_progress->value() : kProgressSteps);
        m_status->setText(m_report.cancelled ? tr("Import cancelled; what was stored is kept.")
                                             : tr("Import finished."));
        showReport();
    } else {
        m_lastError = result.errorMessage();
        m_status->setText(tr("Import failed: %1\nWhat was committed before the error is kept; import again "
                             "to finish.")
                              .arg(m_lastError));
    }
    updateButtons();
    if (!result || changedStore(m_report.counts)) {
        m_session->notify(StudioSession::Change::Import);
        emit imported();
    }
    if (m_closeWhenDone) {
        m_closeWhenDone = false;
        QDialog::reject();
    }
}

void ImportDialog::showReport()
{
    const QLocale locale;
    const CaptureCounts &c = m_report.counts;
    QStringList lines;
    lines.append(tr("Read %1 lines: %2 stored, %3 updated, %4 unchanged, %5 rejected.")
                     .arg(locale.toString(c.read), locale.toString(c.stored), locale.toString(c.updated),
                          locale.toString(c.unchanged), locale.toString(c.rejected)));
    if (c.recordsSkipped > 0)
        lines.append(
            tr("Skipped %1 records that are not model calls.").arg(locale.toString(c.recordsSkipped)));
    if (!m_report.inputFormats.isEmpty())
        lines.append(tr("Read as: %1.").arg(m_report.inputFormats.join(QStringLiteral(", "))));
    for (const QString &error : std::as_const(m_report.inputErrors))
        lines.append(tr("Input ended early: %1").arg(error));
    if (c.rejected > m_report.rejections.size())
        lines.append(tr("The first %1 rejected lines are listed below.")
                         .arg(locale.toString(qint64(m_report.rejections.size()))));
    m_summary->setText(lines.join(QLatin1Char('\n')));

    m_rejected->setRowCount(int(m_report.rejections.size()));
    for (int row = 0; row < m_report.rejections.size(); ++row) {
        const Rejection &rejection = m_report.rejections[row];
        auto *file = new QTableWidgetItem(QFileInfo(rejection.file).fileName());
        file->setToolTip(rejection.file);
        auto *line = new QTableWidgetItem(QString::number(rejection.line));
        line->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto *reason = new QTableWidgetItem(rejection.reason);
        reason->setToolTip(rejection.reason);
        m_rejected->setItem(row, 0, file);
        m_rejected->setItem(row, 1, line);
        m_rejected->setItem(row, 2, reason);
    }
}

void ImportDialog::updateButtons()
{
    m_importButton->setEnabled(!m_running && m_files->count() > 0 && !m_source->text().trimmed().isEmpty());
    m_cancelButton->setEnabled(m_running && !m_cancel);
    m_addButton->setEnabled(!m_running);
    m_removeButton->setEnabled(!m_running);
    m_source->setEnabled(!m_running);
    m_format->setEnabled(!m_running);
}

} // namespace flywheel::ui
