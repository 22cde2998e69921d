#include "review/latestreview.h"

namespace flywheel {

std::string latestReview(std::string_view column, std::string_view interaction, std::string_view where)
{
    std::string sql = "(SELECT ";
    sql += column;
    sql += " FROM reviews WHERE interaction_id = ";
    sql += interaction;
    if (!where.empty()) {
        sql += " AND (";
        sql += where;
        sql += ')';
    }
    sql += " ORDER BY created_at DESC, id DESC LIMIT 1)";
    return sql;
}

} // namespace flywheel
