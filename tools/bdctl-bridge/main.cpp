// bdctl-bridge: bridge the site LAN and a ZeroTier network at layer 2.
#include "bridge_verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool info{"bdctl-bridge",
                              "Bridge the site LAN and a ZeroTier network at layer 2, so that discovery\n"
                              "broadcasts and the remote side share one segment: a Linux bridge holding both,\n"
                              "the Pi's addresses and routes moved onto it, and bdctl's filters (table\n"
                              "bridge bdctl). Every up and down is a safe change, rolled back unless confirmed.",
                              "Examples:\n"
                              "  bdctl-bridge show\n"
                              "  bdctl-bridge up --lan eth0 --zt zt3jnxxqcz --verify 192.168.1.1:80\n"
                              "  bdctl confirm\n"
                              "  bdctl-bridge status --json | jq .ok\n"
                              "Exit status: 0 ok, 1 failed, refused or drift found, 2 bad usage or input.\n"
                              "See bdctl-bridge(8)."};
  return cli::run_verbs(
      info,
      {
          {"up", "Make the bridge and move the Pi's LAN addresses onto it (a safe change)", bridge_tool::setup_up},
          {"down", "Put the routed layout back exactly as up found it", bridge_tool::setup_down},
          {"status", "Compare the bridge, its ports and filters with what up made (exit 1 on drift)",
           bridge_tool::setup_status},
          {"show", "Print what up would do and the filters it would install; change nothing", bridge_tool::setup_show},
      },
      argc, argv);
}
