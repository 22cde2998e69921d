#pragma once

#include "util/timerange.h"

#include <QString>

#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace flywheel {

/// What a dataset trains (docs/export.md).
enum class DatasetKind {
    Sft,        ///< chat examples with the gold answer
    Preference, ///< a correction preferred over the original output
    Kto,        ///< unpaired: an output and whether it is good
    Eval,       ///< an evaluation set, hard segments and reviewed corrections first
    FewShot,    ///< a few diverse best examples, to paste into a prompt
    Retrieval,  ///< question and answer documents for a retrieval index
};

/// The file format of a kind: OpenAI's fine-tuning JSONL, or Hugging Face TRL's conversational
/// columns.
enum class DatasetFormat { OpenAi, Trl };

/// What happens to personal data curation found.
enum class PersonalDataMode {
    Redact, ///< replaced by a placeholder such as [EMAIL]
    Drop,   ///< interactions with any are left out
    Keep,
};

struct ExportSelection {
    /// Effective labels (a review's over curation's) to take; empty = the kind's default.
    std::set<std::string> labels;
    bool reviewedOnly = false;
    std::set<std::string> segments;
    std::set<std::string> modelVersions;
    /// Interaction times (core/util/timerange.h).
    TimeRange time;
    std::optional<double> minScore;
    /// Keep one interaction per duplicate cluster (its representative); off keeps every member,
    /// and a cluster still never straddles two splits.
    bool collapseDuplicates = true;
};

struct ExportOptions {
    DatasetKind kind = DatasetKind::Sft;
    DatasetFormat format = DatasetFormat::OpenAi;
    /// The dataset's folder; it must not exist yet.
    QString outDir;
    /// Letters, digits, '.', '_' and '-'; the kind's name when empty.
    QString name;
    /// Train, validation, test.
    std::array<double, 3> ratios{0.8, 0.1, 0.1};
    quint64 seed = 42;
    PersonalDataMode personalData = PersonalDataMode::Redact;
    ExportSelection selection;
    /// At most this many interactions, the best first (eval: 1,000 and few-shot: 20 when 0; other
    /// kinds: all).
    qint64 limit = 0;
};

QString kindName(DatasetKind kind);
std::optional<DatasetKind> kindFromName(const QString &name);
QString formatName(DatasetFormat format);
std::optional<DatasetFormat> formatFromName(const QString &name);
QString personalDataModeName(PersonalDataMode mode);
std::optional<PersonalDataMode> personalDataModeFromName(const QString &name);

} // namespace flywheel
