#include "render.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include "guard_render.hpp"

namespace bdctl::mss_tool {

using nlohmann::ordered_json;

ordered_json clamps_json(const mss::Options& o) {
  auto arr = ordered_json::array();
  for (const auto& c : mss::clamps(o)) {
    ordered_json j;
    j["family"] = !c.family ? "inet" : *c.family == nft::Family::ipv4 ? "ipv4" : "ipv6";
    j["mss"] = c.mss ? ordered_json(*c.mss) : ordered_json(nullptr);
    arr.push_back(j);
  }
  return arr;
}

ordered_json chains_json(const std::vector<nft::DesiredChain>& chains) {
  auto arr = ordered_json::array();
  for (const auto& c : chains) {
    ordered_json j;
    j["name"] = c.spec.name;
    j["hook"] = c.spec.hook;
    j["priority"] = c.spec.priority;
    auto rules = ordered_json::array();
    for (const auto& r : c.rules) rules.push_back(r.text());
    j["rules"] = rules;
    arr.push_back(j);
  }
  return arr;
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) fmt::print(stderr, "bdctl-mss: warning: {}\n", w);
}

// --- set

cli::Outcome set_outcome(const Resolved& resolved, const mss::SetResult& res, bool check_only) {
  const auto& o = resolved.options;
  cli::Outcome out;
  out.json = cli::document();
  out.json["command"] = "set";
  out.json["ok"] = true;
  out.json["changed"] = res.changed;
  out.json["configured"] = true;
  out.json["source"] = resolved.source;
  out.json["dry_run"] = check_only;
  out.json["check"] = check_only;  // the old name of dry_run, kept for scripts
  out.json["operations"] = res.operations;
  out.json["options"] = options_json(o);
  out.json["clamps"] = clamps_json(o);
  out.json["chains"] = chains_json(res.chains);
  out.json["removed"] = res.removed;

  std::string verb = check_only ? (res.operations ? "would change" : "already in place")
                                : (res.changed ? "installed" : "already in place");
  out.text = fmt::format("MSS clamp {}: {}\n", verb, mss::describe(o));
  for (const auto& c : mss::clamps(o)) {
    std::string fam = !c.family ? "IPv4+IPv6" : *c.family == nft::Family::ipv4 ? "IPv4" : "IPv6";
    out.text +=
        fmt::format("  {:<9}  {}\n", fam, c.mss ? fmt::format("MSS <= {}", *c.mss) : "MSS <= route MTU - headers");
  }
  for (const auto& r : res.removed) out.text += fmt::format("  removed stale chain {}\n", r);
  return out;
}

cli::Outcome unconfigured_set_outcome() {
  auto out = cli::unchanged_outcome("set");
  out.json["configured"] = false;
  out.text = "no MSS clamp configured (no [mss] in the config): nothing changed\n";
  return out;
}

// --- clear

cli::Outcome clear_outcome(const mss::ClearResult& res, bool check_only) {
  cli::Outcome out;
  out.json = cli::document();
  out.json["command"] = "clear";
  out.json["ok"] = true;
  out.json["changed"] = res.changed;
  out.json["dry_run"] = check_only;
  out.json["check"] = check_only;  // the old name of dry_run, kept for scripts
  out.json["removed"] = res.removed;
  out.json["table_removed"] = res.table_removed;
  if (res.removed.empty()) {
    out.text = "no MSS clamp installed\n";
  } else {
    out.text = fmt::format("{} {}\n", check_only ? "would remove" : "removed", fmt::join(res.removed, ", "));
    if (res.table_removed) out.text += "table inet bdctl was left empty and removed\n";
  }
  return out;
}

// --- status

namespace {
ordered_json status_chains_json(const std::vector<mss::ChainStatus>& chains) {
  auto arr = ordered_json::array();
  for (const auto& c : chains) {
    ordered_json j;
    j["name"] = c.name;
    j["present"] = c.present;
    j["expected"] = c.expected;
    j["spec_differs"] = c.spec_differs;
    j["missing_rules"] = c.missing_rules;
    j["extra_rules"] = c.extra_rules;
    j["drift"] = c.drift();
    arr.push_back(j);
  }
  return arr;
}

std::string status_text(const mss::Status& st) {
  std::string t = fmt::format("expected: {} ({})\n", st.expected ? mss::describe(*st.expected) : "no clamp",
                              st.expected_source == "options" ? "from options"
                              : st.expected_source == "state" ? "from the last set"
                                                              : "nothing recorded");
  if (st.chains.empty()) t += "present:  no mss_* chains\n";
  for (const auto& c : st.chains) {
    std::string state = !c.drift() ? "ok" : !c.present ? "missing" : !c.expected ? "unexpected" : "differs";
    t += fmt::format("chain {:<12} {}\n", c.name, state);
    if (c.spec_differs) t += "  hook, type, priority or policy differ\n";
    for (const auto& r : c.missing_rules) t += fmt::format("  missing: {}\n", r);
    for (const auto& r : c.extra_rules) t += fmt::format("  extra:   {}\n", r);
  }
  t += st.drift() ? "drift\n" : "no drift\n";
  return t;
}
}  // namespace

cli::Outcome status_outcome(const mss::Status& st) {
  cli::Outcome out;
  out.json = cli::document();
  out.json["command"] = "status";
  out.json["ok"] = !st.drift();
  out.json["expected_source"] = st.expected_source;
  out.json["expected"] = st.expected ? options_json(*st.expected) : ordered_json(nullptr);
  out.json["present"] = st.present();
  out.json["drift"] = st.drift();
  out.json["chains"] = status_chains_json(st.chains);
  out.exit_code = st.drift() ? 1 : 0;
  out.text = status_text(st);
  return out;
}

// --- show

cli::Outcome show_outcome(const Resolved& resolved, const std::vector<nft::DesiredChain>& chains) {
  const auto& o = resolved.options;
  cli::Outcome out;
  out.json = cli::document();
  out.json["command"] = "show";
  out.json["ok"] = true;
  out.json["source"] = resolved.source;
  out.json["options"] = options_json(o);
  out.json["clamps"] = clamps_json(o);
  out.json["chains"] = chains_json(chains);
  out.json["nft"] = nft::render(chains);
  out.text = nft::render(chains);
  return out;
}

// --- probe

namespace {
ordered_json probe_json(const mss::ProbeResult& r) {
  ordered_json j;
  j["family"] = r.family == AF_INET6 ? "ipv6" : "ipv4";
  j["address"] = r.address;
  j["method"] = r.method;
  j["link_mtu"] = r.link_mtu;
  j["path_mtu"] = r.path_mtu ? ordered_json(r.path_mtu) : ordered_json(nullptr);
  j["mss"] = r.mss ? ordered_json(r.mss) : ordered_json(nullptr);
  j["converged"] = r.converged;
  j["probes"] = r.probes;
  j["icmp_too_big"] = r.icmp_too_big;
  j["timeouts"] = r.timeouts;
  j["elapsed_ms"] = r.elapsed.count();
  j["error"] = r.error.empty() ? ordered_json(nullptr) : ordered_json(r.error);
  return j;
}

std::string probe_text(const mss::ProbeResult& r) {
  const char* fam = r.family == AF_INET6 ? "IPv6" : "IPv4";
  if (!r.path_mtu) return fmt::format("{} {}: not measured: {}\n", fam, r.address, r.error);
  return fmt::format("{} {}: path MTU {}{}, clamp MSS to {} ({} probes, {} ms{})\n", fam, r.address, r.path_mtu,
                     r.converged ? "" : " or more", r.mss, r.probes, r.elapsed.count(),
                     r.icmp_too_big ? fmt::format(", {} too-big answers", r.icmp_too_big) : "");
}
}  // namespace

cli::Outcome probe_outcome(const std::string& host, const std::vector<mss::ProbeResult>& results) {
  cli::Outcome out;
  out.json = cli::document();
  out.json["command"] = "probe";
  out.json["ok"] = false;  // set below: its place is after command
  out.json["host"] = host;
  auto arr = ordered_json::array();
  bool any = false;
  for (const auto& r : results) {
    arr.push_back(probe_json(r));
    out.text += probe_text(r);
    any = any || r.path_mtu != 0;
  }
  out.json["results"] = arr;
  out.json["ok"] = any;
  out.exit_code = any ? 0 : 1;
  return out;
}

}  // namespace bdctl::mss_tool
