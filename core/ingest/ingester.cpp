#include "ingest/ingester.h"

#include "ingest/linestore.h"
#include "ingest/otlp/otlpjoin.h"
#include "ingest/otlp/otlpprotofile.h"
#include "ingest/parsepipeline.h"
#include "store/store.h"
#include "store/storefiles.h"
#include "util/jsontext.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>

namespace flywheel {
namespace {

std::string displayName(const QString &input)
{
    if (input == QStringLiteral("-"))
        return "<stdin>";
    return QFileInfo(input).absoluteFilePath().toStdString();
}

std::string inputsJson(const QStringList &inputs)
{
    std::string json = "[";
    for (const QString &input : inputs) {
        if (json.size() > 1)
            json.push_back(',');
        appendJsonString(json, displayName(input));
    }
    json.push_back(']');
    return json;
}

// Stores parsed lines through the writer and keeps the report's counts.
class ItemWriter {
public:
    ItemWriter(Store &store, CaptureWriter &writer, const IngestOptions &options, IngestReport &report)
        : m_store(store)
        , m_writer(writer)
        , m_options(options)
        , m_report(report)
    {}

    Status take(const ParsedItem &item, const std::string &file)
    {
        ++m_report.counts.read;
        m_report.counts.recordsSkipped += item.parsed.skippedRecords;
        if (item.skipped) {
            ++m_report.counts.skipped;
            return {};
        }
        if (item.rejected)
            return reject(file, item.lineNumber, item.reason, item.raw, item.fullBytes);
        for (const RejectedRecord &record : item.parsed.rejected) {
            if (Status s =
                    reject(file, item.lineNumber, record.reason, record.raw, qint64(record.raw.size()));
                !s)
                return s;
        }
        if (Status s = join(item.parsed.telemetry); !s)
            return s;
        if (item.parsed.interactions.empty() && item.parsed.feedback.empty() &&
            item.parsed.corrections.empty())
            return {}; // every record of the line was rejected, or waits for its other half
        return storeParsedLine(m_writer, item.parsed, m_report.counts);
    }

    /// Stores the model calls whose other half never came in this ingest's files.
    Status finish()
    {
        if (!m_join || m_calls.empty())
            return {};
        auto stored =
            m_join->storeWaiting(m_calls, m_writer, m_report.counts, QDateTime::currentMSecsSinceEpoch());
        return stored ? Status() : Status(stored.error());
    }

private:
    // Halves of OTLP model calls (spans without content, content events) wait for each other
    // across the ingest's files, in the store's telemetry_held, as in the collector.
    Status join(const std::vector<TelemetryPiece> &pieces)
    {
        if (pieces.empty())
            return {};
        if (!m_join) {
            auto join = OtlpJoin::create(m_store, {});
            if (!join)
                return join.error();
            m_join = std::move(*join);
        }
        for (const TelemetryPiece &piece : pieces)
            m_calls.emplace(piece.traceId, piece.spanId);
        return m_join->take(pieces, m_writer, m_report.counts, QDateTime::currentMSecsSinceEpoch());
    }

    Status reject(const std::string &file, qint64 line, const std::string &reason, std::string_view raw,
                  qint64 fullBytes)
    {
        ++m_report.counts.rejected;
        if (m_report.rejections.size() < m_options.rejectionSamples)
            m_report.rejections.append(
                Rejection{QString::fromStdString(file), line, QString::fromStdString(reason)});
        auto stored =
            m_writer.quarantine(QuarantineRecord{file, line, reason, raw, fullBytes}, m_report.runId);
        return stored ? Status() : Status(stored.error());
    }

    Store &m_store;
    CaptureWriter &m_writer;
    const IngestOptions &m_options;
    IngestReport &m_report;
    std::unique_ptr<OtlpJoin> m_join;
    std::set<HeldTelemetry::SpanKey> m_calls;
};

} // namespace

Ingester::Ingester(Store &store, IngestOptions options)
    : m_store(store)
    , m_options(std::move(options))
{}

namespace {

struct OpenedInputs {
    std::vector<std::unique_ptr<LineReader>> readers;
    /// The input each reader reads, by its index in the inputs.
    std::vector<int> lineInputs;
    /// OTLP protobuf files, with their index in the inputs.
    std::vector<std::pair<int, std::unique_ptr<OtlpProtobufFile>>> protobufFiles;
    /// Every input's size, by its index in the inputs.
    std::vector<qint64> sizes;
};

// Opens every input first: a typo in the last name should not leave a half-done job.
Result<OpenedInputs> openInputs(const QStringList &inputs, const QString &storePath, qint64 maxLineBytes)
{
    OpenedInputs out;
    for (int i = 0; i < inputs.size(); ++i) {
        const QString &input = inputs[i];
        if (isStoreFile(input, storePath))
            return Error{
                QStringLiteral("%1 is the store itself (or one of its files), not capture data").arg(input)};
        if (isOtlpProtobufFile(input)) {
            auto file = std::make_unique<OtlpProtobufFile>();
            if (Status s = file->open(input); !s)
                return s.error();
            out.sizes.push_back(file->totalBytes());
            out.protobufFiles.emplace_back(i, std::move(file));
            continue;
        }
        out.lineInputs.push_back(i);
        auto reader = std::make_unique<LineReader>();
        if (Status s = reader->open(input, maxLineBytes); !s)
            return s.error();
        out.sizes.push_back(reader->totalBytes());
        out.readers.push_back(std::move(reader));
    }
    return out;
}

// An OTLP protobuf file, message by message, through the same writer and batches as the lines.
Status ingestProtobuf(OtlpProtobufFile &file, const std::string &name, CaptureWriter &writer,
                      ItemWriter &items, IngestReport &report, int batchLines, const std::atomic_bool *cancel)
{
    ParsedItem item;
    std::string reason;
    while (!report.cancelled) {
        const OtlpProtobufFile::Next next = file.next(item.parsed, reason);
        if (next == OtlpProtobufFile::Next::End)
            break;
        ++item.lineNumber;
        if (next == OtlpProtobufFile::Next::Broken) {
            report.inputErrors.append(QStringLiteral("%1: message %2: %3")
                                          .arg(QString::fromStdString(name))
                                          .arg(item.lineNumber)
                                          .arg(QString::fromStdString(reason)));
            break;
        }
        item.skipped = item.parsed.skipped;
        if (!writer.inBatch())
            if (Status s = writer.begin(); !s)
                return s;
        if (Status s = items.take(item, name); !s)
            return s;
        if (item.lineNumber % batchLines == 0)
            if (Status s = writer.commit(); !s)
                return s;
        report.cancelled = cancel && cancel->load(std::memory_order_relaxed);
    }
    return writer.inBatch() ? writer.commit() : Status();
}

} // namespace

Result<IngestReport> Ingester::ingest(const QStringList &inputs)
{
    auto opened = openInputs(inputs, m_store.path(), m_options.maxLineBytes);
    if (!opened)
        return opened.error();
    std::vector<std::unique_ptr<LineReader>> &readers = opened->readers;
    const std::vector<qint64> &sizes = opened->sizes;

    // Re-running the same ingest restores batches a power cut lost.
    SynchronousNormal relaxed(m_store.db());
    auto writer = CaptureWriter::create(m_store, m_options.sourceName.toStdString());
    if (!writer)
        return writer.error();
    IngestReport report;
    auto runId = writer->startRun(inputsJson(inputs));
    if (!runId)
        return runId.error();
    report.runId = *runId;

    CaptureCounts committed; // what a failure leaves in the store, for the run record
    auto fail = [&](const Error &error) -> Result<IngestReport> {
        if (writer->inBatch())
            writer->rollback();
        (void)writer->finishRun(report.runId, committed, "failed", error.message.toStdString());
        return error;
    };

    const size_t chunkLines = size_t(qBound(1, m_options.batchLines, 2000));
    ParsePipeline pipeline(std::move(readers), m_options.format, m_options.columns,
                           size_t(m_options.maxLineBytes), chunkLines, m_options.handOverMs);
    for (int i = 0; i < inputs.size(); ++i)
        report.inputFormats.append(QString());
    ItemWriter items(m_store, *writer, m_options, report);
    IngestProgress progress;
    progress.fileCount = int(inputs.size());
    std::vector<std::string> names;
    for (const QString &input : inputs)
        names.push_back(displayName(input));

    qint64 linesInBatch = 0;
    QElapsedTimer batchAge;
    batchAge.start();
    while (ParsedChunk *chunk = pipeline.next()) {
        if (!writer->inBatch()) {
            if (Status s = writer->begin(); !s)
                return fail(s.error());
        }
        const int input = opened->lineInputs[size_t(chunk->inputIndex)];
        const std::string &file = names[size_t(input)];
        for (size_t i = 0; i < chunk->size && !report.cancelled; ++i) {
            if (Status s = items.take(chunk->items[i], file); !s)
                return fail(s.error());
            report.cancelled = m_cancel && m_cancel->load(std::memory_order_relaxed);
        }
        linesInBatch += qint64(chunk->size);
        const bool endOfInput = chunk->endOfInput;
        if (endOfInput && !chunk->inputError.isEmpty())
            report.inputErrors.append(chunk->inputError);
        report.inputFormats[input] = QString::fromUtf8(captureFormatName(chunk->format));
        progress.fileIndex = input;
        progress.file = inputs[input];
        progress.bytesTotal = sizes[size_t(input)];
        progress.bytesDone = chunk->bytesConsumed;
        pipeline.recycle(chunk);

        if (endOfInput || report.cancelled || linesInBatch >= m_options.batchLines ||
            batchAge.elapsed() >= m_options.commitIntervalMs) {
            if (Status s = writer->commit(); !s)
                return fail(s.error());
            linesInBatch = 0;
            batchAge.restart();
            committed = report.counts;
            progress.counts = report.counts;
            if (m_progress)
                m_progress(progress);
        }
        if (report.cancelled)
            break;
    }

    for (auto &[input, protobuf] : opened->protobufFiles) {
        if (report.cancelled)
            break;
        report.inputFormats[input] = QStringLiteral("otlp-protobuf");
        if (Status s = ingestProtobuf(*protobuf, names[size_t(input)], *writer, items, report,
                                      qMax(1, m_options.batchLines), m_cancel);
            !s)
            return fail(s.error());
        committed = report.counts;
        progress.fileIndex = input;
        progress.file = inputs[input];
        progress.bytesTotal = progress.bytesDone = sizes[size_t(input)];
        progress.counts = report.counts;
        if (m_progress)
            m_progress(progress);
    }

    if (!report.cancelled) {
        if (Status s = writer->begin(); !s)
            return fail(s.error());
        if (Status s = items.finish(); !s)
            return fail(s.error());
        if (Status s = writer->commit(); !s)
            return fail(s.error());
    }

    const std::string message = report.inputErrors.join(QLatin1Char('\n')).toStdString();
    if (Status s = writer->finishRun(report.runId, report.counts,
                                     report.cancelled ? "cancelled" : "completed", message);
        !s)
        return s.error();
    return report;
}

} // namespace flywheel
