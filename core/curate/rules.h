#pragma once

#include "curate/signals.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace flywheel {

/// The labels rules give. Gold outranks the others; positive and negative votes together make a
/// conflict, flagged for review.
enum class Label { Gold, Positive, Negative, Conflicting, Unlabeled };

std::string_view labelName(Label label);
std::optional<Label> labelFromName(std::string_view name);
/// Every label's name, the reviewers' first (gold, positive, negative), then conflicting, unlabeled.
std::vector<std::string_view> labelNames();

/// A test on one signal, or a combination of tests (docs/curation.md, "Conditions").
class Condition {
public:
    virtual ~Condition() = default;
    virtual bool holds(const InteractionSignals &interaction) const = 0;
};

/// One rule of a rules file: when its condition holds, it votes for its label with its weight.
struct Rule {
    std::string id;
    Label label = Label::Unlabeled;
    double weight = 1.0;
    std::string reason;
    std::shared_ptr<const Condition> when;
};

/// Thresholds of the flags (docs/curation.md, "Flags").
struct FlagSettings {
    /// A latency more than this many median absolute deviations above its model version's median.
    double latencyOutlierMads = 6.0;
    /// Outputs shorter than this (in characters) are "empty or truncated".
    qint64 minOutputChars = 2;
    /// An output whose character 5-gram Jaccard similarity with the input reaches this repeats it.
    double repeatSimilarity = 0.8;
    /// At most this many flags of one segment enter the review queue's top (the rest wait).
    qint64 segmentCap = 200;
};

/// Near-duplicate detection (docs/curation.md, "Duplicates").
struct DuplicateSettings {
    int shingleSize = 5;
    double threshold = 0.8;
};

/// A rules file, loaded and checked. Loading reports the first problem with its line and field.
class RuleSet {
public:
    /// @p fileName only names the file in messages.
    static Result<RuleSet> parse(const QByteArray &json, const QString &fileName);
    static Result<RuleSet> load(const QString &path);
    /// The rules shipped in resources/curation/default-rules.json.
    static RuleSet defaults();

    const std::vector<Rule> &rules() const { return m_rules; }
    const FlagSettings &flags() const { return m_flags; }
    const DuplicateSettings &duplicates() const { return m_duplicates; }
    /// Identifies the rules: a run records it, and results made with other rules are recomputed.
    const std::string &hash() const { return m_hash; }

private:
    std::vector<Rule> m_rules;
    FlagSettings m_flags;
    DuplicateSettings m_duplicates;
    std::string m_hash;
    friend class RuleSetReader;
};

} // namespace flywheel
