// bdctl-repeat: discovery broadcasts and multicasts across the routed backdoor.
#include "repeat_verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool tool{"bdctl-repeat",
                              "Carry service discovery across the routed backdoor: the UDP broadcasts and\n"
                              "multicasts of the ports named in [repeat.NAME] (FlexRadio 4992, HPSDR 1024,\n"
                              "mDNS 5353, SSDP 1900 or your own) heard on the LAN are sent again on the\n"
                              "ZeroTier interface, and the other way round: once, source kept, rate-limited,\n"
                              "never back where they came from, marked so that no repeater repeats them again.",
                              "Examples:\n"
                              "  bdctl-repeat show\n"
                              "  bdctl-repeat run                 # as bdctl-repeat.service does\n"
                              "  bdctl-repeat status --json | jq '.rules[].directions'\n"
                              "Exit status: 0 ok, 1 not running or a side not listening (status) or a failure,\n"
                              "2 bad usage or config. See bdctl-repeat(8), bdctl.toml(5)."};
  return cli::run_verbs(
      tool,
      {
          {"run", "The daemon: repeat until SIGTERM (Type=notify), counters for status", repeat_tool::setup_run},
          {"status", "The running daemon's counters per port and direction (exit 1 if not running)",
           repeat_tool::setup_status},
          {"show", "The rules and interfaces a run would use, and the presets (changes nothing)",
           repeat_tool::setup_show},
      },
      argc, argv);
}
