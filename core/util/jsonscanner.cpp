#include "util/jsonscanner.h"

#include <simdjson.h>

namespace flywheel {

size_t JsonDocumentScanner::feed(std::string_view text)
{
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (m_inString) {
            if (m_escaped)
                m_escaped = false;
            else if (c == '\\')
                m_escaped = true;
            else if (c == '"')
                m_inString = false;
            continue;
        }
        switch (c) {
        case '"':
            m_inString = m_depth > 0;
            break;
        case '{':
        case '[':
            ++m_depth;
            break;
        case '}':
        case ']':
            if (m_depth > 0 && --m_depth == 0)
                return i + 1;
            break;
        default:
            break;
        }
    }
    return std::string_view::npos;
}

bool JsonDocumentScanner::opensDocument(std::string_view line)
{
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || (line[first] != '{' && line[first] != '['))
        return false;
    const size_t last = line.find_last_not_of(" \t\r");
    return line[last] != '}' && line[last] != ']';
}

size_t compactJson(std::string_view document, std::string &out)
{
    out.resize(document.size() + simdjson::SIMDJSON_PADDING);
    size_t length = 0;
    if (simdjson::minify(document.data(), document.size(), out.data(), length) != simdjson::SUCCESS) {
        out.assign(document);
        length = document.size();
    }
    out.resize(length);
    out.append(simdjson::SIMDJSON_PADDING, '\0');
    return length;
}

} // namespace flywheel
