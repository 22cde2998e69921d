#pragma once

#include <span>

namespace flywheel {

/// One step of the store schema. Step i takes a store from user_version i to i + 1.
struct Migration {
    const char *summary;
    const char *sql;
};

/// The ordered migrations. Append only: a released step is never edited.
std::span<const Migration> migrations();

/// The schema version a store has once every migration has run.
int latestSchemaVersion();

/// PRAGMA application_id of every Flywheel Studio store ("FLYW").
constexpr int kApplicationId = 0x464C5957;

} // namespace flywheel
