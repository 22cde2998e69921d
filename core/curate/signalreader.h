#pragma once

#include "curate/signals.h"
#include "util/result.h"

#include <functional>

namespace flywheel {

class Store;

/// Streams every interaction of a store with its events aggregated, in id order, computing the
/// derived text signals (user text, lengths). The read happens in one read transaction, so a
/// collector writing meanwhile neither blocks it nor changes what it sees.
class SignalReader {
public:
    /// Return false from @p visit to stop early (cancellation).
    using Visit = std::function<bool(InteractionSignals &)>;

    explicit SignalReader(Store &store)
        : m_store(store)
    {}

    /// Reads the interactions with id > @p afterId. Returns how many were visited.
    Result<qint64> read(const Visit &visit, qint64 afterId = 0);

private:
    Store &m_store;
};

} // namespace flywheel
