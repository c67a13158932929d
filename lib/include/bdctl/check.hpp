// bdctl-check's library side: "is the backdoor up, and if not, why?"
//
// Checks run concurrently, each bounded by its own timeout, the whole run by
// a deadline. Every check yields one Result (ok / warning / critical /
// unknown, a one-line summary, details, how long it took); the Report is the
// one model every output format renders. Checks only read: nothing here
// changes the system.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bdctl/duration.hpp"
#include "bdctl/ipaddr.hpp"
#include "bdctl/site.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl {
class Config;
}
namespace bdctl::watch {
struct WatchConfig;
}

namespace bdctl::check {

// Nagios order: the numeric value is the plugin exit code.
enum class State { ok = 0, warning = 1, critical = 2, unknown = 3 };
std::string_view state_name(State s);  // "ok", "warning", "critical", "unknown"
// Worst of two for the overall state: critical > warning > unknown > ok
// (an unknown part never hides a known failure).
State worse(State a, State b);

struct Result {
  std::string name;  // "zerotier.service", "lan.nuc", ...
  State state = State::unknown;
  std::string summary;  // one line
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
  Millis duration{0};
};

struct Report {
  State state = State::ok;
  std::vector<Result> checks;  // in check_names() order
  Millis duration{0};
  std::int64_t timestamp = 0;  // unix seconds at the start of the run
  bool abandoned = false;      // some check was still running at the deadline
};

// ---- settings ----------------------------------------------------------------

enum class Probe { tcp, icmp };

struct Target {
  std::string name;  // [a-zA-Z0-9_-]+
  std::string host;  // address or name
  int port = 0;      // 0 for ICMP
  Probe probe = Probe::tcp;
};
// "nuc=192.168.1.205:3389", "pi6=[fd00::5]:22" for IPv6 (a TCP connect);
// "kmtronic=icmp:192.168.1.199", "pi6=icmp:fd00::5" (an ICMP echo).
// InputError naming the value.
Target parse_target(std::string_view spec);

// One probe of each target, all at once, each within timeout (a change's
// --verify). answered: a TCP connect accepted or an ICMP echo answered;
// otherwise why, as bdctl-check words it ("timeout", "refused: ...").
struct Reached {
  std::string target;  // the target as given
  bool answered = false;
  std::string why;
};
std::vector<Reached> reach(const std::vector<std::pair<std::string, Target>>& targets, Millis timeout);

struct Range {
  std::string name;
  IpAddr first, last;
  std::string text;  // as written
};
// "192.168.1.2-192.168.1.199" or "192.168.1.192/26"; InputError naming the value.
Range parse_range(const std::string& name, std::string_view text);

struct Settings {
  zerotier::ClientOptions zt;
  Millis timeout{1000};    // per check
  Millis deadline{10000};  // whole run
  std::vector<Target> targets;
  // What the flags and the config say about the site; the rest is resolved
  // by run() (bdctl/site.hpp) and shared by every group.
  site::Given site;
  std::shared_ptr<const site::Site> resolved;  // set by run() unless given
  // The ZeroTier networks run() read for the site, when the service answered:
  // the zerotier group judges the same answer instead of asking again.
  std::shared_ptr<const std::vector<zerotier::Network>> zt_networks;
  std::vector<Range> pools;                                  // DHCP pools and ranges that must not overlap
  std::vector<std::pair<std::string, IpAddr>> static_hosts;  // must sit outside the pools
  std::vector<std::string> only, skip;                       // check names or groups
  std::optional<std::string> mss_configured;                 // [mss] as set's flags ("--pppoe"), if any
  std::shared_ptr<const watch::WatchConfig> watch;           // [watch], if any: the watch.* checks
  bool repeat = false;                                       // [repeat.NAME] rules: the repeat.* checks
  // A bdctl-bridge up on record: the bridge.* checks instead of the routed
  // zerotier.route, forwarding.sysctl and forwarding.rules; the bridged
  // network's port needs no address of its own.
  bool bridged = false;
  std::string bridged_network;
  // Told every second of a run past its first what it still waits for
  // ("waiting for lan.nuc (4s to the deadline)"), "" at the end: the tool's
  // status line on a terminal. Called from run()'s thread only.
  std::function<void(std::string_view)> progress;
};

// Fill settings from the config file ([site], [check], [check.targets]);
// values already set on the command line win, targets add up.
void apply_config(const Config& cfg, Settings& s);

// Whether the site is bridged (a bdctl-bridge up on record) and which
// network: apply_config calls it; a daemon calls it again each round.
void observe_layout(Settings& s);

// Every check name a run with these settings can produce, in report order.
std::vector<std::string> check_names(const Settings& s);
// Groups: "zerotier", "forwarding", "uplink", "lan", "plan", "watch", "repeat", "bridge".
std::vector<std::string> group_names();
// Names selected by --only/--skip; InputError for a name matching nothing.
std::vector<std::string> selected_names(const Settings& s);

Report run(const Settings& s);

// ---- renderings of one Report ---------------------------------------------

// The document body after schema_version: status, duration_ms, timestamp, checks[].
void to_json(nlohmann::ordered_json& doc, const Report& r);
std::string to_text(const Report& r);        // a checklist for a person
std::string to_nagios(const Report& r);      // one line, perfdata after '|'
std::string to_prometheus(const Report& r);  // node_exporter textfile format

// ---- a saved report ----------------------------------------------------------

// The JSON document of a run (bdctl-check --report FILE) read back; InputError
// "SOURCE: not a bdctl-check report: ..." for anything else.
Report report_from_json(const std::string& text, const std::string& source);
// The saved report if it is at most max_age old at `now` (unix seconds), else
// one unknown check "bdctl.report" saying how old it is: a report the timer
// stopped writing must not stay OK.
Report stale(const Report& saved, const std::string& source, std::int64_t now, Millis max_age);

}  // namespace bdctl::check
