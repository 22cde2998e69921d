#pragma once

#include "demo/demorandom.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// A version of the demo's model and how it behaves.
struct DemoVersion {
    std::string_view name;
    qint64 deployedAtMs;
    /// Multiplies a category's difficulty: below 1, the version answers better.
    double poorFactor;
    double baseLatencyMs;
    double msPerToken;
};

/// Who sends a session: a stable user with a channel, a locale and a plan.
struct DemoUser {
    std::string id;
    std::string_view channel;
    std::string_view locale;
    std::string_view plan;
};

/// When the demo's traffic happens and who sends it: 90 days ending at a fixed time, growing, with
/// quieter weekends and nights; three model versions deployed one after another with a two-day
/// canary; a few hundred users of whom some are heavy.
class DemoTraffic final {
public:
    static constexpr int kDays = 90;
    /// 2026-08-03T00:00:00Z, a Monday. Fixed so the store never depends on today's date.
    static constexpr qint64 kStartMs = 1785715200000;
    static constexpr qint64 kDayMs = 86'400'000;
    /// 2026-10-31T23:59:59Z: nothing happens after it.
    static constexpr qint64 kEndMs = kStartMs + kDays * kDayMs - 1000;
    static constexpr std::string_view kModelName = "support-assistant";

    DemoTraffic(qint64 totalInteractions, quint64 seed, DemoRandom &random);

    static std::span<const DemoVersion> versions();

    qint64 dayStartMs(int day) const { return kStartMs + day * kDayMs; }
    /// How many interactions are due by the end of @p day (0-based); the last day ends at the total.
    qint64 dueByEndOf(int day) const { return m_dueBy[size_t(day)]; }
    /// A session start on @p day, @p fraction of the way through the day's traffic.
    qint64 sessionStartMs(int day, double fraction, DemoRandom &random) const;
    /// The version serving a session that starts at @p timeMs (during a canary, either one).
    int versionAt(qint64 timeMs, DemoRandom &random) const;
    DemoUser drawUser(DemoRandom &random) const;

private:
    quint64 m_seed;
    qint64 m_userCount;
    std::vector<qint64> m_dueBy;
};

} // namespace flywheel
