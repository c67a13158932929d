// bdctl-mss probe HOST: path MTU and the MSS to clamp to, per address family.
#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "mss_verbs.hpp"
#include "render.hpp"

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
    return probe_outcome(o.host, results);
  };
}

}  // namespace bdctl::mss_tool
