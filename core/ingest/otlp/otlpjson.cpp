#include "ingest/otlp/otlpjson.h"

#include <QByteArray>

namespace flywheel::otlp {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
namespace pb = opentelemetry::proto;

// A member by its lowerCamelCase name or its snake_case one.
bool member(element object, const char *camel, const char *snake, element &out)
{
    return object[camel].get(out) == simdjson::SUCCESS ||
           (snake && object[snake].get(out) == simdjson::SUCCESS);
}

bool arrayMember(element object, const char *camel, const char *snake, array &out)
{
    element value;
    return member(object, camel, snake, value) && value.get_array().get(out) == simdjson::SUCCESS;
}

std::string stringMember(element object, const char *camel, const char *snake = nullptr)
{
    element value;
    std::string_view text;
    if (member(object, camel, snake, value) && value.get_string().get(text) == simdjson::SUCCESS)
        return std::string(text);
    return {};
}

// A 64-bit integer, as the encoding writes it: a string of digits or a number.
quint64 unsignedMember(element object, const char *camel, const char *snake)
{
    element value;
    if (!member(object, camel, snake, value))
        return 0;
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS)
        return QByteArray(text.data(), qsizetype(text.size())).toULongLong();
    if (uint64_t u = 0; value.get_uint64().get(u) == simdjson::SUCCESS)
        return u;
    if (int64_t n = 0; value.get_int64().get(n) == simdjson::SUCCESS)
        return n > 0 ? quint64(n) : 0;
    if (double d = 0; value.get_double().get(d) == simdjson::SUCCESS)
        return d > 0 && d < 1.8e19 ? quint64(d) : 0;
    return 0;
}

qint64 signedMember(element object, const char *camel, const char *snake)
{
    element value;
    if (!member(object, camel, snake, value))
        return 0;
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS)
        return QByteArray(text.data(), qsizetype(text.size())).toLongLong();
    if (int64_t n = 0; value.get_int64().get(n) == simdjson::SUCCESS)
        return n;
    if (double d = 0; value.get_double().get(d) == simdjson::SUCCESS)
        return d > -9.2e18 && d < 9.2e18 ? qint64(d) : 0;
    return 0;
}

// Ids are hex in this encoding; some exporters send base64, and a few plain text.
std::string idMember(element object, const char *camel, const char *snake)
{
    const std::string text = stringMember(object, camel, snake);
    const QByteArray raw = QByteArray::fromStdString(text);
    const bool hex = !text.empty() && text.size() % 2 == 0 &&
                     text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (hex)
        return QByteArray::fromHex(raw).toStdString();
    const auto decoded = QByteArray::fromBase64Encoding(raw, QByteArray::AbortOnBase64DecodingErrors);
    return decoded && !decoded.decoded.isEmpty() ? decoded.decoded.toStdString() : text;
}

void readAny(element json, pb::common::v1::AnyValue &out);

void readKeyValues(array items, google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue> &out)
{
    for (element item : items) {
        std::string_view key;
        if (item["key"].get_string().get(key) != simdjson::SUCCESS)
            continue;
        pb::common::v1::KeyValue *kv = out.Add();
        kv->set_key(std::string(key));
        element value;
        if (item["value"].get(value) == simdjson::SUCCESS)
            readAny(value, *kv->mutable_value());
    }
}

void readAttributes(element object, google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue> &out)
{
    array items;
    if (arrayMember(object, "attributes", nullptr, items))
        readKeyValues(items, out);
}

void readAny(element json, pb::common::v1::AnyValue &out)
{
    element v;
    std::string_view text;
    array items;
    if (member(json, "stringValue", "string_value", v) && v.get_string().get(text) == simdjson::SUCCESS) {
        out.set_string_value(std::string(text));
    } else if (bool b = false;
               member(json, "boolValue", "bool_value", v) && v.get_bool().get(b) == simdjson::SUCCESS) {
        out.set_bool_value(b);
    } else if (member(json, "intValue", "int_value", v)) {
        out.set_int_value(signedMember(json, "intValue", "int_value"));
    } else if (double d = 0;
               member(json, "doubleValue", "double_value", v) && v.get_double().get(d) == simdjson::SUCCESS) {
        out.set_double_value(d);
    } else if (member(json, "arrayValue", "array_value", v) && arrayMember(v, "values", nullptr, items)) {
        auto *values = out.mutable_array_value()->mutable_values();
        for (element item : items)
            readAny(item, *values->Add());
    } else if (member(json, "kvlistValue", "kvlist_value", v) && arrayMember(v, "values", nullptr, items)) {
        readKeyValues(items, *out.mutable_kvlist_value()->mutable_values());
    } else if (member(json, "bytesValue", "bytes_value", v) &&
               v.get_string().get(text) == simdjson::SUCCESS) {
        out.set_bytes_value(
            QByteArray::fromBase64(QByteArray(text.data(), qsizetype(text.size()))).toStdString());
    }
}

void readResource(element resourceHolder, pb::resource::v1::Resource &out)
{
    element resource;
    if (member(resourceHolder, "resource", nullptr, resource))
        readAttributes(resource, *out.mutable_attributes());
}

void readScope(element scopeHolder, pb::common::v1::InstrumentationScope &out)
{
    element scope;
    if (!member(scopeHolder, "scope", nullptr, scope))
        return;
    out.set_name(stringMember(scope, "name"));
    out.set_version(stringMember(scope, "version"));
    readAttributes(scope, *out.mutable_attributes());
}

void readSpan(element json, pb::trace::v1::Span &span)
{
    span.set_trace_id(idMember(json, "traceId", "trace_id"));
    span.set_span_id(idMember(json, "spanId", "span_id"));
    span.set_parent_span_id(idMember(json, "parentSpanId", "parent_span_id"));
    span.set_name(stringMember(json, "name"));
    span.set_kind(pb::trace::v1::Span::SpanKind(signedMember(json, "kind", nullptr) & 7));
    span.set_start_time_unix_nano(unsignedMember(json, "startTimeUnixNano", "start_time_unix_nano"));
    span.set_end_time_unix_nano(unsignedMember(json, "endTimeUnixNano", "end_time_unix_nano"));
    readAttributes(json, *span.mutable_attributes());
    array events;
    if (arrayMember(json, "events", nullptr, events))
        for (element e : events) {
            pb::trace::v1::Span::Event *event = span.add_events();
            event->set_time_unix_nano(unsignedMember(e, "timeUnixNano", "time_unix_nano"));
            event->set_name(stringMember(e, "name"));
            readAttributes(e, *event->mutable_attributes());
        }
    element status;
    if (member(json, "status", nullptr, status)) {
        span.mutable_status()->set_message(stringMember(status, "message"));
        const qint64 code = signedMember(status, "code", nullptr);
        span.mutable_status()->set_code(code == 1 || code == 2 ? pb::trace::v1::Status::StatusCode(code)
                                                               : pb::trace::v1::Status::STATUS_CODE_UNSET);
    }
}

void readLogRecord(element json, pb::logs::v1::LogRecord &record)
{
    record.set_time_unix_nano(unsignedMember(json, "timeUnixNano", "time_unix_nano"));
    record.set_observed_time_unix_nano(
        unsignedMember(json, "observedTimeUnixNano", "observed_time_unix_nano"));
    record.set_severity_number(int(signedMember(json, "severityNumber", "severity_number")));
    record.set_severity_text(stringMember(json, "severityText", "severity_text"));
    element body;
    if (member(json, "body", nullptr, body))
        readAny(body, *record.mutable_body());
    readAttributes(json, *record.mutable_attributes());
    record.set_trace_id(idMember(json, "traceId", "trace_id"));
    record.set_span_id(idMember(json, "spanId", "span_id"));
    record.set_event_name(stringMember(json, "eventName", "event_name"));
}

// Where each signal keeps its resources, scopes and items; the walk is the same for all.
struct TracesShape {
    static constexpr const char *resources[2] = {"resourceSpans", "resource_spans"};
    static constexpr const char *scopes[2] = {"scopeSpans", "scope_spans"};
    static constexpr const char *items[2] = {"spans", nullptr};
    static constexpr const char *missing = "an OTLP trace export needs \"resourceSpans\"";
    static auto *addResource(TracesRequest &request) { return request.add_resource_spans(); }
    static auto *addScope(pb::trace::v1::ResourceSpans &resource) { return resource.add_scope_spans(); }
    static void addItem(pb::trace::v1::ScopeSpans &scope, element json)
    {
        readSpan(json, *scope.add_spans());
    }
};

struct LogsShape {
    static constexpr const char *resources[2] = {"resourceLogs", "resource_logs"};
    static constexpr const char *scopes[2] = {"scopeLogs", "scope_logs"};
    static constexpr const char *items[2] = {"logRecords", "log_records"};
    static constexpr const char *missing = "an OTLP logs export needs \"resourceLogs\"";
    static auto *addResource(LogsRequest &request) { return request.add_resource_logs(); }
    static auto *addScope(pb::logs::v1::ResourceLogs &resource) { return resource.add_scope_logs(); }
    static void addItem(pb::logs::v1::ScopeLogs &scope, element json)
    {
        readLogRecord(json, *scope.add_log_records());
    }
};

template <typename Shape, typename Request>
bool readExport(element root, Request &out, std::string &reason)
{
    array resources;
    if (!arrayMember(root, Shape::resources[0], Shape::resources[1], resources)) {
        reason = Shape::missing;
        return false;
    }
    for (element resource : resources) {
        auto *resourceItems = Shape::addResource(out);
        readResource(resource, *resourceItems->mutable_resource());
        array scopes;
        if (!arrayMember(resource, Shape::scopes[0], Shape::scopes[1], scopes))
            continue;
        for (element scope : scopes) {
            auto *scopeItems = Shape::addScope(*resourceItems);
            readScope(scope, *scopeItems->mutable_scope());
            array items;
            if (arrayMember(scope, Shape::items[0], Shape::items[1], items))
                for (element item : items)
                    Shape::addItem(*scopeItems, item);
        }
    }
    return true;
}

} // namespace

bool readTracesJson(element root, TracesRequest &out, std::string &reason)
{
    return readExport<TracesShape>(root, out, reason);
}

bool readLogsJson(element root, LogsRequest &out, std::string &reason)
{
    return readExport<LogsShape>(root, out, reason);
}

} // namespace flywheel::otlp
