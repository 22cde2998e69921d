#include "curate/rules.h"

#include "store/records.h"
#include "util/enumnames.h"
#include "util/hasher.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <simdjson.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace flywheel {
namespace {

constexpr EnumNames<Label, 5> kLabels{{
    {Label::Gold, "gold"},
    {Label::Positive, "positive"},
    {Label::Negative, "negative"},
    {Label::Conflicting, "conflicting"},
    {Label::Unlabeled, "unlabeled"},
}};

// ---- Signal fields --------------------------------------------------------------------------

using Text = std::function<std::optional<std::string>(const InteractionSignals &)>;
using Number = std::function<std::optional<double>(const InteractionSignals &)>;

std::optional<std::string> present(const std::string &value)
{
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

Text textOf(std::string InteractionSignals::*member)
{
    return [member](const InteractionSignals &s) {
        return present(s.*member);
    };
}

const std::map<std::string, Text> &textFields()
{
    static const std::map<std::string, Text> fields{
        {"outcome", textOf(&InteractionSignals::outcome)},
        {"finish_reason", textOf(&InteractionSignals::finishReason)},
        {"category", textOf(&InteractionSignals::category)},
        {"model", textOf(&InteractionSignals::modelName)},
        {"model_version", textOf(&InteractionSignals::modelVersion)},
    };
    return fields;
}

Number countOf(qint64 InteractionSignals::*member)
{
    return [member](const InteractionSignals &s) {
        return std::optional<double>(double(s.*member));
    };
}

const std::map<std::string, Number> &numberFields()
{
    static const std::map<std::string, Number> fields{
        {"latency_ms",
         [](const InteractionSignals &s) {
             return s.latencyMs ? std::optional<double>(double(*s.latencyMs)) : std::nullopt;
         }},
        {"rating",
         [](const InteractionSignals &s) {
             return s.averageRating();
         }},
        {"thumbs_up", countOf(&InteractionSignals::thumbsUp)},
        {"thumbs_down", countOf(&InteractionSignals::thumbsDown)},
        {"corrections", countOf(&InteractionSignals::corrections)},
        {"feedback", countOf(&InteractionSignals::feedbackEvents)},
        {"input_chars", countOf(&InteractionSignals::inputChars)},
        {"output_chars",
         [](const InteractionSignals &s) {
             return s.output ? std::optional<double>(double(s.outputChars)) : std::nullopt;
         }},
    };
    return fields;
}

// A top-level member of the metadata object, as text (strings as they are, other values as JSON).
std::optional<std::string> metadataValue(const InteractionSignals &s, const std::string &key)
{
    if (s.metadataJson.empty())
        return std::nullopt;
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element value;
    if (parser.parse(s.metadataJson)[key].get(value) != simdjson::SUCCESS || value.is_null())
        return std::nullopt;
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS)
        return std::string(text);
    return simdjson::minify(value);
}

// ---- Conditions -----------------------------------------------------------------------------

class AllOf final : public Condition {
public:
    explicit AllOf(std::vector<std::shared_ptr<const Condition>> parts)
        : m_parts(std::move(parts))
    {}
    bool holds(const InteractionSignals &s) const override
    {
        for (const auto &part : m_parts)
            if (!part->holds(s))
                return false;
        return true;
    }

private:
    std::vector<std::shared_ptr<const Condition>> m_parts;
};

class AnyOf final : public Condition {
public:
    explicit AnyOf(std::vector<std::shared_ptr<const Condition>> parts)
        : m_parts(std::move(parts))
    {}
    bool holds(const InteractionSignals &s) const override
    {
        for (const auto &part : m_parts)
            if (part->holds(s))
                return true;
        return false;
    }

private:
    std::vector<std::shared_ptr<const Condition>> m_parts;
};

class Not final : public Condition {
public:
    explicit Not(std::shared_ptr<const Condition> part)
        : m_part(std::move(part))
    {}
    bool holds(const InteractionSignals &s) const override { return !m_part->holds(s); }

private:
    std::shared_ptr<const Condition> m_part;
};

enum class Op { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, In, NotIn, Exists, Contains };

const std::map<QString, Op> &operators()
{
    static const std::map<QString, Op> ops{
        {QStringLiteral("="), Op::Equal},       {QStringLiteral("!="), Op::NotEqual},
        {QStringLiteral("<"), Op::Less},        {QStringLiteral("<="), Op::LessEqual},
        {QStringLiteral(">"), Op::Greater},     {QStringLiteral(">="), Op::GreaterEqual},
        {QStringLiteral("in"), Op::In},         {QStringLiteral("not_in"), Op::NotIn},
        {QStringLiteral("exists"), Op::Exists}, {QStringLiteral("contains"), Op::Contains},
    };
    return ops;
}

class TextTest final : public Condition {
public:
    TextTest(Text field, Op op, std::set<std::string> values, bool exists)
        : m_field(std::move(field))
        , m_op(op)
        , m_values(std::move(values))
        , m_exists(exists)
    {}
    bool holds(const InteractionSignals &s) const override
    {
        const std::optional<std::string> value = m_field(s);
        switch (m_op) {
        case Op::Exists:
            return value.has_value() == m_exists;
        case Op::Equal:
        case Op::In:
            return value && m_values.count(*value) > 0;
        case Op::NotEqual:
        case Op::NotIn:
            return !value || m_values.count(*value) == 0;
        case Op::Contains:
            return value && value->find(*m_values.begin()) != std::string::npos;
        default:
            return false;
        }
    }

private:
    Text m_field;
    Op m_op;
    std::set<std::string> m_values;
    bool m_exists;
};

class NumberTest final : public Condition {
public:
    NumberTest(Number field, Op op, std::vector<double> values, bool exists)
        : m_field(std::move(field))
        , m_op(op)
        , m_values(std::move(values))
        , m_exists(exists)
    {}
    bool holds(const InteractionSignals &s) const override
    {
        const std::optional<double> value = m_field(s);
        if (m_op == Op::Exists)
            return value.has_value() == m_exists;
        if (!value)
            return m_op == Op::NotEqual || m_op == Op::NotIn;
        const double v = *value;
        const auto listed = [&] {
            return std::find(m_values.begin(), m_values.end(), v) != m_values.end();
        };
        switch (m_op) {
        case Op::Equal:
        case Op::In:
            return listed();
        case Op::NotEqual:
        case Op::NotIn:
            return !listed();
        case Op::Less:
            return v < m_values[0];
        case Op::LessEqual:
            return v <= m_values[0];
        case Op::Greater:
            return v > m_values[0];
        case Op::GreaterEqual:
            return v >= m_values[0];
        default:
            return false;
        }
    }

private:
    Number m_field;
    Op m_op;
    std::vector<double> m_values;
    bool m_exists;
};

class BoolTest final : public Condition {
public:
    using Getter = bool (*)(const InteractionSignals &);
    BoolTest(Getter field, bool expected)
        : m_field(field)
        , m_expected(expected)
    {}
    bool holds(const InteractionSignals &s) const override { return m_field(s) == m_expected; }

private:
    Getter m_field;
    bool m_expected;
};

class LabelsContain final : public Condition {
public:
    explicit LabelsContain(std::string label)
        : m_label(std::move(label))
    {}
    bool holds(const InteractionSignals &s) const override
    {
        return std::find(s.feedbackLabels.begin(), s.feedbackLabels.end(), m_label) != s.feedbackLabels.end();
    }

private:
    std::string m_label;
};

} // namespace

std::string_view labelName(Label label)
{
    return nameOf(kLabels, label);
}

std::optional<Label> labelFromName(std::string_view name)
{
    return valueOf(kLabels, name);
}

std::vector<std::string_view> labelNames()
{
    return namesOf(kLabels);
}

// ---- Reading a rules file -------------------------------------------------------------------

/// Reads a rules file, remembering where the rule it reads starts, for messages.
class RuleSetReader {
public:
    RuleSetReader(const QByteArray &text, QString fileName)
        : m_text(text)
        , m_fileName(std::move(fileName))
    {}

    Result<RuleSet> read()
    {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(m_text, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return fail(lineOf(parseError.offset),
                        QStringLiteral("not valid JSON: %1").arg(parseError.errorString()));
        if (!document.isObject())
            return fail(1, QStringLiteral("a rules file is a JSON object with \"rules\""));
        const QJsonObject root = document.object();
        if (Status s = checkKeys(root, {"version", "rules", "flags", "duplicates"}, QString(), 1); !s)
            return s.error();
        if (root.value(QStringLiteral("version")).toInt(1) != 1)
            return fail(lineOfKey("version"), QStringLiteral("\"version\" must be 1"));
        const QJsonValue rules = root.value(QStringLiteral("rules"));
        if (!rules.isArray())
            return fail(lineOfKey("rules"), QStringLiteral("\"rules\" must be an array of rules"));
        std::set<std::string> ids;
        for (qsizetype i = 0; i < rules.toArray().size(); ++i) {
            auto rule = readRule(rules.toArray().at(i), i);
            if (!rule)
                return rule.error();
            if (!ids.insert(rule->id).second)
                return fail(
                    m_line,
                    QStringLiteral("rule \"%1\" is defined twice").arg(QString::fromStdString(rule->id)));
            m_set.m_rules.push_back(std::move(*rule));
        }
        if (Status s = readFlags(root.value(QStringLiteral("flags"))); !s)
            return s.error();
        if (Status s = readDuplicates(root.value(QStringLiteral("duplicates"))); !s)
            return s.error();
        m_set.m_hash =
            QString::number(hash64(std::string_view(m_text.constData(), size_t(m_text.size()))), 16)
                .toStdString();
        return m_set;
    }

private:
    Error fail(int line, const QString &message) const
    {
        return Error{line > 0 ? QStringLiteral("%1:%2: %3").arg(m_fileName).arg(line).arg(message)
                              : QStringLiteral("%1: %2").arg(m_fileName, message)};
    }

    int lineOf(qsizetype offset) const { return int(m_text.left(offset).count('\n')) + 1; }

    int lineOfKey(const char *key) const
    {
        const qsizetype at = m_text.indexOf(QByteArray("\"") + key + "\"");
        return at < 0 ? 0 : lineOf(at);
    }

    Status checkKeys(const QJsonObject &object, std::initializer_list<const char *> known,
                     const QString &where, int line) const
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            bool ok = false;
            for (const char *key : known)
                ok |= it.key() == QLatin1String(key);
            if (!ok) {
                QStringList names;
                for (const char *key : known)
                    names.append(QString::fromLatin1(key));
                return fail(line, QStringLiteral("%1unknown member \"%2\" (expected %3)")
                                      .arg(where, it.key(), names.join(QStringLiteral(", "))));
            }
        }
        return {};
    }

    Result<Rule> readRule(const QJsonValue &value, qsizetype index)
    {
        const QString where = QStringLiteral("rules[%1]").arg(index);
        if (!value.isObject())
            return fail(lineOfKey("rules"), where + QStringLiteral(": a rule is an object"));
        const QJsonObject object = value.toObject();
        Rule rule;
        rule.id = object.value(QStringLiteral("id")).toString().toStdString();
        if (rule.id.empty())
            return fail(lineOfKey("rules"), where + QStringLiteral(": \"id\" must be a non-empty string"));
        // The rule's line: where its id is written.
        const QRegularExpression idPattern(
            QStringLiteral("\"id\"\\s*:\\s*\"%1\"")
                .arg(QRegularExpression::escape(QString::fromStdString(rule.id))));
        const auto match = idPattern.match(QString::fromUtf8(m_text));
        m_line = match.hasMatch()
                     ? int(QString::fromUtf8(m_text).left(match.capturedStart()).count(QLatin1Char('\n'))) + 1
                     : 0;
        const QString named = QStringLiteral("rule \"%1\": ").arg(QString::fromStdString(rule.id));
        if (Status s = checkKeys(object, {"id", "when", "label", "weight", "reason"}, named, m_line); !s)
            return s.error();
        const auto label = valueOf(kLabels, object.value(QStringLiteral("label")).toString().toStdString());
        if (!label || *label == Label::Conflicting || *label == Label::Unlabeled)
            return fail(m_line, named + QStringLiteral("\"label\" must be gold, positive or negative"));
        rule.label = *label;
        const QJsonValue weight = object.value(QStringLiteral("weight"));
        rule.weight = weight.isUndefined() ? 1.0 : weight.toDouble(-1);
        if (!weight.isUndefined() && (!weight.isDouble() || rule.weight <= 0 || rule.weight > 10))
            return fail(m_line, named + QStringLiteral("\"weight\" must be a number above 0 and at most 10"));
        rule.reason = object.value(QStringLiteral("reason")).toString().toStdString();
        if (rule.reason.empty())
            return fail(m_line, named + QStringLiteral("\"reason\" must say why, for reviewers"));
        if (!object.value(QStringLiteral("when")).isObject())
            return fail(m_line, named + QStringLiteral("\"when\" must be an object of conditions"));
        auto when =
            readCondition(object.value(QStringLiteral("when")).toObject(), named + QStringLiteral("when"));
        if (!when)
            return when.error();
        rule.when = *when;
        return rule;
    }

    Result<std::shared_ptr<const Condition>> readCondition(const QJsonObject &object, const QString &where)
    {
        if (object.isEmpty())
            return fail(m_line, where + QStringLiteral(": an empty condition would match everything"));
        std::vector<std::shared_ptr<const Condition>> parts;
        for (auto it = object.begin(); it != object.end(); ++it) {
            auto part = readTest(it.key(), it.value(), where + QLatin1Char('.') + it.key());
            if (!part)
                return part.error();
            parts.push_back(*part);
        }
        if (parts.size() == 1)
            return parts.front();
        return std::shared_ptr<const Condition>(std::make_shared<AllOf>(std::move(parts)));
    }

    Result<std::shared_ptr<const Condition>> readList(const QJsonValue &value, const QString &where, bool any)
    {
        if (!value.isArray() || value.toArray().isEmpty())
            return fail(m_line, where + QStringLiteral(" takes a non-empty array of conditions"));
        std::vector<std::shared_ptr<const Condition>> parts;
        for (qsizetype i = 0; i < value.toArray().size(); ++i) {
            const QJsonValue item = value.toArray().at(i);
            if (!item.isObject())
                return fail(m_line, where + QStringLiteral("[%1] must be an object of conditions").arg(i));
            auto part = readCondition(item.toObject(), where + QStringLiteral("[%1]").arg(i));
            if (!part)
                return part.error();
            parts.push_back(*part);
        }
        if (any)
            return std::shared_ptr<const Condition>(std::make_shared<AnyOf>(std::move(parts)));
        return std::shared_ptr<const Condition>(std::make_shared<AllOf>(std::move(parts)));
    }

    Result<std::shared_ptr<const Condition>> readTest(const QString &field, const QJsonValue &value,
                                                      const QString &where)
    {
        if (field == QStringLiteral("any") || field == QStringLiteral("all"))
            return readList(value, where, field == QStringLiteral("any"));
        if (field == QStringLiteral("not")) {
            if (!value.isObject())
                return fail(m_line, where + QStringLiteral(" takes an object of conditions"));
            auto part = readCondition(value.toObject(), where);
            if (!part)
                return part.error();
            return std::shared_ptr<const Condition>(std::make_shared<Not>(*part));
        }
        if (field == QStringLiteral("has_output")) {
            if (!value.isBool())
                return fail(m_line, where + QStringLiteral(" takes true or false"));
            return std::shared_ptr<const Condition>(std::make_shared<BoolTest>(
                [](const InteractionSignals &s) { return s.output.has_value() && !s.output->empty(); },
                value.toBool()));
        }
        if (field == QStringLiteral("feedback_labels")) {
            const QJsonValue label = value.toObject().value(QStringLiteral("contains"));
            if (!label.isString() || value.toObject().size() != 1)
                return fail(m_line, where + QStringLiteral(" takes {\"contains\": \"<label>\"}"));
            return std::shared_ptr<const Condition>(
                std::make_shared<LabelsContain>(label.toString().toStdString()));
        }
        const std::string name = field.toStdString();
        if (const auto text = textFields().find(name); text != textFields().end())
            return readTextTest(text->second, value, where, name == "outcome");
        if (field.startsWith(QStringLiteral("metadata.")) && field.size() > 9) {
            const std::string key = field.mid(9).toStdString();
            return readTextTest([key](const InteractionSignals &s) { return metadataValue(s, key); }, value,
                                where, false);
        }
        if (const auto number = numberFields().find(name); number != numberFields().end())
            return readNumberTest(number->second, value, where);
        QStringList known;
        for (const auto &[key, getter] : textFields())
            known.append(QString::fromStdString(key));
        for (const auto &[key, getter] : numberFields())
            known.append(QString::fromStdString(key));
        known << QStringLiteral("has_output") << QStringLiteral("feedback_labels")
              << QStringLiteral("metadata.<key>") << QStringLiteral("any") << QStringLiteral("all")
              << QStringLiteral("not");
        return fail(m_line, QStringLiteral("%1: unknown signal \"%2\" (known: %3)")
                                .arg(where, field, known.join(QStringLiteral(", "))));
    }

    // A literal, or {"<operator>": operand}.
    Result<std::pair<Op, QJsonValue>> readOperator(const QJsonValue &value, const QString &where)
    {
        if (!value.isObject())
            return std::pair<Op, QJsonValue>{Op::Equal, value};
        const QJsonObject object = value.toObject();
        if (object.size() != 1)
            return fail(m_line, where + QStringLiteral(" takes a value or one {\"operator\": operand}"));
        const auto op = operators().find(object.begin().key());
        if (op == operators().end())
            return fail(m_line,
                        QStringLiteral("%1: unknown operator \"%2\" (=, !=, <, <=, >, >=, in, not_in, "
                                       "exists, contains)")
                            .arg(where, object.begin().key()));
        return std::pair<Op, QJsonValue>{op->second, object.begin().value()};
    }

    Result<std::shared_ptr<const Condition>> readTextTest(Text getter, const QJsonValue &value,
                                                          const QString &where, bool isOutcome)
    {
        auto op = readOperator(value, where);
        if (!op)
            return op.error();
        const auto [kind, operand] = *op;
        if (kind == Op::Exists) {
            if (!operand.isBool())
                return fail(m_line, where + QStringLiteral(": \"exists\" takes true or false"));
            return std::shared_ptr<const Condition>(
                std::make_shared<TextTest>(getter, kind, std::set<std::string>{}, operand.toBool()));
        }
        if (kind == Op::Less || kind == Op::LessEqual || kind == Op::Greater || kind == Op::GreaterEqual)
            return fail(m_line,
                        where + QStringLiteral(" is text: compare it with =, !=, in, not_in or contains"));
        std::set<std::string> values;
        const QJsonArray list = operand.isArray() ? operand.toArray() : QJsonArray{operand};
        if ((kind == Op::In || kind == Op::NotIn) != operand.isArray() || list.isEmpty())
            return fail(m_line, where + QStringLiteral(
                                            ": in and not_in take a non-empty array, the others one value"));
        for (const QJsonValue &item : list) {
            if (!item.isString())
                return fail(m_line, where + QStringLiteral(" compares with text values"));
            const std::string text = item.toString().toStdString();
            if (isOutcome && !outcomeFromName(text))
                return fail(m_line,
                            QStringLiteral("%1: unknown outcome \"%2\" (none, accepted, edited, regenerated, "
                                           "abandoned, copied)")
                                .arg(where, item.toString()));
            values.insert(text);
        }
        return std::shared_ptr<const Condition>(
            std::make_shared<TextTest>(getter, kind, std::move(values), true));
    }

    Result<std::shared_ptr<const Condition>> readNumberTest(Number getter, const QJsonValue &value,
                                                            const QString &where)
    {
        auto op = readOperator(value, where);
        if (!op)
            return op.error();
        const auto [kind, operand] = *op;
        if (kind == Op::Exists) {
            if (!operand.isBool())
                return fail(m_line, where + QStringLiteral(": \"exists\" takes true or false"));
            return std::shared_ptr<const Condition>(
                std::make_shared<NumberTest>(getter, kind, std::vector<double>{}, operand.toBool()));
        }
        if (kind == Op::Contains)
            return fail(m_line, where + QStringLiteral(" is a number: contains does not apply"));
        const QJsonArray list = operand.isArray() ? operand.toArray() : QJsonArray{operand};
        if ((kind == Op::In || kind == Op::NotIn) != operand.isArray() || list.isEmpty())
            return fail(m_line, where + QStringLiteral(
                                            ": in and not_in take a non-empty array, the others one value"));
        std::vector<double> numbers;
        for (const QJsonValue &item : list) {
            if (!item.isDouble())
                return fail(m_line, where + QStringLiteral(" compares with numbers"));
            numbers.push_back(item.toDouble());
        }
        return std::shared_ptr<const Condition>(
            std::make_shared<NumberTest>(getter, kind, std::move(numbers), true));
    }

    Status readFlags(const QJsonValue &value)
    {
        if (value.isUndefined())
            return {};
        const int line = lineOfKey("flags");
        if (!value.isObject())
            return fail(line, QStringLiteral("\"flags\" must be an object"));
        const QJsonObject flags = value.toObject();
        if (Status s = checkKeys(
                flags, {"latency_outlier_mads", "min_output_chars", "repeat_similarity", "segment_cap"},
                QStringLiteral("flags: "), line);
            !s)
            return s;
        FlagSettings &f = m_set.m_flags;
        if (Status s = readNumber(flags, "latency_outlier_mads", 1, 100, f.latencyOutlierMads, line); !s)
            return s;
        double minChars = double(f.minOutputChars);
        if (Status s = readNumber(flags, "min_output_chars", 0, 1e6, minChars, line); !s)
            return s;
        f.minOutputChars = qint64(minChars);
        if (Status s = readNumber(flags, "repeat_similarity", 0.1, 1, f.repeatSimilarity, line); !s)
            return s;
        double cap = double(f.segmentCap);
        if (Status s = readNumber(flags, "segment_cap", 1, 1e9, cap, line); !s)
            return s;
        f.segmentCap = qint64(cap);
        return {};
    }

    Status readDuplicates(const QJsonValue &value)
    {
        if (value.isUndefined())
            return {};
        const int line = lineOfKey("duplicates");
        if (!value.isObject())
            return fail(line, QStringLiteral("\"duplicates\" must be an object"));
        const QJsonObject duplicates = value.toObject();
        if (Status s =
                checkKeys(duplicates, {"shingle_size", "threshold"}, QStringLiteral("duplicates: "), line);
            !s)
            return s;
        double shingle = m_set.m_duplicates.shingleSize;
        if (Status s = readNumber(duplicates, "shingle_size", 2, 16, shingle, line); !s)
            return s;
        m_set.m_duplicates.shingleSize = int(shingle);
        return readNumber(duplicates, "threshold", 0.5, 1, m_set.m_duplicates.threshold, line);
    }

    Status readNumber(const QJsonObject &object, const char *key, double minimum, double maximum, double &out,
                      int line) const
    {
        const QJsonValue value = object.value(QLatin1String(key));
        if (value.isUndefined())
            return {};
        if (!value.isDouble() || value.toDouble() < minimum || value.toDouble() > maximum)
            return fail(line, QStringLiteral("\"%1\" must be a number from %2 to %3")
                                  .arg(QLatin1String(key))
                                  .arg(minimum)
                                  .arg(maximum));
        out = value.toDouble();
        return {};
    }

    QByteArray m_text;
    QString m_fileName;
    RuleSet m_set;
    int m_line = 0;
};

Result<RuleSet> RuleSet::parse(const QByteArray &json, const QString &fileName)
{
    return RuleSetReader(json, fileName).read();
}

Result<RuleSet> RuleSet::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read the rules file %1: %2").arg(path, file.errorString())};
    return parse(file.readAll(), path);
}

RuleSet RuleSet::defaults()
{
    auto rules = load(QStringLiteral(":/curation/default-rules.json"));
    if (!rules)
        qFatal("the shipped rules do not load: %s", qPrintable(rules.errorMessage()));
    return *rules;
}

} // namespace flywheel
