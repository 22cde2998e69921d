// libFuzzer target for curation's text code: personal-data detection, normalisation, shingles,
// user-text extraction, the JSON document scanner and the rules-file loader. Arbitrary bytes must
// never crash, hang or trip the sanitizers, and spans must lie inside the text.

#include "curate/personaldata.h"
#include "curate/rules.h"
#include "curate/shingles.h"
#include "curate/textnorm.h"
#include "util/jsonscanner.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <string>

using namespace flywheel;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    const qint64 characters = codePoints(text);
    qint64 previousEnd = 0;
    for (const PersonalDataSpan &span : findPersonalData(text)) {
        if (span.start < previousEnd || span.length <= 0 || span.start + span.length > characters)
            __builtin_trap(); // spans are ordered, disjoint and inside the text
        previousEnd = span.start + span.length;
    }
    const std::string normalized = normalizeText(text);
    if (normalizeText(normalized) != normalized)
        __builtin_trap(); // normalising twice changes nothing
    (void)jaccard(shingleSet(normalized, 5), shingleSet(text, 3));
    (void)userTextOf(text);
    JsonDocumentScanner scanner;
    const size_t end = scanner.feed(text);
    if (end != std::string::npos && end > text.size())
        __builtin_trap();
    (void)JsonDocumentScanner::opensDocument(text);
    if (size < 4096)
        (void)RuleSet::parse(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)),
                             QStringLiteral("fuzz"));
    return 0;
}
