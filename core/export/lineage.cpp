#include "export/lineage.h"

#include "store/statement.h"
#include "store/store.h"

#include <QDateTime>

namespace flywheel {

Result<DatasetRecord> resolveDataset(Store &store, const QString &spec)
{
    const qsizetype at = spec.lastIndexOf(QLatin1Char('@'));
    const QString name = at < 0 ? spec : spec.left(at);
    bool numeric = true;
    const qint64 version = at < 0 ? 0 : spec.mid(at + 1).toLongLong(&numeric);
    if (name.isEmpty() || !numeric || (at >= 0 && version < 1))
        return Error{QStringLiteral("\"%1\" is not a dataset version: give NAME@VERSION or NAME").arg(spec)};
    auto datasets = listDatasets(store);
    if (!datasets)
        return datasets.error();
    std::optional<DatasetRecord> found;
    for (const DatasetRecord &d : *datasets)
        if (d.name == name && (at < 0 || d.version == version))
            found = d; // listed by version: the last is the latest
    if (!found)
        return Error{QStringLiteral("no dataset %1 in the store (`flywheel datasets` lists them)").arg(spec)};
    return *found;
}

Result<DatasetDiff> diffDatasets(Store &store, const DatasetRecord &from, const DatasetRecord &to)
{
    auto statement = store.db().prepare(R"sql(
SELECT i.external_id, a.split, b.split
FROM (SELECT interaction_id, split FROM dataset_items WHERE dataset_id = ?1) a
FULL OUTER JOIN (SELECT interaction_id, split FROM dataset_items WHERE dataset_id = ?2) b
     ON a.interaction_id = b.interaction_id
JOIN interactions i ON i.id = coalesce(a.interaction_id, b.interaction_id)
ORDER BY i.id)sql");
    if (!statement)
        return statement.error();
    statement->bind(1, from.id);
    statement->bind(2, to.id);
    DatasetDiff diff{from, to, {}, {}, {}, 0};
    Status status = statement->forEachRow([&] {
        const QString id = statement->columnText(0);
        if (statement->isNull(1))
            diff.entered.push_back(id);
        else if (statement->isNull(2))
            diff.left.push_back(id);
        else if (statement->columnUtf8(1) != statement->columnUtf8(2))
            diff.moved.push_back(id);
        else
            ++diff.kept;
    });
    if (!status)
        return status.error();
    return diff;
}

Status recordModelVersion(Store &store, const QString &model, const QString &version,
                          std::optional<qint64> trainedOnDatasetId, std::optional<qint64> deployedAt,
                          const QString &notes)
{
    auto upsert = store.db().prepare(R"sql(
INSERT INTO model_versions (model_name, version, first_seen_at, last_seen_at, deployed_at, notes,
                            trained_on_dataset_id)
VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)
ON CONFLICT (model_name, version) DO UPDATE SET
    deployed_at = coalesce(excluded.deployed_at, deployed_at),
    notes = coalesce(excluded.notes, notes),
    trained_on_dataset_id = coalesce(excluded.trained_on_dataset_id, trained_on_dataset_id))sql");
    if (!upsert)
        return upsert.error();
    upsert->bind(1, model);
    upsert->bind(2, version);
    upsert->bind(3, deployedAt.value_or(QDateTime::currentMSecsSinceEpoch()));
    upsert->bind(4, deployedAt);
    upsert->bindTextOrNull(5, notes.toStdString());
    upsert->bind(6, trainedOnDatasetId);
    return upsert->run();
}

Result<std::vector<ModelVersionRecord>> listModelVersions(Store &store)
{
    auto statement = store.db().prepare(R"sql(
SELECT m.model_name, m.version, m.first_seen_at, m.last_seen_at, m.deployed_at,
       coalesce(d.name || '@' || d.version, ''), coalesce(m.notes, ''), coalesce(n.count, 0)
FROM model_versions m
LEFT JOIN datasets d ON d.id = m.trained_on_dataset_id
LEFT JOIN (SELECT model_name, model_version, count(*) AS count FROM interactions GROUP BY 1, 2) n
       ON n.model_name = m.model_name AND n.model_version = m.version
ORDER BY m.model_name, coalesce(m.deployed_at, m.first_seen_at), m.version)sql");
    if (!statement)
        return statement.error();
    std::vector<ModelVersionRecord> versions;
    Status status = statement->forEachRow([&] {
        ModelVersionRecord m;
        m.model = statement->columnText(0);
        m.version = statement->columnText(1);
        m.firstSeenAt = statement->columnInt(2);
        m.lastSeenAt = statement->columnInt(3);
        if (!statement->isNull(4))
            m.deployedAt = statement->columnInt(4);
        m.trainedOn = statement->columnText(5);
        m.notes = statement->columnText(6);
        m.interactions = statement->columnInt(7);
        versions.push_back(m);
    });
    if (!status)
        return status.error();
    return versions;
}

} // namespace flywheel
