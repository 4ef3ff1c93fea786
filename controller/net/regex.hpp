#pragma once

#include <memory>
#include <string_view>

#include "controller/net/result.hpp"

namespace re2 {
class RE2;
}

namespace albc::net {

// A compiled regular expression in RE2's syntax (Go's regexp): matching takes time linear in
// the text, whatever the pattern, so no pattern from outside can make a match run for minutes;
// backreferences and lookaround do not exist there. Copies share the compiled program.
class Regex {
 public:
  // The longest pattern accepted from outside.
  static constexpr std::size_t kPatternBytesMax = 4096;

  // "InvalidRegex" when the pattern does not compile, is too long, or its program would not fit
  // RE2's memory budget.
  static Result<Regex> compile(std::string_view pattern);

  // The whole text matches.
  bool full_match(std::string_view text) const;
  // Some part of the text matches, as Go's MatchString (and an OpenAPI pattern) reads it.
  bool partial_match(std::string_view text) const;

 private:
  explicit Regex(std::shared_ptr<const re2::RE2> program) : program_(std::move(program)) {}
  std::shared_ptr<const re2::RE2> program_;
};

}  // namespace albc::net
