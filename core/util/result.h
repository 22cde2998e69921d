#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace flywheel {

/// An error reported as a value: a message a person can act on.
struct Error {
    QString message;
};

/// Either a value or an Error. The core never throws across its API and never shows dialogs.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : m_state(std::move(value))
    {}
    Result(Error error)
        : m_state(std::move(error))
    {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T &value() { return std::get<T>(m_state); }
    const T &value() const { return std::get<T>(m_state); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    /// The value, or @p fallback after an error.
    T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }

    const Error &error() const { return std::get<Error>(m_state); }
    QString errorMessage() const { return ok() ? QString() : error().message; }

private:
    std::variant<T, Error> m_state;
};

/// Result of an operation that yields nothing but can fail.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error)
        : m_error(std::move(error))
    {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    QString errorMessage() const { return m_error ? m_error->message : QString(); }
    Error error() const { return m_error.value_or(Error{}); }

private:
    std::optional<Error> m_error;
};

} // namespace flywheel
