#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flywheel {

/// Finds where a JSON object or array ends in text that may go on over many lines, by tracking
/// nesting outside strings. It does not validate anything (the parser does that afterwards); it
/// only tells a pretty-printed document's last line, or splits documents written one after another.
class JsonDocumentScanner {
public:
    /// Forgets the current document.
    void reset()
    {
        m_depth = 0;
        m_inString = false;
        m_escaped = false;
    }

    /// Scans @p text as the continuation of the document. Returns the offset just past the bracket
    /// that closes it, or npos when the document is still open at the end of @p text.
    size_t feed(std::string_view text);

    /// Whether the scanner is inside a document.
    bool open() const { return m_depth > 0; }

    /// Whether @p line starts an object or array that it does not close: the first non-blank
    /// character opens one and the last one does not close it. Cheap, so JSON Lines pay nothing.
    static bool opensDocument(std::string_view line);

private:
    int m_depth = 0;
    bool m_inString = false;
    bool m_escaped = false;
};

/// Writes @p document without the whitespace between its tokens into @p out, followed by
/// simdjson's padding, and returns the compact text's length. A pretty-printed record and the same
/// record on one line then read, and hash, the same. Invalid JSON is copied as it is, for the
/// parser to report.
size_t compactJson(std::string_view document, std::string &out);

} // namespace flywheel
