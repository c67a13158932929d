// bdctl-mss probe HOST: path MTU and the MSS to clamp to, per address family.
#include <fmt/format.h>
#include <sys/socket.h>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "mss_verbs.hpp"

namespace bdctl::mss_tool {

namespace {
struct ProbeArgs {
  std::string host;
  bool v4 = false, v6 = false;
  std::string wait = "1s", timeout = "30s", max_probes = "20";
};
}  // namespace

Runner setup_probe(CLI::App& sub) {
  auto a = std::make_shared<ProbeArgs>();
  sub.add_option("HOST", a->host, "Name or address to probe")->required();
  auto* v4 = sub.add_flag("-4,--ipv4", a->v4, "IPv4 only");
  sub.add_flag("-6,--ipv6", a->v6, "IPv6 only")->excludes(v4);
  sub.add_option("--wait", a->wait, "How long to wait for each probe's answer (default 1s)")->type_name("DURATION");
  sub.add_option("--timeout", a->timeout, "Give up on a family after this long (default 30s)")->type_name("DURATION");
  sub.add_option("--max-probes", a->max_probes, "At most this many probes per family (default 20)")->type_name("N");
  return [a] {
    mss::ProbeOptions o;
    o.host = a->host;
    if (a->v4 || a->v6) o.ipv4 = a->v4, o.ipv6 = a->v6;
    o.wait = cli::duration_option("--wait", a->wait);
    o.timeout = cli::duration_option("--timeout", a->timeout);
    o.max_probes = parse_count("--max-probes", a->max_probes);
    o.progress = cli::status_line;  // only when stderr is a terminal
    auto results = mss::probe(o);
    cli::status_line("");

    cli::Outcome out;
    out.json = cli::document();
    out.json["command"] = "probe";
    out.json["ok"] = false;  // set below: its place is after command
    out.json["host"] = o.host;
    auto arr = nlohmann::ordered_json::array();
    bool any = false;
    for (const auto& r : results) {
      const char* fam = r.family == AF_INET6 ? "ipv6" : "ipv4";
      nlohmann::ordered_json j;
      j["family"] = fam;
      j["address"] = r.address;
      j["method"] = r.method;
      j["link_mtu"] = r.link_mtu;
      j["path_mtu"] = r.path_mtu ? nlohmann::ordered_json(r.path_mtu) : nlohmann::ordered_json(nullptr);
      j["mss"] = r.mss ? nlohmann::ordered_json(r.mss) : nlohmann::ordered_json(nullptr);
      j["converged"] = r.converged;
      j["probes"] = r.probes;
      j["icmp_too_big"] = r.icmp_too_big;
      j["timeouts"] = r.timeouts;
      j["elapsed_ms"] = r.elapsed.count();
      j["error"] = r.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.error);
      arr.push_back(j);
      any = any || r.path_mtu != 0;
      if (r.path_mtu) {
        out.text += fmt::format("{} {}: path MTU {}{}, clamp MSS to {} ({} probes, {} ms{})\n",
                                r.family == AF_INET6 ? "IPv6" : "IPv4", r.address, r.path_mtu,
                                r.converged ? "" : " or more", r.mss, r.probes, r.elapsed.count(),
                                r.icmp_too_big ? fmt::format(", {} too-big answers", r.icmp_too_big) : "");
      } else {
        out.text +=
            fmt::format("{} {}: not measured: {}\n", r.family == AF_INET6 ? "IPv6" : "IPv4", r.address, r.error);
      }
    }
    out.json["results"] = arr;
    out.json["ok"] = any;
    out.exit_code = any ? 0 : 1;
    return out;
  };
}

}  // namespace bdctl::mss_tool
