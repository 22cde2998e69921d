#include "ingest/otlp/otlpvalues.h"

#include "util/jsontext.h"

#include <QByteArray>

#include <cmath>

namespace flywheel::otlp {

Attributes attributesOf(const KeyValues &list)
{
    Attributes attributes;
    for (const auto &item : list)
        attributes.emplace(item.key(), &item.value());
    return attributes;
}

void appendAny(std::string &out, const AnyValue &value)
{
    switch (value.value_case()) {
    case AnyValue::kStringValue:
        appendJsonString(out, value.string_value());
        break;
    case AnyValue::kBoolValue:
        out += value.bool_value() ? "true" : "false";
        break;
    case AnyValue::kIntValue:
        out += std::to_string(value.int_value());
        break;
    case AnyValue::kDoubleValue:
        if (std::isfinite(value.double_value()))
            out += QByteArray::number(value.double_value(), 'g', 17).toStdString();
        else
            out += "null"; // JSON has no infinities
        break;
    case AnyValue::kArrayValue: {
        out += '[';
        bool first = true;
        for (const AnyValue &item : value.array_value().values()) {
            out += first ? "" : ",";
            first = false;
            appendAny(out, item);
        }
        out += ']';
        break;
    }
    case AnyValue::kKvlistValue: {
        out += '{';
        bool first = true;
        for (const auto &item : value.kvlist_value().values()) {
            out += first ? "" : ",";
            first = false;
            appendJsonString(out, item.key());
            out += ':';
            appendAny(out, item.value());
        }
        out += '}';
        break;
    }
    case AnyValue::kBytesValue: {
        const std::string &bytes = value.bytes_value();
        appendJsonString(out, QByteArray(bytes.data(), qsizetype(bytes.size())).toBase64().toStdString());
        break;
    }
    case AnyValue::VALUE_NOT_SET:
        out += "null";
        break;
    }
}

std::string anyText(const Attributes &a, std::string_view key)
{
    const auto it = a.find(key);
    if (it != a.end() && it->second->value_case() == AnyValue::kStringValue)
        return it->second->string_value();
    return {};
}

std::optional<qint64> anyInt(const Attributes &a, std::string_view key)
{
    const auto it = a.find(key);
    if (it == a.end())
        return std::nullopt;
    const AnyValue &value = *it->second;
    if (value.value_case() == AnyValue::kIntValue)
        return value.int_value() >= 0 ? std::optional<qint64>(value.int_value()) : std::nullopt;
    if (value.value_case() == AnyValue::kStringValue) {
        bool ok = false;
        const qint64 n = QByteArray::fromStdString(value.string_value()).toLongLong(&ok);
        return ok && n >= 0 ? std::optional<qint64>(n) : std::nullopt;
    }
    return std::nullopt;
}

bool anyJson(const Attributes &a, std::string_view key, std::string &json)
{
    const auto it = a.find(key);
    if (it == a.end())
        return false;
    json.clear();
    if (it->second->value_case() == AnyValue::kStringValue)
        json = it->second->string_value();
    else
        appendAny(json, *it->second);
    return true;
}

std::string hexId(std::string_view bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size())).toHex().toStdString();
}

} // namespace flywheel::otlp
