#pragma once

#include "util/result.h"

#include <QString>

#include <vector>

namespace flywheel {

class Store;

/// One exported dataset version, as the store records it.
struct DatasetRecord {
    qint64 id = 0;
    QString name;
    qint64 version = 0;
    QString kind, format, path;
    qint64 createdAt = 0;
    qint64 examples = 0;
    qint64 interactions = 0;
    QString manifestSha256;
};

/// Every dataset version, by name then version.
Result<std::vector<DatasetRecord>> listDatasets(Store &store);

} // namespace flywheel
