#include "curate/personaldata.h"

#include "util/enumnames.h"

#include <arpa/inet.h>

#include <array>
#include <cmath>
#include <string>

namespace flywheel {
namespace {

constexpr EnumNames<PersonalDataKind, 6> kKinds{{
    {PersonalDataKind::Email, "email"},
    {PersonalDataKind::Phone, "phone"},
    {PersonalDataKind::Card, "card"},
    {PersonalDataKind::Iban, "iban"},
    {PersonalDataKind::Ip, "ip"},
    {PersonalDataKind::Secret, "secret"},
}};

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isUpper(char c)
{
    return c >= 'A' && c <= 'Z';
}
bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || isUpper(c);
}
bool isAlnum(char c)
{
    return isDigit(c) || isAlpha(c);
}
bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isTokenChar(char c)
{
    return isAlnum(c) || c == '_' || c == '-' || c == '+' || c == '/' || c == '=';
}
bool isEmailLocal(char c)
{
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool isDomainChar(char c)
{
    return isAlnum(c) || c == '.' || c == '-';
}

// Byte spans while scanning; turned into code points at the end.
struct Found {
    PersonalDataKind kind;
    size_t begin;
    size_t end;
};

bool luhn(std::string_view digits)
{
    int sum = 0;
    bool twice = false;
    for (size_t i = digits.size(); i-- > 0;) {
        int d = digits[i] - '0';
        if (twice && (d *= 2) > 9)
            d -= 9;
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

bool ibanChecksum(std::string_view compact)
{
    // Move the first four characters to the end, letters become 10..35, the number mod 97 is 1.
    const std::string rearranged = std::string(compact.substr(4)) + std::string(compact.substr(0, 4));
    int remainder = 0;
    for (const char c : rearranged) {
        const int value = isDigit(c) ? c - '0' : c - 'A' + 10;
        remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
    }
    return remainder == 1;
}

double entropy(std::string_view token)
{
    std::array<int, 256> counts{};
    for (const char c : token)
        ++counts[static_cast<unsigned char>(c)];
    double bits = 0;
    for (const int count : counts) {
        if (count == 0)
            continue;
        const double p = double(count) / double(token.size());
        bits -= p * std::log2(p);
    }
    return bits;
}

bool isUuid(std::string_view token)
{
    if (token.size() != 36)
        return false;
    for (size_t i = 0; i < token.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? token[i] != '-' : !isHex(token[i]))
            return false;
    }
    return true;
}

class Scanner {
public:
    explicit Scanner(std::string_view text)
        : m_text(text)
    {}

    std::vector<Found> run()
    {
        size_t i = 0;
        while (i < m_text.size()) {
            const size_t next = scanAt(i);
            i = next > i ? next : i + 1;
        }
        return std::move(m_found);
    }

private:
    char at(size_t i) const { return i < m_text.size() ? m_text[i] : '\0'; }
    bool startsWith(size_t i, std::string_view prefix) const
    {
        return m_text.substr(i, prefix.size()) == prefix;
    }

    // Tries every detector at @p i; returns where scanning goes on (i when nothing was found).
    size_t scanAt(size_t i)
    {
        const bool wordStart = i == 0 || !isTokenChar(m_text[i - 1]);
        if (m_text[i] == '-' && startsWith(i, "-----BEGIN "))
            return privateKey(i);
        if (wordStart) {
            if (const size_t end = secretWithPrefix(i); end > i)
                return end;
            if (isUpper(m_text[i]))
                if (const size_t end = iban(i); end > i)
                    return end;
            if (isEmailLocal(m_text[i]))
                if (const size_t end = email(i); end > i)
                    return end;
            if (isHex(m_text[i]) || m_text[i] == ':')
                if (const size_t end = ipv6(i); end > i)
                    return end;
            if (isDigit(m_text[i]) || m_text[i] == '+' || m_text[i] == '(')
                if (const size_t end = number(i); end > i)
                    return end;
            if (isTokenChar(m_text[i]))
                return highEntropyToken(i);
        }
        return i;
    }

    size_t add(PersonalDataKind kind, size_t begin, size_t end)
    {
        m_found.push_back(Found{kind, begin, end});
        return end;
    }

    size_t email(size_t i)
    {
        size_t at = i;
        while (isEmailLocal(this->at(at)))
            ++at;
        if (at == i || this->at(at) != '@')
            return i;
        size_t end = at + 1;
        while (isDomainChar(this->at(end)))
            ++end;
        while (end > at + 1 && (m_text[end - 1] == '.' || m_text[end - 1] == '-'))
            --end; // a sentence's full stop is not part of the domain
        const std::string_view domain = m_text.substr(at + 1, end - at - 1);
        const size_t dot = domain.rfind('.');
        if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2)
            return i;
        for (size_t k = dot + 1; k < domain.size(); ++k)
            if (!isAlpha(domain[k]))
                return i;
        return add(PersonalDataKind::Email, i, end);
    }

    // Digits with separators: an IPv4 address, a card number, or a phone number.
    size_t number(size_t i)
    {
        if (const size_t end = ipv4(i); end > i)
            return end;
        std::string digits;
        size_t end = i;
        size_t lastDigit = i;
        int separators = 0;
        bool plus = m_text[i] == '+';
        if (plus)
            ++end;
        while (end < m_text.size()) {
            const char c = m_text[end];
            if (isDigit(c)) {
                digits.push_back(c);
                lastDigit = end + 1;
            } else if ((c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') && isDigit(at(end + 1)) &&
                       (isDigit(at(end - 1)) || at(end - 1) == '(' || at(end - 1) == ')' ||
                        at(end - 1) == '+')) {
                ++separators;
            } else if (c == '(' || c == ')') {
                ++separators;
            } else {
                break;
            }
            ++end;
        }
        if (isAlnum(at(lastDigit)))
            return i; // part of a word or a longer code
        const size_t n = digits.size();
        if (n >= 13 && n <= 19 && digits[0] >= '2' && digits[0] <= '6' && luhn(digits) && !plus)
            return add(PersonalDataKind::Card, i, lastDigit);
        // International numbers start with +; national ones (10 or 11 digits, as in North America)
        // need separators, so order numbers and account numbers are not phones.
        if ((plus && n >= 8 && n <= 15) || (n >= 10 && n <= 11 && separators >= 2))
            return add(PersonalDataKind::Phone, i, lastDigit);
        return digits.empty() ? i : lastDigit; // a plain number: skip it whole
    }

    size_t ipv4(size_t i)
    {
        size_t end = i;
        for (int part = 0; part < 4; ++part) {
            int value = 0;
            size_t start = end;
            while (isDigit(at(end)) && end - start < 3)
                value = value * 10 + (m_text[end++] - '0');
            if (end == start || value > 255 || isDigit(at(end)))
                return i;
            if (part < 3) {
                if (at(end) != '.')
                    return i;
                ++end;
            }
        }
        // 1.2.3.4.5 is a version, not an address.
        if (isAlnum(at(end)) || (at(end) == '.' && isDigit(at(end + 1))))
            return i;
        return add(PersonalDataKind::Ip, i, end);
    }

    size_t ipv6(size_t i)
    {
        size_t end = i;
        int colons = 0;
        while (isHex(at(end)) || at(end) == ':' || (at(end) == '.' && colons > 0)) {
            colons += at(end) == ':';
            ++end;
        }
        if (colons < 2 || isAlnum(at(end)) || end - i > 45)
            return i;
        const std::string candidate(m_text.substr(i, end - i));
        in6_addr address;
        if (inet_pton(AF_INET6, candidate.c_str(), &address) != 1)
            return i;
        // "12:30:45" is a time, not an address: require "::" or all eight groups.
        if (candidate.find("::") == std::string::npos && colons < 7)
            return i;
        return add(PersonalDataKind::Ip, i, end);
    }

    size_t iban(size_t i)
    {
        if (!isUpper(at(i + 1)) || !isDigit(at(i + 2)) || !isDigit(at(i + 3)))
            return i;
        std::string compact;
        size_t end = i;
        size_t last = i;
        while (end < m_text.size() && compact.size() < 34) {
            const char c = m_text[end];
            if (isDigit(c) || isUpper(c)) {
                compact.push_back(c);
                last = end + 1;
            } else if (!(c == ' ' && isAlnum(at(end + 1)) && compact.size() % 4 == 0)) {
                break;
            }
            ++end;
        }
        if (compact.size() < 15 || isAlnum(at(last)) || !ibanChecksum(compact))
            return i;
        return add(PersonalDataKind::Iban, i, last);
    }

    size_t secretWithPrefix(size_t i)
    {
        struct Prefix {
            std::string_view text;
            size_t minimumRest;
        };
        static constexpr Prefix kPrefixes[] = {
            {"sk-proj-", 20}, {"sk-ant-", 20},     {"sk_live_", 16}, {"sk_test_", 16}, {"rk_live_", 16},
            {"sk-", 20},      {"ghp_", 30},        {"gho_", 30},     {"ghu_", 30},     {"ghs_", 30},
            {"ghr_", 30},     {"github_pat_", 30}, {"glpat-", 20},   {"xoxb-", 20},    {"xoxp-", 20},
            {"xoxa-", 20},    {"hf_", 30},         {"AIza", 30},     {"AKIA", 16},     {"ASIA", 16},
        };
        // Every prefix starts with one of these; most words are done with at one comparison.
        if (std::string_view("sgxhAr").find(m_text[i]) == std::string_view::npos)
            return i;
        for (const Prefix &prefix : kPrefixes) {
            if (!startsWith(i, prefix.text))
                continue;
            size_t end = i + prefix.text.size();
            while (isAlnum(at(end)) || at(end) == '_' || at(end) == '-')
                ++end;
            if (end - i - prefix.text.size() >= prefix.minimumRest)
                return add(PersonalDataKind::Secret, i, end);
            return i;
        }
        return i;
    }

    size_t privateKey(size_t i)
    {
        const size_t header = m_text.find("-----", i + 11);
        if (header == std::string_view::npos ||
            m_text.substr(i, header - i).find("PRIVATE KEY") == std::string_view::npos)
            return i + 11;
        const size_t endMarker = m_text.find("-----END ", header);
        const size_t close = endMarker == std::string_view::npos ? std::string_view::npos
                                                                 : m_text.find("-----", endMarker + 9);
        const size_t end = close == std::string_view::npos ? m_text.size() : close + 5;
        return add(PersonalDataKind::Secret, i, end);
    }

    // A long run of base64-like characters with the randomness of a key, not a UUID or a hex digest.
    size_t highEntropyToken(size_t i)
    {
        size_t end = i;
        while (isTokenChar(at(end)))
            ++end;
        const std::string_view token = m_text.substr(i, end - i);
        bool digit = false, letter = false;
        for (const char c : token) {
            digit |= isDigit(c);
            letter |= isAlpha(c);
        }
        if (token.size() >= 32 && token.size() <= 512 && digit && letter && !isUuid(token) &&
            entropy(token) >= 4.2)
            return add(PersonalDataKind::Secret, i, end);
        return end;
    }

    std::string_view m_text;
    std::vector<Found> m_found;
};

} // namespace

std::string_view personalDataKindName(PersonalDataKind kind)
{
    return nameOf(kKinds, kind);
}

std::optional<PersonalDataKind> personalDataKindFromName(std::string_view name)
{
    return valueOf(kKinds, name);
}

std::vector<PersonalDataSpan> findPersonalData(std::string_view utf8)
{
    const std::vector<Found> found = Scanner(utf8).run();
    std::vector<PersonalDataSpan> spans;
    spans.reserve(found.size());
    // Byte offsets to code points, walking the text once.
    qint64 characters = 0;
    size_t byte = 0;
    const auto advanceTo = [&](size_t target) {
        for (; byte < target; ++byte)
            characters += (static_cast<unsigned char>(utf8[byte]) & 0xC0) != 0x80;
        return characters;
    };
    for (const Found &f : found) {
        const qint64 start = advanceTo(f.begin);
        const qint64 end = advanceTo(f.end);
        spans.push_back(PersonalDataSpan{f.kind, start, end - start});
    }
    return spans;
}

} // namespace flywheel
