#pragma once

// OTLP protobuf files, as the OpenTelemetry Collector's file exporter writes them with
// `format: proto`: one TracesData or LogsData message after another, each after its length in
// 4 bytes, big-endian.

#include "ingest/lineparser.h"
#include "util/result.h"

#include <QFile>
#include <QString>

#include <memory>

namespace flywheel {

namespace otlp {
class GenAiSpanReader;
} // namespace otlp

/// Whether @p path begins as such a file does: a length whose message starts with field 1.
bool isOtlpProtobufFile(const QString &path);

class OtlpProtobufFile final {
public:
    OtlpProtobufFile();
    ~OtlpProtobufFile();

    Status open(const QString &path);
    qint64 totalBytes() const { return m_file.size(); }
    qint64 bytesConsumed() const { return m_file.pos(); }

    enum class Next { Message, End, Broken };
    /// Reads the next message into @p out (a traces or logs export, told apart by their content).
    /// Broken: the file is cut or corrupt there; @p reason says how, and nothing after it is read.
    Next next(ParsedLine &out, std::string &reason);

private:
    QFile m_file;
    std::unique_ptr<otlp::GenAiSpanReader> m_reader;
    std::string m_buffer;
};

} // namespace flywheel
