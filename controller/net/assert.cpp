#include "controller/net/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace albc::net {
namespace {
// The one process-wide value in albc: what a failing assertion prints before aborting. It never
// changes a result, so it does not break determinism.
AssertionContext assertion_context;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
}  // namespace

void set_assertion_context(AssertionContext context) {
  assertion_context = context;
}

bool expensive_assertions_enabled() {
  return assertion_context.simulation;
}

void assertion_failed(const char* expression, const char* file, int line) {
  if (assertion_context.simulation) {
    std::fprintf(stderr, "albc: assertion failed: %s at %s:%d (simulation seed %llu)\n", expression,
                 file, line, assertion_context.seed);
  } else {
    std::fprintf(stderr, "albc: assertion failed: %s at %s:%d\n", expression, file, line);
  }
  std::abort();
}

}  // namespace albc::net
