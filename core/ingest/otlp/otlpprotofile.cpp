#include "ingest/otlp/otlpprotofile.h"

#include "ingest/otlp/genaispan.h"
#include "ingest/otlp/otlpjson.h"
#include "ingest/otlpparser.h"

namespace flywheel {
namespace {

constexpr quint32 kMaxMessageBytes = 256u * 1024 * 1024;

quint32 bigEndian(const char *bytes)
{
    const auto *b = reinterpret_cast<const unsigned char *>(bytes);
    return quint32(b[0]) << 24 | quint32(b[1]) << 16 | quint32(b[2]) << 8 | quint32(b[3]);
}

// TracesData and LogsData share their field numbers: a logs message read as traces has spans
// without 16-byte trace ids (a log record's field 1 is its time), so that tells them apart.
bool holdsSpans(const otlp::TracesRequest &traces)
{
    for (const auto &resource : traces.resource_spans())
        for (const auto &scope : resource.scope_spans())
            for (const auto &span : scope.spans())
                return span.trace_id().size() == 16 && span.span_id().size() == 8;
    return false;
}

} // namespace

bool isOtlpProtobufFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = file.read(5);
    // A length under 16 MiB, and a message whose first field is field 1, length-delimited (0x0a).
    return head.size() == 5 && head[0] == 0 && head[4] == 0x0a &&
           bigEndian(head.constData()) + 4 <= file.size();
}

OtlpProtobufFile::OtlpProtobufFile()
    : m_reader(std::make_unique<otlp::GenAiSpanReader>())
{}

OtlpProtobufFile::~OtlpProtobufFile() = default;

Status OtlpProtobufFile::open(const QString &path)
{
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read %1: %2").arg(path, m_file.errorString())};
    return {};
}

OtlpProtobufFile::Next OtlpProtobufFile::next(ParsedLine &out, std::string &reason)
{
    out.clear();
    char length[4];
    const qint64 got = m_file.read(length, 4);
    if (got == 0)
        return Next::End;
    const quint32 size = got == 4 ? bigEndian(length) : 0;
    if (got != 4 || size > kMaxMessageBytes || qint64(size) > m_file.size() - m_file.pos()) {
        reason = "the file is cut: a message's length is missing or runs past the end of the file";
        return Next::Broken;
    }
    m_buffer.resize(size);
    if (m_file.read(m_buffer.data(), size) != qint64(size)) {
        reason = "cannot read the message: " + m_file.errorString().toStdString();
        return Next::Broken;
    }
    otlp::TracesRequest traces;
    if (traces.ParseFromString(m_buffer) && holdsSpans(traces)) {
        readTraces(*m_reader, traces, out, &out.telemetry);
        return Next::Message;
    }
    otlp::LogsRequest logs;
    if (!logs.ParseFromString(m_buffer)) {
        reason = "the message is neither OTLP TracesData nor LogsData";
        return Next::Broken;
    }
    readLogs(logs, out, out.telemetry);
    return Next::Message;
}

} // namespace flywheel
