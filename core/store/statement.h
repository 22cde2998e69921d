#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace flywheel {

class PgQuery;

/// A prepared statement, on either engine (SQLite, or PostgreSQL through PgQuery). Values are
/// always bound, never spliced into SQL text. PostgreSQL types a parameter at its first use in the
/// query, so that use must say the type: `col >= ?1 OR ?1 IS NULL`, not `?1 IS NULL OR col >= ?1`.
/// Parameter indexes are 1-based as in SQLite; column indexes are 0-based. A value that cannot be
/// bound (no such parameter, too big) is not lost silently: the next step() or run() returns that
/// error without running the statement, until reset().
class Statement final {
public:
    Statement();
    Statement(sqlite3 *db, sqlite3_stmt *stmt);
    explicit Statement(std::unique_ptr<PgQuery> query);
    ~Statement();
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    void bindNull(int index);
    void bind(int index, qint64 value);
    void bind(int index, int value) { bind(index, qint64(value)); }
    void bind(int index, double value);
    /// Binds UTF-8 text; SQLite copies it, so the view may die after the call.
    void bind(int index, std::string_view utf8);
    void bind(int index, const QString &text);
    void bindBlob(int index, const void *data, int size);
    void bind(int index, const std::optional<qint64> &value);
    void bind(int index, const std::optional<double> &value);
    /// Binds NULL for an empty view: absent optional text columns.
    void bindTextOrNull(int index, std::string_view utf8);
    /// Binds UTF-8 text without copying it: the bytes must stay valid until the statement is reset.
    /// For the hot write path, where the record outlives the step.
    void bindUnowned(int index, std::string_view utf8);
    /// bindUnowned(), or NULL for an empty view.
    void bindUnownedOrNull(int index, std::string_view utf8);

    /// Steps once. Returns true while a row is available, false when done.
    Result<bool> step();
    /// Steps to completion, for statements that return no rows.
    Status run();
    /// Steps through the rows, calling @p visit() on each; stops early when it returns false (if it
    /// returns a bool). Returns the first error.
    template <typename Visit>
    Status forEachRow(Visit &&visit)
    {
        while (true) {
            Result<bool> row = step();
            if (!row)
                return row.error();
            if (!*row)
                return {};
            if constexpr (std::is_same_v<std::invoke_result_t<Visit>, bool>) {
                if (!visit())
                    return {};
            } else {
                visit();
            }
        }
    }
    void reset();

    bool isNull(int column) const;
    /// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
    int columnType(int column) const;
    int columnCount() const;
    /// The name of a result column (on PostgreSQL, once the statement has stepped).
    QString columnName(int column) const;
    /// The highest parameter index in the SQL (?N): binding beyond it is an error.
    int parameterCount() const;
    qint64 columnInt(int column) const;
    double columnDouble(int column) const;
    QString columnText(int column) const;
    std::string_view columnUtf8(int column) const;
    QByteArray columnBlob(int column) const;

private:
    Error error() const;
    void checkBind(int rc, int index);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    std::optional<Error> m_bindError;
    std::unique_ptr<PgQuery> m_pg;
};

} // namespace flywheel
