#include "curate/curator.h"

#include "curate/flags.h"
#include "curate/interactioncuration.h"
#include "curate/nearduplicates.h"
#include "curate/personaldata.h"
#include "curate/signalreader.h"
#include "curate/textnorm.h"
#include "curate/topics.h"
#include "store/statement.h"
#include "store/store.h"
#include "util/hasher.h"
#include "util/jsontext.h"

#include <QElapsedTimer>
#include <QScopeGuard>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace flywheel {
namespace {

// Interns strings (segments, model versions) as small indexes.
class Names {
public:
    int index(const std::string &name)
    {
        const auto [it, inserted] = m_index.try_emplace(name, int(m_names.size()));
        if (inserted)
            m_names.push_back(name);
        return it->second;
    }
    const std::string &name(int index) const { return m_names[size_t(index)]; }
    size_t size() const { return m_names.size(); }

private:
    std::unordered_map<std::string, int> m_index;
    std::vector<std::string> m_names;
};

qint64 median(std::vector<qint64> &values)
{
    const auto middle = values.begin() + std::ptrdiff_t(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

class Run {
public:
    Run(Store &store, const RuleSet &rules, const Curator::ProgressCallback &progress,
        const std::atomic_bool *cancel)
        : m_store(store)
        , m_rules(rules)
        , m_progress(progress)
        , m_cancel(cancel)
    {}

    Result<CurationReport> execute()
    {
        auto runId = startRun();
        if (!runId)
            return runId.error();
        m_report.runId = *runId;
        const auto stage = [&](const char *name, auto &&work) -> Status {
            QElapsedTimer timer;
            timer.start();
            if (m_progress)
                m_progress(CurationProgress{QString::fromLatin1(name), 0, m_total});
            Status status = work();
            m_report.stages.append({QString::fromLatin1(name), timer.elapsed()});
            return status;
        };
        Status status = stage("signals", [&] { return readSignals(); });
        if (status && !cancelled())
            status = stage("topics", [&] { return topics(); });
        if (status && !cancelled())
            status = stage("duplicates", [&] { return duplicates(); });
        if (status && !cancelled())
            status = stage("flags", [&] { return globalFlags(); });
        if (status && !cancelled())
            status = stage("write", [&] { return write(); });
        m_report.cancelled = cancelled();
        const char *outcome = !status ? "failed" : m_report.cancelled ? "cancelled" : "completed";
        if (Status s = finishRun(outcome, status.errorMessage()); !s && status)
            status = s;
        if (!status)
            return status.error();
        return m_report;
    }

private:
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }

    Result<qint64> startRun()
    {
        auto total = m_store.db().queryInt("SELECT count(*) FROM interactions");
        if (!total)
            return total.error();
        m_total = *total;
        auto insert = m_store.db().prepare("INSERT INTO curation_runs (started_at, status, mode, rules_hash) "
                                           "VALUES (?1, 'running', 'full', ?2)");
        if (!insert)
            return insert.error();
        insert->bind(1, currentTimeMs());
        insert->bind(2, std::string_view(m_rules.hash()));
        if (Status s = insert->run(); !s)
            return s.error();
        return m_store.db().lastInsertRowId();
    }

    Status finishRun(const char *status, const QString &message)
    {
        std::string stages = "{";
        for (const CurationReport::Stage &s : m_report.stages) {
            if (stages.size() > 1)
                stages.push_back(',');
            appendJsonString(stages, s.name.toStdString());
            stages += ":" + std::to_string(s.ms);
        }
        stages.push_back('}');
        auto update =
            m_store.db().prepare("UPDATE curation_runs SET finished_at = ?1, status = ?2, processed = ?3, "
                                 "stages = ?4, message = ?5 WHERE id = ?6");
        if (!update)
            return update.error();
        update->bind(1, currentTimeMs());
        update->bind(2, std::string_view(status));
        update->bind(3, m_report.processed);
        update->bind(4, std::string_view(stages));
        update->bindTextOrNull(5, message.toStdString());
        update->bind(6, m_report.runId);
        return update->run();
    }

    // One thread reads rows and their text signals from SQLite; worker threads compute labels,
    // personal data and flags from batches of them; this thread takes the batches back in id order
    // and does the little that needs the whole run (shared names, counts).
    Status readSignals()
    {
        m_report.rules.clear();
        for (const Rule &rule : m_rules.rules())
            m_report.rules.push_back({rule.id, std::string(labelName(rule.label))});
        constexpr size_t kBatch = 512;
        const size_t workers = std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), 4));
        const size_t inFlight = 4 * workers;
        struct Batch {
            enum class State { Waiting, Working, Done } state = State::Waiting;
            std::vector<InteractionSignals> rows;
            std::vector<Computed> computed;
        };
        std::mutex mutex;
        std::condition_variable changed;
        std::deque<std::unique_ptr<Batch>> batches; // in id order
        bool finished = false, stop = false;
        std::optional<Result<qint64>> read;

        std::thread reader([&] {
            auto batch = std::make_unique<Batch>();
            const auto hand = [&](std::unique_ptr<Batch> full) {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return batches.size() < inFlight || stop; });
                batches.push_back(std::move(full));
                changed.notify_all();
                return !stop;
            };
            auto result = SignalReader(m_store).read([&](InteractionSignals &s) {
                batch->rows.push_back(std::move(s));
                if (batch->rows.size() < kBatch)
                    return true;
                return hand(std::exchange(batch, std::make_unique<Batch>()));
            });
            if (!batch->rows.empty())
                hand(std::move(batch));
            std::lock_guard lock(mutex);
            read = std::move(result);
            finished = true;
            changed.notify_all();
        });
        std::vector<std::thread> pool;
        for (size_t w = 0; w < workers; ++w) {
            pool.emplace_back([&] {
                SpanCache cache;
                std::vector<size_t> fired;
                while (true) {
                    Batch *work = nullptr;
                    {
                        std::unique_lock lock(mutex);
                        const auto waiting = [&] {
                            for (auto &b : batches)
                                if (b->state == Batch::State::Waiting)
                                    return b.get();
                            return static_cast<Batch *>(nullptr);
                        };
                        changed.wait(lock, [&] { return waiting() || finished || stop; });
                        work = waiting();
                        if (!work)
                            return;
                        work->state = Batch::State::Working;
                    }
                    work->computed.resize(work->rows.size());
                    for (size_t i = 0; i < work->rows.size(); ++i)
                        compute(work->rows[i], cache, fired, work->computed[i]);
                    std::lock_guard lock(mutex);
                    work->state = Batch::State::Done;
                    changed.notify_all();
                }
            });
        }
        while (true) {
            std::unique_ptr<Batch> done;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] {
                    return (!batches.empty() && batches.front()->state == Batch::State::Done) ||
                           (batches.empty() && finished);
                });
                if (batches.empty())
                    break;
                done = std::move(batches.front());
                batches.pop_front();
                changed.notify_all();
            }
            for (size_t i = 0; i < done->rows.size(); ++i)
                take(done->rows[i], std::move(done->computed[i]));
            if (m_progress)
                m_progress(CurationProgress{QStringLiteral("signals"), qint64(m_curated.size()), m_total});
            if (cancelled()) {
                std::lock_guard lock(mutex);
                stop = true;
                changed.notify_all();
                break;
            }
        }
        reader.join();
        {
            std::lock_guard lock(mutex);
            stop = true; // the workers may still wait for batches nobody will take
            changed.notify_all();
        }
        for (std::thread &thread : pool)
            thread.join();
        if (cancelled())
            return {};
        if (!*read)
            return read->error();
        m_report.processed = qint64(m_curated.size());
        m_report.segments = qint64(m_segments.size());
        return {};
    }

    // What a worker computes for one interaction, from it alone.
    struct Computed {
        Curated curated;
        std::string normalized;
        std::vector<size_t> fired;
    };

    void compute(const InteractionSignals &s, SpanCache &cache, std::vector<size_t> &fired,
                 Computed &out) const
    {
        Curated &c = out.curated;
        c.id = s.id;
        applyRules(m_rules, s, c, fired);
        out.fired = fired;
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
        c.reviewed = s.reviews > 0;
        findSpans(s, cache, c);
        localFlags(s, m_rules.flags(), m_rules.duplicates().shingleSize, c);
    }

    // Adds one computed interaction to the run, in id order.
    void take(const InteractionSignals &s, Computed &&computed)
    {
        Curated &c = computed.curated;
        countRuleStats(m_rules, computed.fired, s, m_report.rules);
        const auto [text, added] = m_textOfHash.try_emplace(c.inputHash, quint32(m_texts.size()));
        if (added)
            m_texts.push_back(std::move(computed.normalized));
        c.text = text->second;
        c.segment = s.category.empty() ? -1 : m_segments.index(s.category); // topics() names the others
        c.modelVersion = m_versions.index(s.modelName + "\x1f" + s.modelVersion);
        m_report.personalDataSpans += qint64(c.spans.size());
        ++m_report.labels[std::string(labelName(c.label))];
        m_curated.push_back(std::move(c));
    }

    // Interactions without a category get a topic found in their inputs.
    Status topics()
    {
        std::vector<qint64> weight(m_texts.size(), 0);
        for (const Curated &c : m_curated)
            if (c.segment < 0)
                ++weight[c.text];
        std::vector<quint32> used;
        std::vector<std::string_view> texts;
        std::vector<qint64> weights;
        for (quint32 t = 0; t < weight.size(); ++t) {
            if (weight[t] == 0)
                continue;
            used.push_back(t);
            texts.push_back(m_texts[t]);
            weights.push_back(weight[t]);
        }
        const Topics found = findTopics(texts, weights);
        std::vector<int> segmentOfText(m_texts.size(), -1);
        for (size_t u = 0; u < used.size(); ++u)
            segmentOfText[used[u]] = m_segments.index(
                found.topicOf[u] < 0 ? std::string("uncategorized") : found.names[size_t(found.topicOf[u])]);
        for (Curated &c : m_curated)
            if (c.segment < 0)
                c.segment = segmentOfText[c.text];
        m_report.segments = qint64(m_segments.size());
        return {};
    }

    // Interactions whose normalised inputs are the same or nearly the same (linked by near-duplicate
    // pairs, transitively) are one cluster, represented by its best-labeled member.
    Status duplicates()
    {
        std::vector<std::vector<size_t>> members(m_texts.size());
        for (size_t i = 0; i < m_curated.size(); ++i)
            members[m_curated[i].text].push_back(i);
        std::vector<std::string_view> views(m_texts.begin(), m_texts.end());
        const std::vector<NearDuplicatePair> pairs =
            findNearDuplicates(views, nearDuplicateSettings(), m_cancel);
        if (cancelled())
            return {};
        std::vector<quint32> parent(m_texts.size());
        for (quint32 t = 0; t < parent.size(); ++t)
            parent[t] = t;
        const auto root = [&](quint32 t) {
            while (parent[t] != t)
                t = parent[t] = parent[parent[t]];
            return t;
        };
        for (const NearDuplicatePair &pair : pairs) {
            parent[std::max(root(pair.first), root(pair.second))] =
                std::min(root(pair.first), root(pair.second));
            // Stored by the first interaction of each input, which is deterministic.
            m_pairs.push_back({m_curated[members[pair.first].front()].id,
                               m_curated[members[pair.second].front()].id, double(pair.similarity)});
        }
        m_report.nearDuplicatePairs = qint64(pairs.size());

        std::vector<std::vector<size_t>> clusters(m_texts.size());
        for (quint32 t = 0; t < m_texts.size(); ++t) {
            auto &cluster = clusters[root(t)];
            cluster.insert(cluster.end(), members[t].begin(), members[t].end());
        }
        m_clusterOf.assign(m_curated.size(), 0);
        m_singleton.assign(m_curated.size(), false);
        for (const std::vector<size_t> &cluster : clusters) {
            if (cluster.size() == 1)
                m_singleton[cluster[0]] = true;
            if (cluster.size() <= 1)
                continue;
            const size_t best = *std::min_element(cluster.begin(), cluster.end(), [&](size_t a, size_t b) {
                const Curated &x = m_curated[a];
                const Curated &y = m_curated[b];
                if (labelRank(x.label) != labelRank(y.label))
                    return labelRank(x.label) < labelRank(y.label);
                if (x.score != y.score)
                    return x.score > y.score;
                return x.id < y.id;
            });
            for (const size_t member : cluster)
                m_clusterOf[member] = m_curated[best].id;
            ++m_report.duplicateGroups;
            m_report.duplicateMembers += qint64(cluster.size());
        }
        std::vector<std::string>().swap(m_texts);
        return {};
    }

    // LSH bands and rows that find pairs at the threshold with probability above 0.98.
    NearDuplicateSettings nearDuplicateSettings() const
    {
        NearDuplicateSettings settings;
        settings.shingleSize = m_rules.duplicates().shingleSize;
        settings.threshold = m_rules.duplicates().threshold;
        settings.rows = settings.threshold >= 0.75 ? 5 : settings.threshold >= 0.65 ? 4 : 3;
        settings.bands = 100 / settings.rows;
        return settings;
    }

    Status globalFlags()
    {
        latencyOutliers();
        coverage();
        prioritise();
        return {};
    }

    void latencyOutliers()
    {
        std::vector<std::vector<qint64>> latencies(m_versions.size());
        for (const Curated &c : m_curated)
            if (c.latencyMs)
                latencies[size_t(c.modelVersion)].push_back(*c.latencyMs);
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
            const double bound = limit[size_t(c.modelVersion)];
            if (c.latencyMs && bound >= 0 && double(*c.latencyMs) > bound)
                c.flags.push_back({FlagReason::LatencyOutlier,
                                   std::to_string(*c.latencyMs) + " ms; this version's median is " +
                                       std::to_string(medians[size_t(c.modelVersion)]) + " ms"});
        }
    }

    // Per segment: traffic share against curated share, and failure rate (hardness).
    void coverage()
    {
        std::vector<CurationReport::SegmentStats> &stats = m_report.segmentStats;
        stats.assign(m_segments.size(), {});
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
            if (m_singleton[i])
                c.flags.push_back(
                    {FlagReason::NovelInput, "an input seen once, in under-covered " + segment});
            else
                c.flags.push_back({FlagReason::UnderCoveredSegment, segment + " is under-covered"});
        }
    }

    // Priority: the reason's base, raised by the segment's hardness; beyond the per-segment cap a
    // segment's flags wait behind the other segments', so easy frequent queries cannot fill the queue.
    void prioritise()
    {
        struct Entry {
            size_t curated;
            size_t flag;
        };
        std::vector<std::vector<Entry>> bySegment(m_segments.size());
        for (size_t i = 0; i < m_curated.size(); ++i) {
            Curated &c = m_curated[i];
            for (size_t f = 0; f < c.flags.size(); ++f) {
                FlagRow &flag = c.flags[f];
                flag.priority = basePriority(flag.reason) * (1.0 + 0.5 * m_hardness[size_t(c.segment)]);
                bySegment[size_t(c.segment)].push_back({i, f});
                ++m_report.flags[std::string(flagReasonName(flag.reason))];
            }
        }
        const qint64 cap = m_rules.flags().segmentCap;
        for (std::vector<Entry> &entries : bySegment) {
            std::sort(entries.begin(), entries.end(), [&](const Entry &a, const Entry &b) {
                const double pa = m_curated[a.curated].flags[a.flag].priority;
                const double pb = m_curated[b.curated].flags[b.flag].priority;
                return pa != pb ? pa > pb : m_curated[a.curated].id < m_curated[b.curated].id;
            });
            for (size_t rank = size_t(cap); rank < entries.size(); ++rank)
                m_curated[entries[rank].curated].flags[entries[rank].flag].priority *= 0.25;
        }
    }

    Status write()
    {
        // As ingest does: a crash loses at most this run's results, which the next run recomputes.
        (void)m_store.db().exec("PRAGMA synchronous = NORMAL");
        // Every id written was read by this run and nothing deletes interactions meanwhile (a later
        // delete still cascades), so the million foreign-key lookups of the inserts are skipped.
        (void)m_store.db().exec("PRAGMA foreign_keys = OFF");
        const auto restore = qScopeGuard([this] {
            (void)m_store.db().exec("PRAGMA synchronous = FULL");
            (void)m_store.db().exec("PRAGMA foreign_keys = ON");
        });
        Transaction transaction(m_store.db());
        if (!transaction.beginStatus())
            return transaction.beginStatus();
        for (const char *sql : {"DELETE FROM flags", "DELETE FROM pii_spans", "DELETE FROM duplicate_pairs",
                                "DELETE FROM curation"})
            if (Status s = m_store.db().exec(sql); !s)
                return s;
        auto curation = m_store.db().prepare(
            "INSERT INTO curation (interaction_id, label, score, votes, input_hash, cluster_id, segment, "
            "fingerprint, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        auto flag = m_store.db().prepare(
            "INSERT INTO flags (interaction_id, reason, priority, detail) VALUES (?1, ?2, ?3, ?4)");
        auto span =
            m_store.db().prepare("INSERT INTO pii_spans (interaction_id, field, message_index, kind, start, "
                                 "length) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        if (!curation || !flag || !span)
            return !curation ? curation.error() : !flag ? flag.error() : span.error();
        for (size_t i = 0; i < m_curated.size(); ++i) {
            const Curated &c = m_curated[i];
            curation->bind(1, c.id);
            curation->bind(2, labelName(c.label));
            curation->bind(3, c.score);
            curation->bindTextOrNull(4, c.votes);
            curation->bind(5, qint64(c.inputHash));
            if (m_clusterOf[i] != 0)
                curation->bind(6, m_clusterOf[i]);
            else
                curation->bindNull(6);
            curation->bind(7, std::string_view(m_segments.name(c.segment)));
            curation->bind(8, qint64(c.fingerprint));
            curation->bind(9, m_report.runId);
            if (Status s = curation->run(); !s)
                return s;
            for (const FlagRow &row : c.flags) {
                flag->bind(1, c.id);
                flag->bind(2, flagReasonName(row.reason));
                flag->bind(3, row.priority);
                flag->bindTextOrNull(4, row.detail);
                if (Status s = flag->run(); !s)
                    return s;
            }
            for (const SpanRow &row : c.spans) {
                span->bind(1, c.id);
                span->bind(2, std::string_view(row.output ? "output" : "input"));
                if (row.output)
                    span->bindNull(3);
                else
                    span->bind(3, row.messageIndex);
                span->bind(4, personalDataKindName(row.span.kind));
                span->bind(5, row.span.start);
                span->bind(6, row.span.length);
                if (Status s = span->run(); !s)
                    return s;
            }
            if (cancelled())
                return {}; // the transaction rolls back: the previous results stay
        }
        auto segment = m_store.db().prepare(
            "INSERT INTO segment_stats (run_id, segment, traffic, curated, failures, traffic_share, "
            "curated_share, "
            "failure_rate, hardness, under_covered) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        if (!segment)
            return segment.error();
        for (const CurationReport::SegmentStats &g : m_report.segmentStats) {
            segment->bind(1, m_report.runId);
            segment->bind(2, std::string_view(g.name));
            segment->bind(3, g.traffic);
            segment->bind(4, g.curated);
            segment->bind(5, g.failures);
            segment->bind(6, g.trafficShare);
            segment->bind(7, g.curatedShare);
            segment->bind(8, g.failureRate);
            segment->bind(9, g.hardness);
            segment->bind(10, qint64(g.underCovered));
            if (Status s = segment->run(); !s)
                return s;
        }
        auto pair = m_store.db().prepare(
            "INSERT INTO duplicate_pairs (first_id, second_id, similarity) VALUES (?1, ?2, ?3)");
        if (!pair)
            return pair.error();
        for (const StoredPair &p : m_pairs) {
            pair->bind(1, std::min(p.first, p.second));
            pair->bind(2, std::max(p.first, p.second));
            pair->bind(3, p.similarity);
            if (Status s = pair->run(); !s)
                return s;
        }
        return transaction.commit();
    }

    Store &m_store;
    const RuleSet &m_rules;
    const Curator::ProgressCallback &m_progress;
    const std::atomic_bool *m_cancel;
    CurationReport m_report;
    qint64 m_total = 0;

    std::vector<Curated> m_curated;
    Names m_segments;
    Names m_versions;
    std::unordered_map<quint64, quint32> m_textOfHash;
    std::vector<std::string> m_texts;
    struct StoredPair {
        qint64 first;
        qint64 second;
        double similarity;
    };
    std::vector<StoredPair> m_pairs;
    std::vector<qint64> m_clusterOf;
    std::vector<bool> m_singleton;
    std::vector<double> m_hardness;
};

} // namespace

Curator::Curator(Store &store, RuleSet rules)
    : m_store(store)
    , m_rules(std::move(rules))
{}

Result<CurationReport> Curator::run()
{
    return Run(m_store, m_rules, m_progress, m_cancel).execute();
}

} // namespace flywheel
