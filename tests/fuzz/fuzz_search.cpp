// libFuzzer target for the review queue's search and filters: any bytes, split into a search text
// and filter values, must give a count and a page without an error (what a user types never
// reaches FTS5 or SQL as syntax), over a small curated store built once.

#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "review/reviewqueue.h"
#include "review/searchindex.h"
#include "store/store.h"

#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <optional>

using namespace flywheel;

namespace {

Store *fixture()
{
    static QTemporaryDir dir;
    static std::optional<Store> store = []() -> std::optional<Store> {
        auto opened = Store::open(dir.filePath(QStringLiteral("search.flywheel")));
        if (!opened)
            return std::nullopt;
        DemoOptions options;
        options.interactions = 400;
        if (!DemoGenerator(*opened, options).run() || !Curator(*opened, RuleSet::defaults()).run() ||
            !updateSearchIndex(*opened))
            return std::nullopt;
        return std::move(*opened);
    }();
    if (!store)
        __builtin_trap();
    return &*store;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Store *store = fixture();
    // Fields separated by 0x1f: search, segment, reason, annotator, label, model version.
    const QStringList fields =
        QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size)).split(QChar(0x1f));
    QueueFilter filter;
    filter.status = size % 2 ? QueueFilter::Status::All : QueueFilter::Status::ToDo;
    filter.order = QueueFilter::Order(size % 3);
    QString *targets[] = {&filter.search,    &filter.segment, &filter.reason,
                          &filter.annotator, &filter.label,   &filter.modelVersion};
    for (qsizetype i = 0; i < fields.size() && i < qsizetype(std::size(targets)); ++i)
        *targets[i] = fields.at(i);
    ReviewQueue queue(*store, filter);
    const auto count = queue.count();
    const auto page = queue.pageAfter(nullptr, 10);
    const auto end = queue.pageBeforeEnd(0, 10);
    if (!count || !page || !end || *count < page->size())
        __builtin_trap();
    return 0;
}
