// libFuzzer target for exports: arbitrary bytes as a stored input (JSON messages), output and
// correction must give lines that are valid JSON for every kind and format, redaction must keep
// UTF-8 valid, and the validator must survive any file.

#include "curate/personaldata.h"
#include "export/examples.h"
#include "export/redaction.h"
#include "export/validator.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <string>

using namespace flywheel;

namespace {

bool validUtf8(const std::string &text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size())).toUtf8() ==
           QByteArray(text.data(), qsizetype(text.size()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string bytes(reinterpret_cast<const char *>(data), size);

    // Redaction by detected spans keeps valid UTF-8 valid.
    if (validUtf8(bytes) && !validUtf8(redact(bytes, findPersonalData(bytes))))
        __builtin_trap();

    // Every kind and format writes valid JSON lines from any stored input.
    ExampleRow row;
    row.id = 1;
    row.inputJson = bytes;
    row.output = validUtf8(bytes) ? bytes : std::string("out");
    row.correction = "corrected";
    row.label = "gold";
    row.segment = "s";
    row.group = 1;
    for (const DatasetKind kind : {DatasetKind::Sft, DatasetKind::Preference, DatasetKind::Kto,
                                   DatasetKind::Eval, DatasetKind::FewShot, DatasetKind::Retrieval}) {
        for (const DatasetFormat format : {DatasetFormat::OpenAi, DatasetFormat::Trl}) {
            ExportOptions options;
            options.kind = kind;
            options.format = format;
            for (const std::string &line : exampleOutput(row, nullptr, options).lines) {
                QJsonParseError error{};
                QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
                if (error.error != QJsonParseError::NoError && validUtf8(bytes))
                    __builtin_trap();
            }
        }
    }

    // The validator reads any file without crashing.
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("input.jsonl"));
    QFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(bytes.data(), qint64(bytes.size()));
        file.close();
        (void)validateDataset(path);
    }
    return 0;
}
