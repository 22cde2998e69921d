#pragma once

#include "ingest/lineparser.h"
#include "ingest/nativeparser.h"

#include <string>
#include <vector>

namespace flywheel {

/// Reads CSV with a header row (RFC 4180 quoting; comma, semicolon or tab, told from the header).
/// Each row becomes a native interaction line and goes through the native parser, so CSV values
/// are validated, and rejected, exactly like native fields.
///
/// Columns are matched to native fields by name (case-insensitive); a ColumnMap names the column
/// of a field when they differ, as `flywheel ingest --map input=question,output=answer` does.
/// Besides the native interaction fields, the columns `thumbs`, `rating` and `comment` become
/// feedback events and `correction` a correction. Other columns are kept in metadata. Without an
/// id column, a row's id is a hash of its cells, so the same rows are recognised when ingested again.
class CsvParser final : public LineParser {
public:
    CsvParser(size_t maxLineBytes, ColumnMap columns);

    bool parse(std::string_view line, ParsedLine &out, std::string &reason) override;
    bool incompleteAtEnd(ParsedLine &out, std::string &reason) override;
    bool hasPending() const override { return !m_pending.empty(); }

    /// The fields a ColumnMap may name.
    static const std::vector<std::string> &fields();

private:
    bool readHeader(const std::vector<std::string> &cells, std::string &reason);
    void rowToJson(const std::vector<std::string> &cells);

    NativeParser m_native;
    size_t m_maxLineBytes;
    ColumnMap m_columns;
    char m_delimiter = ',';
    bool m_haveHeader = false;
    std::string m_headerError;
    std::vector<std::string> m_header;
    /// For each column: the index of its field in fields(), or -1 for metadata.
    std::vector<int> m_fieldOfColumn;
    std::string m_pending;
    qint64 m_pendingLines = 0;
    std::vector<std::string> m_cells;
    std::string m_json;
};

} // namespace flywheel
