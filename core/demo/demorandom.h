#pragma once

#include <QtGlobal>

#include <span>

namespace flywheel {

/// splitmix64: turns any 64-bit value into a well-mixed one. Seeds generators and derives
/// per-user or per-conversation values without drawing from the main stream.
constexpr quint64 splitmix64(quint64 &state)
{
    quint64 z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/// Mixes two values into one seed (for sub-streams: seed × user, seed × conversation...).
constexpr quint64 mixSeed(quint64 a, quint64 b)
{
    quint64 state = a ^ (b * 0xd1342543de82ef95ull);
    return splitmix64(state);
}

/// xoshiro256** with its own helpers. The standard distributions are implementation-defined, so
/// the demo uses only this and plain arithmetic: the same seed gives the same store everywhere.
class DemoRandom final {
public:
    explicit DemoRandom(quint64 seed)
    {
        for (quint64 &word : m_s)
            word = splitmix64(seed);
    }

    quint64 next()
    {
        const quint64 result = rotl(m_s[1] * 5, 7) * 9;
        const quint64 t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits: exact, so the same on every platform.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

    bool chance(double probability) { return uniform() < probability; }

    /// Uniform in [0, bound); the modulo bias is far below anything a demo can show.
    quint64 below(quint64 bound) { return bound == 0 ? 0 : next() % bound; }

    /// Uniform in [low, high], both included.
    qint64 between(qint64 low, qint64 high) { return low + qint64(below(quint64(high - low) + 1)); }

    /// Roughly bell-shaped in [low, high] (mean of three uniforms): jitter without std::normal.
    double bell(double low, double high)
    {
        // Drawn one statement at a time: the order of calls within an expression is unspecified.
        const double a = uniform();
        const double b = uniform();
        const double c = uniform();
        return low + (high - low) * (a + b + c) / 3.0;
    }

    template <typename T>
    const T &pick(std::span<const T> items)
    {
        return items[size_t(below(items.size()))];
    }

    /// Index drawn with probability proportional to its weight.
    size_t weighted(std::span<const double> weights)
    {
        double total = 0;
        for (const double w : weights)
            total += w;
        double x = uniform() * total;
        for (size_t i = 0; i < weights.size(); ++i) {
            if (x < weights[i])
                return i;
            x -= weights[i];
        }
        return weights.size() - 1;
    }

private:
    static constexpr quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }

    quint64 m_s[4];
};

} // namespace flywheel
