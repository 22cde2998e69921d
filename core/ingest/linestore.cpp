#include "ingest/linestore.h"

namespace flywheel {

Status storeParsedLine(CaptureWriter &writer, const ParsedLine &parsed, CaptureCounts &counts)
{
    bool updated = false;
    bool inserted = false;
    for (const InteractionRecord &interaction : parsed.interactions) {
        auto upsert = writer.upsertInteraction(interaction);
        if (!upsert)
            return upsert.error();
        inserted |= *upsert == CaptureWriter::Upsert::Inserted;
        updated |= *upsert == CaptureWriter::Upsert::Updated;
        counts.interactionsAdded += *upsert == CaptureWriter::Upsert::Inserted;
    }
    if (!parsed.interactions.empty() && !inserted && !updated) {
        // An identical line was stored before, with the same embedded events.
        ++counts.unchanged;
        return {};
    }
    bool changed = inserted || updated;
    updated = updated && !inserted;
    for (const FeedbackRecord &feedback : parsed.feedback) {
        auto added = writer.addFeedback(feedback);
        if (!added)
            return added.error();
        counts.feedbackAdded += *added;
        changed |= *added;
    }
    for (const CorrectionRecord &correction : parsed.corrections) {
        auto added = writer.addCorrection(correction);
        if (!added)
            return added.error();
        counts.correctionsAdded += *added;
        changed |= *added;
    }
    if (!changed)
        ++counts.unchanged;
    else if (updated)
        ++counts.updated;
    else
        ++counts.stored;
    return {};
}

} // namespace flywheel
