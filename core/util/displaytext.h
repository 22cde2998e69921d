#pragma once

// The words and figures the studio and the command line both show, defined once.

#include <QString>

namespace flywheel {

/// A stored name as a person reads it: "correction_to_review" -> "Correction to review".
QString readableName(const QString &name);

/// A fraction as a percentage, "12.5 %".
QString percentText(double fraction, int decimals = 1);
/// @p part of @p whole as a percentage; "-" when @p whole is zero (there is nothing to divide).
QString shareText(qint64 part, qint64 whole, int decimals = 1);

} // namespace flywheel
