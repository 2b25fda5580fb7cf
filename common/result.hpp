#pragma once
// A value or a one-line error message: what every pure parser in keel returns. (std::expected is
// C++23; this is the small subset keel needs.)

#include <string>
#include <utility>
#include <variant>

namespace keel {

struct Error {
    std::string message;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
    Result(Error error) : state_(std::move(error)) {}    // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const T& value() const& { return std::get<T>(state_); }
    [[nodiscard]] T&& value() && { return std::get<T>(std::move(state_)); }
    [[nodiscard]] const std::string& error() const { return std::get<Error>(state_).message; }

private:
    std::variant<T, Error> state_;
};

inline Error fail(std::string message) { return Error{std::move(message)}; }

}  // namespace keel
