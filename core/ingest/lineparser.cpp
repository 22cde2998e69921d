#include "ingest/lineparser.h"

#include "ingest/csvparser.h"
#include "ingest/langfuseparser.h"
#include "ingest/nativeparser.h"
#include "ingest/oasstparser.h"
#include "ingest/openaiparser.h"
#include "ingest/otlpparser.h"

#include "util/enumnames.h"

#include <simdjson.h>

namespace flywheel {
namespace {

constexpr EnumNames<CaptureFormat, 7> kFormats{{
    {CaptureFormat::Auto, "auto"},
    {CaptureFormat::Native, "native"},
    {CaptureFormat::OpenAi, "openai"},
    {CaptureFormat::Oasst, "oasst"},
    {CaptureFormat::Csv, "csv"},
    {CaptureFormat::Langfuse, "langfuse"},
    {CaptureFormat::Otlp, "otlp"},
}};

} // namespace

std::string_view captureFormatName(CaptureFormat format)
{
    return nameOf(kFormats, format);
}

std::optional<CaptureFormat> captureFormatFromName(std::string_view name)
{
    return valueOf(kFormats, name);
}

std::string captureFormatNames()
{
    std::string names;
    for (const auto &[format, name] : kFormats)
        names += (names.empty() ? "" : ", ") + std::string(name);
    return names;
}

CaptureFormat detectCaptureFormat(std::string_view firstLine)
{
    // A header row: not JSON, and names separated by commas, semicolons or tabs.
    const size_t start = firstLine.find_first_not_of(" \t");
    if (start != std::string_view::npos && firstLine[start] != '{' && firstLine[start] != '[' &&
        firstLine.find_first_of(",;\t", start) != std::string_view::npos)
        return CaptureFormat::Csv;
    simdjson::dom::parser parser;
    simdjson::dom::object fields;
    if (parser.parse(firstLine.data(), firstLine.size(), false).get_object().get(fields) != simdjson::SUCCESS)
        return CaptureFormat::Native;
    const auto has = [&](const char *key) {
        return fields[key].error() == simdjson::SUCCESS;
    };
    if (has("resourceSpans") || has("resourceLogs"))
        return CaptureFormat::Otlp;
    if (has("message_id") && has("replies") && has("role"))
        return CaptureFormat::Oasst;
    if ((has("observations") || has("scores")) && has("id"))
        return CaptureFormat::Langfuse;
    if (has("data") && has("meta"))
        return CaptureFormat::Langfuse;
    if (has("trace_id") && (has("start_time") || has("data_type")))
        return CaptureFormat::Langfuse;
    if (has("request") && has("response") && !has("input"))
        return CaptureFormat::OpenAi;
    if (has("messages") && (has("call_type") || has("startTime") || has("response")) && !has("input"))
        return CaptureFormat::OpenAi;
    return CaptureFormat::Native;
}

std::unique_ptr<LineParser> makeLineParser(CaptureFormat format, size_t maxLineBytes,
                                           const ColumnMap &columns)
{
    switch (format) {
    case CaptureFormat::Csv:
        return std::make_unique<CsvParser>(maxLineBytes, columns);
    case CaptureFormat::Langfuse:
        return std::make_unique<LangfuseParser>(maxLineBytes);
    case CaptureFormat::Otlp:
        return std::make_unique<OtlpParser>(maxLineBytes);
    case CaptureFormat::OpenAi:
        return std::make_unique<OpenAiParser>(maxLineBytes);
    case CaptureFormat::Oasst:
        return std::make_unique<OasstParser>(maxLineBytes);
    case CaptureFormat::Auto:
    case CaptureFormat::Native:
        break;
    }
    return std::make_unique<NativeParser>(maxLineBytes);
}

} // namespace flywheel
