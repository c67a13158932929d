// bdctl-route: route between the ZeroTier network and the site LAN.
#include "route_verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool info{"bdctl-route",
                              "Route between the ZeroTier network and the site LAN: forwarding, NAT and the\n"
                              "forward rules of the ZeroTier guide, in one atomic nftables transaction inside\n"
                              "bdctl's own table (inet bdctl). Other tables are never touched.",
                              "Examples:\n"
                              "  bdctl-route up --zt zt3jnxxqcz --lan eth0\n"
                              "  bdctl-route up --lan-subnet 192.168.1.0/24 --dry-run\n"
                              "  bdctl-route status --json | jq .ok\n"
                              "Exit status: 0 ok, 1 failed or drift found, 2 bad usage or input.\n"
                              "See bdctl-route(8)."};
  return cli::run_verbs(
      info,
      {
          {"up", "Enable forwarding and install bdctl's NAT and forward rules", tool::setup_up},
          {"down", "Remove bdctl's route rules and restore forwarding as bdctl found it", tool::setup_down},
          {"status", "Compare forwarding and rules with what they should be (exit 1 on drift)", tool::setup_status},
          {"show", "Print the ruleset up would install, in nft syntax", tool::setup_show},
      },
      argc, argv);
}
