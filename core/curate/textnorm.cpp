#include "curate/textnorm.h"

#include <QString>

#include <simdjson.h>

namespace flywheel {
namespace {

bool isAscii(std::string_view text)
{
    for (const char c : text)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

// Takes the lookup's result, not the element: a message without "content" (a tool call) has none,
// and turning that result into an element would throw.
void appendContentText(simdjson::simdjson_result<simdjson::dom::element> lookup, std::string &out)
{
    simdjson::dom::element content;
    if (lookup.get(content) != simdjson::SUCCESS)
        return;
    std::string_view text;
    if (content.get_string().get(text) == simdjson::SUCCESS) {
        out.append(text);
        return;
    }
    simdjson::dom::array parts;
    if (content.get_array().get(parts) != simdjson::SUCCESS)
        return;
    for (simdjson::dom::element part : parts) {
        if (part["text"].get_string().get(text) == simdjson::SUCCESS) {
            if (!out.empty() && out.back() != '\n')
                out.push_back(' ');
            out.append(text);
        }
    }
}

} // namespace

std::string normalizeText(std::string_view utf8)
{
    std::string out;
    out.reserve(utf8.size());
    if (isAscii(utf8)) {
        bool space = true; // drops leading whitespace
        for (const char c : utf8) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
                space = true;
                continue;
            }
            if (space && !out.empty())
                out.push_back(' ');
            space = false;
            out.push_back(c >= 'A' && c <= 'Z' ? char(c + 32) : c);
        }
        return out;
    }
    const QString folded = QString::fromUtf8(utf8.data(), qsizetype(utf8.size()))
                               .normalized(QString::NormalizationForm_KC)
                               .toCaseFolded();
    QString collapsed;
    collapsed.reserve(folded.size());
    bool space = true;
    for (const QChar c : folded) {
        if (c.isSpace()) {
            space = true;
            continue;
        }
        if (space && !collapsed.isEmpty())
            collapsed.append(QLatin1Char(' '));
        space = false;
        collapsed.append(c);
    }
    return collapsed.toStdString();
}

void forEachMessageText(std::string_view inputJson,
                        const std::function<void(qint64, std::string_view, std::string_view)> &visit)
{
    thread_local simdjson::dom::parser parser;
    simdjson::dom::array messages;
    if (parser.parse(inputJson.data(), inputJson.size()).get_array().get(messages) != simdjson::SUCCESS)
        return;
    qint64 index = 0;
    std::string text;
    for (simdjson::dom::element message : messages) {
        std::string_view role;
        if (message["role"].get_string().get(role) != simdjson::SUCCESS)
            role = {};
        text.clear();
        appendContentText(message["content"], text);
        if (!text.empty())
            visit(index, role, text);
        ++index;
    }
}

std::vector<InputMessage> inputMessages(std::string_view inputJson)
{
    thread_local simdjson::dom::parser parser;
    std::vector<InputMessage> out;
    simdjson::dom::array messages;
    if (parser.parse(inputJson.data(), inputJson.size()).get_array().get(messages) != simdjson::SUCCESS)
        return out;
    for (simdjson::dom::element element : messages) {
        InputMessage &message = out.emplace_back();
        std::string_view value;
        if (element["role"].get_string().get(value) == simdjson::SUCCESS)
            message.role = value;
        appendContentText(element["content"], message.text);
        simdjson::dom::array calls;
        if (element["tool_calls"].get_array().get(calls) == simdjson::SUCCESS)
            message.toolCallsJson = simdjson::minify(calls);
        if (element["tool_call_id"].get_string().get(value) == simdjson::SUCCESS)
            message.toolCallId = value;
        if (element["name"].get_string().get(value) == simdjson::SUCCESS)
            message.name = value;
    }
    return out;
}

std::string userTextOf(std::string_view inputJson)
{
    std::string out;
    forEachMessageText(inputJson, [&](qint64, std::string_view role, std::string_view text) {
        if (role != "user")
            return;
        if (!out.empty())
            out.push_back('\n');
        out.append(text);
    });
    return out;
}

qint64 codePoints(std::string_view utf8)
{
    qint64 count = 0;
    for (const char c : utf8)
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

} // namespace flywheel
