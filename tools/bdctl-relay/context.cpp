#include <fmt/format.h>

#include <cstdio>

#include "bdctl/config.hpp"
#include "relay_verbs.hpp"
#include "signals.hpp"

namespace bdctl::relay_tool {

Globals& globals() {
  static Globals g;
  return g;
}

void add_globals(CLI::App& app) {
  Globals& g = globals();
  app.add_option("-c,--config", g.config, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)");
  app.add_option("-w,--wait", g.wait, "How long to wait for a board another run is using (default 30s)");
}

cli::Outcome with_context(const std::function<void(const relay::RelayConfig&)>& validate,
                          const std::function<cli::Outcome(Context&)>& act) {
  const Globals& g = globals();
  Config cfg = Config::load(g.config);
  for (const auto& w : cfg.warnings()) fmt::print(stderr, "bdctl-relay: warning: {}\n", w);
  Context ctx;
  ctx.config = relay::RelayConfig::from(cfg);
  Millis lock_wait = cli::duration_option("--wait", g.wait);
  if (validate) validate(ctx.config);  // bad input is refused before any device I/O
  relay::Audit audit(g.argv);
  cli::SignalInterrupt interrupt;
  relay::Controller controller(ctx.config, audit, interrupt, lock_wait);
  ctx.controller = &controller;
  ctx.recovered = controller.recover();  // every invocation first finishes what a killed run left
  return act(ctx);
}

}  // namespace bdctl::relay_tool
