#pragma once

#include "ingest/lineparser.h"
#include "store/capturewriter.h"
#include "util/result.h"

namespace flywheel {

/// Writes the records of one parsed line and counts its outcome (stored, updated or unchanged, and
/// what was added), the same for files (Ingester) and live requests (the collector). The caller
/// counts `read`, skipped lines and rejections; @p writer must be inside a batch.
Status storeParsedLine(CaptureWriter &writer, const ParsedLine &parsed, CaptureCounts &counts);

} // namespace flywheel
