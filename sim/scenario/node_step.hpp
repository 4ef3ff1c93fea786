#pragma once

#include <optional>
#include <string>

#include "controller/net/random.hpp"
#include "controller/net/result.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/world/cluster.hpp"

namespace albc::sim::scenario {

// A node the action applies to, drawn from `random`: for cordon and drain, a schedulable one;
// for uncordon, a cordoned one; otherwise any; in `zone` unless it is empty. Nothing when none
// is.
std::optional<world::Cluster::NodeView> draw_node(const world::Cluster& cluster,
                                                  const std::string& action,
                                                  const std::string& zone, net::Random& random);

// A node step: add a node to the world's subnet of a zone, or cordon, uncordon, drain or remove
// a node named or drawn. A name no node has is an error that lists the nodes there are; `any`
// with no node to draw is an error that says why.
net::Result<void> run_node_step(world::Cluster& cluster, const WorldSpec& world, const Step& step,
                                net::Random random);

}  // namespace albc::sim::scenario
