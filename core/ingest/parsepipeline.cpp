#include "ingest/parsepipeline.h"

#include <chrono>

namespace flywheel {
namespace {

bool isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r") == std::string_view::npos;
}

} // namespace

ParsePipeline::ParsePipeline(std::vector<std::unique_ptr<LineReader>> readers, CaptureFormat format,
                             ColumnMap columns, size_t maxLineBytes, size_t chunkLines, int chunkMaxAgeMs)
    : m_readers(std::move(readers))
    , m_requested(format)
    , m_columns(std::move(columns))
    , m_maxLineBytes(maxLineBytes)
    , m_document(maxLineBytes)
    , m_chunkLines(std::max<size_t>(chunkLines, 1))
    , m_chunkMaxAgeMs(chunkMaxAgeMs)
{
    m_chunks.start([this](OrderedPipeline<ParsedChunk> &) { run(); });
}

ParsePipeline::~ParsePipeline()
{
    m_chunks.finish();
}

ParsedChunk *ParsePipeline::next()
{
    return m_chunks.next();
}

void ParsePipeline::recycle(ParsedChunk *chunk)
{
    m_chunks.recycle(chunk);
}

bool ParsePipeline::parseLine(const LineReader::Line &line, ParsedItem &item)
{
    item.lineNumber = line.number;
    item.fullBytes = line.fullBytes;
    item.reason.clear();
    if (line.overLimit)
        item.reason = "line is " + std::to_string(line.fullBytes) + " bytes, over the limit of " +
                      std::to_string(m_maxLineBytes) + " bytes (raise it with --max-line-bytes)";
    else if (!m_parser->parse(line.text, item.parsed, item.reason) && line.unterminated)
        item.reason = "truncated last line (no newline at the end of the input): " + item.reason;
    item.rejected = !item.reason.empty();
    item.skipped = !item.rejected && item.parsed.skipped;
    if (!item.rejected && item.parsed.pending)
        return false;
    // A record over several lines is numbered and kept by its first line.
    item.lineNumber = line.number - item.parsed.extraLines;
    if (item.rejected)
        item.raw = item.parsed.multiLineRaw.empty() ? std::string(line.text) : item.parsed.multiLineRaw;
    if (!item.rejected && !item.skipped && item.parsed.interactions.empty() && item.parsed.feedback.empty() &&
        item.parsed.corrections.empty() && item.parsed.rejected.empty() && item.parsed.telemetry.empty()) {
        item.rejected = true;
        item.reason = "the line holds nothing to store";
        item.raw.assign(line.text);
    }
    return true;
}

ParsedItem &ParsePipeline::nextItem(ParsedChunk &chunk)
{
    if (chunk.items.size() == chunk.size)
        chunk.items.emplace_back();
    return chunk.items[chunk.size++];
}

// A record left open at the end of the input (an unclosed CSV quote or JSON document) is
// rejected, not dropped.
void ParsePipeline::finishInput(qint64 lastLine, ParsedChunk &chunk)
{
    if (m_document.open()) {
        closeUnfinishedDocument(chunk, 0);
        return;
    }
    ParsedItem probe;
    if (!m_parser || !m_parser->incompleteAtEnd(probe.parsed, probe.reason))
        return;
    ParsedItem &item = nextItem(chunk);
    item.rejected = true;
    item.skipped = false;
    item.reason = std::move(probe.reason);
    item.lineNumber = lastLine - probe.parsed.extraLines;
    item.raw = std::move(probe.parsed.multiLineRaw);
    item.fullBytes = qint64(item.raw.size());
}

void ParsePipeline::chooseParser(std::string_view firstLine)
{
    m_format = m_requested == CaptureFormat::Auto ? detectCaptureFormat(firstLine) : m_requested;
    m_parser = makeLineParser(m_format, m_maxLineBytes, m_columns);
}

bool ParsePipeline::takesDocuments() const
{
    return m_requested != CaptureFormat::Csv && !(m_parser && m_format == CaptureFormat::Csv);
}

void ParsePipeline::parseDocument(const LineReader::Line &last, ParsedChunk &chunk)
{
    if (!m_parser)
        chooseParser(m_document.overLimit() ? std::string_view() : m_document.text());
    ParsedItem &item = nextItem(chunk);
    if (m_document.overLimit()) {
        item.rejected = true;
        item.skipped = false;
        item.reason = "the JSON document is " + std::to_string(m_document.bytes()) +
                      " bytes, over the limit of " + std::to_string(m_maxLineBytes) +
                      " bytes (raise it with --max-line-bytes)";
        item.raw.assign(m_document.original());
        item.fullBytes = m_document.bytes();
        item.lineNumber = m_document.firstLine();
        return;
    }
    LineReader::Line whole = last;
    whole.text = m_document.text();
    whole.fullBytes = m_document.bytes();
    if (!parseLine(whole, item)) {
        --chunk.size;
        return;
    }
    item.lineNumber = m_document.firstLine();
    if (item.rejected)
        item.raw.assign(m_document.original());
}

void ParsePipeline::closeUnfinishedDocument(ParsedChunk &chunk, qint64 nextLine)
{
    m_document.abandon();
    if (m_document.lines() == 1) {
        LineReader::Line first;
        first.text = m_document.original();
        first.number = m_document.firstLine();
        first.fullBytes = m_document.bytes();
        first.unterminated = nextLine == 0 && m_lastLineUnterminated;
        if (!m_parser)
            chooseParser(first.text);
        if (!parseLine(first, nextItem(chunk)))
            --chunk.size;
        return;
    }
    ParsedItem &item = nextItem(chunk);
    item.rejected = true;
    item.skipped = false;
    item.lineNumber = m_document.firstLine();
    const std::string first = std::to_string(m_document.firstLine());
    item.reason = nextLine == 0 ? "the input ends inside the JSON document that begins on line " + first +
                                      "; is a closing bracket missing?"
                                : "the JSON document that begins on line " + first + " is cut short: line " +
                                      std::to_string(nextLine) + " starts a new record";
    item.raw.assign(m_document.original());
    item.fullBytes = m_document.bytes();
}

void ParsePipeline::run()
{
    for (size_t input = 0; input < m_readers.size(); ++input) {
        LineReader &reader = *m_readers[input];
        m_parser.reset();
        m_format = m_requested == CaptureFormat::Auto ? CaptureFormat::Native : m_requested;
        LineReader::Line line;
        qint64 lastLine = 0;
        bool more = true;
        while (more) {
            ParsedChunk *chunk = m_chunks.acquire();
            if (!chunk)
                return;
            chunk->inputIndex = int(input);
            chunk->size = 0;
            chunk->inputError.clear();
            const auto started = std::chrono::steady_clock::now();
            const auto maxAge = std::chrono::milliseconds(m_chunkMaxAgeMs);
            while (chunk->size < m_chunkLines && (more = reader.next(line))) {
                lastLine = line.number;
                m_lastLineUnterminated = line.unterminated;
                if (m_document.open() && MultiLineDocument::startsRecord(line.text))
                    closeUnfinishedDocument(*chunk, line.number);
                if (m_document.open()) {
                    if (m_document.add(line))
                        parseDocument(line, *chunk);
                } else if (isBlank(line.text) && !line.overLimit && !(m_parser && m_parser->hasPending())) {
                    continue;
                } else if (!(takesDocuments() && m_document.begin(line))) {
                    if (!m_parser)
                        chooseParser(line.overLimit ? std::string_view() : line.text);
                    if (!parseLine(line, nextItem(*chunk)))
                        --chunk->size; // the line completed no record
                }
                // Checked every 64 lines: the clock costs more than parsing a short line.
                if ((chunk->size & 63) == 0 && std::chrono::steady_clock::now() - started >= maxAge)
                    break;
            }
            if (!more)
                finishInput(lastLine, *chunk);
            chunk->format = m_format;
            chunk->bytesConsumed = reader.bytesConsumed();
            chunk->endOfInput = !more;
            if (!more)
                chunk->inputError = reader.error();
            m_chunks.submit(chunk);
        }
    }
}

} // namespace flywheel
