#pragma once

// Every curation result of a store (not the run ids), one line per row in a fixed order, to
// compare the results of two runs: an incremental one and a full one.

#include "store/statement.h"
#include "store/store.h"

#include <QString>

#include <sqlite3.h>

namespace flywheel::testing {

template <typename Visit>
void forEachCurationResult(Store &store, Visit &&visit)
{
    for (const char *sql : {
             "SELECT interaction_id, label, score, votes, input_hash, cluster_id, segment, fingerprint, "
             "fired, "
             "model_key, latency_ms, corrected, content_hash FROM curation ORDER BY 1",
             "SELECT * FROM flags ORDER BY 1, 2",
             "SELECT * FROM pii_spans ORDER BY 1, 2, 3, 4, 5, 6",
             "SELECT * FROM duplicate_pairs ORDER BY 1, 2",
             "SELECT * FROM curation_texts ORDER BY 1",
             "SELECT segment, traffic, curated, failures, traffic_share, curated_share, failure_rate, "
             "hardness, "
             "under_covered FROM segment_stats WHERE run_id = (SELECT max(id) FROM curation_runs "
             "WHERE status = 'completed') ORDER BY 1",
         }) {
        auto statement = store.db().prepare(sql);
        if (!statement)
            qFatal("%s", qPrintable(statement.errorMessage()));
        const QString table =
            QString::fromLatin1(sql).section(QStringLiteral(" FROM "), 1).section(QLatin1Char(' '), 0, 0);
        (void)statement->forEachRow([&] {
            QString line = table + QLatin1Char('|');
            for (int c = 0; c < statement->columnCount(); ++c) {
                switch (statement->columnType(c)) {
                case SQLITE_NULL:
                    line += QStringLiteral("NULL");
                    break;
                case SQLITE_FLOAT:
                    line += QString::number(statement->columnDouble(c), 'g', 17);
                    break;
                case SQLITE_BLOB:
                    line += QString::fromLatin1(statement->columnBlob(c).toHex());
                    break;
                default:
                    line += statement->columnText(c);
                }
                line += QLatin1Char('|');
            }
            visit(line);
        });
    }
}

} // namespace flywheel::testing
