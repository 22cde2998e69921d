#pragma once

#include "ingest/linereader.h"
#include "util/jsonscanner.h"

#include <string>
#include <string_view>

namespace flywheel {

/// Gathers a JSON document written over several lines (a pretty-printed OTLP export, say) so that
/// it is parsed as one record, numbered by its first line. JSON Lines never get here: only a line
/// that opens an object or array without closing it starts a document.
class MultiLineDocument final {
public:
    explicit MultiLineDocument(size_t maxBytes)
        : m_maxBytes(maxBytes)
    {}

    bool open() const { return m_open; }
    /// Ends the open document where it is (the input ended inside it); text() keeps what it held.
    void abandon() { finish(); }

    /// Starts a document with @p line when the line opens one it does not close. Returns whether it
    /// did; the line then belongs to the document.
    bool begin(const LineReader::Line &line);
    /// Adds the next line of the open document. Returns true when the line completes it.
    bool add(const LineReader::Line &line);

    /// The completed document to parse: compacted onto one line (so it reads and hashes as the
    /// same record written on one line), followed by simdjson's padding. Valid until begin().
    std::string_view text() const { return std::string_view(m_compact.data(), m_compactLength); }
    /// The document as written (a prefix, when over the limit), for the quarantine.
    std::string_view original() const { return std::string_view(m_text.data(), m_length); }
    qint64 firstLine() const { return m_firstLine; }
    /// Lines gathered so far.
    qint64 lines() const { return m_lines; }
    /// Whether @p line, met inside a document, begins a record of its own: an opening bracket in the
    /// first column. Pretty-printers indent everything inside a document, so the open document was
    /// cut short (a truncated JSON Lines record, say) and must not swallow the lines after it.
    static bool startsRecord(std::string_view line)
    {
        return !line.empty() && (line[0] == '{' || line[0] == '[');
    }
    /// The document's full size, newlines included.
    qint64 bytes() const { return m_bytes; }
    bool overLimit() const { return m_bytes > qint64(m_maxBytes); }

private:
    void append(std::string_view text);
    void finish();

    size_t m_maxBytes;
    JsonDocumentScanner m_scanner;
    std::string m_text;
    size_t m_length = 0;
    std::string m_compact;
    size_t m_compactLength = 0;
    qint64 m_firstLine = 0;
    qint64 m_bytes = 0;
    qint64 m_lines = 0;
    bool m_open = false;
};

} // namespace flywheel
