#include "commands.h"
#include "interrupt.h"

#include "ingest/csvparser.h"
#include "ingest/ingester.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QLocale>

#include <cstdio>
#include <unistd.h>

namespace flywheel::cli {
namespace {

class IngestCommand final : public Command {
public:
    IngestCommand()
        : Command(
              QStringLiteral("ingest"),
              QStringLiteral("Add capture files (.jsonl, .jsonl.gz or - for stdin) to the store"),
              QStringLiteral("Add native capture files (.jsonl, .jsonl.gz, or - for standard input) to the "
                             "store. Re-running is safe: what is already stored is skipped. Lines that "
                             "cannot be taken are kept in the quarantine with their reason."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addPositionalArgument(QStringLiteral("files"),
                                     QStringLiteral("Files to ingest; - reads standard input."),
                                     QStringLiteral("FILE..."));
        parser.addOption({QStringLiteral("source"),
                          QStringLiteral("Namespace of the ids in these files (default: native)."),
                          QStringLiteral("name"), QStringLiteral("native")});
        parser.addOption({QStringLiteral("max-line-bytes"),
                          QStringLiteral("Quarantine lines longer than this (default: 67108864)."),
                          QStringLiteral("bytes")});
        parser.addOption(
            {QStringLiteral("format"),
             QStringLiteral(
                 "The inputs' format: auto (detect from the content, the default), native, langfuse, "
                 "openai (request/response pairs and LiteLLM payloads), oasst or csv."),
             QStringLiteral("format"), QStringLiteral("auto")});
        parser.addOption({QStringLiteral("map"),
                          QStringLiteral("CSV: the columns of fields whose names differ, e.g. "
                                         "input=question,output=answer."),
                          QStringLiteral("field=column,...")});
        parser.addOption({QStringLiteral("quiet"), QStringLiteral("Print no progress.")});
    }

    int run(QCommandLineParser &parser) override
    {
        const QStringList inputs = parser.positionalArguments();
        if (inputs.isEmpty())
            return fail(QStringLiteral("name at least one file to ingest (or - for standard input)"));
        IngestOptions options;
        options.sourceName = parser.value(QStringLiteral("source"));
        if (options.sourceName.isEmpty())
            return fail(QStringLiteral("--source must not be empty"));
        const auto format = captureFormatFromName(parser.value(QStringLiteral("format")).toStdString());
        if (!format)
            return fail(QStringLiteral("--format takes one of %1, not \"%2\"")
                            .arg(QString::fromStdString(captureFormatNames()),
                                 parser.value(QStringLiteral("format"))));
        options.format = *format;
        if (QString error = parseColumnMap(parser.value(QStringLiteral("map")), options.columns);
            !error.isEmpty())
            return fail(error);
        if (QString error = parseCount(parser, QStringLiteral("max-line-bytes"), options.maxLineBytes, 1024);
            !error.isEmpty())
            return fail(error);
        // Checked before the store is opened: a typo must not create or change a store.
        for (const QString &input : inputs) {
            const QFileInfo info(input);
            if (input != QStringLiteral("-") && (!info.isFile() || !info.isReadable()))
                return fail(QStringLiteral("cannot read %1: %2")
                                .arg(input, info.exists() ? QStringLiteral("not a readable file")
                                                          : QStringLiteral("no such file")));
        }

        auto store = Store::open(storePath());
        if (!store)
            return fail(store.errorMessage());

        Ingester ingester(*store, options);
        ingester.setCancelFlag(&installInterruptFlag());
        const bool showProgress = !parser.isSet(QStringLiteral("quiet")) && ::isatty(STDERR_FILENO);
        if (showProgress)
            ingester.setProgressCallback(&IngestCommand::showProgress);
        QElapsedTimer timer;
        timer.start();
        auto report = ingester.ingest(inputs);
        if (showProgress)
            std::fputs("\r\033[K", stderr);
        if (!report)
            return fail(report.errorMessage() +
                        QStringLiteral("\nWhat was committed before the error is kept; re-run to finish."));

        json() ? printJson(toJson(*report)) : print(toText(*report, timer.elapsed()));
        if (report->cancelled) {
            printError(
                QStringLiteral("flywheel ingest: interrupted; what was read so far is stored. Re-run the "
                               "same command to finish (stored lines are skipped)."));
            return Failure;
        }
        const bool rejected = report->counts.rejected > 0 || !report->inputErrors.isEmpty();
        return rejected ? DoneWithRejections : Success;
    }

private:
    // "input=question,output=answer" into {field, column} pairs, checking the field names.
    static QString parseColumnMap(const QString &text, ColumnMap &columns)
    {
        const auto &fields = CsvParser::fields();
        for (const QString &pair : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString field = pair.section(QLatin1Char('='), 0, 0).trimmed();
            const QString column = pair.section(QLatin1Char('='), 1).trimmed();
            if (!pair.contains(QLatin1Char('=')) || field.isEmpty() || column.isEmpty())
                return QStringLiteral("--map takes field=column pairs separated by commas, not \"%1\"")
                    .arg(pair);
            if (std::find(fields.begin(), fields.end(), field.toStdString()) == fields.end()) {
                QStringList names;
                for (const std::string &name : fields)
                    names.append(QString::fromStdString(name));
                return QStringLiteral("--map: \"%1\" is not a field; the fields are %2")
                    .arg(field, names.join(QStringLiteral(", ")));
            }
            columns.emplace_back(field.toStdString(), column.toStdString());
        }
        return {};
    }

    static void showProgress(const IngestProgress &p)
    {
        const QString where =
            p.bytesTotal > 0
                ? QStringLiteral("%1 %").arg(100.0 * double(p.bytesDone) / double(p.bytesTotal), 0, 'f', 0)
                : QStringLiteral("%1 MB").arg(p.bytesDone >> 20);
        std::fprintf(stderr, "\r\033[K[%d/%d] %s: %s, %lld lines", p.fileIndex + 1, p.fileCount,
                     p.file.toUtf8().constData(), where.toUtf8().constData(),
                     static_cast<long long>(p.counts.read));
        std::fflush(stderr);
    }

    static QJsonObject toJson(const IngestReport &r)
    {
        QJsonArray rejections;
        for (const Rejection &rejection : r.rejections)
            rejections.append(QJsonObject{{QStringLiteral("file"), rejection.file},
                                          {QStringLiteral("line"), rejection.line},
                                          {QStringLiteral("reason"), rejection.reason}});
        return {
            {QStringLiteral("read"), r.counts.read},
            {QStringLiteral("stored"), r.counts.stored},
            {QStringLiteral("updated"), r.counts.updated},
            {QStringLiteral("unchanged"), r.counts.unchanged},
            {QStringLiteral("skipped"), r.counts.skipped},
            {QStringLiteral("records_skipped"), r.counts.recordsSkipped},
            {QStringLiteral("rejected"), r.counts.rejected},
            {QStringLiteral("interactions_added"), r.counts.interactionsAdded},
            {QStringLiteral("feedback_events_added"), r.counts.feedbackAdded},
            {QStringLiteral("corrections_added"), r.counts.correctionsAdded},
            {QStringLiteral("cancelled"), r.cancelled},
            {QStringLiteral("input_errors"), QJsonArray::fromStringList(r.inputErrors)},
            {QStringLiteral("formats"), QJsonArray::fromStringList(r.inputFormats)},
            {QStringLiteral("rejections"), rejections},
            {QStringLiteral("ingest_run"), r.runId},
        };
    }

    static QString toText(const IngestReport &r, qint64 elapsedMs)
    {
        const QLocale en(QLocale::English);
        const CaptureCounts &c = r.counts;
        QString text =
            QStringLiteral("Read %1 lines in %2 s: %3 stored, %4 updated, %5 unchanged, %6 rejected.\n")
                .arg(en.toString(c.read))
                .arg(double(elapsedMs) / 1000.0, 0, 'f', 1)
                .arg(en.toString(c.stored), en.toString(c.updated), en.toString(c.unchanged),
                     en.toString(c.rejected));
        if (c.recordsSkipped > 0)
            text += QStringLiteral("Skipped %1 records that are not model calls (spans, events).\n")
                        .arg(en.toString(c.recordsSkipped));
        text += QStringLiteral("Added %1 interactions, %2 feedback events, %3 corrections.\n")
                    .arg(en.toString(c.interactionsAdded), en.toString(c.feedbackAdded),
                         en.toString(c.correctionsAdded));
        if (r.inputFormats.size() == 1)
            text += QStringLiteral("Read as %1.\n").arg(r.inputFormats.constFirst());
        else
            text += QStringLiteral("Read as: %1.\n").arg(r.inputFormats.join(QStringLiteral(", ")));
        for (const QString &error : r.inputErrors)
            text += QStringLiteral("Input ended early: %1\n").arg(error);
        if (c.rejected > 0) {
            text += QStringLiteral("Rejected lines (all are kept in the quarantine table):\n");
            for (const Rejection &rejection : r.rejections)
                text += QStringLiteral("  %1:%2: %3\n")
                            .arg(rejection.file)
                            .arg(rejection.line)
                            .arg(rejection.reason);
            if (c.rejected > r.rejections.size())
                text += QStringLiteral("  ... and %1 more\n").arg(c.rejected - r.rejections.size());
        }
        return text;
    }
};

} // namespace

std::unique_ptr<Command> makeIngestCommand()
{
    return std::make_unique<IngestCommand>();
}

} // namespace flywheel::cli
