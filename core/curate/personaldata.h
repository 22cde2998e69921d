#pragma once

#include <QtGlobal>

#include <optional>
#include <string_view>
#include <vector>

namespace flywheel {

enum class PersonalDataKind { Email, Phone, Card, Iban, Ip, Secret };

std::string_view personalDataKindName(PersonalDataKind kind);
std::optional<PersonalDataKind> personalDataKindFromName(std::string_view name);

/// Where personal data sits in a text, in characters (Unicode code points), so an export can
/// redact it.
struct PersonalDataSpan {
    PersonalDataKind kind = PersonalDataKind::Email;
    qint64 start = 0;
    qint64 length = 0;
};

/// Finds e-mail addresses, phone numbers, payment card numbers (Luhn-checked), IBANs (mod-97
/// checked), IPv4 and IPv6 addresses, and secrets (well-known API-key prefixes, private-key blocks,
/// long high-entropy tokens that are not UUIDs or hex digests) in UTF-8 text. One pass, no regular
/// expressions; spans do not overlap.
std::vector<PersonalDataSpan> findPersonalData(std::string_view utf8);

} // namespace flywheel
