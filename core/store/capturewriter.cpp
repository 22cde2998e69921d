#include "store/capturewriter.h"

#include "store/store.h"
#include "util/hasher.h"

namespace flywheel {
namespace {

// Interactions are found by external_key, a 62-bit hash of (source, external id): an index of
// integers is half the size of one of texts and, with the random ids most producers use, makes
// ingest 20 % faster. Two ids whose hashes collide take the next free key (linear probing over at
// most kKeySlots keys), so every lookup scans that short range and compares the real id. This
// relies on interactions never being deleted one by one: a purge must rebuild the keys.
constexpr qint64 kKeySlots = 8;

// A later line with the same id overrides the fields it has and keeps those it leaves out; its
// metadata is merged. An identical repeat (same content hash) changes nothing, and neither does a
// row of another id that holds the key (a collision, told apart by the caller). The stored row's
// columns are named with their table: PostgreSQL finds a bare name ambiguous beside excluded's.
constexpr const char *kUpsertInteraction = R"sql(
INSERT INTO interactions (source_id, external_id, ts, session_id, user_id, model_name, model_version,
    input, output, output_tool_calls, latency_ms, prompt_tokens, completion_tokens, finish_reason,
    category, outcome, metadata, content_hash, ingested_at, external_key)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, COALESCE(?16, 'none'), ?17, ?18, ?19,
    ?20)
ON CONFLICT (external_key) DO UPDATE SET
    ts = excluded.ts,
    session_id = COALESCE(excluded.session_id, interactions.session_id),
    user_id = COALESCE(excluded.user_id, interactions.user_id),
    model_name = COALESCE(excluded.model_name, interactions.model_name),
    model_version = COALESCE(excluded.model_version, interactions.model_version),
    input = excluded.input,
    output = COALESCE(excluded.output, interactions.output),
    output_tool_calls = COALESCE(excluded.output_tool_calls, interactions.output_tool_calls),
    latency_ms = COALESCE(excluded.latency_ms, interactions.latency_ms),
    prompt_tokens = COALESCE(excluded.prompt_tokens, interactions.prompt_tokens),
    completion_tokens = COALESCE(excluded.completion_tokens, interactions.completion_tokens),
    finish_reason = COALESCE(excluded.finish_reason, interactions.finish_reason),
    category = COALESCE(excluded.category, interactions.category),
    outcome = COALESCE(?16, interactions.outcome),
    metadata = CASE WHEN excluded.metadata IS NULL THEN interactions.metadata
                    WHEN interactions.metadata IS NULL THEN excluded.metadata
                    ELSE json_patch(interactions.metadata, excluded.metadata) END,
    content_hash = excluded.content_hash,
    updated_at = excluded.ingested_at
WHERE interactions.content_hash <> excluded.content_hash AND interactions.source_id = excluded.source_id
    AND interactions.external_id = excluded.external_id
)sql";

constexpr const char *kInsertFeedback = R"sql(
INSERT INTO feedback_events (interaction_id, source_id, interaction_external_id, kind, value, label, name,
    comment, origin, ts, metadata, event_key, ingested_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (event_key) DO NOTHING
)sql";

constexpr const char *kInsertCorrection = R"sql(
INSERT INTO corrections (interaction_id, source_id, interaction_external_id, corrected_output, author, ts,
    metadata, event_key, ingested_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (event_key) DO NOTHING
)sql";

constexpr const char *kUpsertModelVersion = R"sql(
INSERT INTO model_versions (model_name, version, first_seen_at, last_seen_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (model_name, version) DO UPDATE SET
    first_seen_at = min(model_versions.first_seen_at, excluded.first_seen_at),
    last_seen_at = max(model_versions.last_seen_at, excluded.last_seen_at)
)sql";

// PostgreSQL's scalar min and max are LEAST and GREATEST, which SQLite does not have.
constexpr const char *kUpsertModelVersionPostgres = R"sql(
INSERT INTO model_versions (model_name, version, first_seen_at, last_seen_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (model_name, version) DO UPDATE SET
    first_seen_at = least(model_versions.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(model_versions.last_seen_at, excluded.last_seen_at)
)sql";

// On PostgreSQL the upsert says what it did: a row comes back when it inserted or updated, and
// xmax is 0 only on a row this statement inserted.
constexpr const char *kUpsertReturning = "RETURNING id, xmax = 0";

constexpr const char *kInsertQuarantine = R"sql(
INSERT INTO quarantine (ingest_run_id, source_file, line_number, reason, raw, raw_bytes, raw_hash, quarantined_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (source_file, line_number, raw_hash) DO NOTHING
)sql";

void bindKey(Statement &statement, int index, const std::array<unsigned char, 16> &key)
{
    statement.bindBlob(index, key.data(), int(key.size()));
}

} // namespace

CaptureCounts &CaptureCounts::operator+=(const CaptureCounts &other)
{
    read += other.read;
    stored += other.stored;
    updated += other.updated;
    unchanged += other.unchanged;
    skipped += other.skipped;
    recordsSkipped += other.recordsSkipped;
    rejected += other.rejected;
    interactionsAdded += other.interactionsAdded;
    feedbackAdded += other.feedbackAdded;
    correctionsAdded += other.correctionsAdded;
    return *this;
}

CaptureWriter::CaptureWriter(Store &store, qint64 sourceId, std::string sourceName)
    : m_store(&store)
    , m_sourceId(sourceId)
    , m_sourceName(std::move(sourceName))
{}

CaptureWriter::~CaptureWriter()
{
    if (m_inBatch)
        rollback();
}

Result<CaptureWriter> CaptureWriter::create(Store &store, std::string_view sourceName)
{
    if (sourceName.empty())
        return Error{QStringLiteral("a source name must not be empty")};
    auto sourceId = store.sourceId(sourceName);
    if (!sourceId)
        return sourceId.error();
    CaptureWriter writer(store, *sourceId, std::string(sourceName));
    if (Status s = writer.prepareAll(); !s)
        return s.error();
    return writer;
}

Status CaptureWriter::prepareAll()
{
    Database &db = m_store->db();
    const std::string upsert = db.isPostgres() ? std::string(kUpsertInteraction) + kUpsertReturning
                                               : std::string(kUpsertInteraction);
    const std::pair<Statement *, const char *> statements[] = {
        {&m_upsert, upsert.c_str()},
        {&m_findInteraction, "SELECT id FROM interactions WHERE external_key BETWEEN ?1 AND ?4 AND "
                             "source_id = ?2 AND external_id = ?3"},
        {&m_keyHolder,
         "SELECT source_id = ?2 AND external_id = ?3 FROM interactions WHERE external_key = ?1"},
        {&m_insertFeedback, kInsertFeedback},
        {&m_insertCorrection, kInsertCorrection},
        {&m_attachFeedback, "UPDATE feedback_events SET interaction_id = ?1 WHERE source_id = ?2 AND "
                            "interaction_external_id = ?3 AND interaction_id IS NULL"},
        {&m_attachCorrections, "UPDATE corrections SET interaction_id = ?1 WHERE source_id = ?2 AND "
                               "interaction_external_id = ?3 AND interaction_id IS NULL"},
        {&m_upsertModelVersion, db.isPostgres() ? kUpsertModelVersionPostgres : kUpsertModelVersion},
        {&m_insertQuarantine, kInsertQuarantine},
        // An interaction whose content an ingest changed is logged for the next incremental
        // curation run, when a run has curated it (its id is at most the latest watermark). This is
        // done here rather than by a trigger: an UPDATE trigger on interactions makes every upsert
        // more than twice as slow.
        {&m_logChanged, "INSERT INTO curation_dirty (interaction_id) SELECT id FROM interactions "
                        "WHERE external_key = ?1 AND id <= (SELECT watermark FROM curation_runs "
                        "ORDER BY id DESC LIMIT 1)"},
    };
    for (const auto &[statement, sql] : statements) {
        auto prepared = db.prepare(sql);
        if (!prepared)
            return prepared.error();
        *statement = std::move(*prepared);
    }
    // Events that arrived before their interaction wait with interaction_id NULL; while there are
    // none, inserting an interaction skips looking for them.
    auto waiting =
        db.queryInt("SELECT EXISTS (SELECT 1 FROM feedback_events WHERE interaction_id IS NULL) OR "
                    "EXISTS (SELECT 1 FROM corrections WHERE interaction_id IS NULL)");
    if (!waiting)
        return waiting.error();
    m_eventsWaiting = *waiting != 0;
    return {};
}

Status CaptureWriter::begin()
{
    if (m_inBatch)
        return Error{QStringLiteral("a batch is already open")};
    if (Status s = m_store->db().beginWrite(); !s)
        return s;
    m_inBatch = true;
    m_batchTime = currentTimeMs();
    return {};
}

Status CaptureWriter::commit()
{
    if (!m_inBatch)
        return Error{QStringLiteral("no batch is open")};
    if (Status s = flushModelVersions(); !s)
        return s;
    if (Status s = m_store->db().exec("COMMIT"); !s)
        return s;
    m_inBatch = false;
    return {};
}

void CaptureWriter::rollback()
{
    (void)m_store->db().exec("ROLLBACK");
    m_inBatch = false;
    m_modelVersions.clear();
    m_lastModelVersion = nullptr;
}

qint64 CaptureWriter::externalKey(std::string_view externalId) const
{
    if (s_keyFunction)
        return s_keyFunction(m_sourceId, externalId);
    Hasher hasher;
    hasher.add(m_sourceId).add(externalId);
    return qint64(hasher.digest64() >> 2); // 62 bits: key + kKeySlots never overflows
}

CaptureWriter::KeyFunction CaptureWriter::s_keyFunction = nullptr;

void CaptureWriter::setKeyFunctionForTesting(KeyFunction function)
{
    s_keyFunction = function;
}

Result<bool> CaptureWriter::keyHeldByOther(qint64 key, std::string_view externalId)
{
    m_keyHolder.bind(1, key);
    m_keyHolder.bind(2, m_sourceId);
    m_keyHolder.bindUnowned(3, externalId);
    auto row = m_keyHolder.step();
    const bool other = row && *row && m_keyHolder.columnInt(0) == 0;
    m_keyHolder.reset();
    if (!row)
        return row.error();
    return other;
}

void CaptureWriter::bindInteraction(const InteractionRecord &r, qint64 key)
{
    // The record outlives the step, so its text is bound without copying.
    Statement &s = m_upsert;
    s.bind(1, m_sourceId);
    s.bindUnowned(2, r.externalId);
    s.bind(3, r.timestampMs);
    s.bindUnownedOrNull(4, r.sessionId);
    s.bindUnownedOrNull(5, r.userId);
    s.bindUnownedOrNull(6, r.modelName);
    s.bindUnownedOrNull(7, r.modelVersion);
    s.bindUnowned(8, r.inputJson);
    if (r.output)
        s.bindUnowned(9, *r.output);
    else
        s.bindNull(9);
    s.bindUnownedOrNull(10, r.outputToolCallsJson);
    s.bind(11, r.latencyMs);
    s.bind(12, r.promptTokens);
    s.bind(13, r.completionTokens);
    s.bindUnownedOrNull(14, r.finishReason);
    s.bindUnownedOrNull(15, r.category);
    if (r.outcome)
        s.bind(16, outcomeName(*r.outcome));
    else
        s.bindNull(16);
    s.bindUnownedOrNull(17, r.metadataJson);
    s.bind(18, qint64(r.contentHash));
    s.bind(19, m_batchTime);
    s.bind(20, key);
}

Result<CaptureWriter::Upsert> CaptureWriter::upsertInteraction(const InteractionRecord &r)
{
    Database &db = m_store->db();
    const qint64 firstKey = externalKey(r.externalId);
    for (qint64 key = firstKey; key < firstKey + kKeySlots; ++key) {
        bindInteraction(r, key);
        auto changed = runUpsert(db);
        if (!changed)
            return changed.error();
        if (*changed) {
            const qint64 inserted = **changed;
            if (inserted == 0) {
                m_logChanged.bind(1, key);
                if (Status st = m_logChanged.run(); !st)
                    return st.error();
            }
            return stored(r, inserted);
        }
        // Nothing changed: an identical repeat of this id, or another id holding the key.
        auto collision = keyHeldByOther(key, r.externalId);
        if (!collision)
            return collision.error();
        if (!*collision)
            return Upsert::Unchanged;
    }
    return Error{
        QStringLiteral("interaction id \"%1\" collides with %2 other ids under the store's 62-bit id "
                       "hash; this should never happen, please report it")
            .arg(QString::fromStdString(r.externalId))
            .arg(kKeySlots)};
}

Result<std::optional<qint64>> CaptureWriter::runUpsert(Database &db)
{
    if (db.isPostgres()) {
        auto row = m_upsert.step();
        std::optional<qint64> changed;
        if (row && *row)
            changed = m_upsert.columnInt(1) != 0 ? m_upsert.columnInt(0) : 0;
        m_upsert.reset();
        if (!row)
            return row.error();
        return changed;
    }
    // RETURNING would run a sub-program per row; changes() and the last rowid tell the cases
    // apart at no cost: only an insert sets the last rowid, which starts from 0 (no row has id 0).
    db.setLastInsertRowId(0);
    if (Status st = m_upsert.run(); !st)
        return st.error();
    if (db.changes() == 0)
        return std::optional<qint64>();
    return std::optional<qint64>(db.lastInsertRowId());
}

Result<CaptureWriter::Upsert> CaptureWriter::stored(const InteractionRecord &r, qint64 insertedId)
{
    const bool inserted = insertedId != 0;
    if (!r.modelName.empty())
        noteModelVersion(r);
    if (inserted && m_eventsWaiting) {
        if (Status st = attachWaitingEvents(insertedId, r.externalId); !st)
            return st.error();
    }
    return inserted ? Upsert::Inserted : Upsert::Updated;
}

void CaptureWriter::noteModelVersion(const InteractionRecord &r)
{
    // Consecutive lines nearly always share a model version: look it up once per run of them.
    if (!m_lastModelVersion || m_lastModelVersion->first.first != r.modelName ||
        m_lastModelVersion->first.second != r.modelVersion)
        m_lastModelVersion =
            &*m_modelVersions.try_emplace({r.modelName, r.modelVersion}, r.timestampMs, r.timestampMs).first;
    auto &[first, last] = m_lastModelVersion->second;
    first = qMin(first, r.timestampMs);
    last = qMax(last, r.timestampMs);
}

Result<std::optional<qint64>> CaptureWriter::findInteraction(std::string_view externalId)
{
    const qint64 key = externalKey(externalId);
    m_findInteraction.bind(1, key);
    m_findInteraction.bind(2, m_sourceId);
    m_findInteraction.bindUnowned(3, externalId);
    m_findInteraction.bind(4, key + kKeySlots - 1);
    auto row = m_findInteraction.step();
    if (!row)
        return row.error();
    std::optional<qint64> id;
    if (*row)
        id = m_findInteraction.columnInt(0);
    m_findInteraction.reset();
    return id;
}

Status CaptureWriter::attachWaitingEvents(qint64 interactionId, std::string_view externalId)
{
    for (Statement *attach : {&m_attachFeedback, &m_attachCorrections}) {
        attach->bind(1, interactionId);
        attach->bind(2, m_sourceId);
        attach->bind(3, externalId);
        if (Status s = attach->run(); !s)
            return s;
    }
    return {};
}

Result<bool> CaptureWriter::addFeedback(const FeedbackRecord &r)
{
    auto interaction = findInteraction(r.interactionExternalId);
    if (!interaction)
        return interaction.error();

    Hasher key;
    key.add(std::string_view("feedback")).add(m_sourceId).add(r.interactionExternalId);
    if (!r.eventId.empty())
        key.add(std::string_view("id")).add(r.eventId);
    else
        key.add(feedbackKindName(r.kind))
            .add(r.value)
            .add(r.label)
            .add(r.name)
            .add(r.comment)
            .add(r.origin)
            .add(r.timestampMs)
            .add(r.metadataJson);

    Statement &s = m_insertFeedback;
    s.bind(1, *interaction);
    s.bind(2, m_sourceId);
    s.bind(3, r.interactionExternalId);
    s.bind(4, feedbackKindName(r.kind));
    s.bind(5, r.value);
    s.bindTextOrNull(6, r.label);
    s.bindTextOrNull(7, r.name);
    s.bindTextOrNull(8, r.comment);
    s.bindTextOrNull(9, r.origin);
    s.bind(10, r.timestampMs);
    s.bindTextOrNull(11, r.metadataJson);
    bindKey(s, 12, key.digest128());
    s.bind(13, m_batchTime);
    return insertEvent(s, interaction->has_value());
}

Result<bool> CaptureWriter::addCorrection(const CorrectionRecord &r)
{
    auto interaction = findInteraction(r.interactionExternalId);
    if (!interaction)
        return interaction.error();

    Hasher key;
    key.add(std::string_view("correction")).add(m_sourceId).add(r.interactionExternalId);
    if (!r.eventId.empty())
        key.add(std::string_view("id")).add(r.eventId);
    else
        key.add(r.correctedOutput).add(r.author).add(r.timestampMs).add(r.metadataJson);

    Statement &s = m_insertCorrection;
    s.bind(1, *interaction);
    s.bind(2, m_sourceId);
    s.bind(3, r.interactionExternalId);
    s.bind(4, r.correctedOutput);
    s.bindTextOrNull(5, r.author);
    s.bind(6, r.timestampMs);
    s.bindTextOrNull(7, r.metadataJson);
    bindKey(s, 8, key.digest128());
    s.bind(9, m_batchTime);
    return insertEvent(s, interaction->has_value());
}

Result<bool> CaptureWriter::insertEvent(Statement &insert, bool attached)
{
    if (Status st = insert.run(); !st)
        return st.error();
    const bool added = m_store->db().changes() > 0;
    // An event stored before its interaction waits; the next interaction insert looks for it.
    if (added && !attached)
        m_eventsWaiting = true;
    return added;
}

Result<bool> CaptureWriter::quarantine(const QuarantineRecord &r, qint64 ingestRunId)
{
    Hasher rawHash;
    rawHash.add(r.raw).add(r.rawBytes);
    Statement &s = m_insertQuarantine;
    if (ingestRunId > 0)
        s.bind(1, ingestRunId);
    else
        s.bindNull(1);
    s.bind(2, r.sourceFile);
    s.bind(3, r.lineNumber);
    s.bind(4, r.reason);
    s.bindBlob(5, r.raw.data(), int(r.raw.size()));
    s.bind(6, r.rawBytes);
    bindKey(s, 7, rawHash.digest128());
    s.bind(8, m_batchTime);
    if (Status st = s.run(); !st)
        return st.error();
    return m_store->db().changes() > 0;
}

Status CaptureWriter::recordDeployment(std::string_view modelName, std::string_view version,
                                       qint64 deployedAtMs)
{
    // The version may not have been seen yet: register it so the deployment is never lost.
    auto upsert = m_store->db().prepare(
        "INSERT INTO model_versions (model_name, version, first_seen_at, last_seen_at, deployed_at) "
        "VALUES (?1, ?2, ?3, ?3, ?3) ON CONFLICT (model_name, version) DO UPDATE SET deployed_at = ?3");
    if (!upsert)
        return upsert.error();
    upsert->bind(1, modelName);
    upsert->bind(2, version);
    upsert->bind(3, deployedAtMs);
    return upsert->run();
}

Status CaptureWriter::flushModelVersions()
{
    for (const auto &[key, seen] : m_modelVersions) {
        m_upsertModelVersion.bind(1, key.first);
        m_upsertModelVersion.bind(2, key.second);
        m_upsertModelVersion.bind(3, seen.first);
        m_upsertModelVersion.bind(4, seen.second);
        if (Status s = m_upsertModelVersion.run(); !s)
            return s;
    }
    m_modelVersions.clear();
    m_lastModelVersion = nullptr;
    return {};
}

Result<qint64> CaptureWriter::startRun(std::string_view inputsJson)
{
    auto insert = m_store->db().prepare("INSERT INTO ingest_runs (started_at, status, source_name, inputs) "
                                        "VALUES (?1, 'running', ?2, ?3)");
    if (!insert)
        return insert.error();
    insert->bind(1, currentTimeMs());
    insert->bind(2, m_sourceName);
    insert->bind(3, inputsJson);
    if (Status s = insert->run(); !s)
        return s.error();
    return m_store->db().lastInsertRowId();
}

Status CaptureWriter::finishRun(qint64 runId, const CaptureCounts &c, std::string_view status,
                                std::string_view message)
{
    auto update = m_store->db().prepare(
        "UPDATE ingest_runs SET finished_at = ?2, status = ?3, lines_read = ?4, stored = ?5, updated = ?6, "
        "unchanged = ?7, rejected = ?8, message = ?9, skipped = ?10 WHERE id = ?1");
    if (!update)
        return update.error();
    update->bind(1, runId);
    update->bind(2, currentTimeMs());
    update->bind(3, status);
    update->bind(4, c.read);
    update->bind(5, c.stored);
    update->bind(6, c.updated);
    update->bind(7, c.unchanged);
    update->bind(8, c.rejected);
    update->bindTextOrNull(9, message);
    update->bind(10, c.skipped);
    return update->run();
}

} // namespace flywheel
