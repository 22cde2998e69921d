#pragma once

#include "demo/demointents.h"
#include "demo/demorandom.h"

#include <span>
#include <string>
#include <string_view>

namespace flywheel {

/// What is wrong with a poor answer. A correction undoes exactly that.
enum class DemoFlaw { None, WrongFact, MissingStep, CurtTone, Deflection, Truncated, Refused };

std::string_view demoFlawName(DemoFlaw flaw);

/// A traffic category of the demo.
struct DemoCategory {
    std::string_view name;
    /// Share of all traffic; the shares add up to 1.
    double share;
    /// Chance that the first model version answers poorly.
    double difficulty;
    /// New model versions do not help here: the coverage gap the demo shows.
    bool stagnates;
    /// Empty for the category served from real (OpenAssistant) conversations.
    std::span<const DemoIntent> intents;
};

std::span<const DemoCategory> demoCategories();

/// The details one user mentions (product, order number, plan...), drawn once per conversation so
/// that the prompt, the answer and the follow-ups agree.
class DemoSlots final {
public:
    explicit DemoSlots(DemoRandom &random);

    /// Appends the value of slot @p name; returns false for an unknown name.
    bool append(std::string_view name, std::string &out) const;

private:
    quint32 m_product, m_plan, m_error, m_city, m_carrier, m_ecosystem, m_table, m_format, m_person;
    quint32 m_order, m_amountCents, m_percent, m_wait, m_firmware, m_count;
};

/// Renders a template (syntax in demointents.h) with @p flaw applied, appending to @p out.
void renderTemplate(std::string_view text, const DemoSlots &details, DemoFlaw flaw, std::string &out);

/// Whether a template has something the flaw can change (a fact or a step).
bool templateAllows(std::string_view text, DemoFlaw flaw);

/// The assistant's full answer to @p turnAnswer: an opener suited to the flaw, the body, and
/// sometimes a closing line.
void renderAnswer(std::string_view turnAnswer, const DemoSlots &details, DemoFlaw flaw, DemoRandom &random,
                  std::string &out);

/// The output as a person corrected it: the flaw fixed, or for a good answer that was still edited,
/// a step added or the tone changed. Always differs from @p output.
std::string correctedAnswer(std::string_view turnAnswer, const DemoSlots &details, DemoFlaw flaw,
                            std::string_view output, DemoRandom &random);

/// A re-asked prompt as people retype or paste it: other case, spacing, greeting or punctuation.
std::string perturbPrompt(std::string_view prompt, DemoRandom &random);

/// A sentence with personal data (email, phone number, IBAN) that a user adds to a prompt.
std::string personalDataSentence(std::string_view category, DemoRandom &random);

/// The system prompt of a model version (index 0, 1, 2).
std::string_view systemPrompt(int versionIndex);

/// A free-text comment a user leaves with positive or negative feedback.
std::string_view feedbackComment(bool positive, DemoRandom &random);

} // namespace flywheel
