// Model versions and the cycle comparison: which data trained which model, and whether it helped.
#include "commands.h"

#include "export/lineage.h"
#include "metrics/cycle.h"
#include "store/store.h"
#include "util/timestamps.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

namespace flywheel::cli {
namespace {

QString time(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd hh:mm"));
}

class ModelCommand final : public Command {
public:
    ModelCommand()
        : Command(QStringLiteral("model"),
                  QStringLiteral("Record and list model versions and their training data"),
                  QStringLiteral(
                      "`model add MODEL VERSION [--trained-on DATASET] [--deployed TIME] [--notes TEXT]` "
                      "records a model version and the dataset version it was trained on "
                      "(NAME@VERSION, or NAME for its latest); `model list` lists them with their "
                      "traffic. Versions seen in traffic are recorded by ingest already."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("add MODEL VERSION, or list."),
                                     QStringLiteral("add MODEL VERSION | list"));
        parser.addOptions({
            {QStringLiteral("trained-on"), QStringLiteral("The dataset version it was trained on."),
             QStringLiteral("dataset")},
            {QStringLiteral("deployed"), QStringLiteral("When it was deployed (RFC 3339)."),
             QStringLiteral("time")},
            {QStringLiteral("notes"), QStringLiteral("Free text."), QStringLiteral("text")},
        });
    }

    int run(QCommandLineParser &parser) override
    {
        const QStringList arguments = parser.positionalArguments();
        const bool add = arguments.size() == 3 && arguments[0] == QStringLiteral("add");
        if (!add && (arguments.size() != 1 || arguments[0] != QStringLiteral("list")))
            return fail(QStringLiteral("model takes add MODEL VERSION, or list"));
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        if (add) {
            std::optional<qint64> dataset, deployed;
            if (parser.isSet(QStringLiteral("trained-on"))) {
                auto found = resolveDataset(*store, parser.value(QStringLiteral("trained-on")));
                if (!found)
                    return fail(found.errorMessage());
                dataset = found->id;
            }
            if (parser.isSet(QStringLiteral("deployed"))) {
                deployed = parseRfc3339(parser.value(QStringLiteral("deployed")).toStdString());
                if (!deployed)
                    return fail(
                        QStringLiteral("--deployed takes an RFC 3339 time, e.g. 2026-11-20T09:00:00Z"));
            }
            if (Status s = recordModelVersion(*store, arguments[1], arguments[2], dataset, deployed,
                                              parser.value(QStringLiteral("notes")));
                !s)
                return fail(s.errorMessage());
        }
        auto versions = listModelVersions(*store);
        if (!versions)
            return fail(versions.errorMessage());
        if (json()) {
            QJsonArray list;
            for (const ModelVersionRecord &m : *versions)
                list.append(QJsonObject{{QStringLiteral("model"), m.model},
                                        {QStringLiteral("version"), m.version},
                                        {QStringLiteral("first_seen"), timeText(m.firstSeenAt)},
                                        {QStringLiteral("last_seen"), timeText(m.lastSeenAt)},
                                        {QStringLiteral("deployed"),
                                         m.deployedAt ? QJsonValue(timeText(*m.deployedAt)) : QJsonValue()},
                                        {QStringLiteral("trained_on"),
                                         m.trainedOn.isEmpty() ? QJsonValue() : QJsonValue(m.trainedOn)},
                                        {QStringLiteral("interactions"), m.interactions},
                                        {QStringLiteral("notes"), m.notes}});
            printJson({{QStringLiteral("model_versions"), list}});
            return Success;
        }
        const QLocale en(QLocale::English);
        QString text = QStringLiteral(
            "Model            Version      Deployed          Trained on            Interactions");
        for (const ModelVersionRecord &m : *versions)
            text += QStringLiteral("\n%1 %2 %3 %4 %5")
                        .arg(m.model.left(20), -20)
                        .arg(m.version.left(12), -12)
                        .arg(m.deployedAt ? time(*m.deployedAt) : QStringLiteral("-"), -17)
                        .arg(m.trainedOn.isEmpty() ? QStringLiteral("-") : m.trainedOn.left(21), -21)
                        .arg(en.toString(m.interactions), 12);
        print(text);
        return Success;
    }
};

class CycleCommand final : public Command {
public:
    CycleCommand()
        : Command(QStringLiteral("cycle"),
                  QStringLiteral("Compare each model version with the one before it"),
                  QStringLiteral(
                      "For each model, each version against the one deployed before it, overall and per "
                      "segment: acceptance, correction, abandonment and thumbs-up rates with 95 % "
                      "confidence intervals and sample sizes, and the dataset version that trained it. "
                      "Did the last turn of the flywheel help, and where not?"))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOption(
            {QStringLiteral("model"), QStringLiteral("Only this model."), QStringLiteral("name")});
    }

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("cycle takes no arguments"));
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        auto cycles = compareCycles(*store, parser.value(QStringLiteral("model")));
        if (!cycles)
            return fail(cycles.errorMessage());
        json() ? printJson({{QStringLiteral("cycles"), cyclesJson(*cycles)}}) : print(toText(*cycles));
        return Success;
    }

private:
    static QString percent(const Rate &r)
    {
        if (r.n == 0)
            return QStringLiteral("-");
        return QStringLiteral("%1 [%2-%3]")
            .arg(100 * r.value, 0, 'f', 1)
            .arg(100 * r.low, 0, 'f', 1)
            .arg(100 * r.high, 0, 'f', 1);
    }

    static QString toText(const std::vector<CycleComparison> &cycles)
    {
        if (cycles.empty())
            return QStringLiteral(
                "No model has two versions yet: a cycle compares a version with the one before it.");
        QString text;
        for (const CycleComparison &c : cycles) {
            text += QStringLiteral("%1%2: %3 -> %4%5\n")
                        .arg(text.isEmpty() ? QString() : QStringLiteral("\n"), c.model, c.previousVersion,
                             c.currentVersion,
                             c.trainedOn.isEmpty() ? QString()
                                                   : QStringLiteral(" (trained on %1)").arg(c.trainedOn));
            text += QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                        .arg(QStringLiteral("Segment"), -24)
                        .arg(QStringLiteral("n"), 13)
                        .arg(QStringLiteral("accepted %"), 26)
                        .arg(QStringLiteral("corrected %"), 26)
                        .arg(QStringLiteral("abandoned %"), 26)
                        .arg(QStringLiteral("thumbs up %"), 26);
            for (const SegmentComparison &s : c.segments)
                text +=
                    QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                        .arg((s.segment.isEmpty() ? QStringLiteral("(all)") : s.segment).left(24), -24)
                        .arg(QStringLiteral("%1/%2").arg(s.previous.interactions).arg(s.current.interactions),
                             13)
                        .arg(percent(s.previous.acceptance) + QStringLiteral(" > ") +
                                 percent(s.current.acceptance),
                             26)
                        .arg(percent(s.previous.correction) + QStringLiteral(" > ") +
                                 percent(s.current.correction),
                             26)
                        .arg(percent(s.previous.abandonment) + QStringLiteral(" > ") +
                                 percent(s.current.abandonment),
                             26)
                        .arg(percent(s.previous.thumbsUp) + QStringLiteral(" > ") +
                                 percent(s.current.thumbsUp),
                             26);
        }
        text.chop(1);
        return text;
    }
};

} // namespace

std::unique_ptr<Command> makeModelCommand()
{
    return std::make_unique<ModelCommand>();
}

std::unique_ptr<Command> makeCycleCommand()
{
    return std::make_unique<CycleCommand>();
}

} // namespace flywheel::cli
