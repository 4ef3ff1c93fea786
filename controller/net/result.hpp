#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "controller/net/assert.hpp"

namespace albc::net {

// An operating error: bad input, an error answer from Kubernetes or AWS, a network failure.
// `code` is machine-readable (an AWS error code, a Kubernetes Status reason, or one of ours such
// as "InvalidInput"); `context` is the path of what was being done, outermost first.
struct Error {
  std::string code;
  std::string message;
  int http_status = 0;
  std::vector<std::string> context;

  // "scenario x.yaml: step 3: message"
  std::string describe() const;
  bool operator==(const Error&) const = default;
};

Error make_error(std::string code, std::string message, int http_status = 0);

template <class E>
struct Unexpected {
  E error;
};

template <class E>
Unexpected<std::decay_t<E>> fail(E&& error) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

inline Unexpected<Error> fail(std::string code, std::string message, int http_status = 0) {
  return Unexpected<Error>{make_error(std::move(code), std::move(message), http_status)};
}

// Shaped like C++23 std::expected, which GCC 12 has only in C++23 mode.
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : state_(std::in_place_index<0>, value) {}
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <class U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Result> &&
           !std::is_same_v<std::decay_t<U>, T>) Result(U&& value)
      : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}
  template <class F>
  Result(Unexpected<F> failure) : state_(std::in_place_index<1>, E(std::move(failure.error))) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    ALBC_ASSERT(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    ALBC_ASSERT(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    ALBC_ASSERT(has_value());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E& error() & {
    ALBC_ASSERT(!has_value());
    return std::get<1>(state_);
  }
  const E& error() const& {
    ALBC_ASSERT(!has_value());
    return std::get<1>(state_);
  }
  E&& error() && {
    ALBC_ASSERT(!has_value());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, E> state_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  template <class F>
  Result(Unexpected<F> failure) : error_(E(std::move(failure.error))), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const { ALBC_ASSERT(has_value()); }

  E& error() & {
    ALBC_ASSERT(failed_);
    return error_;
  }
  const E& error() const& {
    ALBC_ASSERT(failed_);
    return error_;
  }
  E&& error() && {
    ALBC_ASSERT(failed_);
    return std::move(error_);
  }

 private:
  E error_{};
  bool failed_ = false;
};

// Adds one level of context to an error travelling outwards.
inline Error with_context(Error error, std::string context) {
  error.context.insert(error.context.begin(), std::move(context));
  return error;
}

template <class T>
Result<T> with_context(Result<T> result, std::string context) {
  if (result) return result;
  return fail(with_context(std::move(result).error(), std::move(context)));
}

}  // namespace albc::net
