// Pieces shared by the check groups inside lib/src/check (not installed).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "bdctl/check.hpp"
#include "bdctl/ipaddr.hpp"

namespace bdctl::check::detail {

// Collects results from concurrent groups; the engine reads it at the deadline.
class Sink {
 public:
  explicit Sink(std::set<std::string> wanted) : wanted_(std::move(wanted)) {}
  bool wants(const std::string& name) const { return wanted_.count(name) != 0; }
  bool wants_prefix(const std::string& group) const;
  void add(Result r);
  std::vector<Result> take();

 private:
  std::set<std::string> wanted_;
  std::mutex mu_;
  std::vector<Result> results_;
};

// Times one check: start it, then finish() with the state and summary.
struct Timer {
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  Millis elapsed() const { return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - t0); }
};
Result make(const std::string& name, State st, std::string summary, const Timer& t,
            nlohmann::ordered_json details = nlohmann::ordered_json::object());

// A group of checks run on one thread.
using Group = std::function<void(const Settings&, Sink&)>;
void zerotier_group(const Settings& s, Sink& sink);
void forwarding_group(const Settings& s, Sink& sink);
void uplink_group(const Settings& s, Sink& sink);
void lan_group(const Settings& s, Sink& sink);
void plan_group(const Settings& s, Sink& sink);
void watch_group(const Settings& s, Sink& sink);   // watch_checks.cpp
void repeat_group(const Settings& s, Sink& sink);  // repeat_checks.cpp
void bridge_group(const Settings& s, Sink& sink);  // bridge_checks.cpp
// forwarding.pending (lib/src/check/pending_check.cpp).
void pending_check(Sink& sink);

// ---- probes --------------------------------------------------------------

struct ArpReply {
  std::string mac;  // "aa:bb:cc:dd:ee:ff"
  Millis rtt{0};
};
// ARP for target on ifname. sender nullopt: an RFC 5227 probe (sender IP
// 0.0.0.0), collecting every reply until timeout; otherwise a normal request
// that returns at the first reply. Replies from our own MAC are ignored.
std::vector<ArpReply> arp_probe(const std::string& ifname, const IpAddr& target, const std::optional<IpAddr>& sender,
                                Millis timeout);

// Interfaces the checks look at, found the same way by every group.
struct Interfaces {
  std::string lan;              // "" if none found
  std::string lan_source;       // the site model's source ("--lan", "route to SUBNET", "default route", ...)
  std::vector<std::string> zt;  // the site's, or every zt* link when it names none
  std::shared_ptr<const site::Site> site;
};
Interfaces find_interfaces(const Settings& s);
// The site for these settings (flags and config, then the system and the service).
// networks, when given, gets the ZeroTier networks the observation read (if the service answered).
site::Site resolve_site(const Settings& s, std::shared_ptr<const std::vector<zerotier::Network>>* networks = nullptr);

}  // namespace bdctl::check::detail
