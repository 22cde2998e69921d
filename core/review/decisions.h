#pragma once

#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace flywheel {

class Store;

/// What a reviewer decided about an interaction. Accept, reject and correct give the interaction a
/// label that wins over curation's (positive, negative, gold); skip means "not now" and gives none.
enum class DecisionKind { Accept, Reject, Correct, Skip };

/// The store's name of a kind ("approve", "reject", "correct", "skip") and back.
QString decisionName(DecisionKind kind);
std::optional<DecisionKind> decisionFromName(const QString &name);
/// The label a kind gives, empty for skip.
QString decisionLabel(DecisionKind kind);
/// What a person reads for a kind: "Accepted", "Rejected", "Corrected", "Skipped".
QString decisionTitle(DecisionKind kind);
/// The same for a stored name ("approve"...); empty for an empty or unknown name.
QString decisionTitle(const QString &name);

/// One row of `reviews`: a decision by a person.
struct Decision {
    /// 0 until it is recorded.
    qint64 id = 0;
    qint64 interactionId = 0;
    DecisionKind kind = DecisionKind::Skip;
    /// The gold answer, for DecisionKind::Correct.
    QString correctedOutput;
    /// A segment the reviewer set, empty to keep curation's.
    QString segment;
    QStringList tags;
    QString note;
    QString reviewer;
    /// The flag that brought the interaction to the reviewer, if any.
    QString flagReason;
    qint64 createdAtMs = 0;
    /// Seconds the reviewer spent on the item.
    double seconds = 0;

    bool operator==(const Decision &) const = default;
};

/// Records @p decision and keeps the search index's corrections current, in one transaction; the
/// decision is durable when this returns. A decision with an id (an undone one redone) gets that
/// id back, or a new one when another decision took it meanwhile. Returns the id.
Result<qint64> recordDecision(Store &store, const Decision &decision);

/// Deletes the decision with @p id (undo). Deleting one that is gone is not an error.
Status removeDecision(Store &store, qint64 id);

/// The @p limit most recent decisions, newest first, each with its interaction's external id.
Result<QList<std::pair<Decision, QString>>> loadRecentDecisions(Store &store, int limit);

/// The decisions about one interaction, oldest first.
Result<QList<Decision>> loadDecisionsFor(Store &store, qint64 interactionId);

} // namespace flywheel
