#pragma once

#include <QtGlobal>

#include <optional>
#include <string>
#include <vector>

namespace flywheel {

/// Everything curation knows about one interaction: its fields and its events, aggregated. Rules,
/// flags and duplicates are computed from this alone, so a run is a function of the store.
struct InteractionSignals {
    qint64 id = 0;
    std::string externalId;
    qint64 timestampMs = 0;
    std::string modelName;
    std::string modelVersion;
    std::string category;
    std::string finishReason;
    /// "none", "accepted", "edited", "regenerated", "abandoned" or "copied".
    std::string outcome;
    std::optional<qint64> latencyMs;
    /// JSON array of chat messages.
    std::string inputJson;
    std::optional<std::string> output;
    std::string metadataJson;
    qint64 contentHash = 0;

    /// The user's words: the content of the input's user messages, one after another.
    std::string userText;
    /// Characters (code points) of the input's messages and of the output.
    qint64 inputChars = 0;
    qint64 outputChars = 0;

    qint64 thumbsUp = 0;
    qint64 thumbsDown = 0;
    qint64 ratings = 0;
    double ratingSum = 0;
    qint64 feedbackEvents = 0;
    /// Feedback labels given to the interaction ("wrong_fact", ...).
    std::vector<std::string> feedbackLabels;
    qint64 corrections = 0;
    /// The latest correction's text, when there is one.
    std::string correctedOutput;
    /// Reviews people made; curation never overrides them.
    qint64 reviews = 0;
    /// The label of the latest review that gave one ("gold", "positive" or "negative").
    std::string reviewLabel;
    /// The segment of the latest review that set one: a reviewer's segment replaces the category
    /// or topic.
    std::string reviewSegment;

    std::optional<double> averageRating() const
    {
        return ratings > 0 ? std::optional<double>(ratingSum / double(ratings)) : std::nullopt;
    }
};

} // namespace flywheel
