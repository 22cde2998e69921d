#pragma once

#include "curate/signals.h"
#include "util/result.h"

#include <functional>
#include <limits>
#include <optional>

namespace flywheel {

class Store;

/// Which interactions a read visits.
struct SignalSelection {
    /// Those with an id in (afterId, upToId]...
    qint64 afterId = 0;
    qint64 upToId = std::numeric_limits<qint64>::max();
    /// ... and, when set, only those listed in curation_dirty up to this sequence number.
    std::optional<qint64> dirtyUpToSeq;
};

/// Streams the interactions of a store with their events aggregated, in id order, computing the
/// derived text signals (user text, lengths). The read happens in one read transaction (the
/// caller's when one is open), so a collector writing meanwhile neither blocks it nor changes what
/// it sees.
class SignalReader {
public:
    /// Return false from @p visit to stop early (cancellation).
    using Visit = std::function<bool(InteractionSignals &)>;

    explicit SignalReader(Store &store)
        : m_store(store)
    {}

    /// Returns how many were visited.
    Result<qint64> read(const Visit &visit, const SignalSelection &selection = {});

private:
    Store &m_store;
};

} // namespace flywheel
