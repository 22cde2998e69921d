#include "ingest/otlp/otlpjoin.h"

#include "ingest/linestore.h"
#include "ingest/otlp/genaispan.h"

#include <algorithm>
#include <map>

namespace flywheel {
namespace {

using Kind = TelemetryPiece::Kind;

// The span among a call's pieces: a waiting one, or the one kept with a stored call (empty when
// the call was stored from its events alone).
const TelemetryPiece *spanOf(const std::vector<TelemetryPiece> &pieces)
{
    for (const TelemetryPiece &piece : pieces)
        if ((piece.kind == Kind::Span || piece.kind == Kind::Stored) && !piece.payload.empty())
            return &piece;
    return nullptr;
}

bool isEvent(const TelemetryPiece &piece)
{
    return piece.kind == Kind::Event || piece.kind == Kind::Kept;
}

bool hasEvents(const std::vector<TelemetryPiece> &pieces)
{
    return std::any_of(pieces.begin(), pieces.end(), isEvent);
}

bool isStored(const std::vector<TelemetryPiece> &pieces)
{
    for (const TelemetryPiece &piece : pieces)
        if (piece.kind == Kind::Stored)
            return true;
    return false;
}

// A retried request brings a piece held (or stored) already.
bool isRetry(const std::vector<TelemetryPiece> &pieces, const TelemetryPiece &piece)
{
    for (const TelemetryPiece &held : pieces)
        if (held.payload == piece.payload && (held.kind == piece.kind || (isEvent(held) && isEvent(piece)) ||
                                              (piece.kind == Kind::Span && held.kind == Kind::Stored)))
            return true;
    return false;
}

} // namespace

Result<std::unique_ptr<OtlpJoin>> OtlpJoin::create(Store &store, Options options)
{
    auto held = HeldTelemetry::create(store);
    if (!held)
        return held.error();
    return std::unique_ptr<OtlpJoin>(new OtlpJoin(std::move(*held), options));
}

OtlpJoin::OtlpJoin(HeldTelemetry held, Options options)
    : m_held(std::move(held))
    , m_options(options)
    , m_reader(std::make_unique<otlp::GenAiSpanReader>())
{}

OtlpJoin::~OtlpJoin() = default;

Status OtlpJoin::take(const std::vector<TelemetryPiece> &arrived, CaptureWriter &writer,
                      CaptureCounts &counts, qint64 nowMs)
{
    // One decision per call, however many of its pieces arrived together (a logs export holds all
    // of a call's events): a late call is updated once, not once per event.
    std::map<HeldTelemetry::SpanKey, std::vector<const TelemetryPiece *>> calls;
    for (const TelemetryPiece &piece : arrived)
        calls[{piece.traceId, piece.spanId}].push_back(&piece);
    for (const auto &[key, news] : calls)
        if (Status s = takeCall(key, news, writer, counts, nowMs); !s)
            return s;
    return {};
}

Status OtlpJoin::takeCall(const HeldTelemetry::SpanKey &key, const std::vector<const TelemetryPiece *> &news,
                          CaptureWriter &writer, CaptureCounts &counts, qint64 nowMs)
{
    auto held = m_held.piecesOf(key);
    if (!held)
        return held.error();
    std::vector<TelemetryPiece> pieces = std::move(*held);
    const bool stored = isStored(pieces);
    bool added = false;
    for (const TelemetryPiece *piece : news) {
        if (isRetry(pieces, *piece))
            continue;
        if (Status s = m_held.hold(*piece, nowMs); !s)
            return s;
        pieces.push_back(*piece);
        added = true;
    }
    const TelemetryPiece *span = spanOf(pieces);
    // A half alone waits; a call already stored takes what comes late.
    if (!added || (!stored && (!span || !hasEvents(pieces))))
        return {};
    return store(pieces, span, writer, counts, nowMs);
}

Result<bool> OtlpJoin::hasDue(qint64 nowMs)
{
    auto due = m_held.waitingSince(nowMs - m_options.waitMs, 1);
    if (!due)
        return due.error();
    if (!due->empty())
        return true;
    return m_held.hasStoredBefore(nowMs - m_options.keepMs);
}

Result<qint64> OtlpJoin::storeWaiting(const std::set<HeldTelemetry::SpanKey> &calls, CaptureWriter &writer,
                                      CaptureCounts &counts, qint64 nowMs)
{
    qint64 stored = 0;
    for (const HeldTelemetry::SpanKey &key : calls) {
        auto pieces = m_held.piecesOf(key);
        if (!pieces)
            return pieces.error();
        if (pieces->empty() || isStored(*pieces))
            continue;
        if (Status s = store(*pieces, spanOf(*pieces), writer, counts, nowMs); !s)
            return s.error();
        ++stored;
    }
    return stored;
}

Result<qint64> OtlpJoin::sweep(CaptureWriter &writer, CaptureCounts &counts, qint64 nowMs, int limit)
{
    if (Status s = m_held.forgetStored(nowMs - m_options.keepMs); !s)
        return s.error();
    return storeDue(writer, counts, nowMs - m_options.waitMs, nowMs, limit);
}

Result<qint64> OtlpJoin::storeDue(CaptureWriter &writer, CaptureCounts &counts, qint64 beforeMs, qint64 nowMs,
                                  int limit)
{
    auto due = m_held.waitingSince(beforeMs, limit);
    if (!due)
        return due.error();
    for (const HeldTelemetry::SpanKey &key : *due) {
        auto pieces = m_held.piecesOf(key);
        if (!pieces)
            return pieces.error();
        if (Status s = store(*pieces, spanOf(*pieces), writer, counts, nowMs); !s)
            return s.error();
    }
    return qint64(due->size());
}

// Stores the call from its span and events (or its events alone), and keeps it as stored.
Status OtlpJoin::store(const std::vector<TelemetryPiece> &pieces, const TelemetryPiece *span,
                       CaptureWriter &writer, CaptureCounts &counts, qint64 nowMs)
{
    std::vector<otlp::GenAiSpanReader::LogRecord> events;
    for (const TelemetryPiece &piece : pieces)
        if (isEvent(piece) && events.emplace_back().ParseFromString(piece.payload) == false)
            events.pop_back(); // held by us, so parsable; never let one bad row stop the others
    m_line.clear();
    const TelemetryPiece &first = pieces.front();
    TelemetryPiece marker{Kind::Stored, first.traceId, first.spanId, first.service, {}};
    if (span) {
        opentelemetry::proto::trace::v1::Span message;
        std::string reason;
        if (message.ParseFromString(span->payload))
            m_reader->read(message, span->service, m_line, reason, events);
        marker.payload = span->payload;
        marker.service = span->service;
    } else {
        // Events whose call was stored from its span once, and forgotten since (past the keep
        // window): they add the messages to it, without claiming its span is missing.
        auto stored = writer.findInteraction(first.traceId + ":" + first.spanId);
        if (!stored)
            return stored.error();
        m_reader->readEventsOnly(first.traceId, first.spanId, first.service, events, m_line,
                                 stored->has_value());
    }
    const HeldTelemetry::SpanKey key{first.traceId, first.spanId};
    for (const Kind kind : {Kind::Span, Kind::Stored})
        if (Status s = m_held.remove(key, kind); !s)
            return s;
    if (Status s = m_held.keepEvents(key); !s)
        return s;
    if (Status s = m_held.hold(marker, nowMs); !s)
        return s;
    if (m_line.interactions.empty())
        return {};
    return storeParsedLine(writer, m_line, counts);
}

} // namespace flywheel
