#include "review/searchindex.h"

#include "curate/textnorm.h"
#include "store/statement.h"
#include "store/store.h"

#include <QRegularExpression>

#include <vector>

namespace flywheel {
namespace {

constexpr int kBatch = 2000;

// The change counters the index has caught up to, in search_state.
struct Watermarks {
    qint64 updatedAt = 0;
    qint64 correction = 0;
    qint64 review = 0;
};

Result<qint64> stateValue(Store &store, const char *name)
{
    return store.db().queryInt("SELECT coalesce((SELECT value FROM search_state WHERE name = ?1), 0)",
                               {std::string_view(name)});
}

Status setStateValue(Store &store, const char *name, qint64 value)
{
    auto upsert = store.db().prepare("INSERT INTO search_state (name, value) VALUES (?1, ?2) "
                                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
    if (!upsert)
        return upsert.error();
    upsert->bind(1, std::string_view(name));
    upsert->bind(2, value);
    return upsert->run();
}

// The ids @p sql selects; its parameters ?1 to ?3 are @p from's counters when given.
Result<std::vector<qint64>> idsOf(Store &store, const char *sql, const Watermarks *from)
{
    auto query = store.db().prepare(sql);
    if (!query)
        return query.error();
    if (from) {
        query->bind(1, from->updatedAt);
        query->bind(2, from->correction);
        query->bind(3, from->review);
    }
    std::vector<qint64> ids;
    if (Status s = query->forEachRow([&] { ids.push_back(query->columnInt(0)); }); !s)
        return s.error();
    return ids;
}

// Re-writes the index rows of @p ids, in one transaction.
Status indexBatch(Store &store, const qint64 *ids, size_t count)
{
    Transaction transaction(store.db());
    if (!transaction.beginStatus())
        return transaction.beginStatus();
    auto read = store.db().prepare(R"sql(
        SELECT i.input, coalesce(i.output, ''),
               coalesce((SELECT group_concat(corrected_output, ?2) FROM corrections
                         WHERE interaction_id = i.id), '') || ?2 ||
               coalesce((SELECT group_concat(corrected_output, ?2) FROM reviews
                         WHERE interaction_id = i.id AND corrected_output IS NOT NULL), '')
        FROM interactions i WHERE i.id = ?1)sql");
    auto remove = store.db().prepare("DELETE FROM search_index WHERE rowid = ?1");
    auto insert = store.db().prepare(
        "INSERT INTO search_index (rowid, input, output, corrections) VALUES (?1, ?2, ?3, ?4)");
    if (!read || !remove || !insert)
        return !read ? read.error() : !remove ? remove.error() : insert.error();
    for (size_t i = 0; i < count; ++i) {
        remove->reset();
        remove->bind(1, ids[i]);
        if (Status s = remove->run(); !s)
            return s;
        read->reset();
        read->bind(1, ids[i]);
        read->bind(2, std::string_view("\n")); // a bound newline: SQLite's char(10) is not PostgreSQL's
        auto row = read->step();
        if (!row)
            return row.error();
        if (!*row)
            continue;
        insert->reset();
        insert->bind(1, ids[i]);
        insert->bind(2, std::string_view(userTextOf(read->columnUtf8(0))));
        insert->bind(3, read->columnUtf8(1));
        insert->bind(4, read->columnUtf8(2));
        if (Status s = insert->run(); !s)
            return s;
    }
    return transaction.commit();
}

} // namespace

Result<qint64> updateSearchIndex(Store &store,
                                 const std::function<void(const SearchIndexProgress &)> &progress,
                                 const std::atomic_bool *cancel)
{
    Watermarks from;
    for (auto [name, value] :
         {std::pair{"updated_at", &from.updatedAt}, std::pair{"correction", &from.correction},
          std::pair{"review", &from.review}}) {
        auto stored = stateValue(store, name);
        if (!stored)
            return stored.error();
        *value = *stored;
    }
    // Read the counters before the ids, so a change made meanwhile is caught by the next update.
    Watermarks to;
    for (auto [sql, value] :
         {std::pair{"SELECT coalesce(max(updated_at), 0) FROM interactions", &to.updatedAt},
          std::pair{"SELECT coalesce(max(id), 0) FROM corrections", &to.correction},
          std::pair{"SELECT coalesce(max(id), 0) FROM reviews", &to.review}}) {
        auto max = store.db().queryInt(sql);
        if (!max)
            return max.error();
        *value = *max;
    }
    auto missing = idsOf(store,
                         "SELECT DISTINCT interaction_id FROM flags "
                         "WHERE interaction_id NOT IN (SELECT rowid FROM search_index) ORDER BY 1",
                         nullptr);
    auto changed = idsOf(store, R"sql(
        SELECT rowid FROM search_index WHERE rowid IN (
            SELECT id FROM interactions WHERE updated_at > ?1
            UNION SELECT interaction_id FROM corrections WHERE id > ?2
            UNION SELECT interaction_id FROM reviews WHERE id > ?3 AND corrected_output IS NOT NULL))sql",
                         &from);
    if (!missing || !changed)
        return !missing ? missing.error() : changed.error();
    std::vector<qint64> ids = std::move(*missing);
    ids.insert(ids.end(), changed->begin(), changed->end());

    SearchIndexProgress state{0, qint64(ids.size())};
    for (size_t at = 0; at < ids.size(); at += kBatch) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return state.done;
        const size_t count = std::min<size_t>(kBatch, ids.size() - at);
        if (Status s = indexBatch(store, ids.data() + at, count); !s)
            return s.error();
        state.done += qint64(count);
        if (progress)
            progress(state);
    }
    for (auto [name, value] : {std::pair{"updated_at", to.updatedAt}, std::pair{"correction", to.correction},
                               std::pair{"review", to.review}})
        if (Status s = setStateValue(store, name, value); !s)
            return s.error();
    return state.done;
}

QString searchExpression(const QString &userText)
{
    // Control characters separate words too: FTS5 reads a NUL as the end of the query, which would
    // leave a quote open.
    static const QRegularExpression separators(QStringLiteral("[\\s\\p{Cc}]+"));
    const QStringList words = userText.split(separators, Qt::SkipEmptyParts);
    QStringList quoted;
    for (const QString &word : words) {
        QString w = word;
        w.replace(QLatin1Char('"'), QLatin1String("\"\""));
        quoted.append(QLatin1Char('"') + w + QLatin1Char('"'));
    }
    if (!quoted.isEmpty() && !userText.back().isSpace() && userText.back().category() != QChar::Other_Control)
        quoted.last().append(QLatin1Char('*'));
    return quoted.join(QLatin1Char(' '));
}

SearchSql searchSql(bool postgres, const QString &userText)
{
    const QString expression = searchExpression(userText);
    if (!postgres) // the index first: its matches are far fewer than the flags
        return {" FROM search_index s CROSS JOIN flags f ON f.interaction_id = s.rowid",
                " WHERE search_index MATCH ?8", expression};
    return {" FROM search_index s JOIN flags f ON f.interaction_id = s.rowid",
            " WHERE s.words @@ search_query(?8)", expression.isEmpty() ? QString() : userText};
}

} // namespace flywheel
