#include "demo/oasstconversations.h"

#include <QFile>

#include <simdjson.h>

// The resource lives in a static library: register it explicitly, as Qt asks, or the linker may
// drop it. Q_INIT_RESOURCE must be used outside any namespace.
static void initDemoResources()
{
    Q_INIT_RESOURCE(demo_data);
}

namespace flywheel {
namespace {

using simdjson::dom::element;

std::string_view stringField(element message, const char *key)
{
    std::string_view text;
    if (message[key].get_string().get(text) != simdjson::SUCCESS)
        return {};
    return text;
}

bool usable(element message)
{
    bool deleted = false;
    if (message["deleted"].get_bool().get(deleted) == simdjson::SUCCESS && deleted)
        return false;
    return !stringField(message, "text").empty();
}

int emojiCount(element message, const char *emoji)
{
    simdjson::dom::object emojis;
    if (message["emojis"].get_object().get(emojis) != simdjson::SUCCESS)
        return 0;
    int64_t count = 0;
    if (emojis[emoji].get_int64().get(count) != simdjson::SUCCESS)
        return 0;
    return int(count);
}

class TreeReader {
public:
    explicit TreeReader(std::vector<OasstPrompt> &prompts)
        : m_prompts(prompts)
    {}

    // Adds a prompter message and everything below it; returns its index, or -1 when it has no
    // usable reply (a prompt the demo could not answer).
    int addPrompt(element message)
    {
        if (!usable(message))
            return -1;
        simdjson::dom::array replies;
        if (message["replies"].get_array().get(replies) != simdjson::SUCCESS)
            return -1;
        OasstPrompt prompt;
        prompt.text = stringField(message, "text");
        for (element replyMessage : replies) {
            if (!usable(replyMessage) || stringField(replyMessage, "role") != "assistant")
                continue;
            prompt.replies.push_back(readReply(replyMessage));
        }
        if (prompt.replies.empty())
            return -1;
        m_prompts.push_back(std::move(prompt));
        return int(m_prompts.size()) - 1;
    }

private:
    OasstReply readReply(element message)
    {
        OasstReply reply;
        reply.text = stringField(message, "text");
        reply.messageId = stringField(message, "message_id");
        int64_t rank = -1;
        if (message["rank"].get_int64().get(rank) == simdjson::SUCCESS)
            reply.rank = int(rank);
        reply.thumbsUp = emojiCount(message, "+1");
        reply.thumbsDown = emojiCount(message, "-1");
        simdjson::dom::array next;
        if (message["replies"].get_array().get(next) == simdjson::SUCCESS) {
            for (element followUp : next) {
                if (stringField(followUp, "role") != "prompter")
                    continue;
                if (const int index = addPrompt(followUp); index >= 0)
                    reply.followUps.push_back(index);
            }
        }
        return reply;
    }

    std::vector<OasstPrompt> &m_prompts;
};

} // namespace

Result<OasstConversations> OasstConversations::loadEmbedded()
{
    initDemoResources();
    QFile file(QStringLiteral(":/demo/oasst_en_100_message.jsonl"));
    if (!file.open(QIODevice::ReadOnly))
        return Error{
            QStringLiteral("the demo conversations are missing from this build: %1").arg(file.errorString())};
    const QByteArray data = file.readAll();
    return parse(std::string_view(data.constData(), size_t(data.size())));
}

Result<OasstConversations> OasstConversations::parse(std::string_view jsonl)
{
    OasstConversations conversations;
    TreeReader reader(conversations.m_prompts);
    simdjson::dom::parser parser;
    int lineNumber = 0;
    size_t start = 0;
    while (start < jsonl.size()) {
        size_t end = jsonl.find('\n', start);
        if (end == std::string_view::npos)
            end = jsonl.size();
        const std::string_view line = jsonl.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        element tree;
        // parse() copies the line into a padded buffer, as simdjson needs.
        if (const auto error = parser.parse(line.data(), line.size()).get(tree); error != simdjson::SUCCESS)
            return Error{QStringLiteral("demo conversations, line %1: %2")
                             .arg(lineNumber)
                             .arg(QString::fromUtf8(simdjson::error_message(error)))};
        if (const int root = reader.addPrompt(tree); root >= 0)
            conversations.m_roots.push_back(root);
    }
    if (conversations.m_roots.empty())
        return Error{QStringLiteral("the demo conversations hold no usable conversation")};
    return conversations;
}

} // namespace flywheel
