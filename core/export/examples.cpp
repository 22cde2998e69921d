#include "export/examples.h"

#include "curate/textnorm.h"
#include "export/redaction.h"
#include "review/latestreview.h"
#include "store/statement.h"
#include "store/store.h"
#include "util/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace flywheel {
namespace {

// The latest reviewer correction, else the latest captured one.
constexpr const char *kRowsSql = R"sql(
SELECT i.id, i.input, i.output, i.output_tool_calls, c.segment, coalesce(c.cluster_id, i.id), e.label,
       e.decided_by = 'review',
       coalesce(%1,
                (SELECT corrected_output FROM corrections k WHERE k.interaction_id = i.id
                 ORDER BY coalesce(k.ts, 0) DESC, k.id DESC LIMIT 1), ''),
       c.score, coalesce(i.model_version, '')
FROM curation c
JOIN interactions i ON i.id = c.interaction_id
JOIN effective_labels e ON e.interaction_id = c.interaction_id
WHERE TRUE )sql";

void appendPlaceholders(std::string &sql, const char *column, size_t count)
{
    sql += " AND ";
    sql += column;
    sql += " IN (";
    for (size_t k = 0; k < count; ++k)
        sql += k ? ", ?" : "?";
    sql += ")";
}

// Tool calls as OpenAI and Hugging Face want them: each function's arguments a JSON string.
QJsonArray toolCalls(const std::string &json)
{
    QJsonArray calls = QJsonDocument::fromJson(QByteArray::fromStdString(json)).array();
    for (qsizetype k = 0; k < calls.size(); ++k) {
        QJsonObject call = calls[k].toObject();
        QJsonObject function = call.value(QStringLiteral("function")).toObject();
        const QJsonValue arguments = function.value(QStringLiteral("arguments"));
        if (!arguments.isString() && !arguments.isUndefined())
            function.insert(
                QStringLiteral("arguments"),
                QString::fromUtf8(arguments.isObject()
                                      ? QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact)
                                      : QJsonDocument(arguments.toArray()).toJson(QJsonDocument::Compact)));
        call.insert(QStringLiteral("function"), function);
        calls[k] = call;
    }
    return calls;
}

void appendMessage(std::string &out, std::string_view role, std::string_view content,
                   const std::string &toolCallsJson = {}, const std::string &toolCallId = {},
                   const std::string &name = {})
{
    out += "{\"role\":";
    appendJsonString(out, role);
    out += ",\"content\":";
    appendJsonString(out, content);
    if (!name.empty()) {
        out += ",\"name\":";
        appendJsonString(out, name);
    }
    if (!toolCallId.empty()) {
        out += ",\"tool_call_id\":";
        appendJsonString(out, toolCallId);
    }
    if (!toolCallsJson.empty())
        out += ",\"tool_calls\":" +
               QJsonDocument(toolCalls(toolCallsJson)).toJson(QJsonDocument::Compact).toStdString();
    out += '}';
}

std::string redacted(std::string_view text, const std::vector<PersonalDataSpan> *spans, PersonalDataMode mode)
{
    if (mode != PersonalDataMode::Redact || !spans)
        return std::string(text);
    return redact(text, *spans);
}

// The input's messages, each text redacted where curation found personal data.
std::vector<InputMessage> redactedMessages(const ExampleRow &row, const StoredSpans *spans,
                                           PersonalDataMode mode)
{
    std::vector<InputMessage> messages = inputMessages(row.inputJson);
    if (!spans)
        return messages;
    for (const auto &[index, found] : spans->input)
        if (index >= 0 && size_t(index) < messages.size())
            messages[size_t(index)].text = redacted(messages[size_t(index)].text, &found, mode);
    return messages;
}

// The messages as a JSON list.
std::string promptMessages(const std::vector<InputMessage> &messages)
{
    std::string out = "[";
    for (const InputMessage &message : messages) {
        if (out.size() > 1)
            out += ',';
        appendMessage(out, message.role, message.text, message.toolCallsJson, message.toolCallId,
                      message.name);
    }
    out += ']';
    return out;
}

// One assistant message as a list, the form TRL's conversational columns take.
std::string assistantList(std::string_view content, const std::string &toolCallsJson = {})
{
    std::string out = "[";
    appendMessage(out, "assistant", content, toolCallsJson);
    out += ']';
    return out;
}

// The last user message.
std::string lastUserText(const std::vector<InputMessage> &messages)
{
    for (size_t m = messages.size(); m-- > 0;)
        if (messages[m].role == "user")
            return messages[m].text;
    return {};
}

// A CSV field, quoted, with its quotes doubled (RFC 4180).
std::string csvField(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

} // namespace

std::set<std::string> defaultLabels(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::Sft:
        return {"gold", "positive"};
    case DatasetKind::Preference:
        return {"gold", "positive", "negative", "conflicting", "unlabeled"};
    case DatasetKind::Kto:
        return {"gold", "positive", "negative"};
    case DatasetKind::Eval:
    case DatasetKind::FewShot:
    case DatasetKind::Retrieval:
        return {"gold", "positive"};
    }
    return {};
}

Status readExampleRows(Store &store, const ExportOptions &options,
                       const std::function<bool(const ExampleRow &)> &visit)
{
    const ExportSelection &selection = options.selection;
    const std::set<std::string> labels =
        selection.labels.empty() ? defaultLabels(options.kind) : selection.labels;
    std::string sql = QString::fromLatin1(kRowsSql)
                          .arg(QString::fromStdString(
                              latestReview("corrected_output", "i.id", "corrected_output IS NOT NULL")))
                          .toStdString();
    if (selection.collapseDuplicates)
        sql += " AND (c.cluster_id IS NULL OR c.cluster_id = c.interaction_id)";
    appendPlaceholders(sql, "e.label", labels.size());
    if (selection.reviewedOnly)
        sql += " AND e.decided_by = 'review'";
    if (!selection.segments.empty())
        appendPlaceholders(sql, "c.segment", selection.segments.size());
    if (!selection.modelVersions.empty())
        appendPlaceholders(sql, "i.model_version", selection.modelVersions.size());
    if (selection.time.fromMs)
        sql += " AND i.ts >= ?";
    if (selection.time.toMs)
        sql += " AND i.ts < ?";
    if (selection.minScore)
        sql += " AND c.score >= ?";
    sql += " ORDER BY i.id";

    Transaction snapshot(store.db(), Transaction::Kind::Deferred);
    if (!snapshot.beginStatus())
        return snapshot.beginStatus();
    auto statement = store.db().prepare(sql.c_str());
    if (!statement)
        return statement.error();
    int index = 1;
    for (const std::set<std::string> *values : {&labels, &selection.segments, &selection.modelVersions})
        for (const std::string &value : *values)
            statement->bind(index++, std::string_view(value));
    if (selection.time.fromMs)
        statement->bind(index++, *selection.time.fromMs);
    if (selection.time.toMs)
        statement->bind(index++, *selection.time.toMs);
    if (selection.minScore)
        statement->bind(index++, *selection.minScore);
    ExampleRow row;
    return statement->forEachRow([&] {
        row.id = statement->columnInt(0);
        row.inputJson = std::string(statement->columnUtf8(1));
        row.output =
            statement->isNull(2) ? std::nullopt : std::optional<std::string>(statement->columnUtf8(2));
        row.outputToolCallsJson = std::string(statement->columnUtf8(3));
        row.segment = std::string(statement->columnUtf8(4));
        row.group = statement->columnInt(5);
        row.label = std::string(statement->columnUtf8(6));
        row.reviewed = statement->columnInt(7) != 0;
        row.correction = std::string(statement->columnUtf8(8));
        row.score = statement->columnDouble(9);
        row.modelVersion = std::string(statement->columnUtf8(10));
        return visit(row);
    });
}

Result<std::map<std::string, double>> readSegmentHardness(Store &store)
{
    auto statement = store.db().prepare("SELECT segment, hardness FROM segment_stats WHERE run_id = "
                                        "(SELECT max(id) FROM curation_runs WHERE status = 'completed')");
    if (!statement)
        return statement.error();
    std::map<std::string, double> hardness;
    Status status = statement->forEachRow(
        [&] { hardness[std::string(statement->columnUtf8(0))] = statement->columnDouble(1); });
    if (!status)
        return status.error();
    return hardness;
}

Result<std::unordered_set<qint64>> readPinnedInteractions(Store &store)
{
    auto statement = store.db().prepare("SELECT DISTINCT i.interaction_id FROM dataset_items i "
                                        "JOIN datasets d ON d.id = i.dataset_id WHERE d.pinned = 1");
    if (!statement)
        return statement.error();
    std::unordered_set<qint64> pinned;
    Status status = statement->forEachRow([&] { pinned.insert(statement->columnInt(0)); });
    if (!status)
        return status.error();
    return pinned;
}

Result<std::unordered_map<qint64, StoredSpans>> readStoredSpans(Store &store)
{
    std::unordered_map<qint64, StoredSpans> spans;
    auto statement =
        store.db().prepare("SELECT interaction_id, field, message_index, kind, start, length FROM pii_spans");
    if (!statement)
        return statement.error();
    Status status = statement->forEachRow([&] {
        const std::optional<PersonalDataKind> kind = personalDataKindFromName(statement->columnUtf8(3));
        if (!kind)
            return;
        const PersonalDataSpan span{*kind, statement->columnInt(4), statement->columnInt(5)};
        StoredSpans &stored = spans[statement->columnInt(0)];
        if (statement->columnUtf8(1) == "output")
            stored.output.push_back(span);
        else
            stored.input[statement->columnInt(2)].push_back(span);
    });
    if (!status)
        return status.error();
    return spans;
}

const char *const kPromptfooHeader = "question,messages,__expected";

namespace {

// An interaction as every kind reads it: redacted, its prompt as chat messages.
struct ExampleParts {
    explicit ExampleParts(const ExampleRow &r)
        : row(r)
    {}
    const ExampleRow &row;
    std::string output;
    std::string correction;
    bool hasOutput = false;
    bool trl = false;
    std::vector<InputMessage> messages;
    std::string prompt;
    /// The reference answer of eval, few-shot and retrieval: the correction, else a good output.
    const std::string &answer() const { return !correction.empty() ? correction : output; }
    std::string outputList() const { return assistantList(output, row.outputToolCallsJson); }
};

void sftExample(const ExampleParts &p, ExampleOutput &out)
{
    const bool useCorrection = !p.correction.empty();
    if (!useCorrection && !p.hasOutput)
        return;
    const std::string assistant = useCorrection ? assistantList(p.correction) : p.outputList();
    if (p.trl) {
        out.lines.push_back("{\"prompt\":" + p.prompt + ",\"completion\":" + assistant + "}");
        return;
    }
    // The conversation with the answer as its last message.
    std::string conversation = p.prompt;
    conversation.pop_back();
    conversation += (p.prompt.size() > 2 ? "," : "") + assistant.substr(1);
    out.lines.push_back("{\"messages\":" + conversation + "}");
}

void preferenceExample(const ExampleParts &p, ExampleOutput &out)
{
    if (p.correction.empty() || !p.hasOutput || p.correction == p.output)
        return;
    const std::string chosen = assistantList(p.correction);
    const std::string rejected = p.outputList();
    out.lines.push_back(p.trl ? "{\"prompt\":" + p.prompt + ",\"chosen\":" + chosen +
                                    ",\"rejected\":" + rejected + "}"
                              : "{\"input\":{\"messages\":" + p.prompt + "},\"preferred_output\":" + chosen +
                                    ",\"non_preferred_output\":" + rejected + "}");
}

void evalExample(const ExampleParts &p, ExampleOutput &out)
{
    const std::string &answer = p.answer();
    if (answer.empty())
        return;
    out.lines.push_back("{\"input\":" + p.prompt + ",\"ideal\":" + jsonString(answer) + "}");
    out.extra = csvField(lastUserText(p.messages)) + ',' + csvField(p.prompt) + ',' +
                csvField("llm-rubric: The answer agrees with this reference answer: " + answer);
}

void fewShotExample(const ExampleParts &p, ExampleOutput &out)
{
    const std::string &answer = p.answer();
    if (answer.empty())
        return;
    const std::string question = lastUserText(p.messages);
    out.lines.push_back("{\"prompt\":" + jsonString(question) + ",\"completion\":" + jsonString(answer) +
                        ",\"segment\":" + jsonString(p.row.segment) +
                        ",\"interaction_id\":" + std::to_string(p.row.id) + "}");
    out.extra = "User: " + question + "\nAssistant: " + answer + "\n";
}

void retrievalExample(const ExampleParts &p, ExampleOutput &out)
{
    const std::string &answer = p.answer();
    if (answer.empty())
        return;
    const std::string metadata = "{\"interaction_id\":" + std::to_string(p.row.id) +
                                 ",\"segment\":" + jsonString(p.row.segment) +
                                 ",\"label\":" + jsonString(p.row.label) +
                                 ",\"model_version\":" + jsonString(p.row.modelVersion) + "}";
    out.lines.push_back("{\"id\":\"interaction-" + std::to_string(p.row.id) +
                        "\",\"text\":" + jsonString("Q: " + lastUserText(p.messages) + "\nA: " + answer) +
                        ",\"metadata\":" + metadata + "}");
}

void ktoExample(const ExampleParts &p, ExampleOutput &out)
{
    const auto add = [&](const std::string &completion, bool good) {
        out.lines.push_back("{\"prompt\":" + p.prompt + ",\"completion\":" + completion +
                            ",\"label\":" + (good ? "true" : "false") + "}");
    };
    const std::string &label = p.row.label;
    if (label == "gold" && !p.correction.empty()) {
        add(assistantList(p.correction), true);
        if (p.hasOutput && p.correction != p.output)
            add(p.outputList(), false);
    } else if (p.hasOutput && (label == "gold" || label == "positive" || label == "negative")) {
        add(p.outputList(), label != "negative");
    }
}

} // namespace

ExampleOutput exampleOutput(const ExampleRow &row, const StoredSpans *spans, const ExportOptions &options)
{
    const PersonalDataMode mode = options.personalData;
    ExampleParts parts(row);
    parts.output = redacted(row.output.value_or(""), spans ? &spans->output : nullptr, mode);
    // Corrections are not scanned by curation: they are scanned here.
    parts.correction = row.correction;
    if (mode == PersonalDataMode::Redact && !parts.correction.empty())
        parts.correction = redact(parts.correction, findPersonalData(parts.correction));
    parts.hasOutput = !parts.output.empty() || !row.outputToolCallsJson.empty();
    parts.trl = options.format == DatasetFormat::Trl;
    parts.messages = redactedMessages(row, spans, mode);
    parts.prompt = promptMessages(parts.messages);
    ExampleOutput result;
    switch (options.kind) {
    case DatasetKind::Sft:
        sftExample(parts, result);
        break;
    case DatasetKind::Preference:
        preferenceExample(parts, result);
        break;
    case DatasetKind::Eval:
        evalExample(parts, result);
        break;
    case DatasetKind::FewShot:
        fewShotExample(parts, result);
        break;
    case DatasetKind::Retrieval:
        retrievalExample(parts, result);
        break;
    case DatasetKind::Kto:
        ktoExample(parts, result);
        break;
    }
    return result;
}

} // namespace flywheel
