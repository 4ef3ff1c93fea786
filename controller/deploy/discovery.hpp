#pragma once

#include <map>
#include <vector>

#include "controller/deploy/tracking.hpp"

namespace albc::deploy {

// A load balancer or target group with its tags (what discovery by tags yields).
template <class Resource>
struct Tagged {
  Resource resource;
  Tags tags;
};

}  // namespace albc::deploy
