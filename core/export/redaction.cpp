#include "export/redaction.h"

#include <QString>

#include <algorithm>

namespace flywheel {

std::string redact(std::string_view text, std::vector<PersonalDataSpan> spans)
{
    if (spans.empty())
        return std::string(text);
    std::sort(spans.begin(), spans.end(),
              [](const PersonalDataSpan &a, const PersonalDataSpan &b) { return a.start < b.start; });
    // Byte offset of each code point, and of the end.
    std::vector<size_t> offsets;
    for (size_t i = 0; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            offsets.push_back(i);
    offsets.push_back(text.size());
    const qint64 characters = qint64(offsets.size()) - 1;
    std::string out;
    qint64 at = 0; // in code points
    for (const PersonalDataSpan &span : spans) {
        const qint64 start = std::max<qint64>(span.start, at);
        const qint64 end = std::min<qint64>(span.start + span.length, characters);
        if (start >= end)
            continue;
        out.append(text.substr(offsets[size_t(at)], offsets[size_t(start)] - offsets[size_t(at)]));
        const std::string_view kind = personalDataKindName(span.kind);
        out += '[' + QString::fromLatin1(kind.data(), qsizetype(kind.size())).toUpper().toStdString() + ']';
        at = end;
    }
    out.append(text.substr(offsets[size_t(at)]));
    return out;
}

} // namespace flywheel
