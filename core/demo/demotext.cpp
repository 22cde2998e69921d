#include "demo/demotext.h"

#include <array>

namespace flywheel {
namespace {

using Texts = std::span<const std::string_view>;

constexpr std::string_view kProducts[] = {
    "Hub 2",     "Halo Thermostat",   "Lumen Doorbell",  "Sentry Cam 360", "Sentry Cam Outdoor",
    "Glow Bulb", "AirSense Purifier", "Aqua Leak Sensor"};
constexpr std::string_view kPlans[] = {"Basic", "Plus", "Pro", "Business"};
constexpr std::string_view kPrices[] = {"$3.99", "$9.99", "$19.99", "$49.00"};
constexpr std::string_view kErrors[] = {"E-104", "E-221", "E-307", "E-412", "E-518", "E-633"};
constexpr std::string_view kErrorMeanings[] = {"the device could not complete the Wi-Fi handshake",
                                               "the firmware signature check failed",
                                               "one of the sensors stopped responding",
                                               "syncing with the cloud timed out",
                                               "the device's local storage is full",
                                               "the device clock is out of sync"};
constexpr std::string_view kCities[] = {"Austin", "Leeds",  "Munich", "Lyon",   "Toronto",   "Melbourne",
                                        "Osaka",  "Denver", "Madrid", "Dublin", "Rotterdam", "Portland"};
constexpr std::string_view kCarriers[] = {"UPS", "DHL", "FedEx", "Royal Mail", "DPD", "USPS"};
constexpr std::string_view kEcosystems[] = {"Alexa", "Google Home", "Apple Home", "SmartThings",
                                            "Home Assistant"};
constexpr std::string_view kTables[] = {"devices", "events", "alerts", "energy_readings", "motion_events"};
constexpr std::string_view kFormats[] = {"CSV", "JSON", "Parquet"};
constexpr std::string_view kPeople[] = {"jane.doe",   "john.smith",  "maria.garcia", "wei.chen",
                                        "a.kowalski", "priya.patel", "tom.baker",    "lena.mueller"};
constexpr std::string_view kMailDomains[] = {"example.com", "example.org", "example.net"};
// Documentation example IBANs: valid-looking, never real accounts.
constexpr std::string_view kIbans[] = {"DE89 3704 0044 0532 0130 00", "GB29 NWBK 6016 1331 9268 19",
                                       "FR14 2004 1010 0505 0001 3M02 606", "NL91 ABNA 0417 1643 00"};

constexpr std::string_view kOpeners[] = {
    "", "", "", "Sure! ", "Happy to help. ", "Thanks for reaching out. ", "Good question. "};
constexpr std::string_view kCurtOpeners[] = {"Per policy: ", "This is covered in the help center. ",
                                             "Please read carefully. "};
constexpr std::string_view kClosings[] = {"\n\nAnything else I can help with?",
                                          "\n\nLet me know if that helps!",
                                          "\n\nIs there anything else you need?"};
constexpr std::string_view kDeflections[] = {
    "I'm sorry, I can't help with that. Please contact our support team.",
    "I don't have information about that. You can find more in our help center at help.brightlane.example.",
    "Please contact customer service for this request."};
constexpr std::string_view kAddedSteps[] = {
    "\n\nIf that doesn't help, reply with your order number or the device's serial number and we'll escalate "
    "it.",
    "\n\nTip: you can do the same from the web dashboard at app.brightlane.example.",
    "\n\nNote: changes can take up to 5 minutes to show in the app."};
constexpr std::string_view kApologies[] = {"I'm sorry for the trouble. ", "Thanks for your patience! ",
                                           "I understand how frustrating this is. "};
constexpr std::string_view kPositiveComments[] = {"Exactly what I needed, thanks", "quick and clear",
                                                  "Solved my problem in 2 minutes", "Helpful!",
                                                  "Great, the steps worked"};
constexpr std::string_view kNegativeComments[] = {
    "Didn't answer my question.",
    "The steps don't match what I see in the app.",
    "This is wrong, the policy on your website says something else.",
    "Too long, just tell me what to click.",
    "It keeps telling me to contact support. I AM contacting support.",
    "Rude answer.",
    "You skipped a step, it didn't work."};
constexpr std::string_view kSystemPrompts[] = {
    "You are Brightlane's customer support assistant. Answer the customer's question.",
    "You are Brightlane's customer support assistant. Be concise and friendly. Use numbered steps for "
    "instructions. Never invent order details.",
    "You are Brightlane's customer support assistant. Be concise and friendly. Use numbered steps for "
    "instructions. Never invent order details. If you are not sure about a policy, say so and offer a human "
    "agent."};

std::string_view pick(Texts texts, DemoRandom &random)
{
    return random.pick(texts);
}

// Finds the '}' that closes the '{' at @p open, counting nested braces.
size_t closingBrace(std::string_view text, size_t open)
{
    int depth = 0;
    for (size_t i = open; i < text.size(); ++i) {
        if (text[i] == '{')
            ++depth;
        else if (text[i] == '}' && --depth == 0)
            return i;
    }
    return std::string_view::npos;
}

size_t topLevelBar(std::string_view text)
{
    int depth = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{')
            ++depth;
        else if (text[i] == '}')
            --depth;
        else if (text[i] == '|' && depth == 0)
            return i;
    }
    return std::string_view::npos;
}

struct RenderState {
    const DemoSlots &details;
    DemoFlaw flaw;
    int step = 0;
};

void render(std::string_view text, RenderState &state, std::string &out)
{
    size_t i = 0;
    while (i < text.size()) {
        const bool lineStart = out.empty() || out.back() == '\n';
        if (lineStart && text.substr(i, 3) == "#. ") {
            out += std::to_string(++state.step);
            out += ". ";
            i += 3;
        } else if (text[i] == '{') {
            const size_t close = closingBrace(text, i);
            if (close == std::string_view::npos) {
                out += text.substr(i);
                return;
            }
            const std::string_view inner = text.substr(i + 1, close - i - 1);
            if (const size_t bar = topLevelBar(inner); bar != std::string_view::npos)
                render(state.flaw == DemoFlaw::WrongFact ? inner.substr(bar + 1) : inner.substr(0, bar),
                       state, out);
            else if (!state.details.append(inner, out))
                out.append(text.substr(i, close - i + 1));
            i = close + 1;
        } else if (text.substr(i, 2) == "<<") {
            const size_t close = text.find(">>", i + 2);
            const size_t end = close == std::string_view::npos ? text.size() : close;
            if (state.flaw != DemoFlaw::MissingStep)
                render(text.substr(i + 2, end - i - 2), state, out);
            i = end + 2;
        } else {
            out += text[i++];
        }
    }
}

// An answer that already opens warmly needs no opener, and cannot be curt.
bool opensWarmly(std::string_view text)
{
    static constexpr std::string_view kWarmStarts[] = {
        "Thanks", "Sure", "I'm sorry", "Sorry", "Great",     "Of course", "No problem",
        "You're", "Hi",   "Glad",      "Happy", "I can see", "Yes"};
    for (const std::string_view start : kWarmStarts) {
        if (text.starts_with(start))
            return true;
    }
    return false;
}

void appendNumber(std::string &out, quint64 value, int minDigits = 1)
{
    const std::string digits = std::to_string(value);
    if (int(digits.size()) < minDigits)
        out.append(size_t(minDigits) - digits.size(), '0');
    out += digits;
}

} // namespace

std::string_view demoFlawName(DemoFlaw flaw)
{
    switch (flaw) {
    case DemoFlaw::None:
        return "none";
    case DemoFlaw::WrongFact:
        return "wrong_fact";
    case DemoFlaw::MissingStep:
        return "missing_step";
    case DemoFlaw::CurtTone:
        return "tone";
    case DemoFlaw::Deflection:
        return "deflection";
    case DemoFlaw::Truncated:
        return "truncated";
    case DemoFlaw::Refused:
        return "refused";
    }
    return "none";
}

std::span<const DemoCategory> demoCategories()
{
    // Shares add up to 1. Difficulty is the first version's chance of a poor answer.
    static const std::array<DemoCategory, 10> categories{{
        {"billing", 0.16, 0.42, false, billingIntents()},
        {"account-access", 0.13, 0.36, false, accountIntents()},
        {"shipping", 0.15, 0.38, false, shippingIntents()},
        {"returns", 0.10, 0.45, false, returnsIntents()},
        {"product-questions", 0.12, 0.50, false, productIntents()},
        {"troubleshooting", 0.11, 0.60, false, troubleshootingIntents()},
        {"legal-compliance", 0.05, 0.72, true, legalIntents()},
        {"data-export-sql", 0.05, 0.70, false, dataExportIntents()},
        {"small-talk", 0.07, 0.15, false, smallTalkIntents()},
        {"open-questions", 0.06, 0.40, false, {}},
    }};
    return categories;
}

DemoSlots::DemoSlots(DemoRandom &r)
    : m_product(quint32(r.below(std::size(kProducts))))
    , m_plan(quint32(r.below(std::size(kPlans))))
    , m_error(quint32(r.below(std::size(kErrors))))
    , m_city(quint32(r.below(std::size(kCities))))
    , m_carrier(quint32(r.below(std::size(kCarriers))))
    , m_ecosystem(quint32(r.below(std::size(kEcosystems))))
    , m_table(quint32(r.below(std::size(kTables))))
    , m_format(quint32(r.below(std::size(kFormats))))
    , m_person(quint32(r.below(std::size(kPeople))))
    , m_order(quint32(r.between(1000000, 9999999)))
    , m_amountCents(quint32(r.between(15, 260) * 100 - 1))
    , m_percent(quint32(r.between(12, 97)))
    , m_wait(quint32(r.between(2, 25)))
    , m_firmware(quint32(r.between(300, 420)))
    , m_count(quint32(r.between(3, 12)))
{}

bool DemoSlots::append(std::string_view name, std::string &out) const
{
    if (name == "product")
        out += kProducts[m_product];
    else if (name == "plan")
        out += kPlans[m_plan];
    else if (name == "price")
        out += kPrices[m_plan];
    else if (name == "order") {
        out += "BL-";
        appendNumber(out, m_order);
    } else if (name == "error")
        out += kErrors[m_error];
    else if (name == "error_meaning")
        out += kErrorMeanings[m_error];
    else if (name == "city")
        out += kCities[m_city];
    else if (name == "carrier")
        out += kCarriers[m_carrier];
    else if (name == "ecosystem")
        out += kEcosystems[m_ecosystem];
    else if (name == "table")
        out += kTables[m_table];
    else if (name == "format")
        out += kFormats[m_format];
    else if (name == "amount") {
        out += '$';
        appendNumber(out, m_amountCents / 100);
        out += '.';
        appendNumber(out, m_amountCents % 100, 2);
    } else if (name == "percent")
        appendNumber(out, m_percent);
    else if (name == "wait")
        appendNumber(out, m_wait);
    else if (name == "firmware") {
        out += std::to_string(m_firmware / 100) + '.' + std::to_string(m_firmware % 100);
    } else if (name == "count")
        appendNumber(out, m_count);
    else if (name == "email") {
        out += kPeople[m_person];
        out += '@';
        out += kMailDomains[m_person % std::size(kMailDomains)];
    } else
        return false;
    return true;
}

void renderTemplate(std::string_view text, const DemoSlots &details, DemoFlaw flaw, std::string &out)
{
    RenderState state{details, flaw};
    render(text, state, out);
}

bool templateAllows(std::string_view text, DemoFlaw flaw)
{
    switch (flaw) {
    case DemoFlaw::WrongFact:
        return text.find('|') != std::string_view::npos;
    case DemoFlaw::MissingStep:
        return text.find("<<") != std::string_view::npos;
    case DemoFlaw::CurtTone:
        return !opensWarmly(text);
    default:
        return true;
    }
}

void renderAnswer(std::string_view turnAnswer, const DemoSlots &details, DemoFlaw flaw, DemoRandom &random,
                  std::string &out)
{
    if (flaw == DemoFlaw::Deflection) {
        out += pick(kDeflections, random);
        return;
    }
    if (flaw == DemoFlaw::CurtTone)
        out += pick(kCurtOpeners, random);
    else if (const std::string_view opener = pick(kOpeners, random); !opensWarmly(turnAnswer))
        out += opener;
    const size_t bodyStart = out.size();
    renderTemplate(turnAnswer, details, flaw, out);
    // A numbered list right after an opener needs its own line.
    if (bodyStart > 0 && out.size() > bodyStart + 1 && out[bodyStart] == '1' && out[bodyStart + 1] == '.')
        out.insert(bodyStart, "\n");
    if (flaw != DemoFlaw::CurtTone && random.chance(0.3))
        out += pick(kClosings, random);
}

std::string correctedAnswer(std::string_view turnAnswer, const DemoSlots &details, DemoFlaw flaw,
                            std::string_view output, DemoRandom &random)
{
    std::string corrected;
    if (flaw == DemoFlaw::None) {
        // A good answer someone still edited: they add a step or soften the tone.
        if (random.chance(0.6)) {
            corrected.assign(output);
            corrected += pick(kAddedSteps, random);
        } else {
            corrected.assign(pick(kApologies, random));
            corrected += output;
        }
        return corrected;
    }
    if (flaw == DemoFlaw::CurtTone)
        corrected.assign(pick(kApologies, random));
    renderTemplate(turnAnswer, details, DemoFlaw::None, corrected);
    if (corrected == output)
        corrected += pick(kAddedSteps, random);
    return corrected;
}

std::string perturbPrompt(std::string_view prompt, DemoRandom &random)
{
    std::string text(prompt);
    switch (random.below(6)) {
    case 0:
        for (char &c : text)
            if (c >= 'A' && c <= 'Z')
                c = char(c - 'A' + 'a');
        break;
    case 1:
        while (!text.empty() && (text.back() == '?' || text.back() == '.' || text.back() == '!'))
            text.pop_back();
        break;
    case 2:
        text.insert(text.find(' ') == std::string::npos ? text.size() : text.find(' '), " ");
        break;
    case 3:
        text.insert(0, random.chance(0.5) ? "Hi, " : "hello ");
        break;
    case 4:
        text += random.chance(0.5) ? " thanks" : "  ";
        break;
    default:
        text.insert(0, "  ");
        text += '\n';
        break;
    }
    return text;
}

std::string personalDataSentence(std::string_view category, DemoRandom &random)
{
    std::string sentence;
    const std::string_view person = pick(kPeople, random);
    const quint64 kind = category == "billing" ? random.below(3) : random.below(2);
    if (kind == 0) {
        sentence = "My email is ";
        sentence += person;
        sentence += '@';
        sentence += pick(kMailDomains, random);
        sentence += '.';
    } else if (kind == 1) {
        // 555-01xx and 020 7946 0xxx are reserved for fiction.
        if (random.chance(0.6)) {
            sentence = "You can call me at +1 415 555 01";
            appendNumber(sentence, random.below(100), 2);
        } else {
            sentence = "My number is +44 20 7946 0";
            appendNumber(sentence, random.below(1000), 3);
        }
        sentence += '.';
    } else {
        sentence = "Please refund to my IBAN ";
        sentence += pick(kIbans, random);
        sentence += '.';
    }
    return sentence;
}

std::string_view systemPrompt(int versionIndex)
{
    return kSystemPrompts[qBound(0, versionIndex, int(std::size(kSystemPrompts)) - 1)];
}

std::string_view feedbackComment(bool positive, DemoRandom &random)
{
    return pick(positive ? Texts(kPositiveComments) : Texts(kNegativeComments), random);
}

} // namespace flywheel
