// Values typed on a command line or in the config: CIDR prefixes, addresses,
// interface names, durations, ZeroTier ids, check targets and ranges, and the
// MSS/MTU options. Input: the value; its first byte also picks the numbers
// and flags for the MSS/MTU validation.
#include "bdctl/check.hpp"
#include "bdctl/duration.hpp"
#include "bdctl/ifname.hpp"
#include "bdctl/ipaddr.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/zerotier.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = fuzz::view(data, size);
  using namespace bdctl;
  fuzz::refused_ok([&] {
    auto p = parse_prefix(in);
    (void)p.to_string();
    (void)p.network();
    (void)p.has_host_bits();
    (void)p.widened(1);
    (void)p.widened(p.max_len());
    (void)p.overlaps(p);
  });
  (void)try_parse_prefix(in);
  fuzz::refused_ok([&] { (void)parse_address(in); });
  fuzz::refused_ok([&] { (void)format_duration(parse_duration(in)); });
  fuzz::refused_ok([&] { validate_ifname(in, "--lan", true); });
  fuzz::refused_ok([&] { validate_ifname(in, "--lan", false); });
  (void)is_wildcard_ifname(in);
  fuzz::refused_ok([&] { (void)zerotier::validate_network_id(in); });
  fuzz::refused_ok([&] { (void)zerotier::validate_node_address(in); });
  fuzz::refused_ok([&] { (void)check::parse_target(in); });
  fuzz::refused_ok([&] { (void)check::parse_range("r", in); });

  // MSS/MTU: --mss N | --mtu N | --pppoe | --pmtu, optional --iface, families.
  mss::Options o;
  unsigned sel = size ? data[0] : 0;
  o.mode = static_cast<mss::Mode>(sel % 3);
  o.families = static_cast<mss::Families>((sel / 3) % 3);
  o.local = sel & 0x20;
  o.pppoe = sel & 0x40;
  if (size >= 5) {
    o.value = unsigned(data[1]) | unsigned(data[2]) << 8 | unsigned(data[3]) << 16 | unsigned(data[4]) << 24;
    if (sel & 0x80) o.iface = std::string(in.substr(5));
  }
  fuzz::refused_ok([&] {
    mss::validate(o);
    (void)mss::clamps(o);
    (void)mss::describe(o);
    (void)mss::options_to_json(o);
    (void)nft::render(mss::desired_chains(o));
  });
  mss::ProbeOptions po;
  po.host = std::string(in);
  po.max_probes = o.value;
  fuzz::refused_ok([&] { mss::validate(po); });
  return 0;
}
