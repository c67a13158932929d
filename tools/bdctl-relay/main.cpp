// bdctl-relay: reset equipment through relays and power rails, safely.
#include "relay_verbs.hpp"
#include "signals.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  cli::block_stop_signals();
  relay_tool::globals().argv.assign(argv, argv + argc);
  static const cli::Tool info{"bdctl-relay", "Reset equipment through relays and power rails, safely",
                              "Examples:\n"
                              "  bdctl-relay list\n"
                              "  bdctl-relay pulse bms1 --for 2s\n"
                              "  bdctl-relay status --json | jq '.relays[] | {name, state: .after.state}'\n"
                              "Exit status: 0 ok, 1 a device failed or a request was refused, 2 bad usage or input.\n"
                              "See bdctl-relay(8).",
                              relay_tool::add_globals};
  return cli::run_verbs(
      info,
      {
          {"list", "List the configured relays and boards (no device I/O)", relay_tool::setup_list},
          {"status", "Read relays back from their boards", relay_tool::setup_status},
          {"on", "Switch a latched relay or rail on", relay_tool::setup_on},
          {"off", "Switch a latched relay or rail off (refused for protected ones)", relay_tool::setup_off},
          {"pulse", "Move a relay away from rest for a bounded time, then back", relay_tool::setup_pulse},
          {"recover", "Finish pulses a killed run left (run at boot)", relay_tool::setup_recover},
      },
      argc, argv);
}
