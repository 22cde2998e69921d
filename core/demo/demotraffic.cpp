#include "demo/demotraffic.h"

#include <array>

namespace flywheel {
namespace {

constexpr qint64 kHourMs = 3'600'000;

// Share of a day's sessions per UTC hour: quiet nights, busy office hours.
constexpr std::array<double, 24> kHourWeights = {1.2, 0.9, 0.7, 0.6, 0.6, 0.8, 1.4, 2.4, 3.6, 4.6, 5.0, 5.2,
                                                 5.0, 5.1, 5.3, 5.2, 4.8, 4.3, 3.9, 3.6, 3.2, 2.7, 2.1, 1.6};

constexpr qint64 kCanaryMs = 2 * DemoTraffic::kDayMs;

const DemoVersion kVersions[] = {
    {"v1", DemoTraffic::kStartMs, 1.00, 650, 30},
    {"v2", DemoTraffic::kStartMs + 35 * DemoTraffic::kDayMs + 14 * kHourMs, 0.70, 520, 25},
    {"v3", DemoTraffic::kStartMs + 65 * DemoTraffic::kDayMs + 10 * kHourMs, 0.40, 400, 19},
};

constexpr std::string_view kChannels[] = {"web", "mobile", "email"};
constexpr double kChannelWeights[] = {0.58, 0.32, 0.10};
constexpr std::string_view kLocales[] = {"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "en-IN", "ja-JP"};
constexpr double kLocaleWeights[] = {0.52, 0.15, 0.09, 0.08, 0.06, 0.06, 0.04};
constexpr std::string_view kPlans[] = {"Basic", "Plus", "Pro", "Business"};
constexpr double kPlanWeights[] = {0.40, 0.33, 0.20, 0.07};

} // namespace

DemoTraffic::DemoTraffic(qint64 totalInteractions, quint64 seed, DemoRandom &random)
    : m_seed(seed)
    // A few hundred users for the default size; larger demos get more users, not endless sessions each.
    , m_userCount(qBound(qint64(200), totalInteractions / 40, qint64(50000)))
    , m_dueBy(kDays, 0)
{
    // Traffic grows by about 90 % over the period; weekends see 40 % less; days vary by ±10 %.
    std::array<double, kDays> weights;
    double total = 0;
    for (int day = 0; day < kDays; ++day) {
        const bool weekend = day % 7 >= 5; // day 0 is a Monday
        weights[size_t(day)] =
            (1.0 + 0.9 * day / (kDays - 1)) * (weekend ? 0.6 : 1.0) * random.bell(0.9, 1.1);
        total += weights[size_t(day)];
    }
    double sum = 0;
    for (int day = 0; day < kDays; ++day) {
        sum += weights[size_t(day)];
        m_dueBy[size_t(day)] = qint64(double(totalInteractions) * sum / total);
    }
    m_dueBy.back() = totalInteractions;
}

std::span<const DemoVersion> DemoTraffic::versions()
{
    return kVersions;
}

qint64 DemoTraffic::sessionStartMs(int day, double fraction, DemoRandom &random) const
{
    // Inverse of the hourly distribution, linear within an hour, so that sessions come in time order.
    double total = 0;
    for (const double w : kHourWeights)
        total += w;
    double target = qBound(0.0, fraction, 1.0) * total;
    int hour = 0;
    while (hour < 23 && target >= kHourWeights[size_t(hour)]) {
        target -= kHourWeights[size_t(hour)];
        ++hour;
    }
    const double withinHour = qMin(1.0, target / kHourWeights[size_t(hour)]);
    const qint64 start = dayStartMs(day) + hour * kHourMs + qint64(withinHour * double(kHourMs));
    return qMin(start + random.between(0, 59'999), kEndMs);
}

int DemoTraffic::versionAt(qint64 timeMs, DemoRandom &random) const
{
    int version = 0;
    for (int i = 1; i < int(std::size(kVersions)); ++i) {
        if (timeMs >= kVersions[i].deployedAtMs)
            version = i;
    }
    // A canary: the new version takes 10 % of sessions at first and all of them two days later.
    const qint64 sinceDeploy = timeMs - kVersions[version].deployedAtMs;
    if (version > 0 && sinceDeploy < kCanaryMs && !random.chance(0.1 + 0.9 * double(sinceDeploy) / kCanaryMs))
        return version - 1;
    return version;
}

DemoUser DemoTraffic::drawUser(DemoRandom &random) const
{
    // Half the sessions come from anyone, half mostly from a few heavy users (low indexes).
    const double u = random.uniform();
    const double skewed = random.chance(0.5) ? u : u * u;
    const quint64 index = quint64(skewed * double(m_userCount));

    // A user's attributes come from their own stream: the same user always looks the same.
    DemoRandom attributes(mixSeed(m_seed, 0x75736572ull + index));
    static constexpr char kHex[] = "0123456789abcdef";
    const quint64 opaque = attributes.next();
    DemoUser user;
    user.id = "u_";
    for (int shift = 44; shift >= 0; shift -= 4)
        user.id += kHex[(opaque >> shift) & 0xF];
    user.channel = kChannels[attributes.weighted(kChannelWeights)];
    user.locale = kLocales[attributes.weighted(kLocaleWeights)];
    user.plan = kPlans[attributes.weighted(kPlanWeights)];
    return user;
}

} // namespace flywheel
