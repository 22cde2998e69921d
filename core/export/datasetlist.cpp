#include "export/datasetlist.h"

#include "store/statement.h"
#include "store/store.h"

namespace flywheel {

Result<std::vector<DatasetRecord>> listDatasets(Store &store)
{
    auto statement = store.db().prepare("SELECT d.id, d.name, d.version, d.kind, d.format, d.path, "
                                        "d.created_at, d.examples, d.manifest_sha256, "
                                        "(SELECT count(*) FROM dataset_items i WHERE i.dataset_id = d.id) "
                                        "FROM datasets d ORDER BY d.name, d.version");
    if (!statement)
        return statement.error();
    std::vector<DatasetRecord> datasets;
    Status status = statement->forEachRow([&] {
        datasets.push_back({statement->columnInt(0), statement->columnText(1), statement->columnInt(2),
                            statement->columnText(3), statement->columnText(4), statement->columnText(5),
                            statement->columnInt(6), statement->columnInt(7), statement->columnInt(9),
                            statement->columnText(8)});
    });
    if (!status)
        return status.error();
    return datasets;
}

} // namespace flywheel
