#pragma once

#include <QString>

namespace flywheel {

/// Where a store lives: a SQLite file path, or a PostgreSQL server named by a libpq URI
/// (`postgresql://` or `postgres://`). A URI may carry Flywheel's own `schema` query parameter,
/// the PostgreSQL schema that holds the store (default `flywheel`); libpq never sees it.
struct StoreLocation {
    static constexpr const char *kDefaultSchema = "flywheel";

    /// Whether @p location names a PostgreSQL server rather than a file.
    static bool isServer(const QString &location);

    /// @p location with every password taken out (the URI's `user:password@` and `password=`), for
    /// messages, logs, `--json` output and settings: what may be shown to anyone.
    static QString redacted(const QString &location);

    /// The URI libpq connects to (without Flywheel's `schema` parameter).
    static QString connectionUri(const QString &location);
    /// The schema the store lives in: the URI's `schema` parameter, else kDefaultSchema.
    static QString schema(const QString &location);
    /// @p location naming @p schema (replacing any schema it named); the default is left implicit.
    static QString withSchema(const QString &location, const QString &schema);
};

} // namespace flywheel
