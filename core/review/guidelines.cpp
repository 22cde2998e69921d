#include "review/guidelines.h"

#include "store/statement.h"
#include "store/store.h"

namespace flywheel {

Result<QList<Guidelines>> loadGuidelineVersions(Store &store, qint64 version)
{
    auto query = store.db().prepare("SELECT version, text, coalesce(author, ''), created_at FROM guidelines "
                                    "WHERE ?1 = 0 OR version = ?1 ORDER BY version DESC");
    if (!query)
        return query.error();
    query->bind(1, version);
    QList<Guidelines> versions;
    if (Status s = query->forEachRow([&] {
            versions.append(
                {query->columnInt(0), query->columnText(1), query->columnText(2), query->columnInt(3)});
        });
        !s)
        return s.error();
    return versions;
}

Result<Guidelines> loadGuidelines(Store &store)
{
    auto query = store.db().prepare("SELECT version, text, coalesce(author, ''), created_at FROM guidelines "
                                    "ORDER BY version DESC LIMIT 1");
    if (!query)
        return query.error();
    Guidelines latest;
    if (Status s = query->forEachRow([&] {
            latest = {query->columnInt(0), query->columnText(1), query->columnText(2), query->columnInt(3)};
        });
        !s)
        return s.error();
    return latest;
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
