#pragma once

// OTLP attribute values as the GenAI readers want them: looked up by key, as text, as integers, or
// as the JSON they hold. Works on the protobuf messages, whichever encoding they arrived in.

#include "opentelemetry/proto/common/v1/common.pb.h"

#include <QtGlobal>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace flywheel::otlp {

namespace pb = opentelemetry::proto;
using AnyValue = pb::common::v1::AnyValue;
using KeyValues = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;

/// Attributes by key, sorted (flattened lists are read by prefix). Points into the message.
using Attributes = std::map<std::string_view, const AnyValue *>;
Attributes attributesOf(const KeyValues &list);

/// An AnyValue as plain JSON: strings, booleans, numbers, arrays and objects; bytes as base64.
void appendAny(std::string &out, const AnyValue &value);
/// A string value, else empty.
std::string anyText(const Attributes &a, std::string_view key);
/// A non-negative integer value (an int, or a string of digits).
std::optional<qint64> anyInt(const Attributes &a, std::string_view key);
/// A value that holds JSON: a string of JSON (the usual encoding) or a structured value.
bool anyJson(const Attributes &a, std::string_view key, std::string &json);

/// Trace and span ids as lower-case hex, as the JSON encoding and our external ids write them.
std::string hexId(std::string_view bytes);

} // namespace flywheel::otlp
