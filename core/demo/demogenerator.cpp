#include "demo/demogenerator.h"

#include "demo/demorun.h"
#include "store/store.h"
#include "util/hasher.h"
#include "util/jsontext.h"

namespace flywheel {
namespace {

constexpr qint64 kSecondMs = 1000;
constexpr qint64 kMinuteMs = 60 * kSecondMs;
constexpr qint64 kHourMs = 60 * kMinuteMs;

/// Chance that a user gives explicit feedback, by outcome (None, Accepted, Edited, Regenerated,
/// Abandoned, Copied): sparse, and likelier when something went wrong.
constexpr double kFeedbackChance[] = {0.025, 0.05, 0.095, 0.11, 0.085, 0.04};

void appendPadded(std::string &out, qint64 value, int width)
{
    const std::string digits = std::to_string(value);
    if (int(digits.size()) < width)
        out.append(size_t(width) - digits.size(), '0');
    out += digits;
}

void appendMessage(std::string &json, std::string_view role, std::string_view content)
{
    json += json.size() > 1 ? ",{\"role\":\"" : "{\"role\":\"";
    json += role;
    json += "\",\"content\":";
    appendJsonString(json, content);
    json += '}';
}

void appendField(std::string &json, std::string_view key, std::string_view value)
{
    json += json.size() > 1 ? ",\"" : "\"";
    json += key;
    json += "\":";
    appendJsonString(json, value);
}

void appendField(std::string &json, std::string_view key, qint64 value)
{
    json += json.size() > 1 ? ",\"" : "\"";
    json += key;
    json += "\":";
    json += std::to_string(value);
}

quint64 contentHash(const InteractionRecord &r)
{
    Hasher hasher;
    hasher.add(r.externalId).add(r.timestampMs).add(r.sessionId).add(r.userId).add(r.modelName);
    hasher.add(r.modelVersion).add(r.inputJson).add(r.output.value_or(std::string()));
    hasher.add(r.latencyMs).add(r.promptTokens).add(r.completionTokens).add(r.finishReason).add(r.category);
    hasher.add(outcomeName(r.outcome.value_or(Outcome::None))).add(r.metadataJson);
    return hasher.digest64();
}

} // namespace

DemoRun::DemoRun(CaptureWriter &writer, const DemoOptions &options, const OasstConversations &oasst,
                 const std::atomic_bool *cancel, const DemoGenerator::ProgressCallback &progress,
                 DemoReport &report)
    : m_writer(writer)
    , m_options(options)
    , m_oasst(oasst)
    , m_cancel(cancel)
    , m_progress(progress)
    , m_report(report)
    , m_random(mixSeed(options.seed, 0x64656d6full))
    , m_traffic(options.interactions, options.seed, m_random)
    , m_idPrefix("demo-" + std::to_string(options.seed) + "-")
{
    for (const DemoCategory &category : demoCategories())
        m_shares.push_back(category.share);
}

Status DemoRun::run()
{
    for (const DemoVersion &version : DemoTraffic::versions()) {
        if (Status s = m_writer.recordDeployment(DemoTraffic::kModelName, version.name, version.deployedAtMs);
            !s)
            return s;
    }
    m_stop = m_options.interactions <= 0;
    for (int day = 0; day < DemoTraffic::kDays && !m_stop; ++day) {
        const qint64 first = day == 0 ? 0 : m_traffic.dueByEndOf(day - 1);
        const qint64 due = m_traffic.dueByEndOf(day);
        // A session that runs long eats into the next day's share: the total stays exact.
        while (m_done < due && !m_stop) {
            const double fraction = double(m_done - first) / double(qMax<qint64>(1, due - first));
            if (Status s = runSession(m_traffic.sessionStartMs(day, fraction, m_random)); !s)
                return s;
        }
    }
    return flushDelayed();
}

Status DemoRun::write(Session &s, std::string_view question, const Reply &reply)
{
    if (m_cancel && m_cancel->load(std::memory_order_relaxed)) {
        m_report.cancelled = true;
        m_stop = true;
        return {};
    }
    buildRecord(s, question, reply);
    auto upsert = m_writer.upsertInteraction(m_record);
    if (!upsert)
        return upsert.error();
    CaptureCounts &c = m_report.counts;
    bool changed = *upsert != CaptureWriter::Upsert::Unchanged;
    if (*upsert == CaptureWriter::Upsert::Inserted)
        ++c.interactionsAdded;
    if (Status st = addEvents(s, reply, changed); !st)
        return st;
    // Counted like an ingested line: the interaction with the events that came with it.
    ++c.read;
    if (!changed)
        ++c.unchanged;
    else if (*upsert == CaptureWriter::Upsert::Updated)
        ++c.updated;
    else
        ++c.stored;

    s.timeMs = m_record.timestampMs + *m_record.latencyMs;
    ++s.turn;
    ++m_done;
    if (m_done >= m_options.interactions)
        m_stop = true;
    else if (m_done % kBatchSize == 0)
        return nextBatch();
    return {};
}

void DemoRun::buildRecord(const Session &s, std::string_view question, const Reply &reply)
{
    const DemoVersion &version = DemoTraffic::versions()[size_t(s.version)];
    InteractionRecord &r = m_record;
    r.externalId = m_idPrefix;
    // Zero-padded so that ids sort in generation order and the id index grows at its end.
    appendPadded(r.externalId, m_done + 1, 8);
    r.timestampMs = qMin(s.timeMs, DemoTraffic::kEndMs);
    r.sessionId = s.id;
    r.userId = s.user.id;
    r.modelName = DemoTraffic::kModelName;
    r.modelVersion = version.name;

    const std::string_view system = systemPrompt(s.version);
    qint64 promptChars = qint64(system.size() + question.size());
    r.inputJson = "[";
    appendMessage(r.inputJson, "system", system);
    for (const Message &message : s.history) {
        appendMessage(r.inputJson, message.role, message.content);
        promptChars += qint64(message.content.size());
    }
    appendMessage(r.inputJson, "user", question);
    r.inputJson += ']';
    r.output = reply.output;

    // About four characters per token, plus a few tokens of framing per message.
    r.promptTokens = promptChars / 4 + 4 * qint64(s.history.size() + 2);
    r.completionTokens = qint64(reply.output.size()) / 4 + 1;
    double latency = (version.baseLatencyMs + version.msPerToken * double(*r.completionTokens) +
                      0.2 * double(*r.promptTokens)) *
                     m_random.bell(0.75, 1.35);
    if (m_random.chance(0.02))
        latency *= double(m_random.between(2, 5)); // a slow tail: cold starts, retries
    r.latencyMs = qint64(latency);
    r.finishReason = reply.finishReason;
    r.category = s.category->name;
    r.outcome = reply.outcome;

    r.metadataJson = "{";
    appendField(r.metadataJson, "channel", s.user.channel);
    appendField(r.metadataJson, "locale", s.user.locale);
    appendField(r.metadataJson, "plan", s.user.plan);
    appendField(r.metadataJson, "turn", s.turn + 1);
    if (reply.oasst) {
        appendField(r.metadataJson, "source", "oasst");
        appendField(r.metadataJson, "oasst_message_id", reply.oasst->messageId);
        if (reply.oasst->rank >= 0)
            appendField(r.metadataJson, "oasst_rank", reply.oasst->rank);
    } else {
        appendField(r.metadataJson, "intent", reply.intent);
    }
    r.metadataJson += '}';
    r.contentHash = contentHash(r);
}

Status DemoRun::addEvents(const Session &s, const Reply &reply, bool &changed)
{
    const InteractionRecord &r = m_record;
    const Outcome outcome = reply.outcome;
    const bool positive = outcome == Outcome::Accepted || outcome == Outcome::Copied ||
                          ((outcome == Outcome::None || outcome == Outcome::Edited) && reply.good);
    // Real reactions from the sample become thumbs when they agree with what the user did.
    const bool fromVotes = reply.oasst && reply.oasst->thumbsUp + reply.oasst->thumbsDown > 0 &&
                           (reply.oasst->thumbsUp >= reply.oasst->thumbsDown) == positive;
    if (m_random.chance(kFeedbackChance[size_t(outcome)] + (fromVotes ? 0.25 : 0.0))) {
        FeedbackRecord f;
        f.interactionExternalId = r.externalId;
        f.origin = "user";
        f.timestampMs = r.timestampMs + m_random.between(20 * kSecondMs, 15 * kMinuteMs);
        const double kind = m_random.uniform();
        bool delayed = false;
        if (fromVotes || kind < 0.72) {
            f.kind = FeedbackKind::Thumbs;
            f.name = "helpful";
            f.value = positive ? 1.0 : -1.0;
            if (m_random.chance(positive ? 0.08 : 0.3))
                f.comment = feedbackComment(positive, m_random);
            if (fromVotes)
                f.metadataJson = R"({"from":"oasst_emojis"})";
        } else if (kind < 0.92) {
            f.kind = FeedbackKind::Rating;
            f.name = "csat";
            f.value = m_random.chance(0.1) ? 3.0
                      : positive           ? double(m_random.between(4, 5))
                                           : double(m_random.between(1, 2));
            // Satisfaction surveys go out by email: the answer comes hours later, as its own event.
            delayed = m_random.chance(0.6);
            if (delayed) {
                f.eventId = "csat-" + r.externalId;
                f.timestampMs = r.timestampMs + m_random.between(1 * kHourMs, 30 * kHourMs);
                f.metadataJson = R"({"via":"survey-email"})";
            }
        } else {
            f.kind = FeedbackKind::Comment;
            f.comment = feedbackComment(positive, m_random);
        }
        if (delayed)
            m_delayed.push_back(std::move(f));
        else if (Status st = addFeedback(f, changed); !st)
            return st;
    }
    if (reply.correction.empty())
        return {};

    CorrectionRecord c;
    c.interactionExternalId = r.externalId;
    c.correctedOutput = reply.correction;
    // The user fixes it in place right away, or a support agent does it later from a review queue.
    const bool byAgent = m_random.chance(0.4);
    if (byAgent) {
        c.author = "agent-";
        appendPadded(c.author, m_random.between(1, 12), 2);
        c.timestampMs = r.timestampMs + m_random.between(1 * kHourMs, 48 * kHourMs);
        c.metadataJson = R"({"via":"review-queue"})";
    } else {
        c.author = s.user.id;
        c.timestampMs = r.timestampMs + m_random.between(30 * kSecondMs, 10 * kMinuteMs);
        c.metadataJson = R"({"via":"inline-edit"})";
    }
    auto added = m_writer.addCorrection(c);
    if (!added)
        return added.error();
    m_report.counts.correctionsAdded += *added;
    changed |= *added;
    if (!byAgent || reply.flaw == DemoFlaw::None)
        return {};
    // Agents also label what was wrong: the kind of issue, for curation.
    FeedbackRecord label;
    label.interactionExternalId = r.externalId;
    label.kind = FeedbackKind::Label;
    label.name = "issue";
    label.label = demoFlawName(reply.flaw);
    label.origin = "annotator";
    label.timestampMs = c.timestampMs;
    return addFeedback(label, changed);
}

Status DemoRun::addFeedback(const FeedbackRecord &feedback, bool &changed)
{
    auto added = m_writer.addFeedback(feedback);
    if (!added)
        return added.error();
    m_report.counts.feedbackAdded += *added;
    changed |= *added;
    return {};
}

Status DemoRun::flushDelayed()
{
    for (const FeedbackRecord &feedback : m_delayed) {
        bool added = false;
        if (Status s = addFeedback(feedback, added); !s)
            return s;
        // A separate event counts as a line of its own, as it would in an ingested file.
        ++m_report.counts.read;
        if (added)
            ++m_report.counts.stored;
        else
            ++m_report.counts.unchanged;
    }
    m_delayed.clear();
    return {};
}

Status DemoRun::nextBatch()
{
    if (Status s = m_writer.commit(); !s)
        return s;
    if (m_progress)
        m_progress(m_done, m_options.interactions);
    if (Status s = m_writer.begin(); !s)
        return s;
    return flushDelayed();
}

DemoGenerator::DemoGenerator(Store &store, DemoOptions options)
    : m_store(store)
    , m_options(options)
{}

// Ids are demo-<seed>-<n> and where each n falls depends on the size, so a demo of another size
// with the same seed would rewrite the first one's interactions and mix their feedback.
Status DemoGenerator::checkSameSeedSameSize()
{
    auto statement = m_store.db().prepare(
        "SELECT json_extract(inputs, '$[0]') FROM ingest_runs WHERE source_name = 'demo' AND "
        "json_extract(inputs, '$[0]') LIKE ?1 AND json_extract(inputs, '$[0]') <> ?2 LIMIT 1");
    if (!statement)
        return statement.error();
    const std::string seed = "demo seed=" + std::to_string(m_options.seed) + " ";
    statement->bind(1, seed + "%");
    statement->bind(2, seed + "interactions=" + std::to_string(m_options.interactions));
    auto row = statement->step();
    if (!row)
        return row.error();
    if (!*row)
        return {};
    const QString earlier = statement->columnText(0).section(QStringLiteral("interactions="), 1);
    return Error{
        QStringLiteral("this store already holds the demo of seed %1 with %2 interactions; a demo of "
                       "another size with the same seed would rewrite it. Use a new store or "
                       "another seed.")
            .arg(m_options.seed)
            .arg(earlier)};
}

Result<DemoReport> DemoGenerator::run()
{
    if (m_options.interactions < 0)
        return Error{QStringLiteral("the number of demo interactions must not be negative")};
    auto oasst = OasstConversations::loadEmbedded();
    if (!oasst)
        return oasst.error();
    if (Status s = checkSameSeedSameSize(); !s)
        return s.error();
    auto writer = CaptureWriter::create(m_store, "demo");
    if (!writer)
        return writer.error();

    std::string inputs = "[";
    appendJsonString(inputs, "demo seed=" + std::to_string(m_options.seed) +
                                 " interactions=" + std::to_string(m_options.interactions));
    inputs += ']';
    auto runId = writer->startRun(inputs);
    if (!runId)
        return runId.error();

    DemoReport report;
    auto fail = [&](const Error &error) -> Result<DemoReport> {
        if (writer->inBatch())
            writer->rollback();
        (void)writer->finishRun(*runId, report.counts, "failed", error.message.toStdString());
        return error;
    };
    if (Status s = writer->begin(); !s)
        return fail(s.error());
    DemoRun demo(*writer, m_options, *oasst, m_cancel, m_progress, report);
    if (Status s = demo.run(); !s)
        return fail(s.error());
    if (Status s = writer->commit(); !s)
        return fail(s.error());
    report.interactions = report.counts.interactionsAdded;
    report.feedbackEvents = report.counts.feedbackAdded;
    report.corrections = report.counts.correctionsAdded;
    if (m_progress)
        m_progress(demo.done(), m_options.interactions);
    if (Status s = writer->finishRun(*runId, report.counts, report.cancelled ? "cancelled" : "completed", {});
        !s)
        return s.error();
    return report;
}

} // namespace flywheel
