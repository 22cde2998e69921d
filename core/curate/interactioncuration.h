#pragma once

// What curation computes for one interaction from its signals alone: the rules' votes, personal
// data and the flags that need nothing else. The run (curator.cpp) adds what needs the whole store.

#include "curate/curator.h"
#include "curate/flags.h"
#include "curate/personaldata.h"
#include "curate/rules.h"
#include "curate/signals.h"

#include <QtGlobal>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flywheel {

struct FlagRow {
    FlagReason reason;
    std::string detail;
    double priority = 0;
};

struct SpanRow {
    bool output = false;
    qint64 messageIndex = 0;
    PersonalDataSpan span;
};

// What curation derives for one interaction before it is written.
struct Curated {
    qint64 id = 0;
    Label label = Label::Unlabeled;
    double score = 0;
    std::string votes;
    quint64 inputHash = 0;
    /// The distinct normalised input it has (exact duplicates share one).
    quint32 text = 0;
    quint64 fingerprint = 0;
    int segment = 0;
    /// Without a category: topics are trained on these inputs (a reviewer's segment aside, so the
    /// topics do not depend on reviews).
    bool uncategorized = false;
    std::optional<qint64> latencyMs;
    bool corrected = false;
    quint64 modelKey = 0;
    quint64 contentHash = 0;
    /// Bit r: rule r voted (the first 64 rules; an incremental run needs them all here).
    quint64 fired = 0;
    /// The UTC day of its timestamp and its outcome and thumbs (SignalBit, curationrun.h), for the
    /// dashboard's rollup: an incremental run reads them back instead of the interaction.
    qint32 day = 0;
    quint8 signalBits = 0;
    std::vector<FlagRow> flags;
    std::vector<SpanRow> spans;
    /// Computed by this run. The others were read back from the previous run's results; for them,
    /// what the store holds, so only what changed is written.
    bool fresh = true;
    qint64 storedCluster = 0;
    std::vector<FlagRow> storedFlags;
};

// Personal data in message texts, remembered by the text's hash: system prompts and earlier turns
// repeat in every call of a conversation, and are scanned once.
class SpanCache {
public:
    const std::vector<PersonalDataSpan> &find(std::string_view text);

private:
    std::unordered_map<quint64, std::vector<PersonalDataSpan>> m_cache;
    std::vector<PersonalDataSpan> m_scratch;
};

/// The best label first: it makes a cluster's representative.
int labelRank(Label label);
/// Gold, positive or negative: a label a training set can use.
bool isCurated(Label label);
/// Adds (@p times over) each fired rule's coverage, overlaps, conflicts and reviewers' overturns to @p stats.
void countRuleStats(const RuleSet &rules, const std::vector<size_t> &fired, std::string_view reviewLabel,
                    std::vector<CurationReport::RuleStats> &stats, qint64 times = 1);
/// The rules' votes and the label they give; @p fired receives the indexes of the rules that held.
void applyRules(const RuleSet &rules, const InteractionSignals &s, Curated &c, std::vector<size_t> &fired);
/// Personal data in every message (through @p cache) and in the output.
void findSpans(const InteractionSignals &s, SpanCache &cache, Curated &c);
/// The flags that need only the interaction; call after applyRules and findSpans.
void localFlags(const InteractionSignals &s, const FlagSettings &settings, int shingleSize, Curated &c);

} // namespace flywheel
