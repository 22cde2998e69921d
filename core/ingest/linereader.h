#pragma once

#include "util/result.h"

#include <QString>

#include <string>
#include <string_view>

typedef struct gzFile_s *gzFile;

namespace flywheel {

/// Reads a file (plain or gzip, told apart by content) or standard input line by line with memory
/// bounded by the line size limit, however big the input.
///
/// Line endings (LF or CRLF) and a leading UTF-8 byte-order mark are removed. A line longer than
/// the limit is not buffered whole: only a prefix is kept, for the quarantine.
class LineReader final {
public:
    struct Line {
        /// The line's bytes, valid until the next call to next(). Followed by readable padding.
        std::string_view text;
        qint64 number = 0;
        /// Its full length in bytes; larger than text.size() when the line was over the limit.
        qint64 fullBytes = 0;
        bool overLimit = false;
        /// The input ended without a newline after this line.
        bool unterminated = false;
    };

    LineReader() = default;
    ~LineReader();
    LineReader(const LineReader &) = delete;
    LineReader &operator=(const LineReader &) = delete;

    /// Opens @p path, or standard input for "-".
    Status open(const QString &path, qint64 maxLineBytes);

    /// The next line, or false at the end of input or on a read error (see error()).
    bool next(Line &line);

    /// A read error that ended the input early (corrupt or truncated gzip), or empty.
    const QString &error() const { return m_error; }
    /// Bytes of the underlying file consumed so far (compressed bytes for gzip).
    qint64 bytesConsumed() const;
    /// Size of the underlying file, or -1 when unknown (standard input).
    qint64 totalBytes() const { return m_totalBytes; }

    /// Bytes of readable padding guaranteed after every returned line (for simdjson). The bytes of
    /// the padding are not part of the line and may be anything.
    static constexpr size_t kPadding = 64;
    /// How much of an over-limit line is kept for the quarantine.
    static constexpr size_t kKeptPrefix = 64 * 1024;

private:
    bool fill();

    gzFile m_file = nullptr;
    QString m_name;
    QString m_error;
    std::string m_buffer;
    size_t m_begin = 0;
    size_t m_end = 0;
    bool m_eof = false;
    qint64 m_lineNumber = 0;
    qint64 m_maxLineBytes = 0;
    qint64 m_totalBytes = -1;
};

} // namespace flywheel
