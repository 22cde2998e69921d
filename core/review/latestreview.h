#pragma once

#include <string>
#include <string_view>

namespace flywheel {

/// "Latest review wins", written once: a scalar SQL subquery giving @p column of the latest review
/// of the interaction @p interaction (an SQL expression of the outer query) among the reviews where
/// @p where holds (empty: every review). Latest means the highest created_at, then the highest id,
/// so two decisions in one millisecond still have an order. The effective_labels view (schema
/// version 6) applies the same rule to labels; tst_review checks that the two agree.
std::string latestReview(std::string_view column, std::string_view interaction, std::string_view where = {});

} // namespace flywheel
