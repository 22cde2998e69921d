#pragma once

#include "util/result.h"

#include <QString>

#include <vector>

namespace flywheel {

/// What a dataset file holds, told from the columns of its rows.
enum class RowFormat {
    Unknown,
    OpenAiChat,       ///< {"messages": [...]}: OpenAI supervised fine-tuning
    OpenAiPreference, ///< {"input": {"messages"}, "preferred_output", "non_preferred_output"}: OpenAI DPO
    OpenAiEvals,      ///< {"input", "ideal"}: OpenAI evals samples
    TrlPromptCompletion,
    TrlPreference,
    TrlUnpairedPreference,
    Documents, ///< {"id", "text", "metadata"}: retrieval documents
};

struct ValidationIssue {
    QString file;
    /// 1-based; 0 for a problem with the whole file.
    qint64 line = 0;
    /// The check's name; for OpenAI chat files, the name OpenAI's data-preparation notebook gives it.
    QString check;
    QString message;
    bool warning = false;
};

struct ValidationReport {
    qint64 files = 0;
    qint64 lines = 0;
    qint64 bytes = 0;
    /// The first issues found, at most the cap validateDataset() was given.
    std::vector<ValidationIssue> issues;
    /// Every problem found, listed or not; warnings do not count.
    qint64 errors = 0;
    bool ok() const { return errors == 0; }
    /// Counts @p issue and lists it while fewer than @p maxIssues are listed.
    void add(ValidationIssue issue, int maxIssues);
};

/// Checks a dataset folder (each .jsonl file, and the SHA-256s its manifest.json lists) or one
/// JSONL file against the format its rows are in (docs/export.md#validation): every line valid
/// UTF-8 JSON and an object; OpenAI chat files by the checks of OpenAI's data-preparation notebook;
/// DPO and TRL files by their required columns, with the same JSON type in a column on every row.
/// At most @p maxIssues issues are listed (the counts go on).
Result<ValidationReport> validateDataset(const QString &path, int maxIssues = 200);

QString rowFormatName(RowFormat format);

} // namespace flywheel
