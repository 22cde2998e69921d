#include "commands.h"
#include "dashboardoptions.h"
#include "interrupt.h"

#include "curate/rules.h"
#include "export/datasetlist.h"
#include "export/exporter.h"
#include "export/lineage.h"
#include "store/store.h"
#include "util/timestamps.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

#include <cstdio>

namespace flywheel::cli {
namespace {

// Values of an option given several times or as a comma-separated list.
std::set<std::string> values(const QCommandLineParser &parser, const QString &option)
{
    std::set<std::string> out;
    for (const QString &value : parser.values(option))
        for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            out.insert(part.trimmed().toStdString());
    return out;
}

class ExportCommand final : public Command {
public:
    ExportCommand()
        : Command(QStringLiteral("export"), QStringLiteral("Write a training dataset version"),
                  QStringLiteral("Write curated interactions as a dataset version: JSON lines for OpenAI "
                                 "fine-tuning or Hugging Face TRL, split into train, validation and test by "
                                 "segment without splitting a duplicate cluster, with manifest.json and a "
                                 "README.md dataset card. The folder appears only when complete, and the "
                                 "store records it. See docs/export.md."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOptions({
            {QStringLiteral("kind"), QStringLiteral("sft, preference, kto, eval, fewshot or retrieval."),
             QStringLiteral("kind")},
            {QStringLiteral("limit"),
             QStringLiteral("At most this many interactions, the best first (default: eval 1000, fewshot 20, "
                            "others all)."),
             QStringLiteral("n")},
            {QStringLiteral("format"), QStringLiteral("openai or trl (default openai; kto is trl)."),
             QStringLiteral("format")},
            {QStringLiteral("out"), QStringLiteral("The dataset folder to create (must not exist)."),
             QStringLiteral("dir")},
            {QStringLiteral("name"), QStringLiteral("Dataset name (default: the kind); versions count up."),
             QStringLiteral("name")},
            {QStringLiteral("split"),
             QStringLiteral("Train, validation and test ratios (default 0.8,0.1,0.1)."),
             QStringLiteral("ratios")},
            {QStringLiteral("seed"), QStringLiteral("Seed of the split (default 42)."), QStringLiteral("n")},
            {QStringLiteral("pii"), QStringLiteral("Personal data: redact (default), drop or keep."),
             QStringLiteral("mode")},
            {QStringLiteral("label"),
             QStringLiteral("Labels to take, a review's over curation's (default: sft gold,positive; kto "
                            "gold,positive,negative; preference any with a correction)."),
             QStringLiteral("labels")},
            {QStringLiteral("reviewed-only"), QStringLiteral("Only interactions a person reviewed.")},
            {QStringLiteral("segment"),
             QStringLiteral("Only these segments (repeatable, or comma-separated)."),
             QStringLiteral("segment")},
            {QStringLiteral("model-version"), QStringLiteral("Only these model versions."),
             QStringLiteral("version")},
            fromOption(QStringLiteral("Only interactions")),
            toOption(QStringLiteral("Only interactions")),
            {QStringLiteral("min-score"),
             QStringLiteral("Only interactions whose rules' score reaches this."), QStringLiteral("score")},
            {QStringLiteral("all-duplicates"),
             QStringLiteral("Keep every member of a duplicate cluster, not only its representative.")},
        });
    }

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("export takes no arguments"));
        ExportOptions options;
        const auto kind = kindFromName(parser.value(QStringLiteral("kind")));
        if (!kind)
            return fail(QStringLiteral("--kind must be sft, preference, kto, eval, fewshot or retrieval"));
        options.kind = *kind;
        const QString format =
            parser.isSet(QStringLiteral("format"))
                ? parser.value(QStringLiteral("format"))
                : (options.kind == DatasetKind::Kto ? QStringLiteral("trl") : QStringLiteral("openai"));
        const auto parsedFormat = formatFromName(format);
        if (!parsedFormat)
            return fail(QStringLiteral("--format must be openai or trl"));
        options.format = *parsedFormat;
        options.outDir = parser.value(QStringLiteral("out"));
        if (options.outDir.isEmpty())
            return fail(QStringLiteral("name the dataset folder with --out DIR"));
        options.name = parser.value(QStringLiteral("name"));
        if (parser.isSet(QStringLiteral("split"))) {
            const QStringList parts = parser.value(QStringLiteral("split")).split(QLatin1Char(','));
            bool ok = parts.size() == 3;
            for (int s = 0; ok && s < 3; ++s)
                options.ratios[size_t(s)] = parts[s].toDouble(&ok);
            if (!ok)
                return fail(QStringLiteral("--split takes three ratios, e.g. 0.8,0.1,0.1"));
        }
        if (parser.isSet(QStringLiteral("seed"))) {
            bool ok = false;
            options.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
            if (!ok)
                return fail(QStringLiteral("--seed must be a non-negative integer"));
        }
        if (parser.isSet(QStringLiteral("pii"))) {
            const auto mode = personalDataModeFromName(parser.value(QStringLiteral("pii")));
            if (!mode)
                return fail(QStringLiteral("--pii must be redact, drop or keep"));
            options.personalData = *mode;
        }
        if (parser.isSet(QStringLiteral("limit"))) {
            bool ok = false;
            options.limit = parser.value(QStringLiteral("limit")).toLongLong(&ok);
            if (!ok || options.limit < 1)
                return fail(QStringLiteral("--limit must be a positive integer"));
        }
        ExportSelection &selection = options.selection;
        selection.labels = values(parser, QStringLiteral("label"));
        for (const std::string &label : selection.labels)
            if (!labelFromName(label))
                return fail(QStringLiteral("unknown label \"%1\": %2")
                                .arg(QString::fromStdString(label), listed(labelNames())));
        selection.reviewedOnly = parser.isSet(QStringLiteral("reviewed-only"));
        selection.segments = values(parser, QStringLiteral("segment"));
        selection.modelVersions = values(parser, QStringLiteral("model-version"));
        if (QString error = readTimeRange(parser, selection.time); !error.isEmpty())
            return fail(error);
        if (parser.isSet(QStringLiteral("min-score"))) {
            bool ok = false;
            selection.minScore = parser.value(QStringLiteral("min-score")).toDouble(&ok);
            if (!ok)
                return fail(QStringLiteral("--min-score must be a number"));
        }
        selection.collapseDuplicates = !parser.isSet(QStringLiteral("all-duplicates"));

        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        Exporter exporter(*store, options);
        exporter.setCancelFlag(&installInterruptFlag());
        auto report = exporter.run();
        if (!report)
            return fail(report.errorMessage());
        json() ? printJson(toJson(*report)) : print(toText(*report));
        return Success;
    }

private:
    static QJsonObject toJson(const ExportReport &r)
    {
        QJsonObject segments;
        for (const auto &[segment, counts] : r.perSegment)
            segments.insert(QString::fromStdString(segment), splitCountsJson(counts));
        QJsonObject labels;
        for (const auto &[label, n] : r.perLabel)
            labels.insert(QString::fromStdString(label), n);
        return {{QStringLiteral("dataset"), r.name},
                {QStringLiteral("version"), r.version},
                {QStringLiteral("path"), r.path},
                {QStringLiteral("examples"), r.examples},
                {QStringLiteral("interactions"), r.interactions},
                {QStringLiteral("splits"), splitCountsJson(r.perSplit)},
                {QStringLiteral("segments"), segments},
                {QStringLiteral("labels"), labels},
                {QStringLiteral("dropped_for_personal_data"), r.droppedForPersonalData},
                {QStringLiteral("manifest_sha256"), r.manifestSha256}};
    }

    static QString toText(const ExportReport &r)
    {
        const QLocale en(QLocale::English);
        QString text =
            QStringLiteral("Wrote %1 version %2 to %3: %4 examples from %5 interactions (train %6, "
                           "validation %7, test %8).")
                .arg(r.name)
                .arg(r.version)
                .arg(r.path, en.toString(r.examples), en.toString(r.interactions), en.toString(r.perSplit[0]),
                     en.toString(r.perSplit[1]), en.toString(r.perSplit[2]));
        if (r.droppedForPersonalData > 0)
            text += QStringLiteral("\n%1 interactions with personal data were left out.")
                        .arg(en.toString(r.droppedForPersonalData));
        text += QStringLiteral("\n\nSegment                          train  validation    test");
        for (const auto &[segment, counts] : r.perSegment) {
            const double total = double(std::max<qint64>(1, counts[0] + counts[1] + counts[2]));
            text += QStringLiteral("\n%1 %2 %3 %4")
                        .arg(QString::fromStdString(segment).left(30), -30)
                        .arg(QStringLiteral("%1 %").arg(100 * double(counts[0]) / total, 0, 'f', 1), 8)
                        .arg(QStringLiteral("%1 %").arg(100 * double(counts[1]) / total, 0, 'f', 1), 11)
                        .arg(QStringLiteral("%1 %").arg(100 * double(counts[2]) / total, 0, 'f', 1), 8);
        }
        return text;
    }
};

class DatasetsCommand final : public Command {
public:
    DatasetsCommand()
        : Command(QStringLiteral("datasets"), QStringLiteral("List the dataset versions exported"),
                  QStringLiteral(
                      "List every dataset version `flywheel export` wrote: name, version, kind, "
                      "format, examples, when and where. `datasets diff A B` shows which "
                      "interactions entered, left or changed split between two versions (NAME@VERSION, "
                      "or NAME for its latest)."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addPositionalArgument(QStringLiteral("diff"),
                                     QStringLiteral("diff A B: compare two versions."),
                                     QStringLiteral("[diff A B]"));
        parser.addOption({QStringLiteral("limit"),
                          QStringLiteral("diff: list at most this many ids of each kind (default 20)."),
                          QStringLiteral("n"), QStringLiteral("20")});
    }

    int run(QCommandLineParser &parser) override
    {
        const QStringList arguments = parser.positionalArguments();
        if (!arguments.isEmpty() && (arguments.size() != 3 || arguments[0] != QStringLiteral("diff")))
            return fail(QStringLiteral("datasets takes no arguments, or diff A B"));
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        if (Status s = finishInterruptedExports(*store); !s)
            return fail(s.errorMessage());
        if (!arguments.isEmpty())
            return diff(*store, arguments[1], arguments[2],
                        parser.value(QStringLiteral("limit")).toLongLong());
        auto datasets = listDatasets(*store);
        if (!datasets)
            return fail(datasets.errorMessage());
        if (json()) {
            QJsonArray list;
            for (const DatasetRecord &d : *datasets)
                list.append(QJsonObject{{QStringLiteral("name"), d.name},
                                        {QStringLiteral("version"), d.version},
                                        {QStringLiteral("kind"), d.kind},
                                        {QStringLiteral("format"), d.format},
                                        {QStringLiteral("examples"), d.examples},
                                        {QStringLiteral("interactions"), d.interactions},
                                        {QStringLiteral("created"), timeText(d.createdAt)},
                                        {QStringLiteral("path"), d.path},
                                        {QStringLiteral("manifest_sha256"), d.manifestSha256}});
            printJson({{QStringLiteral("datasets"), list}});
            return Success;
        }
        if (datasets->empty()) {
            print(QStringLiteral("No datasets yet: `flywheel export` writes one."));
            return Success;
        }
        QString text = QStringLiteral(
            "Name                 Version  Kind        Format  Examples  Created               Path");
        for (const DatasetRecord &d : *datasets)
            text += QStringLiteral("\n%1 %2  %3 %4 %5  %6  %7")
                        .arg(d.name.left(20), -20)
                        .arg(d.version, 7)
                        .arg(d.kind, -11)
                        .arg(d.format, -6)
                        .arg(d.examples, 9)
                        .arg(QDateTime::fromMSecsSinceEpoch(d.createdAt, Qt::UTC)
                                 .toString(QStringLiteral("yyyy-MM-dd hh:mm")),
                             -20)
                        .arg(d.path);
        print(text);
        return Success;
    }

private:
    int diff(Store &store, const QString &a, const QString &b, qint64 limit)
    {
        auto from = resolveDataset(store, a);
        auto to = resolveDataset(store, b);
        if (!from || !to)
            return fail(!from ? from.errorMessage() : to.errorMessage());
        auto result = diffDatasets(store, *from, *to);
        if (!result)
            return fail(result.errorMessage());
        const auto ids = [limit](const std::vector<QString> &list) {
            QJsonArray array;
            for (size_t i = 0; i < list.size() && (limit <= 0 || qint64(i) < limit); ++i)
                array.append(list[i]);
            return array;
        };
        const QString fromName = QStringLiteral("%1@%2").arg(from->name).arg(from->version);
        const QString toName = QStringLiteral("%1@%2").arg(to->name).arg(to->version);
        if (json()) {
            printJson({{QStringLiteral("from"), fromName},
                       {QStringLiteral("to"), toName},
                       {QStringLiteral("entered"), qint64(result->entered.size())},
                       {QStringLiteral("left"), qint64(result->left.size())},
                       {QStringLiteral("moved"), qint64(result->moved.size())},
                       {QStringLiteral("kept"), result->kept},
                       {QStringLiteral("entered_ids"), ids(result->entered)},
                       {QStringLiteral("left_ids"), ids(result->left)},
                       {QStringLiteral("moved_ids"), ids(result->moved)}});
            return Success;
        }
        QString text =
            QStringLiteral("From %1 to %2: %3 interactions entered, %4 left, %5 changed split, %6 kept.")
                .arg(fromName, toName)
                .arg(result->entered.size())
                .arg(result->left.size())
                .arg(result->moved.size())
                .arg(result->kept);
        for (const auto &[label, list] : {std::pair{QStringLiteral("Entered"), &result->entered},
                                          std::pair{QStringLiteral("Left"), &result->left},
                                          std::pair{QStringLiteral("Changed split"), &result->moved}}) {
            if (list->empty())
                continue;
            QStringList shown;
            for (const QJsonValue &id : ids(*list))
                shown.append(id.toString());
            text +=
                QStringLiteral("\n%1: %2%3")
                    .arg(label, shown.join(QStringLiteral(", ")),
                         qint64(list->size()) > qint64(shown.size()) ? QStringLiteral(", ...") : QString());
        }
        print(text);
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeExportCommand()
{
    return std::make_unique<ExportCommand>();
}

std::unique_ptr<Command> makeDatasetsCommand()
{
    return std::make_unique<DatasetsCommand>();
}

} // namespace flywheel::cli
