#pragma once

#include "store/migrations.h"

#include <span>

namespace flywheel {

/// The PostgreSQL steps of the store schema: the same numbered steps as migrations(), one for one,
/// in PostgreSQL's types (bigint for every integer, bytea, double precision, identity keys,
/// PL/pgSQL triggers). Step i takes flywheel.store_info's schema_version from i to i + 1.
std::span<const Migration> postgresMigrations();

} // namespace flywheel
