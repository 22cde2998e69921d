#include "demo/demorun.h"

#include <algorithm>
#include <array>

// What happens in a session: who asks what, how good the model's answer is, and what the user
// does with it. Writing the results is in demogenerator.cpp.

namespace flywheel {
namespace {

constexpr int kMaxTurns = 6;
constexpr qint64 kSecondMs = 1000;
constexpr qint64 kMinuteMs = 60 * kSecondMs;
constexpr size_t kRecentConversations = 256;

static_assert(int(Outcome::None) == 0 && int(Outcome::Copied) == 5,
              "the tables below follow Outcome's order");

// Outcome weights, in the order of Outcome: None, Accepted, Edited, Regenerated, Abandoned, Copied.
constexpr std::array<double, 6> kGoodOutcomeWeights = {0.16, 0.55, 0.07, 0.04, 0.03, 0.15};
constexpr std::array<double, 6> kPoorOutcomeWeights = {0.17, 0.08, 0.27, 0.25, 0.19, 0.04};
/// Chance that the session goes on after a turn, by outcome: a regenerate is nearly always
/// followed by another try, an abandon never.
constexpr std::array<double, 6> kContinueChance = {0.45, 0.25, 0.30, 0.90, 0.0, 0.20};

// A person shortens a rambling real answer or adds a caveat to it.
std::string editedOasstReply(std::string_view output, DemoRandom &random)
{
    const size_t firstBreak = output.find("\n\n");
    const size_t secondBreak =
        firstBreak == std::string_view::npos ? firstBreak : output.find("\n\n", firstBreak + 2);
    if (secondBreak != std::string_view::npos && random.chance(0.6))
        return std::string(output.substr(0, secondBreak));
    return std::string(output) + "\n\nPlease double-check these details against an up-to-date source.";
}

size_t phrasingCount(const DemoIntent &intent)
{
    return size_t(std::count_if(std::begin(intent.prompts), std::end(intent.prompts),
                                [](std::string_view prompt) { return !prompt.empty(); }));
}

} // namespace

Status DemoRun::runSession(qint64 startMs)
{
    Session &s = m_session;
    s.id = m_idPrefix + "s" + std::to_string(++m_sessions);
    s.user = m_traffic.drawUser(m_random);
    s.version = m_traffic.versionAt(startMs, m_random);
    s.category = &demoCategories()[m_random.weighted(m_shares)];
    s.timeMs = startMs;
    s.turn = 0;
    s.history.clear();
    return s.category->intents.empty() ? oasstSession(s) : templateSession(s);
}

Status DemoRun::templateSession(Session &s)
{
    // The words of a conversation come from their own seed: asking again reuses the seed, so the
    // same question comes back word for word (or retyped, below).
    quint64 seed = m_random.next();
    const bool reasked = m_recent.size() == kRecentConversations && m_random.chance(0.05);
    if (reasked) {
        std::tie(s.category, seed) = m_recent[m_random.below(m_recent.size())];
    } else if (m_recent.size() < kRecentConversations) {
        m_recent.emplace_back(s.category, seed);
    } else {
        m_recent[m_recentNext++ % kRecentConversations] = {s.category, seed};
    }
    DemoRandom words(seed);
    const DemoIntent &intent = words.pick(s.category->intents);
    const std::string_view phrasing = intent.prompts[words.below(phrasingCount(intent))];
    const DemoSlots details(words);

    std::string question;
    renderTemplate(phrasing, details, DemoFlaw::None, question);
    if (m_random.chance(reasked ? 0.5 : 0.12))
        question = perturbPrompt(question, m_random);
    const bool smallTalk = s.category->name == "small-talk";
    if (!smallTalk && m_random.chance(0.03)) {
        if (!question.empty() && std::string_view(".?!").find(question.back()) == std::string_view::npos)
            question += '.';
        question += ' ' + personalDataSentence(s.category->name, m_random);
    }

    std::string_view answerTemplate = intent.answer;
    int followUpsAsked = 0;
    while (!m_stop && s.turn < kMaxTurns) {
        Reply reply;
        reply.intent = intent.name;
        reply.good = !m_random.chance(poorChance(s));
        reply.flaw = reply.good ? DemoFlaw::None : drawFlaw(answerTemplate);
        renderAnswer(answerTemplate, details, reply.flaw, m_random, reply.output);
        settle(reply);
        // Corrections come mostly from people who edited the answer anyway.
        const double correctionChance = reply.outcome == Outcome::Edited        ? 0.22
                                        : reply.outcome == Outcome::Regenerated ? 0.02
                                                                                : 0.0;
        if (m_random.chance(correctionChance))
            reply.correction = correctedAnswer(answerTemplate, details, reply.flaw, reply.output, m_random);
        if (Status st = write(s, question, reply); !st)
            return st;
        if (!continues(s, reply))
            break;
        if (reply.outcome == Outcome::Regenerated)
            continue; // the same question again; the discarded answer is not in the history
        s.history.push_back({"user", std::move(question)});
        s.history.push_back({"assistant", std::move(reply.output)});
        const DemoTurn *next = nullptr;
        if (followUpsAsked < 2 && !intent.followUps[followUpsAsked].question.empty() &&
            (smallTalk || m_random.chance(0.7)))
            next = &intent.followUps[followUpsAsked++];
        else if (!smallTalk)
            next = &m_random.pick(genericFollowUps());
        else
            break; // "it worked" makes no sense after a greeting
        question.clear();
        renderTemplate(next->question, details, DemoFlaw::None, question);
        answerTemplate = next->answer;
    }
    return {};
}

Status DemoRun::oasstSession(Session &s)
{
    // A session walks one path of a real conversation tree; regenerating serves a sibling reply.
    int promptIndex = m_random.pick(m_oasst.roots());
    size_t replyIndex = 0;
    bool regenerated = false;
    while (!m_stop && s.turn < kMaxTurns) {
        const OasstPrompt &prompt = m_oasst.prompts()[size_t(promptIndex)];
        const size_t replies = prompt.replies.size();
        replyIndex = regenerated && replies > 1 ? (replyIndex + 1 + m_random.below(replies - 1)) % replies
                                                : m_random.below(replies);
        const OasstReply &source = prompt.replies[replyIndex];
        Reply reply;
        reply.oasst = &source;
        reply.output = source.text;
        // Human rank and reactions decide how good the reply is.
        double goodChance = source.rank == 0 ? 0.75 : source.rank == 1 ? 0.6 : source.rank > 1 ? 0.45 : 0.6;
        if (const int votes = source.thumbsUp + source.thumbsDown; votes > 0)
            goodChance = 0.5 * goodChance + 0.5 * (source.thumbsUp + 1.0) / (votes + 2.0);
        reply.good = m_random.chance(goodChance);
        settle(reply);
        if (reply.outcome == Outcome::Edited && m_random.chance(0.22))
            reply.correction = editedOasstReply(reply.output, m_random);
        if (Status st = write(s, prompt.text, reply); !st)
            return st;
        if (!continues(s, reply))
            break;
        regenerated = reply.outcome == Outcome::Regenerated;
        if (regenerated)
            continue;
        if (source.followUps.empty())
            break;
        s.history.push_back({"user", prompt.text});
        s.history.push_back({"assistant", std::move(reply.output)});
        promptIndex = source.followUps[m_random.below(source.followUps.size())];
    }
    return {};
}

double DemoRun::poorChance(const Session &s) const
{
    // On the stagnating category newer versions are no better, even slightly worse: the gap the
    // flywheel should reveal.
    const double factor = s.category->stagnates ? 1.0 + 0.03 * s.version
                                                : DemoTraffic::versions()[size_t(s.version)].poorFactor;
    return qMin(0.95, s.category->difficulty * factor);
}

DemoFlaw DemoRun::drawFlaw(std::string_view answerTemplate)
{
    static constexpr DemoFlaw kFlaws[] = {DemoFlaw::WrongFact, DemoFlaw::MissingStep, DemoFlaw::Deflection,
                                          DemoFlaw::CurtTone};
    std::array<double, 4> weights = {0.45, 0.30, 0.15, 0.10};
    for (size_t i = 0; i < weights.size(); ++i) {
        if (!templateAllows(answerTemplate, kFlaws[i]))
            weights[i] = 0;
    }
    return kFlaws[m_random.weighted(weights)];
}

void DemoRun::settle(Reply &reply)
{
    // Long answers are sometimes cut off and a few are filtered; either makes a poor reply.
    if (reply.output.size() > 350 && m_random.chance(0.04)) {
        const size_t cut = reply.output.rfind(' ', reply.output.size() * 3 / 5);
        reply.output.resize(cut == std::string::npos ? reply.output.size() * 3 / 5 : cut);
        reply.finishReason = "length";
        reply.good = false;
        reply.flaw = DemoFlaw::Truncated;
    } else if (m_random.chance(0.002)) {
        reply.output = "I'm sorry, but I can't help with that request.";
        reply.finishReason = "content_filter";
        reply.good = false;
        reply.flaw = DemoFlaw::Refused;
    }
    reply.outcome = Outcome(m_random.weighted(reply.good ? kGoodOutcomeWeights : kPoorOutcomeWeights));
}

bool DemoRun::continues(Session &s, const Reply &reply)
{
    if (m_stop || !m_random.chance(kContinueChance[size_t(reply.outcome)]))
        return false;
    // Reading and typing take a while; a regenerate is one click.
    s.timeMs += reply.outcome == Outcome::Regenerated ? m_random.between(3 * kSecondMs, 20 * kSecondMs)
                                                      : m_random.between(15 * kSecondMs, 4 * kMinuteMs);
    return true;
}

} // namespace flywheel
