#include "ingest/linereader.h"

#include <QFileInfo>

#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

namespace flywheel {
namespace {

constexpr size_t kChunk = 1 << 20;

void stripLineEnding(std::string_view &text)
{
    if (!text.empty() && text.back() == '\r')
        text.remove_suffix(1);
}

// zlib names a descriptor "<fd:7>"; the file's own name is already in front of the message.
QString zlibMessage(const char *message)
{
    QString text = QString::fromUtf8(message);
    if (text.startsWith(QLatin1String("<fd:")) && text.indexOf(QLatin1String(": ")) > 0)
        text = text.mid(text.indexOf(QLatin1String(": ")) + 2);
    return text;
}

} // namespace

LineReader::~LineReader()
{
    if (m_file)
        gzclose(m_file);
}

Status LineReader::open(const QString &path, qint64 maxLineBytes)
{
    m_name = path;
    m_maxLineBytes = maxLineBytes;
    int fd = -1;
    if (path == QStringLiteral("-")) {
        fd = ::dup(STDIN_FILENO);
        m_totalBytes = -1;
    } else {
        const QFileInfo info(path);
        if (info.isDir())
            return Error{QStringLiteral("%1 is a folder, not a file").arg(path)};
        fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
        m_totalBytes = info.size();
    }
    if (fd < 0)
        return Error{
            QStringLiteral("cannot read %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))};
    m_file = gzdopen(fd, "rb");
    if (!m_file) {
        ::close(fd);
        return Error{QStringLiteral("cannot read %1: out of memory").arg(path)};
    }
    gzbuffer(m_file, 256 * 1024);
    m_buffer.resize(kChunk + kPadding);
    return {};
}

qint64 LineReader::bytesConsumed() const
{
    return m_file ? qint64(gzoffset(m_file)) : 0;
}

// Moves unread bytes to the front and reads more after them. Returns false when nothing was added.
bool LineReader::fill()
{
    if (m_eof)
        return false;
    if (m_begin > 0) {
        std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_buffer.size() - kPadding - m_end < kChunk)
        m_buffer.resize(m_end + kChunk + kPadding);
    const int got = gzread(m_file, m_buffer.data() + m_end, unsigned(kChunk));
    if (got < 0 || (got == 0 && !gzeof(m_file))) {
        int code = 0;
        const char *message = gzerror(m_file, &code);
        m_error = QStringLiteral("%1: read error: %2").arg(m_name, zlibMessage(message));
        m_eof = true;
        return false;
    }
    if (got == 0) {
        // gzread reports a truncated gzip stream through gzerror after returning its last bytes.
        int code = Z_OK;
        const char *message = gzerror(m_file, &code);
        if (code != Z_OK)
            m_error = QStringLiteral("%1: %2").arg(m_name, zlibMessage(message));
        m_eof = true;
        return false;
    }
    m_end += size_t(got);
    std::memset(m_buffer.data() + m_end, 0, kPadding);
    return true;
}

bool LineReader::next(Line &line)
{
    size_t scanFrom = m_begin;
    for (;;) {
        const char *start = m_buffer.data() + scanFrom;
        const void *newline = std::memchr(start, '\n', m_end - scanFrom);
        if (newline) {
            const size_t lineEnd = size_t(static_cast<const char *>(newline) - m_buffer.data());
            std::string_view text(m_buffer.data() + m_begin, lineEnd - m_begin);
            m_begin = lineEnd + 1;
            stripLineEnding(text);
            // A line that arrived whole in the buffer can still be over the limit: keep a prefix.
            const bool overLimit = qint64(text.size()) > m_maxLineBytes;
            const qint64 fullBytes = qint64(text.size());
            if (overLimit)
                text = text.substr(0, kKeptPrefix);
            line = Line{text, ++m_lineNumber, fullBytes, overLimit, false};
            break;
        }
        if (qint64(m_end - m_begin) > m_maxLineBytes) {
            // Over the limit: keep a prefix for the quarantine and skip the rest of the line.
            const size_t kept = std::min(kKeptPrefix, m_end - m_begin);
            std::string prefix(m_buffer.data() + m_begin, kept);
            qint64 total = qint64(m_end - m_begin);
            bool terminated = false;
            m_begin = m_end = 0;
            while (!terminated && fill()) {
                const void *nl = std::memchr(m_buffer.data(), '\n', m_end);
                const size_t upto = nl ? size_t(static_cast<const char *>(nl) - m_buffer.data()) : m_end;
                total += qint64(upto);
                terminated = nl != nullptr;
                m_begin = terminated ? upto + 1 : 0;
                if (!terminated)
                    m_end = 0;
            }
            // Park the prefix behind the unread bytes so the returned view stays valid.
            const size_t unread = m_end - m_begin;
            std::string rest(m_buffer.data() + m_begin, unread);
            m_buffer.assign(prefix);
            m_buffer.append(rest);
            m_buffer.resize(std::max(m_buffer.size() + kPadding, kChunk + kPadding));
            m_begin = prefix.size();
            m_end = prefix.size() + unread;
            std::memset(m_buffer.data() + m_end, 0, kPadding);
            line = Line{std::string_view(m_buffer.data(), prefix.size()), ++m_lineNumber, total, true,
                        !terminated};
            break;
        }
        scanFrom = m_end;
        const size_t offset = scanFrom - m_begin;
        if (!fill()) {
            if (m_end == m_begin)
                return false;
            std::string_view text(m_buffer.data() + m_begin, m_end - m_begin);
            m_begin = m_end;
            stripLineEnding(text);
            line = Line{text, ++m_lineNumber, qint64(text.size()), false, true};
            break;
        }
        scanFrom = m_begin + offset;
    }
    if (line.number == 1 && line.text.substr(0, 3) == "\xEF\xBB\xBF")
        line.text.remove_prefix(3);
    return true;
}

} // namespace flywheel
