// `flywheel queue`: the review studio's queue, headless. The same rows in the same order (each
// flagged interaction once, at its highest-priority flag) and the same filters, read through the
// core's ReviewQueue.
#include "commands.h"
#include "dashboardoptions.h"

#include "curate/flags.h"
#include "curate/rules.h"
#include "review/reviewqueue.h"
#include "review/searchindex.h"
#include "store/store.h"
#include "util/enumnames.h"

#include <QJsonArray>
#include <QLocale>

namespace flywheel::cli {
namespace {

constexpr EnumNames<QueueFilter::Status, 4> kStatuses{{
    {QueueFilter::Status::ToDo, "todo"},
    {QueueFilter::Status::Skipped, "skipped"},
    {QueueFilter::Status::Decided, "decided"},
    {QueueFilter::Status::All, "all"},
}};
constexpr EnumNames<QueueFilter::Order, 3> kOrders{{
    {QueueFilter::Order::Priority, "priority"},
    {QueueFilter::Order::Newest, "newest"},
    {QueueFilter::Order::Oldest, "oldest"},
}};

QString statusWords(QueueFilter::Status status)
{
    switch (status) {
    case QueueFilter::Status::ToDo:
        return QStringLiteral("to review");
    case QueueFilter::Status::Skipped:
        return QStringLiteral("skipped");
    case QueueFilter::Status::Decided:
        return QStringLiteral("decided");
    case QueueFilter::Status::All:
        break;
    }
    return QStringLiteral("flagged");
}

QJsonObject rowJson(const QueueRow &row)
{
    return {{QStringLiteral("source"), row.source},
            {QStringLiteral("id"), row.externalId},
            {QStringLiteral("reason"), row.key.reason},
            {QStringLiteral("priority"), row.key.priority},
            {QStringLiteral("detail"), row.detail},
            {QStringLiteral("segment"), row.segment},
            {QStringLiteral("label"), row.label},
            {QStringLiteral("model_version"), row.modelVersion},
            {QStringLiteral("time"), timeText(row.timestampMs)},
            {QStringLiteral("decision"), row.decision},
            {QStringLiteral("reviewer"), row.reviewer},
            {QStringLiteral("preview"), row.preview}};
}

class QueueCommand final : public Command {
public:
    QueueCommand()
        : Command(
              QStringLiteral("queue"), QStringLiteral("Print the review queue"),
              QStringLiteral("Print the flagged interactions as the review studio's queue lists them: each "
                             "once, at its highest-priority flag, highest priority first, with the reason "
                             "and its detail. By default those nobody has decided yet. Run `flywheel "
                             "curate` first."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOptions({
            {QStringLiteral("limit"), QStringLiteral("How many interactions (default: 20)."),
             QStringLiteral("n"), QStringLiteral("20")},
            {QStringLiteral("status"),
             QStringLiteral("todo (default: no decision yet), skipped, decided (accepted, rejected or "
                            "corrected) or all."),
             QStringLiteral("status"), QStringLiteral("todo")},
            {QStringLiteral("order"), QStringLiteral("priority (default), newest or oldest."),
             QStringLiteral("order"), QStringLiteral("priority")},
            {QStringLiteral("reason"),
             QStringLiteral("Only interactions with this flag, at its priority (") +
                 listed(flagReasonNames()) + QStringLiteral(")."),
             QStringLiteral("reason")},
            {QStringLiteral("segment"), QStringLiteral("Only this segment (a reviewer's, else curation's)."),
             QStringLiteral("segment")},
            {QStringLiteral("model-version"), QStringLiteral("Only this model version."),
             QStringLiteral("version")},
            {QStringLiteral("label"),
             QStringLiteral("Only this label, a reviewer's over curation's (") + listed(labelNames()) +
                 QStringLiteral(")."),
             QStringLiteral("label")},
            {QStringLiteral("annotator"),
             QStringLiteral("Only interactions this annotator decided or skipped."), QStringLiteral("name")},
            fromOption(QStringLiteral("Only interactions")),
            toOption(QStringLiteral("Only interactions")),
            {QStringLiteral("search"),
             QStringLiteral("Only interactions whose user messages, output or corrections contain every "
                            "word (the last one as a prefix)."),
             QStringLiteral("words")},
        });
    }

    int run(QCommandLineParser &parser) override
    {
        qint64 limit = 20;
        if (QString error = parseCount(parser, QStringLiteral("limit"), limit, 1); !error.isEmpty())
            return fail(error);
        QueueFilter filter;
        if (QString error = readFilter(parser, filter); !error.isEmpty())
            return fail(error);
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        if (!filter.search.isEmpty()) {
            // The studio keeps the index current in the background; here it is brought up to date first.
            if (auto indexed = updateSearchIndex(*store); !indexed)
                return fail(QStringLiteral("cannot update the search index: %1").arg(indexed.errorMessage()));
        }
        ReviewQueue queue(*store, filter);
        auto total = queue.count();
        if (!total)
            return fail(total.errorMessage());
        auto rows = queue.pageAfter(nullptr, int(qMin<qint64>(limit, 1000000)));
        if (!rows)
            return fail(rows.errorMessage());
        if (json()) {
            QJsonArray entries;
            for (const QueueRow &row : *rows)
                entries.append(rowJson(row));
            printJson({{QStringLiteral("total"), *total}, {QStringLiteral("queue"), entries}});
            return Success;
        }
        print(text(filter, *total, *rows));
        return Success;
    }

private:
    static QString readFilter(const QCommandLineParser &parser, QueueFilter &filter)
    {
        const QString status = parser.value(QStringLiteral("status"));
        const auto chosenStatus = valueOf(kStatuses, status.toStdString());
        if (!chosenStatus)
            return QStringLiteral("--status must be one of %1, not \"%2\"")
                .arg(listed(namesOf(kStatuses)), status);
        filter.status = *chosenStatus;
        const QString order = parser.value(QStringLiteral("order"));
        const auto chosenOrder = valueOf(kOrders, order.toStdString());
        if (!chosenOrder)
            return QStringLiteral("--order must be one of %1, not \"%2\"")
                .arg(listed(namesOf(kOrders)), order);
        filter.order = *chosenOrder;
        filter.reason = parser.value(QStringLiteral("reason"));
        if (!filter.reason.isEmpty() && !flagReasonFromName(filter.reason.toStdString()))
            return QStringLiteral("--reason must be one of %1, not \"%2\"")
                .arg(listed(flagReasonNames()), filter.reason);
        filter.label = parser.value(QStringLiteral("label"));
        if (!filter.label.isEmpty() && !labelFromName(filter.label.toStdString()))
            return QStringLiteral("--label must be one of %1, not \"%2\"")
                .arg(listed(labelNames()), filter.label);
        filter.segment = parser.value(QStringLiteral("segment"));
        filter.modelVersion = parser.value(QStringLiteral("model-version"));
        filter.annotator = parser.value(QStringLiteral("annotator"));
        filter.search = parser.value(QStringLiteral("search"));
        if (parser.isSet(QStringLiteral("search")) && searchExpression(filter.search).isEmpty())
            return QStringLiteral("--search needs at least one word, not \"%1\"").arg(filter.search);
        return readTimeRange(parser, filter.time);
    }

    static QString text(const QueueFilter &filter, qint64 total, const QList<QueueRow> &rows)
    {
        const QLocale locale = QLocale::c();
        if (rows.isEmpty())
            return filter == QueueFilter{}
                       ? QStringLiteral("Nothing to review: every flagged interaction has a "
                                        "decision (`flywheel curate` flags new ones).")
                       : QStringLiteral("No flagged interaction matches.");
        QString out = QStringLiteral("%1 interaction%2 %3; the first %4:\n")
                          .arg(locale.toString(total), total == 1 ? QString() : QStringLiteral("s"),
                               statusWords(filter.status), locale.toString(rows.size()));
        for (const QueueRow &row : rows) {
            constexpr qsizetype kPreview = 100; // a line of a terminal, about
            const QString preview =
                row.preview.size() > kPreview ? row.preview.left(kPreview - 1) + QChar(0x2026) : row.preview;
            QString decided;
            if (!row.decision.isEmpty())
                decided =
                    QStringLiteral("  (%1%2)")
                        .arg(row.decision,
                             row.reviewer.isEmpty() ? QString() : QStringLiteral(" by ") + row.reviewer);
            out += QStringLiteral("%1  %2  %3  [%4]%5  %6\n      %7\n")
                       .arg(row.key.priority, 4, 'f', 2)
                       .arg(row.key.reason, -22)
                       .arg(row.externalId, -20)
                       .arg(row.segment, decided, row.detail, preview);
        }
        out.chop(1);
        return out;
    }
};

} // namespace

std::unique_ptr<Command> makeQueueCommand()
{
    return std::make_unique<QueueCommand>();
}

} // namespace flywheel::cli
