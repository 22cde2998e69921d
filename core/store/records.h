#pragma once

#include <QtGlobal>

#include <optional>
#include <string>
#include <string_view>

namespace flywheel {

/// The implicit signal: what the user did with the output.
enum class Outcome { None, Accepted, Edited, Regenerated, Abandoned, Copied };

std::string_view outcomeName(Outcome outcome);
std::optional<Outcome> outcomeFromName(std::string_view name);

enum class FeedbackKind { Thumbs, Rating, Comment, Label };

std::string_view feedbackKindName(FeedbackKind kind);
std::optional<FeedbackKind> feedbackKindFromName(std::string_view name);

// Text fields are UTF-8. An empty string means "absent" and is stored as NULL, so a later line that
// leaves a field out keeps the value an earlier line gave.

/// One model call: what went in, what came out, and the implicit signal.
struct InteractionRecord {
    std::string externalId;
    qint64 timestampMs = 0;
    std::string sessionId;
    std::string userId;
    std::string modelName;
    std::string modelVersion;
    /// JSON array of chat messages ({"role":..., "content":...}, tool calls kept).
    std::string inputJson;
    std::optional<std::string> output;
    /// JSON array of the output's tool calls, or empty.
    std::string outputToolCallsJson;
    std::optional<qint64> latencyMs;
    std::optional<qint64> promptTokens;
    std::optional<qint64> completionTokens;
    std::string finishReason;
    std::string category;
    std::optional<Outcome> outcome;
    /// JSON object of everything else, or empty.
    std::string metadataJson;
    /// Hash of the record's content: an identical repeat is recognised and left alone.
    quint64 contentHash = 0;
};

/// Explicit feedback on an interaction; may arrive before or after it.
struct FeedbackRecord {
    std::string interactionExternalId;
    FeedbackKind kind = FeedbackKind::Thumbs;
    /// Thumbs: +1 up, -1 down. Rating: the number given.
    std::optional<double> value;
    std::string label;
    std::string name;
    std::string comment;
    /// Who gave it: user, annotator, model, api...
    std::string origin;
    std::optional<qint64> timestampMs;
    /// The producer's id for the event; when empty, the event's content identifies it.
    std::string eventId;
    std::string metadataJson;
};

/// The output as the user corrected it: the most valuable signal of all.
struct CorrectionRecord {
    std::string interactionExternalId;
    std::string correctedOutput;
    std::string author;
    std::optional<qint64> timestampMs;
    std::string eventId;
    std::string metadataJson;
};

/// A rejected input line, kept so nothing is dropped silently.
struct QuarantineRecord {
    std::string sourceFile;
    qint64 lineNumber = 0;
    std::string reason;
    /// The raw bytes, possibly cut to a bounded prefix for huge lines.
    std::string_view raw;
    /// The full length of the line in bytes.
    qint64 rawBytes = 0;
};

} // namespace flywheel
