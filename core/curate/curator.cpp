#include "curate/curator.h"

#include "curate/curationrun.h"

namespace flywheel {

Curator::Curator(Store &store, RuleSet rules)
    : m_store(store)
    , m_rules(std::move(rules))
{}

Result<CurationReport> Curator::run()
{
    return CurationRun(m_store, m_rules, m_progress, m_cancel, m_full, m_writeTurn).execute();
}

} // namespace flywheel
