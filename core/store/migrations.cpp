#include "store/migrations.h"

#include <array>

namespace flywheel {
namespace {

// Version 1: the capture tables. Times are UTC epoch milliseconds; JSON columns hold UTF-8 JSON text
// so the sqlite3 shell's json functions work on them. docs/store.md documents every column.
constexpr const char *kCaptureSchema = R"sql(
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE interactions (
    id                 INTEGER PRIMARY KEY,
    source_id          INTEGER NOT NULL REFERENCES sources(id),
    external_id        TEXT NOT NULL,
    external_key       INTEGER NOT NULL UNIQUE,
    ts                 INTEGER NOT NULL,
    session_id         TEXT,
    user_id            TEXT,
    model_name         TEXT,
    model_version      TEXT,
    input              TEXT NOT NULL,
    output             TEXT,
    output_tool_calls  TEXT,
    latency_ms         INTEGER,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    finish_reason      TEXT,
    category           TEXT,
    outcome            TEXT NOT NULL DEFAULT 'none'
                       CHECK (outcome IN ('none', 'accepted', 'edited', 'regenerated', 'abandoned', 'copied')),
    metadata           TEXT,
    content_hash       INTEGER NOT NULL,
    ingested_at        INTEGER NOT NULL,
    updated_at         INTEGER
);

CREATE TABLE feedback_events (
    id                       INTEGER PRIMARY KEY,
    interaction_id           INTEGER REFERENCES interactions(id) ON DELETE CASCADE,
    source_id                INTEGER NOT NULL REFERENCES sources(id),
    interaction_external_id  TEXT NOT NULL,
    kind                     TEXT NOT NULL CHECK (kind IN ('thumbs', 'rating', 'comment', 'label')),
    value                    REAL,
    label                    TEXT,
    name                     TEXT,
    comment                  TEXT,
    origin                   TEXT,
    ts                       INTEGER,
    metadata                 TEXT,
    event_key                BLOB NOT NULL UNIQUE,
    ingested_at              INTEGER NOT NULL
);
CREATE INDEX feedback_by_interaction ON feedback_events (interaction_id);
CREATE INDEX feedback_awaiting_interaction ON feedback_events (source_id, interaction_external_id)
    WHERE interaction_id IS NULL;

CREATE TABLE corrections (
    id                       INTEGER PRIMARY KEY,
    interaction_id           INTEGER REFERENCES interactions(id) ON DELETE CASCADE,
    source_id                INTEGER NOT NULL REFERENCES sources(id),
    interaction_external_id  TEXT NOT NULL,
    corrected_output         TEXT NOT NULL,
    author                   TEXT,
    ts                       INTEGER,
    metadata                 TEXT,
    event_key                BLOB NOT NULL UNIQUE,
    ingested_at              INTEGER NOT NULL
);
CREATE INDEX corrections_by_interaction ON corrections (interaction_id);
CREATE INDEX corrections_awaiting_interaction ON corrections (source_id, interaction_external_id)
    WHERE interaction_id IS NULL;

CREATE TABLE model_versions (
    id             INTEGER PRIMARY KEY,
    model_name     TEXT NOT NULL,
    version        TEXT NOT NULL,
    first_seen_at  INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    deployed_at    INTEGER,
    notes          TEXT,
    UNIQUE (model_name, version)
);

CREATE TABLE ingest_runs (
    id           INTEGER PRIMARY KEY,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    status       TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
    source_name  TEXT NOT NULL,
    inputs       TEXT NOT NULL,
    lines_read   INTEGER NOT NULL DEFAULT 0,
    stored       INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    message      TEXT
);

CREATE TABLE quarantine (
    id              INTEGER PRIMARY KEY,
    ingest_run_id   INTEGER REFERENCES ingest_runs(id) ON DELETE SET NULL,
    source_file     TEXT NOT NULL,
    line_number     INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    raw             BLOB NOT NULL,
    raw_bytes       INTEGER NOT NULL,
    raw_hash        BLOB NOT NULL,
    quarantined_at  INTEGER NOT NULL,
    UNIQUE (source_file, line_number, raw_hash)
);
)sql";

// Version 2: importers of traces read records that are not model calls and skip them, counted.
constexpr const char *kSkippedCount = R"sql(
ALTER TABLE ingest_runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 3: curation. Automated results are rewritten by each curation run for the interactions
// it processes; reviews are people's decisions, never written by curation, and win over its labels.
constexpr const char *kCurationSchema = R"sql(
CREATE TABLE curation_runs (
    id           INTEGER PRIMARY KEY,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    status       TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
    mode         TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
    rules_hash   TEXT NOT NULL,
    processed    INTEGER NOT NULL DEFAULT 0,
    stages       TEXT,
    message      TEXT
);

CREATE TABLE curation (
    interaction_id  INTEGER PRIMARY KEY REFERENCES interactions(id) ON DELETE CASCADE,
    label           TEXT NOT NULL
                    CHECK (label IN ('gold', 'positive', 'negative', 'conflicting', 'unlabeled')),
    score           REAL NOT NULL,
    votes           TEXT,
    input_hash      INTEGER NOT NULL,
    cluster_id      INTEGER,
    segment         TEXT NOT NULL,
    fingerprint     INTEGER NOT NULL,
    run_id          INTEGER NOT NULL REFERENCES curation_runs(id)
);
CREATE INDEX curation_by_cluster ON curation (cluster_id) WHERE cluster_id IS NOT NULL;

CREATE TABLE flags (
    interaction_id  INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    priority        REAL NOT NULL,
    detail          TEXT,
    PRIMARY KEY (interaction_id, reason)
) WITHOUT ROWID;
CREATE INDEX flags_by_priority ON flags (priority DESC);

CREATE TABLE pii_spans (
    interaction_id  INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    field           TEXT NOT NULL CHECK (field IN ('input', 'output')),
    message_index   INTEGER,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('email', 'phone', 'card', 'iban', 'ip', 'secret')),
    start           INTEGER NOT NULL,
    length          INTEGER NOT NULL
);
CREATE INDEX pii_by_interaction ON pii_spans (interaction_id);

CREATE TABLE reviews (
    id                INTEGER PRIMARY KEY,
    interaction_id    INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    decision          TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'correct', 'skip')),
    label             TEXT CHECK (label IN ('gold', 'positive', 'negative')),
    corrected_output  TEXT,
    flag_reason       TEXT,
    note              TEXT,
    reviewer          TEXT,
    created_at        INTEGER NOT NULL
);
CREATE INDEX reviews_by_interaction ON reviews (interaction_id, created_at);
)sql";

// Version 4: near-duplicate pairs found by curation (the clusters are in curation.cluster_id).
constexpr const char *kNearDuplicatePairs = R"sql(
CREATE TABLE duplicate_pairs (
    first_id    INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    second_id   INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    similarity  REAL NOT NULL,
    PRIMARY KEY (first_id, second_id)
) WITHOUT ROWID;
)sql";

// Version 5: per-segment coverage of each curation run, for the review queue and coverage charts.
constexpr const char *kSegmentStats = R"sql(
CREATE TABLE segment_stats (
    run_id          INTEGER NOT NULL REFERENCES curation_runs(id) ON DELETE CASCADE,
    segment         TEXT NOT NULL,
    traffic         INTEGER NOT NULL,
    curated         INTEGER NOT NULL,
    failures        INTEGER NOT NULL,
    traffic_share   REAL NOT NULL,
    curated_share   REAL NOT NULL,
    failure_rate    REAL NOT NULL,
    hardness        REAL NOT NULL,
    under_covered   INTEGER NOT NULL,
    PRIMARY KEY (run_id, segment)
) WITHOUT ROWID;
)sql";

// Version 6: the label that counts, a person's over curation's, for exports and charts.
constexpr const char *kEffectiveLabels = R"sql(
CREATE VIEW effective_labels AS
SELECT c.interaction_id,
       coalesce(r.label, c.label) AS label,
       CASE WHEN r.label IS NULL THEN 'rules' ELSE 'review' END AS decided_by
FROM curation c
LEFT JOIN reviews r ON r.id = (SELECT id FROM reviews
                               WHERE interaction_id = c.interaction_id AND label IS NOT NULL
                               ORDER BY created_at DESC, id DESC LIMIT 1);
)sql";

// Version 7: what an incremental curation run needs to give what a full run gives. Per
// interaction, the inputs of the whole-store stages (rules that voted, model, latency, content);
// per distinct input, its MinHash signature; per near-duplicate pair, the LSH bands that found it;
// the topic model. Triggers list the curated interactions whose events change after a run started
// (up to its watermark, the highest interaction id it curates), and ingest those whose content it
// changes, so the next run recomputes exactly those and the ones that are new.
constexpr const char *kIncrementalCuration = R"sql(
ALTER TABLE curation ADD COLUMN fired INTEGER;
ALTER TABLE curation ADD COLUMN model_key INTEGER;
ALTER TABLE curation ADD COLUMN latency_ms INTEGER;
ALTER TABLE curation ADD COLUMN corrected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE curation ADD COLUMN content_hash INTEGER;
ALTER TABLE duplicate_pairs ADD COLUMN bands INTEGER NOT NULL DEFAULT 0;
ALTER TABLE curation_runs ADD COLUMN watermark INTEGER;
ALTER TABLE curation_runs ADD COLUMN reason TEXT;
ALTER TABLE curation_runs ADD COLUMN curated INTEGER;

CREATE TABLE curation_texts (
    input_hash  INTEGER PRIMARY KEY,
    signature   BLOB NOT NULL
);

CREATE TABLE curation_state (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE curation_dirty (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction_id  INTEGER NOT NULL
);

CREATE TRIGGER feedback_inserted_dirty AFTER INSERT ON feedback_events
WHEN NEW.interaction_id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1)
BEGIN INSERT INTO curation_dirty (interaction_id) VALUES (NEW.interaction_id); END;
CREATE TRIGGER feedback_updated_dirty AFTER UPDATE ON feedback_events
BEGIN INSERT INTO curation_dirty (interaction_id)
      SELECT id FROM (SELECT OLD.interaction_id AS id UNION SELECT NEW.interaction_id)
      WHERE id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1); END;
CREATE TRIGGER feedback_deleted_dirty AFTER DELETE ON feedback_events
WHEN OLD.interaction_id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1)
BEGIN INSERT INTO curation_dirty (interaction_id) VALUES (OLD.interaction_id); END;

CREATE TRIGGER corrections_inserted_dirty AFTER INSERT ON corrections
WHEN NEW.interaction_id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1)
BEGIN INSERT INTO curation_dirty (interaction_id) VALUES (NEW.interaction_id); END;
CREATE TRIGGER corrections_updated_dirty AFTER UPDATE ON corrections
BEGIN INSERT INTO curation_dirty (interaction_id)
      SELECT id FROM (SELECT OLD.interaction_id AS id UNION SELECT NEW.interaction_id)
      WHERE id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1); END;
CREATE TRIGGER corrections_deleted_dirty AFTER DELETE ON corrections
WHEN OLD.interaction_id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1)
BEGIN INSERT INTO curation_dirty (interaction_id) VALUES (OLD.interaction_id); END;

CREATE TRIGGER reviews_inserted_dirty AFTER INSERT ON reviews
WHEN NEW.interaction_id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1)
BEGIN INSERT INTO curation_dirty (interaction_id) VALUES (NEW.interaction_id); END;
CREATE TRIGGER reviews_updated_dirty AFTER UPDATE ON reviews
BEGIN INSERT INTO curation_dirty (interaction_id)
      SELECT id FROM (SELECT OLD.interaction_id AS id UNION SELECT NEW.interaction_id)
      WHERE id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1); END;
CREATE TRIGGER reviews_deleted_dirty AFTER DELETE ON reviews
WHEN OLD.interaction_id <= (SELECT watermark FROM curation_runs ORDER BY id DESC LIMIT 1)
BEGIN INSERT INTO curation_dirty (interaction_id) VALUES (OLD.interaction_id); END;

)sql";

// Version 8: exported datasets, each a version of a named dataset, and the interactions in each
// with their split, and the dataset version each model version was trained on: the lineage from a
// model back to the traffic its data came from. Items of pinned datasets (evaluation sets) never
// enter a later export's train split.
constexpr const char *kDatasets = R"sql(
CREATE TABLE datasets (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    version          INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    format           TEXT NOT NULL,
    path             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    curation_run_id  INTEGER REFERENCES curation_runs(id) ON DELETE SET NULL,
    rules_hash       TEXT,
    options          TEXT NOT NULL,
    manifest_sha256  TEXT NOT NULL,
    examples         INTEGER NOT NULL,
    pinned           INTEGER NOT NULL DEFAULT 0,
    staging          TEXT,
    UNIQUE (name, version)
);

CREATE TABLE dataset_items (
    dataset_id      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    interaction_id  INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    split           TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
    PRIMARY KEY (dataset_id, interaction_id)
) WITHOUT ROWID;
CREATE INDEX dataset_items_by_interaction ON dataset_items (interaction_id);

ALTER TABLE model_versions ADD COLUMN trained_on_dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL;
)sql";

// Version 9: the review studio. A decision records the seconds the reviewer spent on the item,
// tags and a segment the reviewer set; the history panel lists decisions by time. The search
// index holds the words of each interaction's user messages, output and corrections (people's and
// reviewers'); search_state keeps how far it has indexed, so it catches up incrementally, and the
// partial index on updated_at finds the few interactions whose content changed without a scan.
constexpr const char *kReviewStudio = R"sql(
ALTER TABLE reviews ADD COLUMN seconds REAL;
ALTER TABLE reviews ADD COLUMN tags TEXT;
ALTER TABLE reviews ADD COLUMN segment TEXT;
CREATE INDEX reviews_by_time ON reviews (created_at);
CREATE INDEX interactions_updated ON interactions (updated_at) WHERE updated_at IS NOT NULL;

CREATE VIRTUAL TABLE search_index USING fts5(input, output, corrections,
                                             tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE search_state (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 10: the flywheel-health dashboard's rollups. Each completed curation run rebuilds
// daily_rollup and flag_rollup in its write transaction, from what it holds in memory: per UTC day,
// model version and segment, the counts the dashboard's charts sum, so refreshing them reads a few
// thousand rows instead of a million. curation keeps each interaction's day and outcome bits, so an
// incremental run rebuilds the rollup without reading the interactions it does not recompute.
// dataset_segments counts each dataset version's items per segment when the exporter publishes it.
constexpr const char *kDashboardRollups = R"sql(
ALTER TABLE curation ADD COLUMN day INTEGER;
ALTER TABLE curation ADD COLUMN signal_bits INTEGER;

CREATE TABLE daily_rollup (
    day              INTEGER NOT NULL,
    model_key        INTEGER NOT NULL,
    segment          TEXT NOT NULL,
    model_name       TEXT NOT NULL,
    model_version    TEXT NOT NULL,
    interactions     INTEGER NOT NULL,
    accepted         INTEGER NOT NULL,
    corrected        INTEGER NOT NULL,
    with_correction  INTEGER NOT NULL,
    abandoned        INTEGER NOT NULL,
    thumbed          INTEGER NOT NULL,
    thumbs_up        INTEGER NOT NULL,
    curated          INTEGER NOT NULL,
    failures         INTEGER NOT NULL,
    flagged          INTEGER NOT NULL,
    duplicates       INTEGER NOT NULL,
    PRIMARY KEY (day, model_key, segment)
) WITHOUT ROWID;

CREATE TABLE flag_rollup (
    day            INTEGER NOT NULL,
    model_key      INTEGER NOT NULL,
    segment        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    model_name     TEXT NOT NULL,
    model_version  TEXT NOT NULL,
    flagged        INTEGER NOT NULL,
    PRIMARY KEY (day, model_key, segment, reason)
) WITHOUT ROWID;

CREATE TABLE dataset_segments (
    dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    segment     TEXT NOT NULL,
    items       INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, segment)
) WITHOUT ROWID;

INSERT INTO dataset_segments (dataset_id, segment, items)
SELECT d.dataset_id, coalesce(c.segment, 'uncategorized'), count(*)
FROM dataset_items d LEFT JOIN curation c ON c.interaction_id = d.interaction_id
GROUP BY 1, 2;

-- Counted once, when the exporter publishes a dataset (clears its staging): one aggregate
-- statement instead of a trigger per item, which would slow every export down by a tenth.
CREATE TRIGGER datasets_published_segments AFTER UPDATE OF staging ON datasets
WHEN OLD.staging IS NOT NULL AND NEW.staging IS NULL
BEGIN
    DELETE FROM dataset_segments WHERE dataset_id = NEW.id;
    INSERT INTO dataset_segments (dataset_id, segment, items)
    SELECT NEW.id, coalesce(c.segment, 'uncategorized'), count(*)
    FROM dataset_items d LEFT JOIN curation c ON c.interaction_id = d.interaction_id
    WHERE d.dataset_id = NEW.id
    GROUP BY 2;
END;
)sql";

// Version 11: the team's annotation guidelines, kept as versions (never edited in place), and the
// version each decision was made under, so a label can be read against the rules its reviewer had.
constexpr const char *kGuidelines = R"sql(
CREATE TABLE guidelines (
    version     INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    author      TEXT,
    created_at  INTEGER NOT NULL
);
ALTER TABLE reviews ADD COLUMN guidelines_version INTEGER REFERENCES guidelines(version);
)sql";

// Version 12: OTLP telemetry waiting for its other half. The official GenAI instrumentations send a
// model call's span and its content events (log records) separately, in either order and in
// different requests; each half is held here, durably, until the other arrives or the collector's
// wait runs out (core/ingest/otlp/otlpjoin.cpp). Once stored, a call's span ('stored') and events
// ('kept') stay a while longer, so an event that comes late still completes it; the waiting halves
// are the 'span' and 'event' rows alone, so the sweeps read only those.
constexpr const char *kHeldTelemetry = R"sql(
CREATE TABLE telemetry_held (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('span', 'event', 'stored', 'kept')),
    trace_id      TEXT NOT NULL,
    span_id       TEXT NOT NULL,
    service       TEXT NOT NULL,
    payload       BLOB NOT NULL,
    payload_hash  BLOB NOT NULL,
    received_at   INTEGER NOT NULL,
    UNIQUE (trace_id, span_id, kind, payload_hash)
);
CREATE INDEX telemetry_held_by_age ON telemetry_held (kind, received_at);
)sql";

// Version 13: where a store was copied from (`flywheel store copy`), so that an interrupted copy
// resumes and a store that holds something else is never copied into.
constexpr const char *kStoreCopies = R"sql(
CREATE TABLE store_copies (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
)sql";

// Version 14: curation_state's numbers (run ids, counts) in a column of their own, beside the bytes
// of the topic model: SQLite let one column hold either, which no other engine types alike.
constexpr const char *kCurationStateNumbers = R"sql(
ALTER TABLE curation_state ADD COLUMN number INTEGER;
UPDATE curation_state SET number = value, value = '' WHERE typeof(value) = 'integer';
)sql";

constexpr std::array kMigrations{
    Migration{"capture tables: interactions, feedback, corrections, model versions, ingest runs, quarantine",
              kCaptureSchema},
    Migration{"ingest runs count skipped records", kSkippedCount},
    Migration{"curation: runs, per-interaction results, flags, personal-data spans, reviews",
              kCurationSchema},
    Migration{"near-duplicate pairs", kNearDuplicatePairs},
    Migration{"per-segment coverage of curation runs", kSegmentStats},
    Migration{"effective labels: the latest review's over the rules'", kEffectiveLabels},
    Migration{"incremental curation: per-interaction inputs, text signatures, pair bands, change log",
              kIncrementalCuration},
    Migration{"datasets and the interactions in them", kDatasets},
    Migration{"review studio: decision time, tags and segment; full-text search index", kReviewStudio},
    Migration{"dashboard rollups: per day, model version and segment; dataset items per segment",
              kDashboardRollups},
    Migration{"annotation guidelines, versioned; the version each review was made under", kGuidelines},
    Migration{"OTLP spans and content events held until their other half arrives", kHeldTelemetry},
    Migration{"store copies: the source of each copy, for resuming it", kStoreCopies},
    Migration{"curation state: numbers in a column of their own", kCurationStateNumbers},
};

} // namespace

std::span<const Migration> migrations()
{
    return kMigrations;
}

int latestSchemaVersion()
{
    return int(kMigrations.size());
}

} // namespace flywheel
