#pragma once

#include "util/result.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// An assistant reply of the OpenAssistant sample, with its human ranking and reactions.
struct OasstReply {
    std::string text;
    std::string messageId;
    /// 0 = the best of its siblings; -1 when unranked.
    int rank = -1;
    int thumbsUp = 0;
    int thumbsDown = 0;
    /// Indexes (in OasstConversations::prompts()) of the user's next messages after this reply.
    std::vector<int> followUps;
};

/// A user message of the sample and the assistant replies it received.
struct OasstPrompt {
    std::string text;
    std::vector<OasstReply> replies;
};

/// Real conversations (LAION-AI/Open-Assistant, Apache 2.0; see resources/demo/README.md) as trees
/// of prompts and ranked replies. The demo walks one path of a tree per session.
class OasstConversations final {
public:
    /// Parses the sample embedded in the core library (":/demo/oasst_en_100_message.jsonl").
    static Result<OasstConversations> loadEmbedded();
    /// Parses JSON Lines, one conversation tree per line. Deleted and empty messages are left out,
    /// and so are prompts without a reply.
    static Result<OasstConversations> parse(std::string_view jsonl);

    const std::vector<OasstPrompt> &prompts() const { return m_prompts; }
    /// The first prompts of the conversations.
    std::span<const int> roots() const { return m_roots; }

private:
    std::vector<OasstPrompt> m_prompts;
    std::vector<int> m_roots;
};

} // namespace flywheel
