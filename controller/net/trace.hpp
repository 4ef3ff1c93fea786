#pragma once

#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/net/clock.hpp"

namespace albc::net {

using TraceField = std::pair<std::string_view, std::string>;

// The determinism contract: one line per event, time since start first, a stable dotted name,
// then key=value fields. `t=12.500s deploy.target_group.created id=test/web-web:80 arn=...`
class Trace {
 public:
  explicit Trace(const Clock& clock, std::ostream* sink = nullptr, bool keep_lines = false);

  void event(std::string_view name, std::initializer_list<TraceField> fields = {});
  void event(std::string_view name, const std::vector<TraceField>& fields);

  // Lines kept when keep_lines was set (tests and reports read them).
  const std::vector<std::string>& lines() const { return lines_; }
  std::size_t event_count() const { return event_count_; }

 private:
  void write(std::string line);

  const Clock& clock_;
  Clock::time_point start_;
  std::ostream* sink_;
  bool keep_lines_;
  std::vector<std::string> lines_;
  std::size_t event_count_ = 0;
};

// Quotes a value if it holds a space, quote or equals sign, so that a line splits cleanly.
std::string trace_value(std::string_view value);

}  // namespace albc::net
