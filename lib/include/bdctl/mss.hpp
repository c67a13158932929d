// TCP MSS clamping in bdctl's own nftables chains (mss_*), and a path-MTU
// probe that says what to clamp to.
//
// The clamp rewrites the MSS option of SYN and SYN-ACK (both directions of a
// connection), and only ever lowers it: fixed modes test `maxseg size > N`
// first, and the kernel's `set rt mtu` never raises an MSS either.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bdctl/nft.hpp"

namespace bdctl {
class Config;
}

namespace bdctl::mss {

inline constexpr const char* kChainPrefix = "mss_";
// The chains of `inet bdctl` that bdctl-mss owns: mss_*.
bool owns(const std::string& chain);
inline constexpr const char* kForwardChain = "mss_forward";
inline constexpr const char* kOutputChain = "mss_output";

inline constexpr unsigned kMinMss = 536;
inline constexpr unsigned kMaxMss = 65495;
inline constexpr unsigned kMinMtu4 = 576;
inline constexpr unsigned kMinMtu6 = 1280;
inline constexpr unsigned kMaxMtu = 65535;
inline constexpr unsigned kPppoeMtu = 1492;
inline constexpr unsigned kHeaders4 = 40;  // IPv4 + TCP headers without options
inline constexpr unsigned kHeaders6 = 60;  // IPv6 + TCP

enum class Mode { mss, mtu, pmtu };
enum class Families { both, ipv4, ipv6 };

// What `set`, `show` and `status` are told (one mode, validated by validate()).
struct Options {
  Mode mode = Mode::mss;
  unsigned value = 0;                // the MSS (Mode::mss) or the link MTU (Mode::mtu); 0 for pmtu
  bool pppoe = false;                // --pppoe: Mode::mtu with 1492, remembered for display
  std::optional<std::string> iface;  // matched by name, in and out; "zt*" allowed
  bool local = false;                // also clamp what the host itself sends (output hook)
  Families families = Families::both;

  bool operator==(const Options&) const = default;
};

// Range checks only (no kernel access): InputError naming the bad value.
void validate(const Options& o);
// validate() plus: an exact --iface must exist now (a wildcard need not).
void validate_live(const Options& o);

// One clamp rule's meaning: for which family (nullopt: both) and to what MSS
// (nullopt: the route's MTU, `rt mtu`).
struct Clamp {
  std::optional<nft::Family> family;
  std::optional<std::uint16_t> mss;
  bool operator==(const Clamp&) const = default;
};
std::vector<Clamp> clamps(const Options& o);

// The chains `set` installs: mss_forward, plus mss_output with --local.
std::vector<nft::DesiredChain> desired_chains(const Options& o);

// Options as JSON-able text pairs and back (the state file, status output).
std::string mode_name(Mode m);
std::string families_name(Families f);
std::string describe(const Options& o);  // "--mtu 1492 --iface ppp0"
// The one serialisation of Options: the state file and every tool document
// (mode, mss, mtu, pppoe, iface, local, family; mss and mtu null unless the mode).
nlohmann::ordered_json options_json(const Options& o);
std::string options_to_json(const Options& o);  // options_json(o).dump()
Options options_from_json(const std::string& text, const std::string& source);

// The [mss] table of bdctl.toml, keys named as set's flags (mss, mtu, pppoe,
// pmtu: exactly one; iface, local, family). nullopt when the file has none.
// InputError "FILE:LINE: key 'mss.mss': ..." for a bad value.
std::optional<Options> options_from_config(const Config& c);
// The [mss] lines that make the file say `o` (for "put this in the config").
std::string config_lines(const Options& o);
// "ipv4", "ipv6", "both" (and "inet", the old name of both) -> Families.
std::optional<Families> parse_families(const std::string& s);

// Where `set` records what it installed, so `status` knows what to expect.
std::string state_file();  // paths::state_dir() + "/mss.json"
std::optional<Options> load_state();

// ---- Kernel operations (each holds the ruleset lock around read + apply) ----

struct SetResult {
  bool changed = false;
  std::size_t operations = 0;        // netlink messages sent (0 when unchanged)
  std::vector<std::string> removed;  // stale mss_* chains deleted
  std::vector<nft::DesiredChain> chains;
};
// check_only: the kernel validates the batch and nothing is changed or saved.
SetResult set(const Options& o, bool check_only = false);

struct ClearResult {
  bool changed = false;
  std::vector<std::string> removed;  // chains deleted
  bool table_removed = false;        // inet bdctl was left empty and deleted
};
ClearResult clear(bool check_only = false);

struct ChainStatus {
  std::string name;
  bool present = false;
  bool expected = false;
  bool spec_differs = false;
  std::vector<std::string> missing_rules;  // nft syntax
  std::vector<std::string> extra_rules;    // kernel expression listing
  bool drift() const { return present != expected || spec_differs || !missing_rules.empty() || !extra_rules.empty(); }
};
struct Status {
  std::optional<Options> expected;  // nullopt: nothing expected (never set, or cleared)
  std::string expected_source;      // "options", "state", "none"
  std::vector<ChainStatus> chains;  // every mss_* chain present or expected
  bool present() const;
  bool drift() const;
};
// expected: from the command line; nullopt reads the state file.
Status status(const std::optional<Options>& expected);

// ---- Path-MTU probe ----

struct ProbeOptions {
  std::string host;
  bool ipv4 = true;
  bool ipv6 = true;
  std::chrono::milliseconds wait{1000};      // for each probe's answer
  std::chrono::milliseconds timeout{30000};  // for the whole probe of one family
  unsigned max_probes = 20;                  // per family
  // Before each probe: what it sends ("probing 192.168.1.10 (IPv4): 1472
  // bytes, probe 3 of at most 20"); "" when done. The tool's status line.
  std::function<void(std::string_view)> progress{};
};
void validate(const ProbeOptions& o);

struct ProbeResult {
  int family = 0;          // AF_INET, AF_INET6
  std::string address;     // what HOST resolved to
  std::string method;      // "icmp-dgram" (unprivileged ping socket) or "icmp-raw"
  std::string error;       // empty on success: why this family could not be measured
  unsigned link_mtu = 0;   // MTU of the outgoing interface: the first probe
  unsigned path_mtu = 0;   // largest packet that got an echo reply (0: none)
  unsigned mss = 0;        // path_mtu - 40 (IPv4) or - 60 (IPv6)
  bool converged = false;  // path_mtu is exact (the next size up is known to fail)
  unsigned probes = 0;
  unsigned icmp_too_big = 0;  // "fragmentation needed" / "packet too big" answers
  unsigned timeouts = 0;
  std::chrono::milliseconds elapsed{0};
};
// Resolves HOST (InputError when it does not resolve for the asked families)
// and probes each family it resolved to.
std::vector<ProbeResult> probe(const ProbeOptions& o);

}  // namespace bdctl::mss
