#include "curate/interactioncuration.h"

#include "curate/shingles.h"
#include "curate/textnorm.h"
#include "util/hasher.h"
#include "util/jsontext.h"

#include <map>

namespace flywheel {
namespace {

// Only positive against negative is a conflict between rules: a correction (gold) supersedes the
// original output, whatever else was said about it.
bool conflict(Label a, Label b)
{
    return (a == Label::Positive && b == Label::Negative) || (a == Label::Negative && b == Label::Positive);
}

// A reviewer overturns a rule by saying the opposite: negative for a positive or gold vote, positive
// for a negative one (a gold review keeps the correction, so the original output stays bad).
bool overturns(Label review, Label rule)
{
    return rule == Label::Negative ? review == Label::Positive : review == Label::Negative;
}

std::string conflictDetail(const InteractionSignals &s, Label label)
{
    std::vector<std::string> why;
    const bool accepted = s.outcome == "accepted" || s.outcome == "copied";
    if (s.thumbsUp > 0 && s.thumbsDown > 0)
        why.emplace_back("both thumbs up and thumbs down");
    if (s.thumbsUp > 0 && s.outcome == "edited")
        why.emplace_back("thumbs up, but the output was edited");
    if (accepted && s.corrections > 0)
        why.emplace_back("accepted, then corrected");
    if (accepted && s.thumbsDown > 0)
        why.emplace_back("accepted, but thumbs down");
    if (why.empty() && label == Label::Conflicting)
        why.emplace_back("rules voted both positive and negative");
    std::string detail;
    for (const std::string &reason : why)
        detail += (detail.empty() ? "" : "; ") + reason;
    return detail;
}

} // namespace

const std::vector<PersonalDataSpan> &SpanCache::find(std::string_view text)
{
    if (text.size() < 64) {
        m_scratch = findPersonalData(text);
        return m_scratch;
    }
    if (m_cache.size() > 65536)
        m_cache.clear();
    const auto [it, added] = m_cache.try_emplace(hash64(text));
    if (added)
        it->second = findPersonalData(text);
    return it->second;
}

// The best label first: it makes a cluster's representative.
int labelRank(Label label)
{
    switch (label) {
    case Label::Gold:
        return 0;
    case Label::Positive:
        return 1;
    case Label::Unlabeled:
        return 2;
    case Label::Conflicting:
        return 3;
    case Label::Negative:
        return 4;
    }
    return 5;
}

bool isCurated(Label label)
{
    return label == Label::Gold || label == Label::Positive || label == Label::Negative;
}

// Coverage, overlaps, conflicts and reviewers' overturns of each rule, from the rules that fired.
void countRuleStats(const RuleSet &rules, const std::vector<size_t> &fired, std::string_view reviewLabel,
                    std::vector<CurationReport::RuleStats> &stats, qint64 times)
{
    const Label reviewed = labelFromName(reviewLabel).value_or(Label::Unlabeled);
    const bool hasReview = isCurated(reviewed); // a reviewer's gold, positive or negative
    for (const size_t r : fired) {
        CurationReport::RuleStats &rule = stats[r];
        const Label label = rules.rules()[r].label;
        rule.coverage += times;
        rule.overlaps += fired.size() > 1 ? times : 0;
        for (const size_t other : fired) {
            if (conflict(label, rules.rules()[other].label)) {
                rule.conflicts += times;
                break;
            }
        }
        if (hasReview) {
            rule.reviewed += times;
            rule.overturned += overturns(reviewed, label) ? times : 0;
        }
    }
}

// The rules' votes: gold wins; positive and negative together conflict.
void applyRules(const RuleSet &rules, const InteractionSignals &s, Curated &c, std::vector<size_t> &fired)
{
    double positive = 0, negative = 0, gold = 0;
    std::string votes = "[";
    fired.clear();
    for (size_t r = 0; r < rules.rules().size(); ++r) {
        const Rule &rule = rules.rules()[r];
        if (!rule.when->holds(s))
            continue;
        fired.push_back(r);
        (rule.label == Label::Gold       ? gold
         : rule.label == Label::Positive ? positive
                                         : negative) += rule.weight;
        if (votes.size() > 1)
            votes.push_back(',');
        votes += "{\"rule\":";
        appendJsonString(votes, rule.id);
        votes += ",\"label\":\"" + std::string(labelName(rule.label)) +
                 "\",\"weight\":" + std::to_string(rule.weight) + "}";
    }
    votes.push_back(']');
    c.votes = votes.size() > 2 ? std::move(votes) : std::string();
    c.score = gold + positive - negative;
    if (gold > 0)
        c.label = Label::Gold;
    else if (positive > 0 && negative > 0)
        c.label = Label::Conflicting;
    else if (positive > 0)
        c.label = Label::Positive;
    else if (negative > 0)
        c.label = Label::Negative;
}

void localFlags(const InteractionSignals &s, const FlagSettings &settings, int shingleSize, Curated &c)
{
    if (std::string detail = conflictDetail(s, c.label); !detail.empty())
        c.flags.push_back({FlagReason::ConflictingSignals, detail});
    if (s.corrections > 0 && s.reviews == 0)
        c.flags.push_back(
            {FlagReason::CorrectionToReview, std::to_string(s.corrections) + " correction(s) to check"});
    if (s.finishReason == "error")
        c.flags.push_back({FlagReason::FailedCall, "finish reason error"});
    else if (s.finishReason == "content_filter")
        c.flags.push_back({FlagReason::ContentFiltered, "finish reason content_filter"});
    else if (s.finishReason == "length")
        c.flags.push_back({FlagReason::TruncatedOutput, "finish reason length: the output was cut off"});
    const bool toolCall = s.finishReason == "tool_calls" || s.finishReason == "tool_call";
    if (!toolCall && s.finishReason != "error" && s.outputChars < settings.minOutputChars)
        c.flags.push_back(
            {FlagReason::EmptyOutput,
             s.output ? "output of " + std::to_string(s.outputChars) + " characters" : "no output"});
    // Only texts of similar length can repeat each other; the rest are not compared at all.
    const bool similarLength = s.outputChars * 2 >= s.inputChars && s.inputChars * 2 >= s.outputChars;
    if (s.output && similarLength && s.outputChars >= shingleSize && s.inputChars >= shingleSize) {
        const double similarity = jaccard(shingleSet(normalizeText(*s.output), shingleSize),
                                          shingleSet(normalizeText(s.userText), shingleSize));
        if (similarity >= settings.repeatSimilarity)
            c.flags.push_back({FlagReason::RepeatsInput, "output repeats the input (similarity " +
                                                             std::to_string(int(similarity * 100)) + " %)"});
    }
    if (!c.spans.empty()) {
        std::map<std::string_view, int> kinds;
        for (const SpanRow &row : c.spans)
            ++kinds[personalDataKindName(row.span.kind)];
        std::string detail;
        for (const auto &[kind, n] : kinds)
            detail += (detail.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(kind);
        c.flags.push_back({FlagReason::PersonalData, detail});
    }
}

void findSpans(const InteractionSignals &s, SpanCache &cache, Curated &c)
{
    forEachMessageText(s.inputJson, [&](qint64 index, std::string_view, std::string_view text) {
        for (const PersonalDataSpan &span : cache.find(text))
            c.spans.push_back({false, index, span});
    });
    if (s.output)
        for (const PersonalDataSpan &span : findPersonalData(*s.output))
            c.spans.push_back({true, 0, span});
}

} // namespace flywheel
