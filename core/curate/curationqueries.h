#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

#include <string_view>

namespace flywheel {

class Store;

/// The user's words of a stored input on one line, shortened to @p maxChars with an ellipsis.
QString inputPreview(std::string_view inputJson, int maxChars = 80);

/// Everything known about one interaction, for `flywheel show` and the review studio.
struct InteractionDetails {
    qint64 id = 0;
    QString source;
    QString externalId;
    qint64 timestampMs = 0;
    QString sessionId, userId, modelName, modelVersion, category, finishReason, outcome;
    qint64 latencyMs = -1;
    /// -1 when not reported.
    qint64 promptTokens = -1, completionTokens = -1;
    /// JSON text of the output's tool calls, empty when none.
    QString outputToolCallsJson;
    /// JSON text: the input messages, the metadata.
    QString inputJson, metadataJson;
    QString output;
    bool hasOutput = false;
    struct Event {
        QString kind;
        QString value;
        QString detail;
        /// 0 when the event has no time.
        qint64 timeMs = 0;
    };
    QList<Event> feedback;
    QList<Event> corrections;
    /// Empty until a curation run has seen the interaction.
    QString label;
    double score = 0;
    QString votesJson;
    QString segment;
    qint64 clusterId = 0;
    qint64 clusterSize = 0;
    struct Flag {
        QString reason;
        double priority = 0;
        QString detail;
    };
    QList<Flag> flags;
    struct Span {
        QString field;
        qint64 messageIndex = -1;
        QString kind;
        qint64 start = 0;
        qint64 length = 0;
    };
    QList<Span> personalData;
    struct Review {
        QString decision, label, reviewer, note;
        qint64 createdAtMs = 0;
    };
    QList<Review> reviews;
    /// Interactions with the same or a nearly the same input (near-duplicate pairs first, most
    /// similar first; then others of its cluster), at most a dozen.
    struct Sibling {
        qint64 id = 0;
        QString externalId;
        /// Jaccard similarity of the inputs; 1 for an exact duplicate.
        double similarity = 1;
        QString preview;
    };
    QList<Sibling> siblings;
};

/// The interactions with external id @p externalId (one per source that has it).
Result<QList<InteractionDetails>> loadInteractionDetails(Store &store, const QString &externalId);

/// The interaction with store id @p id, with its siblings; an error when there is none.
Result<InteractionDetails> loadInteractionDetailsById(Store &store, qint64 id);

/// Near-duplicate and exact-duplicate clusters: representative and members.
struct DuplicateCluster {
    qint64 representativeId = 0;
    QString representativeExternalId;
    QString preview;
    qint64 size = 0;
    QList<QString> memberExternalIds;
};

Result<QList<DuplicateCluster>> loadDuplicateClusters(Store &store, int limit, int membersPerCluster);

/// A pair of distinct inputs found nearly the same, with its Jaccard similarity.
struct NearDuplicatePairRow {
    QString firstExternalId;
    QString secondExternalId;
    double similarity = 0;
    QString firstPreview;
    QString secondPreview;
};

/// The near-duplicate pairs of the last curation run, most similar first.
Result<QList<NearDuplicatePairRow>> loadNearDuplicatePairs(Store &store, int limit);

} // namespace flywheel
