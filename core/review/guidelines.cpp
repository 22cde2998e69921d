#include "review/guidelines.h"

#include "store/statement.h"
#include "store/store.h"

#include <limits>

namespace flywheel {
namespace {

// Versions newest first: @p version only, or every one (0); at most @p limit (-1: no limit).
Result<QList<Guidelines>> selectVersions(Store &store, qint64 version, qint64 limit)
{
    auto query = store.db().prepare("SELECT version, text, coalesce(author, ''), created_at FROM guidelines "
                                    "WHERE version = ?1 OR ?1 = 0 ORDER BY version DESC LIMIT ?2");
    if (!query)
        return query.error();
    query->bind(1, version);
    query->bind(2, limit < 0 ? std::numeric_limits<qint64>::max() : limit); // PostgreSQL refuses -1
    QList<Guidelines> versions;
    if (Status s = query->forEachRow([&] {
            versions.append(
                {query->columnInt(0), query->columnText(1), query->columnText(2), query->columnInt(3)});
        });
        !s)
        return s.error();
    return versions;
}

} // namespace

Result<QList<Guidelines>> loadGuidelineVersions(Store &store, qint64 version)
{
    return selectVersions(store, version, -1);
}

Result<Guidelines> loadGuidelines(Store &store)
{
    auto latest = selectVersions(store, 0, 1);
    if (!latest)
        return latest.error();
    return latest->value(0);
}

Result<Guidelines> saveGuidelines(Store &store, const QString &text, const QString &author)
{
    // Read and write in one transaction: two people saving at once get two versions, in order.
    Transaction transaction(store.db());
    if (Status s = transaction.beginStatus(); !s)
        return s.error();
    auto latest = loadGuidelines(store);
    if (!latest)
        return latest.error();
    if (latest->version > 0 && latest->text == text)
        return latest;
    Guidelines saved{latest->version + 1, text, author, currentTimeMs()};
    auto insert = store.db().prepare(
        "INSERT INTO guidelines (version, text, author, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!insert)
        return insert.error();
    insert->bind(1, saved.version);
    insert->bind(2, saved.text);
    if (author.isEmpty())
        insert->bindNull(3);
    else
        insert->bind(3, author);
    insert->bind(4, saved.createdAtMs);
    if (Status s = insert->run(); !s)
        return s.error();
    if (Status s = transaction.commit(); !s)
        return s.error();
    return saved;
}

} // namespace flywheel
