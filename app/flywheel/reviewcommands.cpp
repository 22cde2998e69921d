// Commands that read curation results: one interaction in full, duplicates.
#include "commands.h"

#include "curate/curationqueries.h"
#include "store/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace flywheel::cli {
namespace {

// A command that lists the top entries of something curation computed: --limit, an existing store.
class ListCommand : public Command {
public:
    using Command::Command;

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOption({QStringLiteral("limit"), QStringLiteral("How many entries (default: 20)."),
                          QStringLiteral("n"), QStringLiteral("20")});
    }

    int run(QCommandLineParser &parser) override
    {
        qint64 limit = 20;
        if (QString error = parseCount(parser, QStringLiteral("limit"), limit, 1); !error.isEmpty())
            return fail(error);
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        return list(*store, int(qMin<qint64>(limit, 1000000)));
    }

    virtual int list(Store &store, int limit) = 0;
};

class ShowCommand final : public Command {
public:
    ShowCommand()
        : Command(
              QStringLiteral("show"), QStringLiteral("Print everything known about interactions"),
              QStringLiteral("Print everything known about the interactions with the given ids: messages, "
                             "signals, labels and the rules that gave them, flags, cluster, segment, "
                             "personal data and reviews."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addPositionalArgument(QStringLiteral("ids"),
                                     QStringLiteral("Interaction ids, as the source gave them."),
                                     QStringLiteral("ID..."));
    }

    int run(QCommandLineParser &parser) override
    {
        const QStringList ids = parser.positionalArguments();
        if (ids.isEmpty())
            return fail(QStringLiteral("name at least one interaction id"));
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        QJsonArray all;
        QString text;
        QStringList missing;
        for (const QString &id : ids) {
            auto found = loadInteractionDetails(*store, id);
            if (!found)
                return fail(found.errorMessage());
            if (found->isEmpty())
                missing.append(id);
            for (const InteractionDetails &d : *found) {
                all.append(toJson(d));
                text += toText(d);
            }
        }
        json() ? printJson({{QStringLiteral("interactions"), all}}) : print(text.trimmed());
        if (!missing.isEmpty()) {
            printError(QStringLiteral("flywheel show: no interaction with id %1")
                           .arg(missing.join(QStringLiteral(", "))));
            return missing.size() == ids.size() ? Failure : DoneWithRejections;
        }
        return Success;
    }

private:
    static QJsonValue parsed(const QString &json)
    {
        return json.isEmpty() ? QJsonValue()
                              : QJsonDocument::fromJson(json.toUtf8()).toVariant().toJsonValue();
    }

    static QJsonObject toJson(const InteractionDetails &d)
    {
        QJsonArray feedback, corrections, flags, spans, reviews;
        for (const auto &e : d.feedback)
            feedback.append(QJsonObject{{QStringLiteral("kind"), e.kind},
                                        {QStringLiteral("value"), e.value},
                                        {QStringLiteral("detail"), e.detail}});
        for (const auto &e : d.corrections)
            corrections.append(
                QJsonObject{{QStringLiteral("output"), e.value}, {QStringLiteral("author"), e.detail}});
        for (const auto &f : d.flags)
            flags.append(QJsonObject{{QStringLiteral("reason"), f.reason},
                                     {QStringLiteral("priority"), f.priority},
                                     {QStringLiteral("detail"), f.detail}});
        for (const auto &s : d.personalData)
            spans.append(QJsonObject{
                {QStringLiteral("field"), s.field},
                {QStringLiteral("message_index"), s.messageIndex < 0 ? QJsonValue() : s.messageIndex},
                {QStringLiteral("kind"), s.kind},
                {QStringLiteral("start"), s.start},
                {QStringLiteral("length"), s.length}});
        for (const auto &r : d.reviews)
            reviews.append(QJsonObject{{QStringLiteral("decision"), r.decision},
                                       {QStringLiteral("label"), r.label},
                                       {QStringLiteral("reviewer"), r.reviewer},
                                       {QStringLiteral("note"), r.note},
                                       {QStringLiteral("created_at"), timeText(r.createdAtMs)}});
        return {
            {QStringLiteral("source"), d.source},
            {QStringLiteral("id"), d.externalId},
            {QStringLiteral("timestamp"), timeText(d.timestampMs)},
            {QStringLiteral("session_id"), d.sessionId},
            {QStringLiteral("user_id"), d.userId},
            {QStringLiteral("model"), d.modelName},
            {QStringLiteral("model_version"), d.modelVersion},
            {QStringLiteral("category"), d.category},
            {QStringLiteral("finish_reason"), d.finishReason},
            {QStringLiteral("outcome"), d.outcome},
            {QStringLiteral("latency_ms"), d.latencyMs < 0 ? QJsonValue() : d.latencyMs},
            {QStringLiteral("input"), parsed(d.inputJson)},
            {QStringLiteral("output"), d.hasOutput ? QJsonValue(d.output) : QJsonValue()},
            {QStringLiteral("metadata"), parsed(d.metadataJson)},
            {QStringLiteral("feedback"), feedback},
            {QStringLiteral("corrections"), corrections},
            {QStringLiteral("label"), d.label.isEmpty() ? QJsonValue() : d.label},
            {QStringLiteral("score"), d.score},
            {QStringLiteral("votes"), parsed(d.votesJson)},
            {QStringLiteral("segment"), d.segment},
            {QStringLiteral("cluster"), d.clusterId == 0 ? QJsonValue() : QJsonValue(d.clusterId)},
            {QStringLiteral("cluster_size"), d.clusterSize},
            {QStringLiteral("flags"), flags},
            {QStringLiteral("personal_data"), spans},
            {QStringLiteral("reviews"), reviews},
        };
    }

    static QString toText(const InteractionDetails &d)
    {
        QString text =
            QStringLiteral("%1 (source %2), %3\n").arg(d.externalId, d.source, timeText(d.timestampMs));
        text += QStringLiteral("  model %1 %2, category %3, outcome %4, finish %5, latency %6\n")
                    .arg(d.modelName, d.modelVersion, d.category.isEmpty() ? QStringLiteral("-") : d.category,
                         d.outcome, d.finishReason.isEmpty() ? QStringLiteral("-") : d.finishReason,
                         d.latencyMs < 0 ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(d.latencyMs));
        const QJsonArray messages = QJsonDocument::fromJson(d.inputJson.toUtf8()).array();
        for (const QJsonValue &message : messages)
            text +=
                QStringLiteral("  [%1] %2\n")
                    .arg(message[QStringLiteral("role")].toString(),
                         message[QStringLiteral("content")].isString()
                             ? message[QStringLiteral("content")].toString()
                             : QString::fromUtf8(QJsonDocument(message[QStringLiteral("content")].toArray())
                                                     .toJson(QJsonDocument::Compact)));
        text += QStringLiteral("  [output] %1\n").arg(d.hasOutput ? d.output : QStringLiteral("(none)"));
        for (const auto &e : d.feedback)
            text += QStringLiteral("  feedback %1 %2 %3\n").arg(e.kind, e.value, e.detail);
        for (const auto &e : d.corrections)
            text += QStringLiteral("  correction by %1: %2\n")
                        .arg(e.detail.isEmpty() ? QStringLiteral("?") : e.detail, e.value);
        if (d.label.isEmpty()) {
            text += QStringLiteral("  not curated yet (run flywheel curate)\n");
        } else {
            text += QStringLiteral("  label %1 (score %2), segment %3")
                        .arg(d.label)
                        .arg(d.score, 0, 'f', 2)
                        .arg(d.segment);
            if (d.clusterId != 0)
                text += QStringLiteral(", duplicate cluster %1 of %2").arg(d.clusterId).arg(d.clusterSize);
            text += QLatin1Char('\n');
            for (const QJsonValue &vote : QJsonDocument::fromJson(d.votesJson.toUtf8()).array())
                text += QStringLiteral("    rule %1 -> %2 (weight %3)\n")
                            .arg(vote[QStringLiteral("rule")].toString(),
                                 vote[QStringLiteral("label")].toString())
                            .arg(vote[QStringLiteral("weight")].toDouble());
        }
        for (const auto &f : d.flags)
            text += QStringLiteral("  flag %1 (priority %2): %3\n")
                        .arg(f.reason)
                        .arg(f.priority, 0, 'f', 2)
                        .arg(f.detail);
        for (const auto &s : d.personalData)
            text +=
                QStringLiteral("  personal data %1 in %2%3 at %4+%5\n")
                    .arg(s.kind, s.field,
                         s.messageIndex >= 0 ? QStringLiteral(" message %1").arg(s.messageIndex) : QString())
                    .arg(s.start)
                    .arg(s.length);
        for (const auto &r : d.reviews)
            text += QStringLiteral("  review %1 %2 by %3 %4\n").arg(r.decision, r.label, r.reviewer, r.note);
        return text + QLatin1Char('\n');
    }
};

class DupesCommand final : public ListCommand {
public:
    DupesCommand()
        : ListCommand(
              QStringLiteral("dupes"), QStringLiteral("List duplicate clusters"),
              QStringLiteral("List clusters of interactions with the same or nearly the same input, largest "
                             "first, with their representative. Run `flywheel curate` first."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        ListCommand::addOptions(parser);
        parser.addOption({QStringLiteral("pairs"),
                          QStringLiteral("List every near-duplicate pair with its similarity instead.")});
    }

    int run(QCommandLineParser &parser) override
    {
        m_pairs = parser.isSet(QStringLiteral("pairs"));
        return ListCommand::run(parser);
    }

    int list(Store &store, int limit) override
    {
        if (m_pairs)
            return listPairs(store, limit);
        auto clusters = loadDuplicateClusters(store, limit, 10);
        if (!clusters)
            return fail(clusters.errorMessage());
        if (json()) {
            QJsonArray out;
            for (const DuplicateCluster &c : *clusters)
                out.append(QJsonObject{
                    {QStringLiteral("representative"), c.representativeExternalId},
                    {QStringLiteral("size"), c.size},
                    {QStringLiteral("preview"), c.preview},
                    {QStringLiteral("members"), QJsonArray::fromStringList(c.memberExternalIds)}});
            printJson({{QStringLiteral("clusters"), out}});
            return Success;
        }
        QString text;
        for (const DuplicateCluster &c : *clusters)
            text +=
                QStringLiteral("%1 interactions, represented by %2: %3\n  %4%5\n")
                    .arg(c.size)
                    .arg(c.representativeExternalId, c.preview, c.memberExternalIds.join(QStringLiteral(" ")),
                         c.size > c.memberExternalIds.size() ? QStringLiteral(" ...") : QString());
        print(text.isEmpty() ? QStringLiteral("No duplicates found (run `flywheel curate` first).")
                             : text.trimmed());
        return Success;
    }

private:
    int listPairs(Store &store, int limit)
    {
        auto pairs = loadNearDuplicatePairs(store, limit);
        if (!pairs)
            return fail(pairs.errorMessage());
        if (json()) {
            QJsonArray out;
            for (const NearDuplicatePairRow &p : *pairs)
                out.append(QJsonObject{{QStringLiteral("first"), p.firstExternalId},
                                       {QStringLiteral("second"), p.secondExternalId},
                                       {QStringLiteral("similarity"), p.similarity}});
            printJson({{QStringLiteral("pairs"), out}});
            return Success;
        }
        QString text;
        for (const NearDuplicatePairRow &p : *pairs)
            text += QStringLiteral("%1  %2  %3\n      %4\n      %5\n")
                        .arg(p.similarity, 4, 'f', 2)
                        .arg(p.firstExternalId, p.secondExternalId, p.firstPreview, p.secondPreview);
        print(text.isEmpty() ? QStringLiteral("No near-duplicate pairs (run `flywheel curate` first).")
                             : text.trimmed());
        return Success;
    }

    bool m_pairs = false;
};

} // namespace

std::unique_ptr<Command> makeShowCommand()
{
    return std::make_unique<ShowCommand>();
}

std::unique_ptr<Command> makeDupesCommand()
{
    return std::make_unique<DupesCommand>();
}

} // namespace flywheel::cli
