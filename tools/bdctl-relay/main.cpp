// bdctl-relay: reset equipment through relays and power rails, safely.
#include <fmt/format.h>

#include <cstdio>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"
#include "cli.hpp"
#include "signals.hpp"
#include "verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  relay_tool::block_stop_signals();
  CLI::App app{"Reset equipment through relays and power rails, safely", "bdctl-relay"};
  app.require_subcommand(1);
  cli::OutputOptions out;
  std::optional<std::string> config_path;
  std::string wait = "30s";
  app.add_option("-c,--config", config_path, "Configuration file (default /etc/bdctl/bdctl.toml or $BDCTL_CONFIG)");
  app.add_option("-w,--wait", wait, "How long to wait for a board another run is using (default 30s)");
  cli::add_output_flags(app, out);

  auto* list = app.add_subcommand("list", "List the configured relays and boards (no device I/O)");
  std::vector<std::string> names;
  auto* status = app.add_subcommand("status", "Read relays back from their boards");
  status->add_option("names", names, "Relay names (default: all)");
  std::string name;
  auto* on = app.add_subcommand("on", "Switch a latched relay or rail on");
  on->add_option("name", name, "Relay name")->required();
  auto* off = app.add_subcommand("off", "Switch a latched relay or rail off (refused for protected ones)");
  off->add_option("name", name, "Relay name")->required();
  auto* pulse = app.add_subcommand("pulse", "Move a relay away from rest for a bounded time, then back");
  pulse->add_option("name", name, "Relay name")->required();
  std::optional<std::string> length;
  pulse->add_option("-f,--for", length, "Pulse length, e.g. 500ms or 2s (default: the relay's pulse)");
  auto* recover = app.add_subcommand("recover", "Finish pulses a killed run left (run at boot)");
  for (auto* sub : {list, status, on, off, pulse, recover}) sub->fallthrough();

  return cli::run(app, argc, argv, [&]() -> int {
    Config cfg = Config::load(config_path);
    for (const auto& w : cfg.warnings()) fmt::print(stderr, "bdctl-relay: warning: {}\n", w);
    relay_tool::Context ctx;
    ctx.config = relay::RelayConfig::from(cfg);
    Millis lock_wait = cli::duration_option("--wait", wait);
    relay::Audit audit(std::vector<std::string>(argv, argv + argc));
    relay_tool::SignalInterrupt interrupt;
    // Bad input is refused before anything, recovery included, touches a device.
    if (*on || *off || *pulse) ctx.config.relay(name);
    if (*status)
      for (const auto& n : names) ctx.config.relay(n);
    if (length) cli::duration_option("--for", *length);
    relay::Controller controller(ctx.config, audit, interrupt, lock_wait);
    ctx.controller = &controller;
    ctx.recovered = controller.recover();  // every invocation first finishes what a killed run left

    cli::Outcome o;
    if (*list)
      o = relay_tool::list_relays(ctx);
    else if (*status)
      o = relay_tool::show_status(ctx, names);
    else if (*on)
      o = relay_tool::switch_relay(ctx, name, true);
    else if (*off)
      o = relay_tool::switch_relay(ctx, name, false);
    else if (*pulse)
      o = relay_tool::pulse_relay(ctx, name, length);
    else
      o = relay_tool::recover_pulses(ctx);
    cli::render(o, out);
    return o.exit_code;
  });
}
