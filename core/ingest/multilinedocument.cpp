#include "ingest/multilinedocument.h"

#include <algorithm>

namespace flywheel {

bool MultiLineDocument::begin(const LineReader::Line &line)
{
    if (line.overLimit || !JsonDocumentScanner::opensDocument(line.text))
        return false;
    m_scanner.reset();
    // A line such as `{"a": 1} {` both closes a document and opens another: leave it to the parser.
    if (m_scanner.feed(line.text) != std::string_view::npos)
        return false;
    m_text.clear();
    m_length = 0;
    m_bytes = 0;
    m_firstLine = line.number;
    m_lines = 1;
    m_open = true;
    append(line.text);
    return true;
}

bool MultiLineDocument::add(const LineReader::Line &line)
{
    ++m_lines;
    append("\n");
    const size_t end = m_scanner.feed(line.text);
    // Text after the closing bracket is kept, so the parser reports it rather than it vanishing.
    append(line.text);
    m_bytes += line.fullBytes - qint64(line.text.size());
    if (end == std::string_view::npos)
        return false;
    finish();
    return true;
}

void MultiLineDocument::append(std::string_view text)
{
    m_bytes += qint64(text.size());
    // Beyond the limit nothing more is kept; finish() trims it to the quarantine's prefix.
    if (m_length < m_maxBytes) {
        const size_t take = std::min(text.size(), m_maxBytes - m_length);
        m_text.resize(m_length);
        m_text.append(text.substr(0, take));
        m_length += take;
    }
}

void MultiLineDocument::finish()
{
    m_open = false;
    if (overLimit())
        m_length = std::min(m_length, LineReader::kKeptPrefix);
    m_text.resize(m_length);
    m_text.append(LineReader::kPadding, '\0');
    m_compactLength = overLimit() ? 0 : compactJson(original(), m_compact);
}

} // namespace flywheel
