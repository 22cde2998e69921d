#pragma once

#include "ingest/lineparser.h"
#include "store/capturewriter.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>

namespace flywheel {

class Store;

struct IngestOptions {
    /// Namespace of the external ids in the input (see CaptureWriter).
    QString sourceName = QStringLiteral("native");
    /// The inputs' format; Auto detects each input's from its content.
    CaptureFormat format = CaptureFormat::Auto;
    /// CSV only: {native field, column} for columns whose names differ from the fields'.
    ColumnMap columns;
    /// Lines longer than this are quarantined without being buffered whole.
    qint64 maxLineBytes = 64ll * 1024 * 1024;
    /// Lines per transaction: each commit is a checkpoint that a kill cannot undo. Random ids
    /// touch most of the idempotency index in every batch, so fewer, larger commits write less.
    int batchLines = 100000;
    /// A batch also commits once it is this old, so a slow stream (tail -f | flywheel ingest -)
    /// is stored as it arrives rather than when a batch fills.
    int commitIntervalMs = 1000;
    /// Parsed lines are handed to the writer at least this often, even before a chunk fills.
    int handOverMs = 200;
    /// How many rejections the report lists in full (all of them are in the quarantine table).
    int rejectionSamples = 20;
};

struct IngestProgress {
    int fileIndex = 0;
    int fileCount = 0;
    QString file;
    /// Bytes of the current file consumed and its size (-1 for standard input).
    qint64 bytesDone = 0;
    qint64 bytesTotal = -1;
    CaptureCounts counts;
};

struct Rejection {
    QString file;
    qint64 line = 0;
    QString reason;
};

struct IngestReport {
    CaptureCounts counts;
    QList<Rejection> rejections;
    /// Inputs that ended early (corrupt or truncated gzip); the lines before the damage are kept.
    QStringList inputErrors;
    /// The format each input was read as, in input order ("native", "openai", ...).
    QStringList inputFormats;
    bool cancelled = false;
    qint64 runId = 0;
};

/// Streams native capture files into a store: each line is parsed, stored, or quarantined with
/// its reason. Safe to interrupt at any point and to re-run: nothing is stored twice.
///
/// Runs on the calling thread; the GUI calls it from a worker thread and shows the progress.
class Ingester final {
public:
    using ProgressCallback = std::function<void(const IngestProgress &)>;

    Ingester(Store &store, IngestOptions options = {});

    /// Called after every committed batch and at the end of each file. Its counts are committed.
    void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }
    /// When the flag becomes true the ingest stops after the current line, keeping what it stored.
    void setCancelFlag(const std::atomic_bool *cancel) { m_cancel = cancel; }

    /// Ingests each input in order ("-" is standard input). Fails only when the store cannot be
    /// written or an input cannot be opened; bad lines are quarantined and counted instead.
    Result<IngestReport> ingest(const QStringList &inputs);

private:
    Store &m_store;
    IngestOptions m_options;
    ProgressCallback m_progress;
    const std::atomic_bool *m_cancel = nullptr;
};

} // namespace flywheel
