#include "curate/curationrun.h"

#include "curate/flags.h"
#include "curate/textnorm.h"
#include "store/exclusivework.h"
#include "store/statement.h"
#include "store/store.h"
#include "util/hasher.h"
#include "util/jsontext.h"
#include "util/orderedpipeline.h"

#include <QElapsedTimer>
#include <QScopeGuard>

#include <algorithm>
#include <cmath>
#include <thread>

namespace flywheel {
namespace {

// A typical latency to two significant digits ("about 820 ms", "about 1.5 s"): enough for a
// reviewer to compare with, and stable while the median drifts by a few milliseconds, so new
// traffic does not rewrite every latency flag's detail.
std::string aboutLatency(qint64 ms)
{
    qint64 scale = 1;
    while (ms >= 100 * scale)
        scale *= 10;
    const qint64 rounded = (ms + scale / 2) / scale * scale;
    if (rounded < 1000)
        return "about " + std::to_string(rounded) + " ms";
    if (rounded < 10000)
        return "about " + std::to_string(rounded / 1000) + "." + std::to_string(rounded / 100 % 10) + " s";
    return "about " + std::to_string(rounded / 1000) + " s";
}

qint64 median(std::vector<qint64> &values)
{
    const auto middle = values.begin() + std::ptrdiff_t(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

} // namespace

// What a worker computes for one interaction, from it alone.
struct CurationRun::Computed {
    Curated curated;
    std::string normalized;
    std::vector<size_t> fired;
};

qint64 topicCheckpoint(qint64 uncategorized)
{
    if (uncategorized < 1000)
        return uncategorized;
    qint64 checkpoint = 1000;
    for (double next = 1250; qint64(std::llround(next)) <= uncategorized; next *= 1.25)
        checkpoint = qint64(std::llround(next));
    return checkpoint;
}

CurationRun::CurationRun(Store &store, const RuleSet &rules, const Curator::ProgressCallback &progress,
                         const std::atomic_bool *cancel, bool full, WriteTurn writeTurn)
    : m_store(&store)
    , m_writeTurn(std::move(writeTurn))
    , m_rules(rules)
    , m_progress(progress)
    , m_cancel(cancel)
    , m_duplicates(nearDuplicateSettings(), cancel)
{
    if (full)
        m_report.fullReason = "asked for";
}

CurationRun::~CurationRun() = default;

Result<Statement *> CurationRun::statement(const char *sql)
{
    std::unique_ptr<Statement> &slot = m_statements[sql];
    if (!slot) {
        auto prepared = m_store->db().prepare(sql);
        if (!prepared)
            return prepared.error();
        slot = std::make_unique<Statement>(std::move(*prepared));
    }
    slot->reset();
    return slot.get();
}

void CurationRun::progress(const char *stage, qint64 done, qint64 total) const
{
    if (m_progress)
        m_progress(CurationProgress{QString::fromLatin1(stage), done, total});
}

Status CurationRun::writing(const std::function<Status()> &write)
{
    if (!m_writeTurn)
        return write();
    // Statements belong to a connection: the reader's are dropped before and the writer's after.
    return m_writeTurn([&](Store &writer) {
        m_statements.clear();
        Store *reader = std::exchange(m_store, &writer);
        const auto back = qScopeGuard([&] {
            m_statements.clear();
            m_store = reader;
        });
        return write();
    });
}

Result<CurationReport> CurationRun::execute()
{
    // One run at a time, whoever starts it: two would each rewrite the results the other reads.
    auto exclusive = ExclusiveWork::acquire(m_store->path(), QStringLiteral("curation"));
    if (!exclusive)
        return exclusive.error();
    if (Status s = writing([&]() -> Status {
            auto runId = startRun();
            if (runId)
                m_report.runId = *runId;
            return runId ? Status{} : Status(runId.error());
        });
        !s)
        return s.error();
    for (const Rule &rule : m_rules.rules())
        m_report.rules.push_back({rule.id, std::string(labelName(rule.label))});
    const auto stage = [&](const char *name, auto &&work) -> Status {
        QElapsedTimer timer;
        timer.start();
        progress(name, 0, m_total);
        Status status = work();
        m_report.stages.append({QString::fromLatin1(name), timer.elapsed()});
        return status;
    };
    // Everything is read in one snapshot; a collector writing meanwhile is neither blocked nor seen.
    m_snapshot = std::make_unique<Transaction>(m_store->db(), Transaction::Kind::Deferred);
    Status status = m_snapshot->beginStatus();
    if (status)
        status = chooseMode();
    if (status && !cancelled()) {
        status = stage("signals", [&]() -> Status {
            if (!m_incremental)
                return readSignals({0, m_watermark, std::nullopt});
            if (Status s = readSignals({0, m_previousLastId, m_dirtySeq}); !s || cancelled())
                return s;
            if (Status s = readSignals({m_previousLastId, m_watermark, std::nullopt}); !s || cancelled())
                return s;
            return loadPrevious();
        });
    }
    if (status && !cancelled())
        status = stage("topics", [&] { return topics(); });
    if (status && !cancelled())
        status = stage("duplicates", [&] { return duplicates(); });
    if (status && !cancelled())
        status = stage("flags", [&]() -> Status {
            latencyOutliers();
            coverage();
            prioritise();
            return {};
        });
    if (status && !cancelled())
        status = stage("rollup", [&]() -> Status {
            m_rollup.build(m_curated, m_duplicates.clusterOf());
            return {};
        });
    m_snapshot.reset();
    if (status && !cancelled())
        status = stage("write", [&] { return writing([&] { return write(); }); });
    // The rollup's rows are written in the results' transaction; that time is the rollup's.
    for (CurationReport::Stage &s : m_report.stages) {
        if (s.name == QLatin1String("rollup"))
            s.ms += m_rollup.writeMs();
        else if (s.name == QLatin1String("write"))
            s.ms -= m_rollup.writeMs();
    }
    m_report.cancelled = cancelled();
    m_report.incremental = m_incremental;
    m_report.interactions = qint64(m_curated.size());
    for (const Curated &c : m_curated)
        ++m_report.labels[std::string(labelName(c.label))];
    if (status && !m_report.cancelled) {
        auto spans = m_store->db().queryInt("SELECT count(*) FROM pii_spans");
        m_report.personalDataSpans = spans ? *spans : 0;
    }
    const char *outcome = !status ? "failed" : m_report.cancelled ? "cancelled" : "completed";
    if (Status s = writing([&] { return finishRun(outcome, status.errorMessage()); }); !s && status)
        status = s;
    if (!status)
        return status.error();
    return m_report;
}

Result<qint64> CurationRun::startRun()
{
    // The watermark is set before the snapshot is taken: from then on, the triggers of schema
    // version 7 log every change to an interaction up to it that this run might not see.
    auto insert = m_store->db().prepare(
        "INSERT INTO curation_runs (started_at, status, mode, rules_hash, watermark) "
        "VALUES (?1, 'running', 'full', ?2, (SELECT coalesce(max(id), 0) FROM interactions))");
    if (!insert)
        return insert.error();
    insert->bind(1, currentTimeMs());
    insert->bind(2, std::string_view(m_rules.hash()));
    if (Status s = insert->run(); !s)
        return s.error();
    const qint64 id = m_store->db().lastInsertRowId();
    auto watermark = m_store->db().queryInt("SELECT watermark FROM curation_runs WHERE id = ?1", {id});
    if (!watermark)
        return watermark.error();
    m_watermark = *watermark;
    return id;
}

Status CurationRun::finishRun(const char *status, const QString &message)
{
    std::string stages = "{";
    for (const CurationReport::Stage &s : m_report.stages) {
        if (stages.size() > 1)
            stages.push_back(',');
        appendJsonString(stages, s.name.toStdString());
        stages += ":" + std::to_string(s.ms);
    }
    stages.push_back('}');
    auto update = m_store->db().prepare(
        "UPDATE curation_runs SET finished_at = ?1, status = ?2, processed = ?3, stages = ?4, message = ?5, "
        "mode = ?6, reason = ?7, curated = ?8 WHERE id = ?9");
    if (!update)
        return update.error();
    update->bind(1, currentTimeMs());
    update->bind(2, std::string_view(status));
    update->bind(3, m_report.processed);
    update->bind(4, std::string_view(stages));
    update->bindTextOrNull(5, message.toStdString());
    update->bind(6, std::string_view(m_incremental ? "incremental" : "full"));
    update->bindTextOrNull(7, m_report.fullReason);
    update->bind(8, qint64(m_curated.size()));
    update->bind(9, m_report.runId);
    return update->run();
}

Status CurationRun::fullBecause(std::string reason)
{
    m_incremental = false;
    m_report.fullReason = std::move(reason);
    return {};
}

// Incremental when the previous run's results can be brought up to date exactly; otherwise full,
// with the reason in the report.
Status CurationRun::chooseMode()
{
    Database &db = m_store->db();
    auto total = db.queryInt("SELECT count(*) FROM interactions");
    auto dirty = db.queryInt("SELECT coalesce(max(seq), 0) FROM curation_dirty");
    if (!total || !dirty)
        return !total ? total.error() : dirty.error();
    m_total = *total;
    m_dirtySeq = *dirty;
    if (!m_report.fullReason.empty())
        return {};
    auto previous = db.prepare("SELECT rules_hash, curated, watermark FROM curation_runs "
                               "WHERE status = 'completed' ORDER BY id DESC LIMIT 1");
    if (!previous)
        return previous.error();
    std::optional<std::string> rulesHash;
    std::optional<qint64> curated;
    bool watermarked = false;
    if (Status s = previous->forEachRow([&] {
            rulesHash = std::string(previous->columnUtf8(0));
            if (!previous->isNull(1))
                curated = previous->columnInt(1);
            watermarked = !previous->isNull(2);
            return false;
        });
        !s)
        return s;
    if (!rulesHash)
        return fullBecause("no earlier run");
    if (!curated || !watermarked)
        return fullBecause("the earlier run's results predate incremental runs");
    auto rollup = db.queryInt("SELECT count(*) FROM curation_state WHERE name = 'dashboard_rollup'");
    if (!rollup)
        return rollup.error();
    if (*rollup == 0)
        return fullBecause("the earlier run's results predate the dashboard's rollup");
    if (*rulesHash != m_rules.hash())
        return fullBecause("the rules changed");
    if (m_rules.rules().size() > 64)
        return fullBecause("more than 64 rules");
    return chooseModeFromChanges(*curated);
}

// The second half of chooseMode(): incremental unless what changed since the previous run (which
// curated @p curated interactions) needs a full run.
Status CurationRun::chooseModeFromChanges(qint64 curated)
{
    Database &db = m_store->db();
    auto count = db.queryInt("SELECT count(*) FROM curation");
    auto last = db.queryInt("SELECT coalesce(max(interaction_id), 0) FROM curation");
    if (!count || !last)
        return !count ? count.error() : last.error();
    if (*count != curated)
        return fullBecause("interactions were deleted");
    m_previousCount = *count;
    m_previousLastId = *last;
    auto added = db.queryInt("SELECT count(*) FROM interactions WHERE id > ?1 AND id <= ?2",
                             {m_previousLastId, m_watermark});
    if (!added)
        return added.error();
    const qint64 newOnes = *added;
    auto model = loadTopicModel();
    if (!model)
        return model.error();
    if (!*model)
        return fullBecause("no topic model");
    auto withoutCategory = db.queryInt("SELECT count(*) FROM interactions "
                                       "WHERE id > ?1 AND id <= ?2 AND coalesce(category, '') = ''",
                                       {m_previousLastId, m_watermark});
    if (!withoutCategory)
        return withoutCategory.error();
    m_uncategorized += *withoutCategory;
    if (const qint64 checkpoint = topicCheckpoint(m_uncategorized); checkpoint != m_topicCheckpoint)
        return fullBecause("topics are retrained at " + std::to_string(checkpoint) +
                           " interactions without a category");
    auto edited = db.queryInt("SELECT count(*) FROM curation_dirty d "
                              "JOIN curation c ON c.interaction_id = d.interaction_id "
                              "JOIN interactions i ON i.id = d.interaction_id "
                              "WHERE d.seq <= ?1 AND c.content_hash IS DISTINCT FROM i.content_hash",
                              {m_dirtySeq});
    if (!edited)
        return edited.error();
    if (*edited > 0)
        return fullBecause("an interaction's content changed");
    m_topicModel = std::move(*model);
    m_incremental = true;
    m_total = newOnes;
    return {};
}

// Interactions read together and computed together.
struct CurationRun::SignalBatch {
    std::vector<InteractionSignals> rows;
    std::vector<Computed> computed;
};

// One thread reads rows and their text signals from SQLite; worker threads compute labels,
// personal data and flags from batches of them; this thread takes the batches back in id order
// and does the little that needs the whole run (shared names, counts). The reader uses the run's
// connection, inside its snapshot; this thread does not touch the connection until the pipeline
// has finished.
Status CurationRun::readSignals(const SignalSelection &selection)
{
    m_curated.reserve(m_curated.size() + size_t(m_total));
    using Batch = SignalBatch;
    const size_t workers = std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), 4));
    std::vector<SpanCache> caches(workers);
    std::vector<std::vector<size_t>> fired(workers);
    OrderedPipeline<Batch> pipeline(4 * workers, workers, [&](Batch &batch, size_t worker) {
        // Fresh results: compute() fills a default one, and these were moved from.
        batch.computed.clear();
        batch.computed.resize(batch.rows.size());
        for (size_t i = 0; i < batch.rows.size(); ++i)
            compute(batch.rows[i], caches[worker], fired[worker], batch.computed[i]);
    });
    Result<qint64> read = qint64(0);
    pipeline.start([&](OrderedPipeline<Batch> &out) { read = readSignalBatches(selection, out); });
    while (Batch *batch = pipeline.next()) {
        for (size_t i = 0; i < batch->rows.size(); ++i)
            take(batch->rows[i], std::move(batch->computed[i]));
        pipeline.recycle(batch);
        progress("signals", qint64(m_curated.size()), m_total);
        if (cancelled())
            break;
    }
    pipeline.finish();
    if (cancelled())
        return {};
    if (!read)
        return read.error();
    m_report.processed = qint64(m_curated.size());
    return {};
}

// The producer of readSignals(): the selected rows, @p batchSize at a time.
Result<qint64> CurationRun::readSignalBatches(const SignalSelection &selection,
                                              OrderedPipeline<SignalBatch> &out)
{
    constexpr size_t kBatchSize = 512;
    SignalBatch *batch = out.acquire();
    if (!batch)
        return qint64(0);
    batch->rows.clear();
    auto result = SignalReader(*m_store).read(
        [&](InteractionSignals &s) {
            batch->rows.push_back(std::move(s));
            if (batch->rows.size() < kBatchSize)
                return true;
            out.submit(batch);
            batch = out.acquire();
            if (!batch)
                return false;
            batch->rows.clear();
            return true;
        },
        selection);
    if (batch)
        out.submit(batch); // even empty: taken and recycled like any other
    return result;
}

void CurationRun::compute(const InteractionSignals &s, SpanCache &cache, std::vector<size_t> &fired,
                          Computed &out) const
{
    Curated &c = out.curated;
    c.id = s.id;
    applyRules(m_rules, s, c, fired);
    out.fired = fired;
    for (const size_t r : fired)
        if (r < 64)
            c.fired |= quint64(1) << r;
    out.normalized = normalizeText(s.userText);
    c.inputHash = hash64(out.normalized);
    c.fingerprint = Hasher()
                        .add(s.contentHash)
                        .add(s.thumbsUp)
                        .add(s.thumbsDown)
                        .add(s.ratings)
                        .add(s.ratingSum)
                        .add(s.feedbackEvents)
                        .add(s.corrections)
                        .add(s.reviews)
                        .add(std::string_view(m_rules.hash()))
                        .digest64();
    c.latencyMs = s.latencyMs;
    c.corrected = s.corrections > 0;
    c.modelKey = hash64(s.modelName + "\x1f" + s.modelVersion);
    c.contentHash = quint64(s.contentHash);
    c.day = utcDay(s.timestampMs);
    c.signalBits = signalBitsOf(s);
    findSpans(s, cache, c);
    localFlags(s, m_rules.flags(), m_rules.duplicates().shingleSize, c);
}

// Adds one computed interaction to the run, in id order.
void CurationRun::take(const InteractionSignals &s, Computed &&computed)
{
    Curated &c = computed.curated;
    countRuleStats(m_rules, computed.fired, s.reviewLabel, m_report.rules);
    m_freshTexts.try_emplace(c.inputHash, std::move(computed.normalized));
    // A reviewer's segment wins; topics() names those left at -1.
    c.uncategorized = s.category.empty();
    c.segment = !s.reviewSegment.empty() ? m_segments.index(s.reviewSegment)
                : c.uncategorized        ? -1
                                         : m_segments.index(s.category);
    m_rollup.nameModel(c.modelKey, s.modelName, s.modelVersion);
    m_curated.push_back(std::move(c));
}

// Interactions without a category get a topic found in the inputs. A full run trains the model on
// the first of them, up to the topic checkpoint; every run assigns the inputs it computed.
Status CurationRun::topics()
{
    if (!m_incremental) {
        m_uncategorized = std::count_if(m_curated.begin(), m_curated.end(),
                                        [](const Curated &c) { return c.uncategorized; });
        m_topicCheckpoint = topicCheckpoint(m_uncategorized);
        std::unordered_map<quint64, qint64> weight;
        std::vector<quint64> order;
        qint64 taken = 0;
        for (size_t i = 0; i < m_curated.size() && taken < m_topicCheckpoint; ++i) {
            const Curated &c = m_curated[i];
            if (!c.uncategorized)
                continue;
            ++taken;
            if (weight[c.inputHash]++ == 0)
                order.push_back(c.inputHash);
        }
        std::vector<std::string_view> texts;
        std::vector<qint64> weights;
        for (const quint64 hash : order) {
            texts.push_back(m_freshTexts.at(hash));
            weights.push_back(weight[hash]);
        }
        m_topicModel = TopicModel::train(texts, weights);
        m_topicsTrained = true;
    }
    std::unordered_map<quint64, int> segmentOfText;
    for (Curated &c : m_curated) {
        if (c.segment >= 0)
            continue;
        const auto [it, added] = segmentOfText.try_emplace(c.inputHash, 0);
        if (added) {
            const int topic = m_topicModel->assign(m_freshTexts.at(c.inputHash));
            it->second = m_segments.index(topic < 0 ? std::string("uncategorized")
                                                    : m_topicModel->names()[size_t(topic)]);
        }
        c.segment = it->second;
    }
    m_report.segments = qint64(m_segments.size());
    return {};
}

void CurationRun::latencyOutliers()
{
    for (const Curated &c : m_curated)
        m_versions.try_emplace(c.modelKey, int(m_versions.size()));
    std::vector<std::vector<qint64>> latencies(m_versions.size());
    for (const Curated &c : m_curated)
        if (c.latencyMs)
            latencies[size_t(m_versions[c.modelKey])].push_back(*c.latencyMs);
    std::vector<double> limit(m_versions.size(), -1);
    std::vector<qint64> medians(m_versions.size(), 0);
    for (size_t v = 0; v < latencies.size(); ++v) {
        if (latencies[v].size() < 20)
            continue; // too few calls to say what is usual
        const qint64 middle = median(latencies[v]);
        std::vector<qint64> deviations;
        deviations.reserve(latencies[v].size());
        for (const qint64 latency : latencies[v])
            deviations.push_back(std::abs(latency - middle));
        const qint64 mad = std::max<qint64>(1, median(deviations));
        medians[v] = middle;
        limit[v] = double(middle) + m_rules.flags().latencyOutlierMads * double(mad);
    }
    for (Curated &c : m_curated) {
        const size_t v = size_t(m_versions[c.modelKey]);
        if (c.latencyMs && limit[v] >= 0 && double(*c.latencyMs) > limit[v])
            c.flags.push_back(
                {FlagReason::LatencyOutlier,
                 std::to_string(*c.latencyMs) + " ms; this version's median is " + aboutLatency(medians[v])});
    }
}

// Per segment: traffic share against curated share, and failure rate (hardness).
void CurationRun::coverage()
{
    std::vector<CurationReport::SegmentStats> stats(m_segments.size());
    qint64 curatedTotal = 0, failureTotal = 0;
    for (const Curated &c : m_curated) {
        CurationReport::SegmentStats &s = stats[size_t(c.segment)];
        ++s.traffic;
        s.curated += isCurated(c.label);
        s.failures += c.label == Label::Negative || c.corrected;
    }
    for (const auto &s : stats) {
        curatedTotal += s.curated;
        failureTotal += s.failures;
    }
    const double total = double(std::max<size_t>(1, m_curated.size()));
    const double overallFailureRate = double(failureTotal) / total;
    constexpr double kPrior = 20;
    m_hardness.assign(m_segments.size(), 0);
    std::vector<bool> underCovered(m_segments.size(), false);
    for (size_t g = 0; g < stats.size(); ++g) {
        CurationReport::SegmentStats &s = stats[g];
        s.name = m_segments.name(int(g));
        s.trafficShare = double(s.traffic) / total;
        s.curatedShare = double(s.curated) / double(std::max<qint64>(1, curatedTotal));
        s.failureRate = double(s.failures) / double(std::max<qint64>(1, s.traffic));
        s.hardness = (double(s.failures) + kPrior * overallFailureRate) / (double(s.traffic) + kPrior);
        s.underCovered = s.traffic >= 20 && s.curatedShare < 0.5 * s.trafficShare;
        m_hardness[g] = s.hardness;
        underCovered[g] = s.underCovered;
    }
    for (size_t i = 0; i < m_curated.size(); ++i) {
        Curated &c = m_curated[i];
        if (!underCovered[size_t(c.segment)] || isCurated(c.label))
            continue;
        const std::string segment = "segment " + m_segments.name(c.segment);
        if (m_duplicates.singleton()[i])
            c.flags.push_back({FlagReason::NovelInput, "an input seen once, in under-covered " + segment});
        else
            c.flags.push_back({FlagReason::UnderCoveredSegment, segment + " is under-covered"});
    }
    // By name: the order segments were met in differs between a full and an incremental run.
    std::sort(stats.begin(), stats.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    m_report.segmentStats = std::move(stats);
}

// Priority: the reason's base, raised by the segment's hardness (to two decimals, so priorities do
// not shift with every new interaction); beyond the per-segment cap a segment's flags wait behind
// the other segments', so easy frequent queries cannot fill the queue.
void CurationRun::prioritise()
{
    struct Entry {
        size_t curated;
        size_t flag;
    };
    std::vector<std::vector<Entry>> bySegment(m_segments.size());
    for (size_t i = 0; i < m_curated.size(); ++i) {
        Curated &c = m_curated[i];
        const double hardness = std::round(m_hardness[size_t(c.segment)] * 100) / 100;
        std::sort(c.flags.begin(), c.flags.end(), [](const FlagRow &a, const FlagRow &b) {
            return flagReasonName(a.reason) < flagReasonName(b.reason);
        });
        for (size_t f = 0; f < c.flags.size(); ++f) {
            FlagRow &flag = c.flags[f];
            flag.priority = basePriority(flag.reason) * (1.0 + 0.5 * hardness);
            bySegment[size_t(c.segment)].push_back({i, f});
            ++m_report.flags[std::string(flagReasonName(flag.reason))];
        }
    }
    const qint64 cap = m_rules.flags().segmentCap;
    for (std::vector<Entry> &entries : bySegment) {
        std::sort(entries.begin(), entries.end(), [&](const Entry &a, const Entry &b) {
            const FlagRow &fa = m_curated[a.curated].flags[a.flag];
            const FlagRow &fb = m_curated[b.curated].flags[b.flag];
            if (fa.priority != fb.priority)
                return fa.priority > fb.priority;
            if (a.curated != b.curated)
                return a.curated < b.curated;
            return a.flag < b.flag;
        });
        for (size_t rank = size_t(cap); rank < entries.size(); ++rank)
            m_curated[entries[rank].curated].flags[entries[rank].flag].priority *= 0.25;
    }
}

} // namespace flywheel
