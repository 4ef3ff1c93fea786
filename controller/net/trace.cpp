#include "controller/net/trace.hpp"

#include <ostream>

namespace albc::net {

Trace::Trace(const Clock& clock, std::ostream* sink, bool keep_lines)
    : clock_(clock), start_(clock.now()), sink_(sink), keep_lines_(keep_lines) {}

std::string trace_value(std::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') needs_quotes = true;
  }
  if (!needs_quotes) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void Trace::event(std::string_view name, std::initializer_list<TraceField> fields) {
  event(name, std::vector<TraceField>(fields));
}

void Trace::event(std::string_view name, const std::vector<TraceField>& fields) {
  std::string line = "t=" + format_elapsed(clock_.now() - start_) + " ";
  line += name;
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    line += trace_value(value);
  }
  write(std::move(line));
}

void Trace::write(std::string line) {
  ++event_count_;
  if (sink_ != nullptr) *sink_ << line << '\n';
  if (keep_lines_) lines_.push_back(std::move(line));
}

}  // namespace albc::net
