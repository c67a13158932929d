// bdctl-check: is the backdoor up, and if not, why? One run, all checks
// concurrently, exit code = worst state (Nagios: 0 ok, 1 warning, 2 critical,
// 3 unknown, also for usage errors). Reads only; changes nothing.
#include <fmt/core.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>

#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "cli.hpp"
#include "output.hpp"

using namespace bdctl;

int main(int argc, char** argv) {
  // One malloc arena: the check groups' threads mostly wait on sockets, and
  // an arena per thread costs up to a few hundred KB of RSS each (cron runs
  // this every minute on a Pi 3).
  mallopt(M_ARENA_MAX, 1);
  CLI::App app{"Check that the backdoor works: ZeroTier, forwarding, uplink, LAN targets, address plan", "bdctl-check"};
  cli::OutputOptions out;
  cli::add_output_flags(app, out);
  std::optional<std::string> config_path, zt_home, zt_token, network, lan_if, zt_if, lan_subnet, output_file;
  std::optional<std::string> report_file, from_file;
  std::string max_age = "3m";
  std::optional<int> zt_port;
  std::vector<std::string> targets, only, skip;
  std::string timeout, deadline, format;
  bool list = false;
  app.add_option("--config", config_path, "Configuration file (default /etc/bdctl/bdctl.toml)");
  app.add_option("--zt-home", zt_home, "ZeroTier home directory (default $ZEROTIER_HOME, /var/lib/zerotier-one)");
  app.add_option("--zt-port", zt_port, "ZeroTier service port (default: <home>/zerotier-one.port, 9993)");
  app.add_option("--zt-token-file", zt_token, "ZeroTier auth token file (default <home>/authtoken.secret)");
  app.add_option("--network", network, "Check only this ZeroTier network (16 hex digits)");
  app.add_option("--target", targets,
                 "LAN target NAME=HOST:PORT (TCP) or NAME=icmp:HOST (repeatable; adds to the config's)");
  app.add_option("--lan", lan_if, "LAN interface (default: the one in --lan-subnet, else the default route's)");
  app.add_option("--zt", zt_if, "ZeroTier interface (default: every zt* link)");
  app.add_option("--lan-subnet", lan_subnet, "Site LAN prefix, e.g. 192.168.1.0/24");
  app.add_option("--timeout", timeout, "Timeout of each check (default 1s; 500ms, 2s, 1m)");
  app.add_option("--deadline", deadline, "Deadline of the whole run (default 10s)");
  app.add_option("--only", only, "Run only these checks or groups (comma-separated, repeatable)")->delimiter(',');
  app.add_option("--skip", skip, "Skip these checks or groups (comma-separated, repeatable)")->delimiter(',');
  app.add_option("--format", format, "text, json, nagios or prometheus (default: text on a terminal, else json)")
      ->check(CLI::IsMember({"text", "json", "nagios", "prometheus"}));
  app.add_option("--output", output_file, "Write the output to FILE atomically instead of stdout");
  app.add_flag("--list", list, "List the check names this configuration runs, one per line");
  app.add_option("--report", report_file, "Also write the run's JSON document to FILE (atomically, mode 0644)");
  auto* from = app.add_option("--from", from_file,
                              "Render the report saved by a root run (--report FILE) instead of checking: "
                              "monitoring without root");
  app.add_option("--max-age", max_age, "With --from: older than this is UNKNOWN (default 3m)");
  for (const char* o : {"--only", "--skip", "--target", "--list", "--report"}) from->excludes(o);

  return cli::run(
      app, argc, argv,
      [&]() -> int {
        if (from_file) {
          // No config and no probe: the user need not be able to read either.
          return tool::render_saved(*from_file, cli::duration_option("--max-age", max_age),
                                    tool::pick_format(format, out), out.pretty, output_file);
        }
        check::Settings s;
        if (zt_home) s.zt.home = *zt_home;
        if (zt_port) s.zt.port = *zt_port;
        if (zt_token) s.zt.token_file = *zt_token;
        if (network) s.site.network = site::Sourced<std::string>{zerotier::validate_network_id(*network), "--network"};
        for (const auto& t : targets) s.targets.push_back(check::parse_target(t));
        if (lan_if) s.site.lan_if = site::Sourced<std::string>{*lan_if, "--lan"};
        if (zt_if) s.site.zt_if = site::Sourced<std::string>{*zt_if, "--zt"};
        if (lan_subnet) s.site.lan_subnet = site::Sourced<Prefix>{parse_prefix(*lan_subnet), "--lan-subnet"};
        s.only = only;
        s.skip = skip;
        s.progress = cli::status_line;  // shown only when stderr is a terminal
        auto cfg = Config::load(config_path);
        for (const auto& w : cfg.warnings()) fmt::print(stderr, "bdctl-check: warning: {}\n", w);
        check::apply_config(cfg, s);
        // The command line beats the file.
        if (!timeout.empty()) s.timeout = cli::duration_option("--timeout", timeout);
        if (!deadline.empty()) s.deadline = cli::duration_option("--deadline", deadline);
        if (s.timeout.count() <= 0) throw InputError("--timeout must be longer than 0");
        if (s.deadline.count() <= 0) throw InputError("--deadline must be longer than 0");

        if (list) {
          for (const auto& n : check::selected_names(s)) fmt::print("{}\n", n);
          return 0;
        }
        auto report = check::run(s);
        int code = static_cast<int>(report.state);
        tool::emit(report, tool::pick_format(format, out), out.pretty, output_file);
        if (report_file) tool::emit(report, tool::CheckFormat::json, false, report_file);
        if (report.abandoned) {
          // A check is still blocked in the kernel past the deadline: do not wait for it.
          std::fflush(nullptr);
          std::_Exit(code);
        }
        return code;
      },
      cli::ExitCodes{.ok = 0, .failed = 3, .usage = 3},
      [&](const std::string& message) { tool::emit_failure(argc, argv, message); });
}
