#include "controller/net/regex.hpp"

#include <re2/re2.h>

namespace albc::net {

Result<Regex> Regex::compile(std::string_view pattern) {
  if (pattern.size() > kPatternBytesMax) {
    return fail("InvalidRegex", "regular expression of " + std::to_string(pattern.size()) +
                                    " bytes is longer than the limit of " +
                                    std::to_string(kPatternBytesMax));
  }
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(8 << 20);
  auto program =
      std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!program->ok()) {
    return fail("InvalidRegex",
                "invalid regular expression " + std::string(pattern) + ": " + program->error());
  }
  return Regex(std::move(program));
}

bool Regex::full_match(std::string_view text) const {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *program_);
}

bool Regex::partial_match(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *program_);
}

}  // namespace albc::net
