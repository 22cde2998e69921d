#include "export/validator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <simdjson.h>

#include <map>
#include <set>

namespace flywheel {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

bool has(object o, std::string_view key)
{
    return o[key].error() == simdjson::SUCCESS;
}

RowFormat formatOf(object row)
{
    if (has(row, "messages"))
        return RowFormat::OpenAiChat;
    if (has(row, "preferred_output") || has(row, "non_preferred_output"))
        return RowFormat::OpenAiPreference;
    if (has(row, "ideal"))
        return RowFormat::OpenAiEvals;
    if (has(row, "chosen") || has(row, "rejected"))
        return RowFormat::TrlPreference;
    if (has(row, "prompt") && has(row, "label"))
        return RowFormat::TrlUnpairedPreference;
    if (has(row, "prompt") || has(row, "completion"))
        return RowFormat::TrlPromptCompletion;
    if (has(row, "text"))
        return RowFormat::Documents;
    return RowFormat::Unknown;
}

// A column's JSON type as Hugging Face datasets sees it: lists of messages are one type, strings
// another.
std::string typeOf(element value)
{
    switch (value.type()) {
    case element_type::ARRAY: {
        array items = value.get_array().value_unsafe();
        if (items.size() == 0)
            return "list";
        return "list of " + typeOf(*items.begin());
    }
    case element_type::OBJECT:
        return "object";
    case element_type::STRING:
        return "string";
    case element_type::BOOL:
        return "bool";
    case element_type::NULL_VALUE:
        return "null";
    default:
        return "number";
    }
}

class FileChecker {
public:
    FileChecker(const QString &file, ValidationReport &report, int maxIssues)
        : m_file(file)
        , m_report(report)
        , m_maxIssues(maxIssues)
    {}

    void line(qint64 number, std::string_view text)
    {
        m_line = number;
        ++m_report.lines;
        element root;
        if (m_parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
            issue(QStringLiteral("invalid_json"), QStringLiteral("not valid UTF-8 JSON"));
            return;
        }
        object row;
        if (root.get_object().get(row) != simdjson::SUCCESS) {
            issue(QStringLiteral("data_type"), QStringLiteral("a line must be a JSON object"));
            return;
        }
        if (m_format == RowFormat::Unknown)
            m_format = formatOf(row);
        switch (m_format) {
        case RowFormat::OpenAiChat:
            chat(row);
            break;
        case RowFormat::OpenAiPreference:
            preference(row);
            break;
        case RowFormat::OpenAiEvals:
            required(row, {"input", "ideal"});
            break;
        case RowFormat::TrlPromptCompletion:
            required(row, {"prompt", "completion"});
            break;
        case RowFormat::TrlPreference:
            required(row, {"prompt", "chosen", "rejected"});
            break;
        case RowFormat::TrlUnpairedPreference:
            required(row, {"prompt", "completion", "label"});
            break;
        case RowFormat::Documents:
            required(row, {"id", "text"});
            break;
        case RowFormat::Unknown:
            issue(QStringLiteral("unknown_format"),
                  QStringLiteral("no column of a known format (messages, prompt, input, text)"));
            break;
        }
        consistentTypes(row);
    }

    void finish()
    {
        m_line = 0;
        if (m_format == RowFormat::OpenAiChat && m_examples < 10)
            issue(QStringLiteral("too_few_examples"),
                  QStringLiteral("%1 examples; OpenAI fine-tuning needs at least 10").arg(m_examples), true);
    }

private:
    void issue(const QString &check, const QString &message, bool warning = false)
    {
        m_report.add({m_file, m_line, check, message, warning}, m_maxIssues);
    }

    // The checks of OpenAI's cookbook notebook Chat_finetuning_data_prep, by their names; the
    // notebook predates tools, so tool calls and the tool role are allowed with a warning.
    void chat(object row)
    {
        ++m_examples;
        array messages;
        if (row["messages"].get_array().get(messages) != simdjson::SUCCESS || messages.size() == 0) {
            issue(QStringLiteral("missing_messages_list"),
                  QStringLiteral("\"messages\" must be a non-empty list"));
            return;
        }
        static const std::set<std::string_view> known{"role", "content", "name", "function_call", "weight"};
        static const std::set<std::string_view> roles{"system", "user", "assistant", "function"};
        bool assistant = false;
        qint64 index = 0;
        for (element item : messages) {
            object message;
            if (item.get_object().get(message) != simdjson::SUCCESS) {
                issue(QStringLiteral("message_missing_key"),
                      QStringLiteral("message %1 is not an object").arg(index));
                ++index;
                continue;
            }
            if (!has(message, "role") || !has(message, "content"))
                issue(QStringLiteral("message_missing_key"),
                      QStringLiteral("message %1 has no \"%2\"")
                          .arg(index)
                          .arg(QLatin1String(has(message, "role") ? "content" : "role")));
            for (auto field : message) {
                if (known.count(field.key))
                    continue;
                if (field.key == "tool_calls" || field.key == "tool_call_id")
                    issue(QStringLiteral("message_unrecognized_key"),
                          QStringLiteral("message %1 has \"%2\" (tools postdate the notebook's checks)")
                              .arg(index)
                              .arg(QString::fromUtf8(field.key.data(), qsizetype(field.key.size()))),
                          true);
                else
                    issue(QStringLiteral("message_unrecognized_key"),
                          QStringLiteral("message %1 has an unrecognised key \"%2\"")
                              .arg(index)
                              .arg(QString::fromUtf8(field.key.data(), qsizetype(field.key.size()))));
            }
            std::string_view role;
            if (message["role"].get_string().get(role) == simdjson::SUCCESS) {
                if (role == "tool")
                    issue(
                        QStringLiteral("unrecognized_role"),
                        QStringLiteral("message %1 has role \"tool\" (tools postdate the notebook's checks)")
                            .arg(index),
                        true);
                else if (!roles.count(role))
                    issue(QStringLiteral("unrecognized_role"),
                          QStringLiteral("message %1 has role \"%2\"")
                              .arg(index)
                              .arg(QString::fromUtf8(role.data(), qsizetype(role.size()))));
                assistant |= role == "assistant";
            }
            if (has(message, "content") && message["content"].type() != element_type::STRING)
                issue(QStringLiteral("missing_content"),
                      QStringLiteral("message %1's \"content\" must be a string").arg(index));
            if (has(message, "weight")) {
                int64_t weight = -1;
                if (message["weight"].get_int64().get(weight) != simdjson::SUCCESS ||
                    (weight != 0 && weight != 1))
                    issue(QStringLiteral("invalid_weight"),
                          QStringLiteral("message %1's \"weight\" must be 0 or 1").arg(index));
            }
            ++index;
        }
        if (!assistant)
            issue(QStringLiteral("example_missing_assistant_message"),
                  QStringLiteral("no assistant message"));
    }

    void preference(object row)
    {
        object input;
        array messages;
        if (row["input"].get_object().get(input) != simdjson::SUCCESS ||
            input["messages"].get_array().get(messages) != simdjson::SUCCESS)
            issue(QStringLiteral("missing_input_messages"),
                  QStringLiteral("\"input\" must hold a \"messages\" list"));
        for (const char *column : {"preferred_output", "non_preferred_output"}) {
            array output;
            if (row[column].get_array().get(output) != simdjson::SUCCESS || output.size() != 1)
                issue(QStringLiteral("missing_output"),
                      QStringLiteral("\"%1\" must be a list of one assistant message")
                          .arg(QLatin1String(column)));
        }
    }

    void required(object row, std::initializer_list<const char *> columns)
    {
        for (const char *column : columns)
            if (!has(row, column))
                issue(QStringLiteral("missing_column"),
                      QStringLiteral("no \"%1\" column").arg(QLatin1String(column)));
    }

    // Hugging Face datasets needs one type per column across all rows.
    void consistentTypes(object row)
    {
        for (auto field : row) {
            const std::string type = typeOf(field.value);
            const auto [it, added] = m_types.try_emplace(std::string(field.key), type, m_line);
            if (!added && it->second.first != type && type != "null" && it->second.first != "null")
                issue(QStringLiteral("inconsistent_type"),
                      QStringLiteral("\"%1\" is a %2 here but a %3 on line %4")
                          .arg(QString::fromUtf8(field.key.data(), qsizetype(field.key.size())),
                               QString::fromStdString(type), QString::fromStdString(it->second.first))
                          .arg(it->second.second));
        }
    }

    QString m_file;
    ValidationReport &m_report;
    int m_maxIssues;
    simdjson::dom::parser m_parser;
    RowFormat m_format = RowFormat::Unknown;
    qint64 m_line = 0;
    qint64 m_examples = 0;
    std::map<std::string, std::pair<std::string, qint64>> m_types;
};

Status validateFile(const QString &path, const QString &shown, ValidationReport &report, int maxIssues,
                    QByteArray *sha256)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    ++report.files;
    FileChecker checker(shown, report, maxIssues);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 number = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        report.bytes += line.size();
        if (sha256)
            hash.addData(line);
        ++number;
        const qsizetype length = line.endsWith('\n') ? line.size() - 1 : line.size();
        if (length == 0)
            continue;
        checker.line(number, std::string_view(line.constData(), size_t(length)));
    }
    checker.finish();
    if (sha256)
        *sha256 = hash.result().toHex();
    return {};
}

} // namespace

void ValidationReport::add(ValidationIssue issue, int maxIssues)
{
    errors += !issue.warning;
    if (qint64(issues.size()) < maxIssues)
        issues.push_back(std::move(issue));
}

QString rowFormatName(RowFormat format)
{
    switch (format) {
    case RowFormat::OpenAiChat:
        return QStringLiteral("OpenAI chat");
    case RowFormat::OpenAiPreference:
        return QStringLiteral("OpenAI preference (DPO)");
    case RowFormat::OpenAiEvals:
        return QStringLiteral("OpenAI evals samples");
    case RowFormat::TrlPromptCompletion:
        return QStringLiteral("TRL prompt-completion");
    case RowFormat::TrlPreference:
        return QStringLiteral("TRL preference");
    case RowFormat::TrlUnpairedPreference:
        return QStringLiteral("TRL unpaired preference");
    case RowFormat::Documents:
        return QStringLiteral("documents");
    case RowFormat::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

Result<ValidationReport> validateDataset(const QString &path, int maxIssues)
{
    ValidationReport report;
    const QFileInfo info(path);
    if (!info.exists())
        return Error{QStringLiteral("%1 does not exist").arg(path)};
    if (info.isFile()) {
        if (Status s = validateFile(path, info.fileName(), report, maxIssues, nullptr); !s)
            return s.error();
        return report;
    }
    const QDir dir(path);
    const QStringList files = dir.entryList({QStringLiteral("*.jsonl")}, QDir::Files, QDir::Name);
    if (files.isEmpty())
        return Error{QStringLiteral("%1 holds no .jsonl file").arg(path)};
    // The manifest's SHA-256s, when there is one: a file changed since the export is reported.
    QJsonObject listed;
    QFile manifest(dir.filePath(QStringLiteral("manifest.json")));
    if (manifest.open(QIODevice::ReadOnly))
        listed =
            QJsonDocument::fromJson(manifest.readAll()).object().value(QStringLiteral("files")).toObject();
    for (const QString &name : files) {
        QByteArray sha256;
        if (Status s = validateFile(dir.filePath(name), name, report, maxIssues, &sha256); !s)
            return s.error();
        const QJsonObject entry = listed.value(name).toObject();
        if (!entry.isEmpty() && entry.value(QStringLiteral("sha256")).toString().toLatin1() != sha256)
            report.add({name, 0, QStringLiteral("checksum"),
                        QStringLiteral("its SHA-256 differs from the one manifest.json lists"), false},
                       maxIssues);
    }
    for (auto it = listed.begin(); it != listed.end(); ++it)
        if (!files.contains(it.key()))
            report.add({it.key(), 0, QStringLiteral("missing_file"),
                        QStringLiteral("manifest.json lists it, but it is not there"), false},
                       maxIssues);
    return report;
}

} // namespace flywheel
