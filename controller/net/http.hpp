#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/net/awaitable.hpp"
#include "controller/net/result.hpp"

namespace albc::net {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

// HTTP header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  std::optional<std::string_view> get(std::string_view name) const;
  std::string value_or(std::string_view name, std::string_view fallback) const;
  // Replaces every field of that name.
  void set(std::string name, std::string value);
  void add(std::string name, std::string value);
  void remove(std::string_view name);

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  std::size_t size() const { return fields_.size(); }
  bool operator==(const Headers&) const = default;

 private:
  std::vector<Header> fields_;
};

bool iequals(std::string_view a, std::string_view b);

struct Request {
  std::string method = "GET";
  std::string target = "/";  // path and query, as on the request line
  Headers headers;
  std::string body;

  std::string_view path() const;
  std::string_view query() const;  // without '?', empty when none
};

// The body of a streamed response (a watch), chunk by chunk.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // The next piece of the body, or nullopt at its end.
  virtual Awaitable<Result<std::optional<std::string>>> next() = 0;
  // The reader has gone (the client hung up): a pending or later next() returns the end.
  virtual void cancel() {}
  // False once the stream has ended or been cancelled (what a simulation asks to know whether
  // a watch is still being served).
  virtual bool live() const { return true; }
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Set for streamed responses: the body arrives through it instead of `body`.
  std::shared_ptr<BodyStream> stream;
};

std::string_view reason_phrase(int status);

}  // namespace albc::net
