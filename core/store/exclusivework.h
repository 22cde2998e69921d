#pragma once

#include "util/result.h"

#include <QString>

#include <memory>

class QLockFile;

namespace flywheel {

class Database;

/// Work of which a store runs one at a time whoever starts it — a curation run — held while the
/// object lives, across processes and, on a server, across hosts. On PostgreSQL it is an advisory
/// lock of the store's schema, held by a connection of its own; on SQLite a lock file beside the
/// store (QLockFile, which a crashed holder does not keep). A second taker is told who holds it and
/// since when.
class ExclusiveWork final {
public:
    ~ExclusiveWork();
    ExclusiveWork(const ExclusiveWork &) = delete;
    ExclusiveWork &operator=(const ExclusiveWork &) = delete;

    /// Takes the store at @p location's lock for @p work ("curation"), or says who holds it.
    static Result<std::unique_ptr<ExclusiveWork>> acquire(const QString &location, const QString &work);

private:
    ExclusiveWork() = default;
    static Result<std::unique_ptr<ExclusiveWork>> onServer(const QString &location, const QString &work);
    static Result<std::unique_ptr<ExclusiveWork>> inFile(const QString &location, const QString &work);

    std::unique_ptr<Database> m_connection;
    std::unique_ptr<QLockFile> m_file;
};

} // namespace flywheel
