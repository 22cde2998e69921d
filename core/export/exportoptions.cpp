#include "export/exportoptions.h"

#include "util/enumnames.h"

namespace flywheel {
namespace {

constexpr EnumNames<DatasetKind, 6> kKinds{{
    {DatasetKind::Sft, "sft"},
    {DatasetKind::Preference, "preference"},
    {DatasetKind::Kto, "kto"},
    {DatasetKind::Eval, "eval"},
    {DatasetKind::FewShot, "fewshot"},
    {DatasetKind::Retrieval, "retrieval"},
}};
constexpr EnumNames<DatasetFormat, 2> kFormats{{
    {DatasetFormat::OpenAi, "openai"},
    {DatasetFormat::Trl, "trl"},
}};
constexpr EnumNames<PersonalDataMode, 3> kModes{{
    {PersonalDataMode::Redact, "redact"},
    {PersonalDataMode::Drop, "drop"},
    {PersonalDataMode::Keep, "keep"},
}};

template <typename Enum, size_t N>
QString nameText(const EnumNames<Enum, N> &table, Enum value)
{
    const std::string_view name = nameOf(table, value);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

template <typename Enum, size_t N>
std::optional<Enum> fromText(const EnumNames<Enum, N> &table, const QString &name)
{
    const QByteArray latin = name.toLatin1();
    return valueOf(table, std::string_view(latin.constData(), size_t(latin.size())));
}

} // namespace

QString kindName(DatasetKind kind)
{
    return nameText(kKinds, kind);
}

std::optional<DatasetKind> kindFromName(const QString &name)
{
    return fromText(kKinds, name);
}

QString formatName(DatasetFormat format)
{
    return nameText(kFormats, format);
}

std::optional<DatasetFormat> formatFromName(const QString &name)
{
    return fromText(kFormats, name);
}

QString personalDataModeName(PersonalDataMode mode)
{
    return nameText(kModes, mode);
}

std::optional<PersonalDataMode> personalDataModeFromName(const QString &name)
{
    return fromText(kModes, name);
}

} // namespace flywheel
