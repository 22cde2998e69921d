#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flywheel {

/// Interns strings (segments) as small indexes.
class Names {
public:
    int index(std::string_view name)
    {
        if (const auto it = m_index.find(name); it != m_index.end())
            return it->second;
        m_names.emplace_back(name);
        m_index.emplace(m_names.back(), int(m_names.size() - 1));
        return int(m_names.size() - 1);
    }
    const std::string &name(int index) const { return m_names[size_t(index)]; }
    size_t size() const { return m_names.size(); }

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::unordered_map<std::string, int, Hash, std::equal_to<>> m_index;
    std::vector<std::string> m_names;
};

} // namespace flywheel
