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
#include "util/timestamps.h"

#include <QJsonArray>
#include <QLocale>

#include <optional>

namespace flywheel::cli {
namespace {

template <typename Value>
struct Choice {
    const char *name;
    Value value;
};

constexpr Choice<QueueFilter::Status> kStatuses[] = {
    {"todo", QueueFilter::Status::ToDo},
    {"skipped", QueueFilter::Status::Skipped},
    {"decided", QueueFilter::Status::Decided},
    {"all", QueueFilter::Status::All},
};
constexpr Choice<QueueFilter::Order> kOrders[] = {
    {"priority", QueueFilter::Order::Priority},
    {"newest", QueueFilter::Order::Newest},
    {"oldest", QueueFilter::Order::Oldest},
};

template <typename Value, size_t N>
QString names(const Choice<Value> (&choices)[N])
{
    QStringList out;
    for (const Choice<Value> &choice : choices)
        out.append(QLatin1String(choice.name));
    return out.join(QStringLiteral(", "));
}

template <typename Value, size_t N>
std::optional<Value> choose(const Choice<Value> (&choices)[N], const QString &text)
{
    for (const Choice<Value> &choice : choices)
        if (text == QLatin1String(choice.name))
            return choice.value;
    return std::nullopt;
}

QString flagReasonNames()
{
    QStringList out;
    for (int r = 0; r <= int(FlagReason::UnderCoveredSegment); ++r) {
        const std::string_view name = flagReasonName(FlagReason(r));
        out.append(QString::fromUtf8(name.data(), qsizetype(name.size())));
    }
    return out.join(QStringLiteral(", "));
}

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
            {QStringLiteral("time"), QString::fromStdString(formatRfc3339(row.timestampMs))},
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
             QStringLiteral("Only interactions with this flag, at its priority (") + flagReasonNames() +
                 QStringLiteral(")."),
             QStringLiteral("reason")},
            {QStringLiteral("segment"), QStringLiteral("Only this segment (a reviewer's, else curation's)."),
             QStringLiteral("segment")},
            {QStringLiteral("model-version"), QStringLiteral("Only this model version."),
             QStringLiteral("version")},
            {QStringLiteral("label"),
             QStringLiteral("Only this label, a reviewer's over curation's (gold, positive, negative, "
                            "conflicting, unlabeled)."),
             QStringLiteral("label")},
            {QStringLiteral("annotator"),
             QStringLiteral("Only interactions this annotator decided or skipped."), QStringLiteral("name")},
            {QStringLiteral("from"),
             QStringLiteral("Only interactions from this time (RFC 3339, or YYYY-MM-DD in UTC)."),
             QStringLiteral("time")},
            {QStringLiteral("to"),
             QStringLiteral("Only interactions up to this time (a date: that whole day)."),
             QStringLiteral("time")},
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
        const auto chosenStatus = choose(kStatuses, status);
        if (!chosenStatus)
            return QStringLiteral("--status must be one of %1, not \"%2\"").arg(names(kStatuses), status);
        filter.status = *chosenStatus;
        const QString order = parser.value(QStringLiteral("order"));
        const auto chosenOrder = choose(kOrders, order);
        if (!chosenOrder)
            return QStringLiteral("--order must be one of %1, not \"%2\"").arg(names(kOrders), order);
        filter.order = *chosenOrder;
        filter.reason = parser.value(QStringLiteral("reason"));
        if (!filter.reason.isEmpty() && !flagReasonFromName(filter.reason.toStdString()))
            return QStringLiteral("--reason must be one of %1, not \"%2\"")
                .arg(flagReasonNames(), filter.reason);
        filter.label = parser.value(QStringLiteral("label"));
        if (!filter.label.isEmpty() && !labelFromName(filter.label.toStdString()))
            return QStringLiteral("--label must be one of gold, positive, negative, conflicting, unlabeled, "
                                  "not \"%1\"")
                .arg(filter.label);
        filter.segment = parser.value(QStringLiteral("segment"));
        filter.modelVersion = parser.value(QStringLiteral("model-version"));
        filter.annotator = parser.value(QStringLiteral("annotator"));
        filter.search = parser.value(QStringLiteral("search"));
        if (parser.isSet(QStringLiteral("search")) && searchExpression(filter.search).isEmpty())
            return QStringLiteral("--search needs at least one word, not \"%1\"").arg(filter.search);
        QString error = readTimeRange(parser, filter.fromMs, filter.toMs);
        if (error.isEmpty() && filter.fromMs != 0 && filter.toMs != 0 && filter.toMs <= filter.fromMs)
            error = QStringLiteral("--to must not be before --from");
        return error;
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
