#pragma once

#include <functional>
#include <string_view>

namespace albc::net {

// Where an exception that no code expects goes once caught: a bug (a broken assumption in the
// controller or a fake), not an operating error, which travels as a Result. In production the
// catch site keeps going (a key backs off, a handler skips an event, a fake answers 500); a
// simulation stops the run there, naming the place, so that the bug is seen, not retried.
using BugSink = std::function<void(std::string_view place, std::string_view what)>;

}  // namespace albc::net
