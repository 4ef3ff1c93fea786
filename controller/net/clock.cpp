#include "controller/net/clock.hpp"

#include <cstdio>
#include <ctime>

namespace albc::net {

std::string format_elapsed(Clock::duration elapsed) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  char text[48];
  std::snprintf(text, sizeof text, "%lld.%03llds", static_cast<long long>(millis / 1000),
                static_cast<long long>(millis % 1000));
  return text;
}

namespace {
std::tm utc_fields(Clock::wall_time_point time) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  return fields;
}
}  // namespace

std::string format_rfc3339(Clock::wall_time_point time) {
  const std::tm fields = utc_fields(time);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &fields);
  return text;
}

std::string format_rfc3339_micro(Clock::wall_time_point time) {
  const std::tm fields = utc_fields(time);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &fields);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          time - std::chrono::floor<std::chrono::seconds>(time))
                          .count();
  char text[80];
  std::snprintf(text, sizeof text, "%s.%06lldZ", date, static_cast<long long>(micros));
  return text;
}

}  // namespace albc::net
