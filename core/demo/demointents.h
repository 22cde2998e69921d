#pragma once

#include <span>
#include <string_view>

namespace flywheel {

// The demo's conversation templates. Text may hold:
//   {slot}          a value drawn once per conversation (product, order, plan...; see DemoSlots),
//                   so the answer and the follow-ups agree with what the user said;
//   {right|wrong}   a fact: a poor answer of the "wrong fact" kind says the second one;
//   <<...>>         a step a poor answer of the "missing step" kind leaves out;
//   "#. "           at the start of a line: a numbered step (numbered when rendered).

/// One exchange: what the user says and how a good assistant answers.
struct DemoTurn {
    std::string_view question;
    std::string_view answer;
};

/// What a user wants, in several phrasings, with the answer and likely follow-ups.
struct DemoIntent {
    std::string_view name;
    /// Phrasings of the first message; unused entries stay empty.
    std::string_view prompts[6];
    std::string_view answer;
    DemoTurn followUps[2];
};

// Customer-service categories (demointents_service.cpp).
std::span<const DemoIntent> billingIntents();
std::span<const DemoIntent> accountIntents();
std::span<const DemoIntent> shippingIntents();
std::span<const DemoIntent> returnsIntents();
std::span<const DemoIntent> smallTalkIntents();

// Categories that need product or expert knowledge (demointents_expert.cpp).
std::span<const DemoIntent> productIntents();
std::span<const DemoIntent> troubleshootingIntents();
std::span<const DemoIntent> legalIntents();
std::span<const DemoIntent> dataExportIntents();

/// Follow-ups that fit any conversation.
std::span<const DemoTurn> genericFollowUps();

} // namespace flywheel
