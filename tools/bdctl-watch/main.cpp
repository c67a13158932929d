// bdctl-watch: the backdoor's recovery ladder, one layer at a time, within budgets.
#include "watch_verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool tool{"bdctl-watch",
                              "Watch the layers of the backdoor (the hotspot's gateway, the internet through it,\n"
                              "ZeroTier, the LAN devices named in rules) and repair only the one that is broken:\n"
                              "restart zerotier-one, power-cycle the hotspot, reboot the Pi, pulse a device's relay,\n"
                              "each after its own down time and within its budgets ([watch] in bdctl.toml).",
                              "Examples:\n"
                              "  bdctl-watch plan\n"
                              "  bdctl-watch status --json | jq '.layers[] | {name, health}'\n"
                              "  bdctl-watch history\n"
                              "  bdctl-watch hwdog enable --timeout 15s\n"
                              "Exit status: 0 ok, 1 a layer is down or not observed (status, plan) or a failure,\n"
                              "2 bad usage or config. See bdctl-watch(8), bdctl.toml(5)."};
  return cli::run_verbs(
      tool,
      {
          {"run", "The daemon: probe every interval, decide, repair (Type=notify, pings its watchdog)",
           watch_tool::setup_run},
          {"plan", "Probe once and say what the ladder would do now, and why (changes nothing)",
           watch_tool::setup_plan},
          {"status", "Each layer's recorded state, budgets used and the next action (exit 1 if one is down)",
           watch_tool::setup_status},
          {"history", "The actions taken (or, observing, decided), with their causes", watch_tool::setup_history},
          {"reset", "Give every budget back: count only actions from now on (audited)", watch_tool::setup_reset},
          {"hwdog", "The hardware watchdog, whether systemd pets it; enable writes the drop-in",
           watch_tool::setup_hwdog},
      },
      argc, argv);
}
