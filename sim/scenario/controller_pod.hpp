#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "controller/app/controller_app.hpp"
#include "sim/world/world.hpp"

namespace albc::sim::scenario {

// The controller's pod in a simulated world: one ControllerApp at a time, running in a world
// process of its own, so that it can be killed at any point and started again from nothing but
// the world (informers and queues rebuilt), as Kubernetes restarts a container.
class ControllerPod {
 public:
  ControllerPod(world::World& world, app::ControllerOptions options);
  ~ControllerPod();
  ControllerPod(const ControllerPod&) = delete;
  ControllerPod& operator=(const ControllerPod&) = delete;

  // Starts the first container and waits (in virtual time) until it has started.
  net::Result<void> start();
  // A clean restart: the running container is stopped and a new one started and waited for.
  net::Result<void> restart();
  // From inside the container (a crash at a call): it dies when the running handler returns,
  // and the kubelet starts a new one `restart_after` later; a new one that fails to start
  // crashes in turn, with the kubelet's doubling back-off.
  void crash(std::chrono::milliseconds restart_after);

  // Queues every group and binding again (the resync period, now). False when not running.
  bool resync();
  // Started, with queues empty and nothing in progress or waiting for a retry.
  bool idle() const;
  // What is still unsettled, for a report.
  std::string pending() const;
  // Reconciles of every container so far.
  std::size_t reconciles() const;
  std::size_t restarts() const { return restarts_; }
  // Of every container so far, by "ingress <group>" and "targetgroupbinding <key>".
  std::map<std::string, k8s::ReconcileStats> reconcile_stats() const;

 private:
  void create();
  void retire();
  void stop();
  void start_in_background();
  net::Awaitable<void> run_start(std::size_t generation);

  world::World& world_;
  app::ControllerOptions options_;
  world::World::ProcessId process_ = 0;
  std::unique_ptr<app::ControllerApp> app_;
  std::size_t generation_ = 0;  // containers created
  std::size_t restarts_ = 0;
  std::size_t reconciles_before_ = 0;
  std::map<std::string, k8s::ReconcileStats> stats_before_;
  std::chrono::milliseconds back_off_{0};
  bool started_ = false;
  bool foreground_ = false;  // start() is waiting: a failed start is its error, not a crash
  std::optional<net::Error> start_error_;
  net::Clock::TimerId restart_timer_ = 0;
};

}  // namespace albc::sim::scenario
