#pragma once

#include "ingest/lineparser.h"
#include "ingest/linereader.h"
#include "ingest/multilinedocument.h"
#include "util/orderedpipeline.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace flywheel {

/// One input line after parsing: either a parsed record or the reason it was rejected.
struct ParsedItem {
    qint64 lineNumber = 0;
    qint64 fullBytes = 0;
    bool rejected = false;
    /// Read and deliberately not stored (see ParsedLine::skipped).
    bool skipped = false;
    ParsedLine parsed;
    std::string reason;
    /// The raw bytes of a rejected line (a bounded prefix for over-limit lines).
    std::string raw;
};

/// Consecutive lines of one input. Chunks are recycled, so their strings keep their capacity.
struct ParsedChunk {
    int inputIndex = 0;
    /// The input's format, as given or as detected from its first line.
    CaptureFormat format = CaptureFormat::Native;
    std::vector<ParsedItem> items;
    size_t size = 0;
    qint64 bytesConsumed = 0;
    bool endOfInput = false;
    /// Set on the last chunk of an input that ended early (corrupt or truncated gzip).
    QString inputError;
};

/// Reads and parses the inputs on a thread of its own while the caller writes the previous chunks:
/// on two cores, parsing then costs the writer nothing. Memory stays bounded by the chunk pool.
class ParsePipeline final {
public:
    /// A chunk is handed over when it has @p chunkLines lines, or when it holds some and is
    /// @p chunkMaxAgeMs old, so lines of a slow stream do not wait for a full chunk.
    /// @p format Auto detects each input's format from its first non-blank line.
    ParsePipeline(std::vector<std::unique_ptr<LineReader>> readers, CaptureFormat format, ColumnMap columns,
                  size_t maxLineBytes, size_t chunkLines, int chunkMaxAgeMs = 200);
    ~ParsePipeline();
    ParsePipeline(const ParsePipeline &) = delete;
    ParsePipeline &operator=(const ParsePipeline &) = delete;

    /// The next chunk in input order, or nullptr when every input is done. Blocks while parsing.
    ParsedChunk *next();
    /// Gives a chunk returned by next() back for reuse.
    void recycle(ParsedChunk *chunk);

    static constexpr size_t kPoolSize = 4;

private:
    void run();
    /// Returns false when the line completed no record (a CSV header or an open quoted field).
    bool parseLine(const LineReader::Line &line, ParsedItem &item);
    void finishInput(qint64 lastLine, ParsedChunk &chunk);
    ParsedItem &nextItem(ParsedChunk &chunk);
    /// Chooses the input's parser on its first line.
    void chooseParser(std::string_view firstLine);
    /// Whether a line may open a document that goes on over the next lines (not in CSV).
    bool takesDocuments() const;
    /// Parses the document m_document has just completed on line @p last.
    void parseDocument(const LineReader::Line &last, ParsedChunk &chunk);
    /// Ends a document that never closed: at the end of the input, or cut short by @p nextLine.
    /// A lone opening line is read as the line it is (a truncated record); more lines are rejected.
    void closeUnfinishedDocument(ParsedChunk &chunk, qint64 nextLine);

    std::vector<std::unique_ptr<LineReader>> m_readers;
    CaptureFormat m_requested;
    ColumnMap m_columns;
    CaptureFormat m_format = CaptureFormat::Native;
    std::unique_ptr<LineParser> m_parser;
    size_t m_maxLineBytes;
    MultiLineDocument m_document;
    bool m_lastLineUnterminated = false;
    size_t m_chunkLines;
    int m_chunkMaxAgeMs;
    // Last, so its thread is joined before the members run() uses are destroyed.
    OrderedPipeline<ParsedChunk> m_chunks{kPoolSize};
};

} // namespace flywheel
