#include "ingest/oasstparser.h"

#include "ingest/jsonfields.h"
#include "store/store.h"
#include "util/hasher.h"
#include "util/jsontext.h"

namespace flywheel {
namespace {

using namespace json;

// Reactions that are thumbs; the others ("red_flag", "_skip_reply", ...) stay in metadata.
constexpr std::pair<std::string_view, double> kThumbs[] = {{"+1", 1.0}, {"-1", -1.0}};

void addThumbs(element emojis, const std::string &messageId, ParsedLine &out)
{
    object counts;
    if (emojis.get_object().get(counts) != simdjson::SUCCESS)
        return;
    for (const auto &[emoji, value] : kThumbs) {
        int64_t count = 0;
        if (counts[emoji].get_int64().get(count) != simdjson::SUCCESS)
            continue;
        // One event per reaction: each was a different reviewer. Ids keep re-imports idempotent.
        for (int64_t i = 0; i < count; ++i) {
            FeedbackRecord &f = out.feedback.emplace_back();
            f.interactionExternalId = messageId;
            f.kind = FeedbackKind::Thumbs;
            f.value = value;
            f.origin = "oasst";
            f.eventId = messageId + ":" + std::string(emoji) + ":" + std::to_string(i);
        }
    }
}

} // namespace

OasstParser::OasstParser(size_t maxLineBytes)
    : m_document(std::make_unique<json::LineDocument>(maxLineBytes))
{}

OasstParser::~OasstParser() = default;

bool OasstParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    element tree;
    if (!m_document->parse(line, tree, reason))
        return false;
    if (tree.type() != element_type::OBJECT)
        return fail(reason, "a line must be a JSON object (one OpenAssistant message tree)");
    out.clear();
    m_line = line;
    element rootId;
    if (tree["message_id"].get(rootId) != simdjson::SUCCESS ||
        !readId(rootId, "message_id", m_treeId, reason))
        return fail(reason, "missing required field \"message_id\"");
    // Full exports carry created_date; the trees of the sample data do not, so they take the
    // import time (a repeated import is still recognised: the content hash does not include it).
    std::optional<qint64> created;
    element date;
    if (tree["created_date"].get(date) == simdjson::SUCCESS && !date.is_null() &&
        !readTimestamp(date, "created_date", created, reason))
        return false;
    m_timestampMs = created.value_or(currentTimeMs());
    return walk(tree, "[", out, reason);
}

bool OasstParser::walk(const element &message, const std::string &thread, ParsedLine &out,
                       std::string &reason)
{
    if (message.type() != element_type::OBJECT)
        return fail(reason, "every message and reply must be an object");
    std::string id, role, text;
    element value;
    if (message["message_id"].get(value) != simdjson::SUCCESS || !readId(value, "message_id", id, reason))
        return fail(reason, "a message needs a \"message_id\"");
    if (message["role"].get(value) != simdjson::SUCCESS || !readString(value, "role", role, reason) ||
        (role != "prompter" && role != "assistant"))
        return fail(reason, "message " + id + ": \"role\" must be \"prompter\" or \"assistant\"");
    if (message["text"].get(value) != simdjson::SUCCESS || !readString(value, "text", text, reason))
        return fail(reason, "message " + id + ": a message needs a string \"text\"");

    std::string here = thread;
    if (here.size() > 1)
        here.push_back(',');
    here += role == "prompter" ? R"({"role":"user","content":)" : R"({"role":"assistant","content":)";
    appendJsonString(here, text);
    here.push_back('}');

    if (role == "assistant") {
        if (thread.size() <= 1)
            return fail(reason, "message " + id + ": an assistant reply needs a prompt before it");
        InteractionRecord &r = out.interactions.emplace_back();
        r.externalId = id;
        r.timestampMs = m_timestampMs;
        r.sessionId = m_treeId;
        r.inputJson = thread + "]";
        r.output = text;
        std::string modelName;
        element model;
        if (message["model_name"].get(model) == simdjson::SUCCESS)
            readString(model, "model_name", modelName, reason);
        bool synthetic = false;
        if (message["synthetic"].get_bool().get(synthetic) != simdjson::SUCCESS)
            synthetic = false;
        // Replies not marked synthetic were written by volunteers.
        r.modelName = synthetic && !modelName.empty() ? modelName : "human";
        MetadataBuilder metadata;
        for (const char *key : {"rank", "lang", "review_count", "review_result", "deleted", "synthetic",
                                "labels", "emojis", "parent_id"}) {
            element kept;
            if (message[key].get(kept) == simdjson::SUCCESS && !kept.is_null())
                metadata.addField(key, kept);
        }
        metadata.finishInto(r.metadataJson);
        Hasher hasher;
        hasher.add(m_line).add(id);
        r.contentHash = hasher.digest64();
        element emojis;
        if (message["emojis"].get(emojis) == simdjson::SUCCESS && !emojis.is_null())
            addThumbs(emojis, id, out);
    }

    array replies;
    if (message["replies"].get_array().get(replies) == simdjson::SUCCESS) {
        for (element reply : replies)
            if (!walk(reply, here, out, reason))
                return false;
    }
    return true;
}

} // namespace flywheel
