#include "ingest/csvparser.h"

#include "ingest/linereader.h"
#include "util/hasher.h"
#include "util/jsontext.h"

#include <algorithm>
#include <cstdio>

namespace flywheel {
namespace {

enum Field {
    Id,
    Timestamp,
    Input,
    Output,
    SessionId,
    UserId,
    Model,
    ModelVersion,
    LatencyMs,
    PromptTokens,
    CompletionTokens,
    FinishReason,
    Category,
    Outcome,
    Thumbs,
    Rating,
    Comment,
    Correction,
    FieldCount
};

// Fields whose CSV text is written as a JSON number when it is one.
bool isNumeric(int field)
{
    return field == Timestamp || field == LatencyMs || field == PromptTokens || field == CompletionTokens ||
           field == Rating;
}

bool isJsonNumber(std::string_view text)
{
    size_t i = 0;
    if (i < text.size() && text[i] == '-')
        ++i;
    const size_t digits = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        ++i;
    if (i == digits || (text[digits] == '0' && i - digits > 1))
        return false;
    if (i < text.size() && text[i] == '.') {
        const size_t fraction = ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
            ++i;
        if (i == fraction)
            return false;
    }
    return i == text.size();
}

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// Splits one CSV record. Returns false when a quoted field is still open at the end (the record
// goes on over the next line).
bool splitRecord(std::string_view record, char delimiter, std::vector<std::string> &cells)
{
    cells.assign(1, std::string());
    bool quoted = false;
    bool atFieldStart = true;
    for (size_t i = 0; i < record.size(); ++i) {
        const char c = record[i];
        if (quoted) {
            if (c == '"' && i + 1 < record.size() && record[i + 1] == '"') {
                cells.back().push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cells.back().push_back(c);
            }
        } else if (c == delimiter) {
            cells.emplace_back();
            atFieldStart = true;
            continue;
        } else if (c == '"' && atFieldStart) {
            quoted = true;
        } else {
            cells.back().push_back(c);
        }
        atFieldStart = false;
    }
    return !quoted;
}

char guessDelimiter(std::string_view header)
{
    const char candidates[] = {',', ';', '\t'};
    char best = ',';
    long bestCount = 0;
    for (const char c : candidates) {
        const long n = long(std::count(header.begin(), header.end(), c));
        if (n > bestCount) {
            best = c;
            bestCount = n;
        }
    }
    return best;
}

} // namespace

const std::vector<std::string> &CsvParser::fields()
{
    static const std::vector<std::string> names{
        "id",       "timestamp",     "input",      "output",        "session_id",        "user_id",
        "model",    "model_version", "latency_ms", "prompt_tokens", "completion_tokens", "finish_reason",
        "category", "outcome",       "thumbs",     "rating",        "comment",           "correction"};
    return names;
}

CsvParser::CsvParser(size_t maxLineBytes, ColumnMap columns)
    : m_native(maxLineBytes)
    , m_maxLineBytes(maxLineBytes)
    , m_columns(std::move(columns))
{}

bool CsvParser::readHeader(const std::vector<std::string> &cells, std::string &reason)
{
    m_header = cells;
    m_fieldOfColumn.assign(cells.size(), -1);
    const auto &names = fields();
    for (int field = 0; field < FieldCount; ++field) {
        std::string column = names[size_t(field)];
        bool mapped = false;
        for (const auto &[mappedField, mappedColumn] : m_columns)
            if (mappedField == names[size_t(field)]) {
                column = mappedColumn;
                mapped = true;
            }
        const auto it = std::find_if(cells.begin(), cells.end(),
                                     [&](const std::string &cell) { return lower(cell) == lower(column); });
        if (it != cells.end())
            m_fieldOfColumn[size_t(it - cells.begin())] = field;
        else if (mapped)
            reason = "the header has no column \"" + column + "\" (named by --map " + names[size_t(field)] +
                     "=" + column + ")";
    }
    for (const int required : {int(Timestamp), int(Input)})
        if (reason.empty() &&
            std::find(m_fieldOfColumn.begin(), m_fieldOfColumn.end(), required) == m_fieldOfColumn.end())
            reason = "the header has no \"" + names[size_t(required)] + "\" column; name it with --map " +
                     names[size_t(required)] + "=COLUMN";
    return reason.empty();
}

void CsvParser::rowToJson(const std::vector<std::string> &cells)
{
    const auto &names = fields();
    std::string metadata;
    std::string feedback;
    std::string correction;
    bool haveId = false;
    m_json = "{";
    const auto member = [this](std::string_view key, std::string_view value, bool number) {
        if (m_json.size() > 1)
            m_json.push_back(',');
        appendJsonString(m_json, key);
        m_json.push_back(':');
        if (number)
            m_json.append(value);
        else
            appendJsonString(m_json, value);
    };
    for (size_t column = 0; column < cells.size() && column < m_header.size(); ++column) {
        const std::string &value = cells[column];
        if (value.empty())
            continue;
        const int field = m_fieldOfColumn[column];
        if (field < 0) {
            metadata += metadata.empty() ? "{" : ",";
            appendJsonString(metadata, m_header[column]);
            metadata.push_back(':');
            appendJsonString(metadata, value);
        } else if (field == Thumbs || field == Rating || field == Comment) {
            feedback += feedback.empty() ? "[" : ",";
            feedback += field == Thumbs   ? R"({"kind":"thumbs","value":)"
                        : field == Rating ? R"({"kind":"rating","value":)"
                                          : R"({"kind":"comment","comment":)";
            if (field == Rating && isJsonNumber(value))
                feedback += value;
            else
                appendJsonString(feedback, value);
            feedback += "}";
        } else if (field == Correction) {
            correction = value;
        } else {
            haveId |= field == Id;
            member(names[size_t(field)], value, isNumeric(field) && isJsonNumber(value));
        }
    }
    if (!haveId) {
        // No id column: the row's cells identify it, so the same row is the same interaction.
        Hasher hasher;
        for (const std::string &cell : cells)
            hasher.add(cell);
        char hex[24];
        std::snprintf(hex, sizeof hex, "csv-%016llx", static_cast<unsigned long long>(hasher.digest64()));
        member("id", hex, false);
    }
    if (!feedback.empty())
        m_json += ",\"feedback\":" + feedback + "]";
    if (!correction.empty()) {
        m_json += ",\"correction\":";
        appendJsonString(m_json, correction);
    }
    if (!metadata.empty())
        m_json += ",\"metadata\":" + metadata + "}";
    m_json += "}";
    m_json.append(LineReader::kPadding, ' ');
}

bool CsvParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    out.clear();
    const bool continues = !m_pending.empty();
    if (continues) {
        m_pending.push_back('\n');
        m_pending.append(line);
    }
    const std::string_view record = continues ? std::string_view(m_pending) : line;
    if (!m_haveHeader && !continues)
        m_delimiter = guessDelimiter(line);
    if (!splitRecord(record, m_delimiter, m_cells)) {
        if (record.size() > m_maxLineBytes) {
            out.extraLines = m_pendingLines;
            out.multiLineRaw = m_pending;
            m_pending.clear();
            m_pendingLines = 0;
            reason = "a quoted field runs on past the line size limit; is a closing quote missing?";
            return false;
        }
        if (!continues)
            m_pending.assign(line);
        ++m_pendingLines;
        out.pending = true;
        return true;
    }
    out.extraLines = continues ? m_pendingLines : 0;
    if (continues)
        out.multiLineRaw = m_pending;
    m_pending.clear();
    m_pendingLines = 0;

    if (!m_haveHeader) {
        m_haveHeader = true;
        out.pending = true; // the header holds no record
        if (!readHeader(m_cells, m_headerError)) {
            reason = m_headerError;
            return false;
        }
        return true;
    }
    if (!m_headerError.empty()) {
        reason = "not read: " + m_headerError;
        return false;
    }
    if (m_cells.size() != m_header.size()) {
        reason = "the row has " + std::to_string(m_cells.size()) + " fields, the header " +
                 std::to_string(m_header.size());
        return false;
    }
    rowToJson(m_cells);
    const qint64 extraLines = out.extraLines;
    std::string raw = std::move(out.multiLineRaw);
    const bool ok =
        m_native.parse(std::string_view(m_json.data(), m_json.size() - LineReader::kPadding), out, reason);
    out.extraLines = extraLines;
    out.multiLineRaw = std::move(raw);
    return ok;
}

bool CsvParser::incompleteAtEnd(ParsedLine &out, std::string &reason)
{
    if (m_pending.empty())
        return false;
    out.clear();
    out.extraLines = m_pendingLines - 1;
    out.multiLineRaw = m_pending;
    m_pending.clear();
    m_pendingLines = 0;
    reason = "the input ends inside a quoted field; is a closing quote missing?";
    return true;
}

} // namespace flywheel
