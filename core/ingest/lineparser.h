#pragma once

#include "ingest/otlp/telemetrypiece.h"
#include "store/records.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// A record inside a line that cannot be stored while the rest of the line can (an unusable span of
/// an OTLP export): quarantined on its own with its reason.
struct RejectedRecord {
    /// The record as JSON text.
    std::string raw;
    /// Says which record: "span 3: ...".
    std::string reason;
    /// 1-based position of the record in its line or request ("span 3").
    qint64 position = 0;
};

/// What one input line turned into. Reused from line to line.
struct ParsedLine {
    /// A native line holds at most one; an OpenAssistant tree holds one per assistant reply.
    std::vector<InteractionRecord> interactions;
    /// Events embedded in the line's interactions, or the single event of a standalone line.
    std::vector<FeedbackRecord> feedback;
    std::vector<CorrectionRecord> corrections;
    /// Records of the line refused one by one; the others are stored.
    std::vector<RejectedRecord> rejected;
    /// Halves of OTLP model calls (a span without its content, content events) to join with their
    /// other half rather than store as read (OtlpJoin).
    std::vector<TelemetryPiece> telemetry;
    /// The line was taken but its record is not complete yet (a CSV header, or a quoted CSV
    /// field that goes on over the next line): nothing to store or count for it.
    bool pending = false;
    /// The line was read and holds nothing to store by design (a span that is not a model call):
    /// counted as skipped, not rejected.
    bool skipped = false;
    /// Records inside the line read and not stored because they are not model calls (spans of an
    /// OTLP export, observations of a Langfuse trace).
    qint64 skippedRecords = 0;
    /// Earlier lines the record began on: its first line is this many lines before the current.
    qint64 extraLines = 0;
    /// The record's raw text when it spans several lines, for the quarantine.
    std::string multiLineRaw;

    void clear()
    {
        interactions.clear();
        feedback.clear();
        corrections.clear();
        rejected.clear();
        telemetry.clear();
        pending = false;
        skipped = false;
        skippedRecords = 0;
        extraLines = 0;
        multiLineRaw.clear();
    }
};

/// Parses one line of a capture format into store records. Never throws; a line that cannot be
/// taken yields a reason a person can act on, and the line is quarantined with it.
class LineParser {
public:
    virtual ~LineParser() = default;
    /// @p line must be followed by at least 64 readable bytes (simdjson's padding).
    virtual bool parse(std::string_view line, ParsedLine &out, std::string &reason) = 0;
    /// At the end of an input: a record still pending is incomplete. Returns true and fills
    /// @p out (its lines) and @p reason when there is one.
    /// Whether a record is open across lines; blank lines then belong to it.
    virtual bool hasPending() const { return false; }
    virtual bool incompleteAtEnd(ParsedLine &out, std::string &reason)
    {
        (void)out;
        (void)reason;
        return false;
    }
};

/// How CSV columns map onto the native fields: {native field, column name}.
using ColumnMap = std::vector<std::pair<std::string, std::string>>;

/// The JSON Lines formats `flywheel ingest` reads (docs/capture-format.md).
enum class CaptureFormat {
    Auto,     ///< detect from the first line of each input
    Native,   ///< Flywheel Studio's own format
    OpenAi,   ///< OpenAI chat completion request/response pairs and LiteLLM logging payloads
    Oasst,    ///< OpenAssistant message trees
    Csv,      ///< a header row, then one interaction a row (comma, semicolon or tab separated)
    Langfuse, ///< Langfuse traces (API JSON) and blob-export rows
    Otlp,     ///< OTLP JSON trace and logs exports with GenAI or OpenInference spans and content events
};

std::string_view captureFormatName(CaptureFormat format);
std::optional<CaptureFormat> captureFormatFromName(std::string_view name);
/// The names accepted by --format, comma separated, for messages.
std::string captureFormatNames();

/// Tells the format from the content of an input's first non-blank line (which must carry
/// simdjson's padding). Anything unrecognised is taken as native, whose reasons then say what
/// is missing.
CaptureFormat detectCaptureFormat(std::string_view firstLine);

/// @p columns maps CSV columns (see CsvParser); the other formats ignore it.
std::unique_ptr<LineParser> makeLineParser(CaptureFormat format, size_t maxLineBytes,
                                           const ColumnMap &columns = {});

} // namespace flywheel
