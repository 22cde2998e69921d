#pragma once

#include "util/timerange.h"

class QDateEdit;

namespace flywheel::ui {

/// The studio's date filters: a pair of boxes, "from" and "to", each showing "any" for an open
/// end. A date is a UTC day and "to" takes it whole (core/util/timerange.h), as the command line's
/// --from and --to do, whatever the computer's time zone.
QDateEdit *createDateBox();
/// The range the two boxes select.
TimeRange rangeOf(const QDateEdit *from, const QDateEdit *to);
/// Shows @p range in the boxes: its first and last UTC day, "any" where it is open.
void showRange(QDateEdit *from, QDateEdit *to, const TimeRange &range);

} // namespace flywheel::ui
