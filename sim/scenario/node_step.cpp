#include "sim/scenario/node_step.hpp"

#include <algorithm>

#include "controller/net/assert.hpp"

namespace albc::sim::scenario {

std::optional<world::Cluster::NodeView> draw_node(const world::Cluster& cluster,
                                                  const std::string& action,
                                                  const std::string& zone, net::Random& random) {
  std::vector<world::Cluster::NodeView> candidates;
  for (const world::Cluster::NodeView& node : cluster.nodes()) {
    if (!zone.empty() && node.zone != zone) continue;
    if ((action == "cordon" || action == "drain") && !node.schedulable) continue;
    if (action == "uncordon" && node.schedulable) continue;
    candidates.push_back(node);
  }
  if (candidates.empty()) return std::nullopt;
  return candidates[random.uniform(0, candidates.size() - 1)];
}

net::Result<void> run_node_step(world::Cluster& cluster, const WorldSpec& world, const Step& step,
                                net::Random random) {
  if (step.what == "add") {
    // The zone was checked against the world's subnets when the scenario was read.
    const auto subnet =
        std::find_if(world.subnets.begin(), world.subnets.end(),
                     [&](const SubnetSpec& spec) { return spec.zone == step.node; });
    ALBC_ASSERT(subnet != world.subnets.end());
    if (cluster.add_node({subnet->zone, subnet->cidr}).empty()) {
      return net::fail("NodeAddFailed", "subnet " + subnet->name + " (" + subnet->cidr +
                                            ") has no free address for a node");
    }
    return {};
  }
  std::string name = step.node;
  if (name == "any") {
    const auto drawn = draw_node(cluster, step.what, step.zone, random);
    if (!drawn) {
      return net::fail("NodeNotFound", "no node to " + step.what +
                                           (step.zone.empty() ? "" : " in zone " + step.zone) +
                                           (step.what == "uncordon" ? " (none is cordoned)" : ""));
    }
    name = drawn->name;
  }
  const auto nodes = cluster.nodes();
  if (std::none_of(nodes.begin(), nodes.end(),
                   [&](const world::Cluster::NodeView& node) { return node.name == name; })) {
    std::string names;
    for (const world::Cluster::NodeView& node : nodes)
      names += (names.empty() ? "" : ", ") + node.name;
    return net::fail("NodeNotFound", "node \"" + name + "\" does not exist; the nodes are " +
                                         (names.empty() ? "none" : names));
  }
  if (step.what == "cordon" || step.what == "uncordon") {
    if (!cluster.cordon(name, step.what == "cordon"))
      return net::fail("NodeUpdateFailed", "could not " + step.what + " node " + name);
  } else if (step.what == "drain") {
    cluster.drain(name);
  } else if (!cluster.remove_node(name)) {
    return net::fail("NodeUpdateFailed", "could not remove node " + name);
  }
  return {};
}

}  // namespace albc::sim::scenario
