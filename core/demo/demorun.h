#pragma once

#include "demo/demogenerator.h"
#include "demo/demorandom.h"
#include "demo/demotext.h"
#include "demo/demotraffic.h"
#include "demo/oasstconversations.h"
#include "store/capturewriter.h"

#include <string>
#include <vector>

namespace flywheel {

/// One generation of the demo, streamed batch by batch: only the current session and a few
/// hundred small values stay in memory, whatever the size. Sessions and replies are drawn in
/// demosessions.cpp; the days loop and the writing are in demogenerator.cpp.
class DemoRun final {
public:
    DemoRun(CaptureWriter &writer, const DemoOptions &options, const OasstConversations &oasst,
            const std::atomic_bool *cancel, const DemoGenerator::ProgressCallback &progress,
            DemoReport &report);

    /// Generates everything inside the writer's open batch, committing every kBatchSize
    /// interactions. Leaves the last batch open for the caller to commit.
    Status run();
    /// Interactions generated so far.
    qint64 done() const { return m_done; }

    static constexpr qint64 kBatchSize = 20000;

private:
    struct Message {
        std::string_view role;
        std::string content;
    };

    struct Session {
        std::string id;
        DemoUser user;
        int version = 0;
        const DemoCategory *category = nullptr;
        /// When the next turn happens.
        qint64 timeMs = 0;
        int turn = 0;
        /// Earlier turns, sent again as chat history.
        std::vector<Message> history;
    };

    /// One assistant reply and what the user did with it.
    struct Reply {
        std::string output;
        bool good = true;
        Outcome outcome = Outcome::None;
        std::string_view finishReason = "stop";
        std::string_view intent;
        DemoFlaw flaw = DemoFlaw::None;
        /// The corrected output, or empty when nobody corrected it.
        std::string correction;
        const OasstReply *oasst = nullptr;
    };

    // demosessions.cpp
    Status runSession(qint64 startMs);
    Status templateSession(Session &s);
    Status oasstSession(Session &s);
    double poorChance(const Session &s) const;
    DemoFlaw drawFlaw(std::string_view answerTemplate);
    void settle(Reply &reply);
    bool continues(Session &s, const Reply &reply);

    // demogenerator.cpp
    Status write(Session &s, std::string_view question, const Reply &reply);
    void buildRecord(const Session &s, std::string_view question, const Reply &reply);
    Status addEvents(const Session &s, const Reply &reply, bool &changed);
    Status addFeedback(const FeedbackRecord &feedback, bool &changed);
    Status flushDelayed();
    Status nextBatch();

    CaptureWriter &m_writer;
    const DemoOptions &m_options;
    const OasstConversations &m_oasst;
    const std::atomic_bool *m_cancel;
    const DemoGenerator::ProgressCallback &m_progress;
    DemoReport &m_report;
    DemoRandom m_random;
    DemoTraffic m_traffic;
    std::string m_idPrefix;
    std::vector<double> m_shares;

    qint64 m_done = 0;
    qint64 m_sessions = 0;
    bool m_stop = false;
    Session m_session;
    InteractionRecord m_record;
    /// Recent conversations (category, seed of their words) that someone may ask again.
    std::vector<std::pair<const DemoCategory *, quint64>> m_recent;
    size_t m_recentNext = 0;
    /// Survey answers that arrive hours later as separate events: written in the next batch.
    std::vector<FeedbackRecord> m_delayed;
};

} // namespace flywheel
