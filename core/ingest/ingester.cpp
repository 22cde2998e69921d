#include "ingest/ingester.h"

#include "ingest/linereader.h"
#include "ingest/nativeparser.h"
#include "store/store.h"
#include "util/jsontext.h"

#include <QFileInfo>

namespace flywheel {
namespace {

bool isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string displayName(const QString &input)
{
    if (input == QStringLiteral("-"))
        return "<stdin>";
    return QFileInfo(input).absoluteFilePath().toStdString();
}

class FileIngest {
public:
    FileIngest(CaptureWriter &writer, const IngestOptions &options, qint64 runId, IngestReport &report)
        : m_writer(writer)
        , m_options(options)
        , m_runId(runId)
        , m_report(report)
        , m_parser(size_t(options.maxLineBytes))
    {}

    // Stores one line; fails only on a store error.
    Status take(const LineReader::Line &line, const std::string &file)
    {
        if (isBlank(line.text) && !line.overLimit)
            return {};
        ++m_report.counts.read;
        std::string reason;
        if (line.overLimit)
            reason = "line is " + std::to_string(line.fullBytes) + " bytes, over the limit of " +
                     std::to_string(m_options.maxLineBytes) + " bytes (raise it with --max-line-bytes)";
        else if (!m_parser.parse(line.text, m_parsed, reason) && line.unterminated)
            reason = "truncated last line (no newline at the end of the input): " + reason;
        if (!reason.empty())
            return reject(line, file, reason);
        return store();
    }

private:
    Status reject(const LineReader::Line &line, const std::string &file, const std::string &reason)
    {
        ++m_report.counts.rejected;
        if (m_report.rejections.size() < m_options.rejectionSamples)
            m_report.rejections.append(
                Rejection{QString::fromStdString(file), line.number, QString::fromStdString(reason)});
        auto stored = m_writer.quarantine(
            QuarantineRecord{file, line.number, reason, line.text, line.fullBytes}, m_runId);
        return stored ? Status() : Status(stored.error());
    }

    Status store()
    {
        CaptureCounts &c = m_report.counts;
        bool changed = false;
        bool updated = false;
        if (m_parsed.kind == ParsedLine::Kind::Interaction) {
            auto upsert = m_writer.upsertInteraction(m_parsed.interaction);
            if (!upsert)
                return upsert.error();
            if (*upsert == CaptureWriter::Upsert::Unchanged) {
                // An identical line was stored before, with the same embedded events.
                ++c.unchanged;
                return {};
            }
            changed = true;
            updated = *upsert == CaptureWriter::Upsert::Updated;
            if (!updated)
                ++c.interactionsAdded;
        }
        for (const FeedbackRecord &feedback : m_parsed.feedback) {
            auto added = m_writer.addFeedback(feedback);
            if (!added)
                return added.error();
            c.feedbackAdded += *added;
            changed |= *added;
        }
        for (const CorrectionRecord &correction : m_parsed.corrections) {
            auto added = m_writer.addCorrection(correction);
            if (!added)
                return added.error();
            c.correctionsAdded += *added;
            changed |= *added;
        }
        if (!changed)
            ++c.unchanged;
        else if (updated)
            ++c.updated;
        else
            ++c.stored;
        return {};
    }

    CaptureWriter &m_writer;
    const IngestOptions &m_options;
    qint64 m_runId;
    IngestReport &m_report;
    NativeParser m_parser;
    ParsedLine m_parsed;
};

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

} // namespace

Ingester::Ingester(Store &store, IngestOptions options)
    : m_store(store)
    , m_options(std::move(options))
{}

Result<IngestReport> Ingester::ingest(const QStringList &inputs)
{
    // Open every input first: a typo in the last name should not leave a half-done job.
    std::vector<std::unique_ptr<LineReader>> readers;
    for (const QString &input : inputs) {
        auto reader = std::make_unique<LineReader>();
        if (Status s = reader->open(input, m_options.maxLineBytes); !s)
            return s.error();
        readers.push_back(std::move(reader));
    }

    auto writer = CaptureWriter::create(m_store, m_options.sourceName.toStdString());
    if (!writer)
        return writer.error();
    IngestReport report;
    auto runId = writer->startRun(inputsJson(inputs));
    if (!runId)
        return runId.error();
    report.runId = *runId;

    FileIngest fileIngest(*writer, m_options, report.runId, report);
    IngestProgress progress;
    progress.fileCount = int(inputs.size());

    auto fail = [&](const Error &error) -> Result<IngestReport> {
        if (writer->inBatch())
            writer->rollback();
        (void)writer->finishRun(report.runId, report.counts, "failed", error.message.toStdString());
        return error;
    };

    for (int i = 0; i < inputs.size() && !report.cancelled; ++i) {
        LineReader &reader = *readers[size_t(i)];
        const std::string file = displayName(inputs[i]);
        progress.fileIndex = i;
        progress.file = inputs[i];
        progress.bytesTotal = reader.totalBytes();

        if (Status s = writer->begin(); !s)
            return fail(s.error());
        qint64 linesInBatch = 0;
        LineReader::Line line;
        while (reader.next(line)) {
            if (Status s = fileIngest.take(line, file); !s)
                return fail(s.error());
            if (m_cancel && m_cancel->load(std::memory_order_relaxed)) {
                report.cancelled = true;
                break;
            }
            if (++linesInBatch >= m_options.batchLines) {
                if (Status s = writer->commit(); !s)
                    return fail(s.error());
                progress.bytesDone = reader.bytesConsumed();
                progress.counts = report.counts;
                if (m_progress)
                    m_progress(progress);
                if (Status s = writer->begin(); !s)
                    return fail(s.error());
                linesInBatch = 0;
            }
        }
        if (Status s = writer->commit(); !s)
            return fail(s.error());
        if (!reader.error().isEmpty())
            report.inputErrors.append(reader.error());
        progress.bytesDone = reader.bytesConsumed();
        progress.counts = report.counts;
        if (m_progress)
            m_progress(progress);
    }

    const std::string message = report.inputErrors.join(QLatin1Char('\n')).toStdString();
    if (Status s = writer->finishRun(report.runId, report.counts,
                                     report.cancelled ? "cancelled" : "completed", message);
        !s)
        return s.error();
    return report;
}

} // namespace flywheel
