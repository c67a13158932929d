// bdctl-repeat's library half: the [repeat.NAME] rules, and the repeater
// that carries their discovery broadcasts and multicasts between the LAN
// and the ZeroTier interface (bdctl/repeat.hpp builds the packets). It
// changes nothing but its own sockets; the tool's main runs its loop.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bdctl/repeat.hpp"

namespace bdctl {
class Config;
}

namespace bdctl::repeat {

// Sides and directions are indexed by where a packet was heard.
enum Side : int { lan = 0, zerotier = 1 };
const char* side_name(Side s);  // "lan", "zerotier"
// "lan-to-zerotier" (heard on the LAN), "zerotier-to-lan".
const char* direction_name(Side heard_on);

struct Preset {
  const char* name;
  std::uint16_t port;
  std::optional<Ipv4> group;
  const char* what;
};
const std::vector<Preset>& presets();  // flexradio, hpsdr, mdns, ssdp

struct Rule {
  std::string name;    // [repeat.NAME]
  std::string preset;  // "" when none
  std::uint16_t port = 0;
  std::optional<Ipv4> group;             // a multicast group; none: broadcasts only
  std::array<bool, 2> from{true, true};  // repeat what is heard on this side
  double per_second = 50;                // rate, per direction
  std::string rate_text = "50/second";
};

// "50/second", "600/minute", "3600/hour": packets a second. InputError naming where.
double parse_rate(const std::string& text, const std::string& where);
std::string ipv4_text(const Ipv4& a);

// The [repeat.*] tables, validated: InputError naming file:line and the bad
// value (an unknown preset, a port out of range, a group that is not
// multicast, a direction or rate that does not parse, two rules on one
// port and group).
std::vector<Rule> rules_from(const Config& c);

// Where the daemon's counters live while it runs (a tmpfs under /run: no SD
// wear), and the lock it holds for its whole run.
std::string status_path();
inline constexpr const char* kRunLock = "repeat-run.lock";

struct Counters {
  std::uint64_t heard = 0;           // broadcasts and multicasts of the rule's port and group, not copies
  std::uint64_t repeated = 0;        // copies sent on the other side
  std::uint64_t echoes = 0;          // our own copies heard back (the kernel's loopback, or unmarked)
  std::uint64_t other_marks = 0;     // marked copies not our loopback: another repeater's, or a loop; dropped
  std::uint64_t rate_limited = 0;    // over the rate: dropped
  std::uint64_t overflows = 0;       // dropped by the kernel before they were read (its queue full: a storm)
  std::int64_t last_trouble_ms = 0;  // wall clock of the last other mark, over the rate or overflow; 0 none
  std::uint64_t errors = 0;          // a copy the kernel would not send
  std::string last_error;
};

struct SideState {
  std::string interface;
  int ifindex = 0;                // 0: missing now
  std::optional<Ipv4> address;    // its first IPv4 address
  std::optional<Ipv4> broadcast;  // its directed broadcast, from that address's prefix
  unsigned mtu = 0;               // copies longer than this are sent in fragments
  std::string error;              // why its sockets are not open
};

struct RuleState {
  Rule rule;
  std::array<Counters, 2> by_side;  // indexed by the side it was heard on
};

struct Status {
  std::int64_t started_ms = 0, updated_ms = 0;
  std::uint64_t generation = 0;  // bumped by every counted packet and side change (not saved)
  long pid = 0;
  std::array<SideState, 2> sides;
  std::vector<RuleState> rules;
};
void to_json(nlohmann::ordered_json& j, const Status& s);
// The status file the daemon wrote; nullopt when there is none. SystemError
// naming the file when it does not parse.
std::optional<Status> read_status();
void write_status(const Status& s);

// The repeater. Each rule and side has a UDP socket bound to the rule's port
// on that side's interface (SO_BINDTODEVICE, the group joined there) that
// hears; each side has one raw socket that sends the copies.
class Repeater {
 public:
  Repeater(std::vector<Rule> rules, std::string lan_if, std::string zt_if);
  ~Repeater();
  Repeater(const Repeater&) = delete;
  Repeater& operator=(const Repeater&) = delete;

  // Opens the sockets of a side whose interface appeared or came back under
  // a new index (ZeroTier restarted), closes those of one that went away.
  // Returns a line for each side that changed, for the log.
  std::vector<std::string> refresh();
  // Waits up to `timeout` for packets and repeats them. It also hears the
  // kernel's link and address events (rtnetlink), so a ZeroTier restart is
  // seen at once, not at the next look.
  struct Woke {
    bool stop = false;           // `stop_fd` became readable (the tool's signalfd)
    bool links_changed = false;  // a link or address changed: refresh()
  };
  Woke serve(std::chrono::milliseconds timeout, int stop_fd);
  const Status& status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bdctl::repeat
