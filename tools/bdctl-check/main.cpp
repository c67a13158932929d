// bdctl-check: is the backdoor up, and if not, why? One run, all checks
// concurrently, exit code = worst state (Nagios: 0 ok, 1 warning, 2 critical,
// 3 unknown, also for usage errors). Reads only; changes nothing.
#include <fmt/core.h>
#include <malloc.h>

#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "output.hpp"
#include "verbs.hpp"

using namespace bdctl;

namespace {

struct Flags {
  std::optional<std::string> config_path, zt_home, zt_token, network, lan_if, zt_if, lan_subnet, output_file;
  std::optional<std::string> report_file, from_file;
  std::string max_age = "3m";
  std::optional<int> zt_port;
  std::vector<std::string> targets, only, skip;
  std::string timeout, deadline, format;
  bool list = false;
};

void add_options(CLI::App& app, Flags& f) {
  app.add_option("--config", f.config_path, "Configuration file (default /etc/bdctl/bdctl.toml)");
  app.add_option("--zt-home", f.zt_home, "ZeroTier home directory (default $ZEROTIER_HOME, /var/lib/zerotier-one)");
  app.add_option("--zt-port", f.zt_port, "ZeroTier service port (default: <home>/zerotier-one.port, 9993)");
  app.add_option("--zt-token-file", f.zt_token, "ZeroTier auth token file (default <home>/authtoken.secret)");
  app.add_option("--network", f.network, "Check only this ZeroTier network (16 hex digits)");
  app.add_option("--target", f.targets,
                 "LAN target NAME=HOST:PORT (TCP) or NAME=icmp:HOST (repeatable; adds to the config's)");
  app.add_option("--lan", f.lan_if, "LAN interface (default: the one in --lan-subnet, else the default route's)");
  app.add_option("--zt", f.zt_if, "ZeroTier interface (default: every zt* link)");
  app.add_option("--lan-subnet", f.lan_subnet, "Site LAN prefix, e.g. 192.168.1.0/24");
  app.add_option("--timeout", f.timeout, "Timeout of each check (default 1s; 500ms, 2s, 1m)");
  app.add_option("--deadline", f.deadline, "Deadline of the whole run (default 10s)");
  app.add_option("--only", f.only, "Run only these checks or groups (comma-separated, repeatable)")->delimiter(',');
  app.add_option("--skip", f.skip, "Skip these checks or groups (comma-separated, repeatable)")->delimiter(',');
  app.add_option("--format", f.format, "text, json, nagios or prometheus (default: text on a terminal, else json)")
      ->check(CLI::IsMember({"text", "json", "nagios", "prometheus"}));
  app.add_option("--output", f.output_file, "Write the output to FILE atomically instead of stdout");
  app.add_flag("--list", f.list, "List the check names this configuration runs, one per line");
  app.add_option("--report", f.report_file, "Also write the run's JSON document to FILE (atomically, mode 0644)");
  auto* from = app.add_option("--from", f.from_file,
                              "Render the report saved by a root run (--report FILE) instead of checking: "
                              "monitoring without root");
  app.add_option("--max-age", f.max_age, "With --from: older than this is UNKNOWN (default 3m)");
  for (const char* o : {"--only", "--skip", "--target", "--list", "--report"}) from->excludes(o);
}

check::Settings settings(const Flags& f) {
  check::Settings s;
  if (f.zt_home) s.zt.home = *f.zt_home;
  if (f.zt_port) s.zt.port = *f.zt_port;
  if (f.zt_token) s.zt.token_file = *f.zt_token;
  if (f.network) s.site.network = site::Sourced<std::string>{zerotier::validate_network_id(*f.network), "--network"};
  for (const auto& t : f.targets) s.targets.push_back(check::parse_target(t));
  if (f.lan_if) s.site.lan_if = site::Sourced<std::string>{*f.lan_if, "--lan"};
  if (f.zt_if) s.site.zt_if = site::Sourced<std::string>{*f.zt_if, "--zt"};
  if (f.lan_subnet) s.site.lan_subnet = site::Sourced<Prefix>{parse_prefix(*f.lan_subnet), "--lan-subnet"};
  s.only = f.only;
  s.skip = f.skip;
  s.progress = cli::status_line;  // shown only when stderr is a terminal
  auto cfg = Config::load(f.config_path);
  for (const auto& w : cfg.warnings()) fmt::print(stderr, "bdctl-check: warning: {}\n", w);
  check::apply_config(cfg, s);
  // The command line beats the file.
  if (!f.timeout.empty()) s.timeout = cli::duration_option("--timeout", f.timeout);
  if (!f.deadline.empty()) s.deadline = cli::duration_option("--deadline", f.deadline);
  if (s.timeout.count() <= 0) throw InputError("--timeout must be longer than 0");
  if (s.deadline.count() <= 0) throw InputError("--deadline must be longer than 0");
  return s;
}

// The report, rendered in the format asked for, its state the exit code.
cli::Outcome outcome(check::Report r, const Flags& f) {
  cli::Outcome o;
  o.exit_code = static_cast<int>(r.state);
  // A check still blocked in the kernel past the deadline: do not wait for it.
  o.exit_now = r.abandoned;
  o.render_self = [r = std::move(r), &f](const cli::OutputOptions& out) {
    tool::emit(r, tool::pick_format(f.format, out), out.pretty, f.output_file);
    if (f.report_file) tool::emit(r, tool::CheckFormat::json, false, f.report_file);
  };
  return o;
}

cli::Runner setup(CLI::App& app, Flags& f) {
  add_options(app, f);
  return [&f]() -> cli::Outcome {
    // No config and no probe: the user need not be able to read either.
    if (f.from_file) return outcome(tool::saved_report(*f.from_file, cli::duration_option("--max-age", f.max_age)), f);
    auto s = settings(f);
    if (f.list) {
      std::string names;
      for (const auto& n : check::selected_names(s)) names += n + "\n";
      cli::Outcome o;
      o.render_self = [names](const cli::OutputOptions&) { cli::write_stdout(names); };
      return o;
    }
    return outcome(check::run(s), f);
  };
}

}  // namespace

int main(int argc, char** argv) {
  // One malloc arena: the check groups' threads mostly wait on sockets, and
  // an arena per thread costs up to a few hundred KB of RSS each (cron runs
  // this every minute on a Pi 3).
  mallopt(M_ARENA_MAX, 1);
  Flags flags;
  cli::Tool tool{
      .name = "bdctl-check",
      .about = "Check that the backdoor works: ZeroTier, forwarding, uplink, LAN targets, address plan",
      .footer = nullptr,
      .on_error = [&](const std::string& message) { tool::emit_failure(argc, argv, message); },
  };
  return cli::run_command(
      tool, [&](CLI::App& app) { return setup(app, flags); }, argc, argv,
      cli::ExitCodes{.ok = 0, .failed = 3, .usage = 3});
}
