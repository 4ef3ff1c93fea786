#pragma once

// Bugs are not errors: an assertion that fails aborts with the expression, file:line and, in a
// simulation, the seed that reproduces it. Never assert on anything that came from outside.
#define ALBC_ASSERT(condition)                                                       \
  do {                                                                               \
    if (!(condition)) ::albc::net::assertion_failed(#condition, __FILE__, __LINE__); \
  } while (false)

#ifdef NDEBUG
#define ALBC_ASSERT_EXPENSIVE(condition)                                     \
  do {                                                                       \
    if (::albc::net::expensive_assertions_enabled()) ALBC_ASSERT(condition); \
  } while (false)
#else
#define ALBC_ASSERT_EXPENSIVE(condition) ALBC_ASSERT(condition)
#endif

namespace albc::net {

[[noreturn]] void assertion_failed(const char* expression, const char* file, int line);

// Set while a simulation runs; the message of a failed assertion then names the seed.
struct AssertionContext {
  bool simulation = false;
  unsigned long long seed = 0;
};
void set_assertion_context(AssertionContext context);
bool expensive_assertions_enabled();

}  // namespace albc::net
