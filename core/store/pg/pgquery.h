#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_result;

namespace flywheel {

class PgConnection;

/// Rewrites SQLite's parameters (?1, ?2 and bare ?) as PostgreSQL's ($1, $2), leaving string
/// literals, quoted identifiers and comments alone, so one query text serves both engines.
/// @p used, when given, tells which parameters the SQL names (index 0 for ?1).
std::string postgresPlaceholders(const char *sql, std::vector<bool> *used = nullptr);

/// A statement on a PostgreSQL connection, behind Statement: prepared on the server once, values
/// sent as text (bytea as binary), every row of a step's result held until reset.
class PgQuery final {
public:
    /// Shares the connection, so a statement that outlives its Database stays valid (as SQLite's).
    /// @p used: which parameters the SQL names (postgresPlaceholders()).
    PgQuery(std::shared_ptr<PgConnection> connection, std::string sql, std::vector<bool> used = {});
    ~PgQuery();
    PgQuery(const PgQuery &) = delete;
    PgQuery &operator=(const PgQuery &) = delete;

    void bindNull(int index);
    void bindText(int index, std::string_view utf8);
    void bindInt(int index, qint64 value);
    void bindDouble(int index, double value);
    void bindBlob(int index, const void *data, int size);

    /// Prepares the statement on the server: errors in the SQL show here, as with SQLite. Database
    /// runs it before handing the statement out; nothing binds or steps before.
    Status prepare();
    Result<bool> step();
    void reset();
    void clearBindings();
    const std::optional<Error> &bindError() const { return m_bindError; }

    int parameterCount() const { return m_parameterCount; }
    int columnCount() const;
    QString columnName(int column) const;
    /// The type oid of a result column (PQftype).
    unsigned columnTypeOid(int column) const;
    /// SQLite's fundamental type codes (SQLITE_INTEGER…SQLITE_NULL) for the column's type.
    int columnType(int column) const;
    bool isNull(int column) const;
    qint64 columnInt(int column) const;
    double columnDouble(int column) const;
    std::string_view columnUtf8(int column) const;
    QByteArray columnBlob(int column) const;
    const std::string &sql() const { return m_sql; }

private:
    struct Parameter {
        std::string value;
        bool null = true;
        bool binary = false;
    };
    Parameter *parameter(int index);
    Result<bool> execute();

    std::shared_ptr<PgConnection> m_owner;
    PgConnection &m_connection;
    std::string m_sql;
    std::vector<bool> m_used;
    QByteArray m_name;
    int m_parameterCount = 0;
    bool m_prepared = false;
    std::vector<Parameter> m_parameters;
    std::optional<Error> m_bindError;
    pg_result *m_result = nullptr;
    int m_row = -1;
};

} // namespace flywheel
