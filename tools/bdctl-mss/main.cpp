// bdctl-mss: TCP MSS clamping in bdctl's nftables table, and a path-MTU probe.
#include "mss_verbs.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  static const cli::Tool info{"bdctl-mss", "TCP MSS clamping for forwarded connections, and a path-MTU probe", nullptr};
  return cli::run_verbs(
      info,
      {
          {"set", "Install the clamp (replaces only bdctl-mss's own chains)", mss_tool::setup_set},
          {"clear", "Remove bdctl-mss's chains; other bdctl chains stay", mss_tool::setup_clear},
          {"status", "Compare the kernel's clamp with the expected one (exit 1 on drift)", mss_tool::setup_status},
          {"show", "Print the ruleset `set` would install, in nft syntax", mss_tool::setup_show},
          {"probe", "Find the path MTU to HOST and the MSS to clamp to", mss_tool::setup_probe},
      },
      argc, argv);
}
