// The duplicates stage of a curation run (DuplicateStage), given its inputs: the run's rows, the
// inputs it normalised and, for an incremental run, what the previous run stored.

#include "curate/curationrun.h"

#include <optional>

namespace flywheel {

Status CurationRun::duplicates()
{
    std::optional<Error> readError;
    const auto storedText = [&](qint64 interactionId) {
        auto text = this->storedText(interactionId);
        if (!text && !readError)
            readError = text.error();
        return text ? std::move(*text) : std::string();
    };
    std::optional<DuplicateStage::Stored> previous;
    if (m_incremental)
        previous = std::move(m_storedDuplicates);
    m_duplicates.run(m_curated, m_freshTexts, std::move(previous), storedText);
    if (readError)
        return *readError;
    m_report.nearDuplicatePairs = qint64(m_duplicates.pairs().size());
    m_report.duplicateGroups = m_duplicates.groups();
    m_report.duplicateMembers = m_duplicates.members();
    return {};
}

// LSH bands and rows that find pairs at the threshold with probability above 0.98.
NearDuplicateSettings CurationRun::nearDuplicateSettings() const
{
    NearDuplicateSettings settings;
    settings.shingleSize = m_rules.duplicates().shingleSize;
    settings.threshold = m_rules.duplicates().threshold;
    settings.rows = settings.threshold >= 0.75 ? 5 : settings.threshold >= 0.65 ? 4 : 3;
    settings.bands = 100 / settings.rows;
    return settings;
}

} // namespace flywheel
