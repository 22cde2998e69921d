#include "store/heldtelemetry.h"

#include "store/store.h"
#include "util/hasher.h"

namespace flywheel {
namespace {

using Kind = TelemetryPiece::Kind;

std::string_view kindName(Kind kind)
{
    switch (kind) {
    case Kind::Span:
        return "span";
    case Kind::Event:
        return "event";
    case Kind::Stored:
        return "stored";
    case Kind::Kept:
        break;
    }
    return "kept";
}

Kind kindOf(std::string_view name)
{
    return name == "span"     ? Kind::Span
           : name == "event"  ? Kind::Event
           : name == "stored" ? Kind::Stored
                              : Kind::Kept;
}

} // namespace

Result<HeldTelemetry> HeldTelemetry::create(Store &store)
{
    HeldTelemetry held(store);
    const std::pair<Statement *, const char *> statements[] = {
        {&held.m_insert,
         "INSERT INTO telemetry_held (kind, trace_id, span_id, service, payload, "
         "payload_hash, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING"},
        {&held.m_select, "SELECT kind, service, payload FROM telemetry_held WHERE trace_id = ?1 AND "
                         "span_id = ?2 ORDER BY id"},
        {&held.m_remove, "DELETE FROM telemetry_held WHERE trace_id = ?1 AND span_id = ?2 AND kind = ?3"},
        {&held.m_waiting, "SELECT trace_id, span_id FROM telemetry_held WHERE kind IN ('span', 'event') AND "
                          "received_at < ?1 GROUP BY trace_id, span_id ORDER BY min(received_at) LIMIT ?2"},
        {&held.m_keep, "UPDATE telemetry_held SET kind = 'kept' WHERE trace_id = ?1 AND span_id = ?2 AND "
                       "kind = 'event'"},
        {&held.m_forget, "DELETE FROM telemetry_held WHERE (trace_id, span_id) IN (SELECT trace_id, span_id "
                         "FROM telemetry_held WHERE kind = 'stored' AND received_at < ?1)"},
        {&held.m_oldStored,
         "SELECT 1 FROM telemetry_held WHERE received_at < ?1 AND kind = 'stored' LIMIT 1"},
    };
    for (const auto &[statement, sql] : statements) {
        auto prepared = store.db().prepare(sql);
        if (!prepared)
            return prepared.error();
        *statement = std::move(*prepared);
    }
    return held;
}

Status HeldTelemetry::hold(const TelemetryPiece &piece, qint64 nowMs)
{
    Hasher hash;
    hash.add(piece.payload);
    const auto digest = hash.digest128();
    Statement &s = m_insert;
    s.reset();
    s.bind(1, kindName(piece.kind));
    s.bind(2, piece.traceId);
    s.bind(3, piece.spanId);
    s.bind(4, piece.service);
    s.bindBlob(5, piece.payload.data(), int(piece.payload.size()));
    s.bindBlob(6, digest.data(), int(digest.size()));
    s.bind(7, nowMs);
    Status done = s.run();
    s.reset();
    return done;
}

Result<std::vector<TelemetryPiece>> HeldTelemetry::piecesOf(const SpanKey &span)
{
    std::vector<TelemetryPiece> pieces;
    m_select.reset();
    m_select.bind(1, span.first);
    m_select.bind(2, span.second);
    Status read = m_select.forEachRow([&] {
        TelemetryPiece piece;
        piece.kind = kindOf(m_select.columnUtf8(0));
        piece.traceId = span.first;
        piece.spanId = span.second;
        piece.service = std::string(m_select.columnUtf8(1));
        piece.payload = m_select.columnBlob(2).toStdString();
        pieces.push_back(std::move(piece));
    });
    m_select.reset();
    if (!read)
        return read.error();
    return pieces;
}

Status HeldTelemetry::remove(const SpanKey &span, Kind kind)
{
    m_remove.reset();
    m_remove.bind(1, span.first);
    m_remove.bind(2, span.second);
    m_remove.bind(3, kindName(kind));
    Status done = m_remove.run();
    m_remove.reset();
    return done;
}

Result<std::vector<HeldTelemetry::SpanKey>> HeldTelemetry::waitingSince(qint64 beforeMs, int limit)
{
    std::vector<SpanKey> spans;
    m_waiting.reset();
    m_waiting.bind(1, beforeMs);
    m_waiting.bind(2, limit);
    Status read = m_waiting.forEachRow([&] {
        spans.emplace_back(std::string(m_waiting.columnUtf8(0)), std::string(m_waiting.columnUtf8(1)));
    });
    m_waiting.reset();
    if (!read)
        return read.error();
    return spans;
}

Status HeldTelemetry::keepEvents(const SpanKey &span)
{
    m_keep.reset();
    m_keep.bind(1, span.first);
    m_keep.bind(2, span.second);
    Status done = m_keep.run();
    m_keep.reset();
    return done;
}

Status HeldTelemetry::forgetStored(qint64 beforeMs)
{
    m_forget.reset();
    m_forget.bind(1, beforeMs);
    Status done = m_forget.run();
    m_forget.reset();
    return done;
}

Result<bool> HeldTelemetry::hasStoredBefore(qint64 beforeMs)
{
    m_oldStored.reset();
    m_oldStored.bind(1, beforeMs);
    Result<bool> row = m_oldStored.step();
    m_oldStored.reset();
    return row;
}

Result<qint64> HeldTelemetry::count()
{
    return m_store->db().queryInt(
        "SELECT count(*) FROM (SELECT DISTINCT trace_id, span_id FROM telemetry_held "
        "WHERE kind IN ('span', 'event')) AS waiting");
}

} // namespace flywheel
