#include "safe_change.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "bdctl/audit.hpp"
#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/lock.hpp"
#include "change_render.hpp"

namespace bdctl::cli {

namespace {
using Json = nlohmann::ordered_json;
constexpr Millis kVerifyTimeout{1500};  // a target the change cut is rolled back within 2 s
constexpr Millis kShortest{1000};       // a window shorter than 1 s cannot be confirmed by hand

// The confirm window: --confirm[=D], else [safety] confirm unless --no-confirm.
std::optional<Millis> window(const SafetyFlags& f, const std::optional<std::string>& config_path) {
  bool given = f.confirm_opt && f.confirm_opt->count() > 0;
  if (given && f.no_confirm) throw InputError("--confirm and --no-confirm contradict each other");
  if (given) {
    if (f.confirm.empty()) return change::kDefaultConfirm;
    auto d = duration_option("--confirm", f.confirm);
    if (d < kShortest) throw InputError(fmt::format("--confirm: '{}' is shorter than 1s", f.confirm));
    return d;
  }
  if (f.no_confirm) return std::nullopt;
  auto cfg = Config::load(config_path);
  auto d = cfg.get_duration("safety.confirm");
  if (d && *d < kShortest)
    throw InputError(fmt::format("{}: safety.confirm is shorter than 1s", cfg.where("safety.confirm")));
  return d;
}

std::vector<std::pair<std::string, check::Target>> verify_targets(const std::vector<std::string>& specs) {
  std::vector<std::pair<std::string, check::Target>> out;
  for (const auto& s : specs) {
    // bdctl-check's target syntax, the NAME= part optional here.
    std::string spec = s.find('=') == std::string::npos ? "verify=" + s : s;
    try {
      out.emplace_back(s, check::parse_target(spec));
    } catch (const InputError& e) {
      throw InputError(fmt::format("--verify: {}", e.what()));
    }
  }
  return out;
}

std::string new_id(std::int64_t now_ms) {
  std::string ts = iso8601_ms(now_ms);  // 2026-12-02T22:15:00.123Z
  std::string compact;
  for (char c : ts.substr(0, 19))
    if (c != '-' && c != ':') compact += c;
  return fmt::format("{}Z-{}", compact, ::getpid());
}

// The keys every change verb's document gains, null until they apply.
void safety_keys(Outcome& o) {
  o.json["pending"] = nullptr;
  o.json["verify"] = nullptr;
  o.json["rolled_back"] = nullptr;
}

std::string refusal(const change::Pending& p, std::int64_t now) {
  if (!p.rollback_left.empty())
    return fmt::format(
        "the rollback of '{}' did not complete ({}); run 'bdctl rollback' to retry, 'bdctl pending' for details",
        p.command, p.rollback_left.front());
  return fmt::format(
      "change '{}' is pending (rolls back at {}, {} left); run 'bdctl confirm' or 'bdctl rollback' first", p.command,
      change::clock_text(p.deadline_ms), change::left_text(p.deadline_ms - now));
}
}  // namespace

void add_safety_flags(CLI::App& sub, SafetyFlags& f) {
  f.confirm_opt = sub.add_option("--confirm", f.confirm,
                                 "Roll the change back after DURATION (default 2m) unless 'bdctl confirm' keeps it; "
                                 "the = form with a duration: --confirm=5m")
                      ->expected(0, 1)
                      ->type_name("[=DURATION]");
  sub.add_flag("--no-confirm", f.no_confirm, "Make this change final at once, despite [safety] confirm");
  sub.add_option("--verify", f.verify,
                 "After applying, probe TARGET (HOST:PORT or icmp:HOST) through the new state; roll back at once "
                 "if one does not answer")
      ->type_name("TARGET...");
}

namespace {
// The same change run again with --confirm: a later deadline, nothing applied.
Outcome extend(change::Pending& p, Millis win, AuditLog& audit, std::int64_t now) {
  p.deadline_ms = now + win.count();
  change::save_pending(p);
  audit.log(change::step("extend", p));
  Outcome o;
  o.json = document();
  o.json["command"] = "extend";
  o.json["ok"] = true;
  o.json["changed"] = false;
  safety_keys(o);
  o.json["pending"] = pending_json(p, now);
  o.text = fmt::format("extended; rolls back at {} unless you run 'bdctl confirm' ({} left)\n",
                       change::clock_text(p.deadline_ms), change::left_text(win.count()));
  return o;
}

// Records what bdctl owns, arms the holder, applies: p is the record.
Outcome record_and_apply(const Change& c, const std::optional<Millis>& win, change::Pending& p, AuditLog& audit,
                         std::int64_t now) {
  p.id = new_id(now);
  p.command = c.command;
  p.who = change::who_now();
  p.started_ms = now;
  p.deadline_ms = now + win.value_or(change::kDefaultConfirm).count();
  p.before = change::take(change::owned());
  // Armed first, so the record is written once, whole (each write is an
  // fsync on the Pi's SD card): the holder waits for this run's lock before
  // it reads the record, and a holder whose record never came simply ends.
  if (win) {
    auto h = arm_holder(p.id);
    p.holder_pid = h.pid;
    p.holder_unit = h.unit;
  }
  Outcome o;
  try {
    // Recorded before the change: a run killed mid-apply is still rolled back.
    change::save_pending(p);
    o = c.apply();
  } catch (...) {
    if (change::load_pending()) change::roll_back(p, "apply failed", audit);
    stop_holder(p);
    throw;
  }
  std::vector<Json> steps{change::step("apply", p)};
  if (win) {
    steps.push_back(change::step("arm", p));
    steps.back()["holder_pid"] = p.holder_pid;
    steps.back()["holder_unit"] = p.holder_unit.empty() ? Json(nullptr) : Json(p.holder_unit);
  }
  audit.log_all(steps);
  safety_keys(o);
  return o;
}

// --verify: every target answers through the new state, or the change is
// rolled back at once (true: o is final, exit 1).
bool verify_failed(const std::vector<std::pair<std::string, check::Target>>& targets, change::Pending& p, Outcome& o,
                   AuditLog& audit) {
  auto reached = check::reach(targets, kVerifyTimeout);
  Json v = Json::array();
  const check::Reached* failed = nullptr;
  for (const auto& r : reached) {
    v.push_back({{"target", r.target}, {"answered", r.answered}, {"why", r.answered ? Json(nullptr) : Json(r.why)}});
    if (!r.answered && !failed) failed = &r;
  }
  o.json["verify"] = v;
  if (!failed) return false;
  std::string cause = fmt::format("verify failed: {} ({})", failed->target, failed->why);
  auto r = change::roll_back(p, cause, audit);
  stop_holder(p);
  o.json["ok"] = false;
  o.json["rolled_back"] = rollback_json(cause, r);
  o.json["pending"] = r.complete() ? Json(nullptr) : pending_json(change::load_pending(), unix_ms_now());
  o.text += fmt::format("ROLLED BACK: --verify {} did not answer ({}){}\n", failed->target, failed->why,
                        r.complete() ? "; the previous state is back" : "; INCOMPLETE, see 'bdctl pending'");
  o.exit_code = 1;
  return true;
}
}  // namespace

Outcome guarded(const SafetyFlags& f, const Change& c) {
  auto win = window(f, c.config_path);
  auto targets = verify_targets(f.verify);
  FileLock lock(change::kChangeLock, change::kChangeLockWait);
  AuditLog audit(change::kAuditFile, "bdctl", {c.command});
  auto now = unix_ms_now();
  auto pending = change::load_pending();
  std::string late;
  if (pending && pending->rollback_left.empty() && pending->expired(now)) {
    // Its holder was killed (or the clock jumped): this run does its job first.
    auto r = change::roll_back(*pending, "deadline (rolled back late, by the next change)", audit);
    late = fmt::format("rolled back the expired change '{}' first\n", pending->command);
    if (!r.complete()) throw SystemError(refusal(*change::load_pending(), now));
    pending.reset();
  }
  if (pending) {
    if (c.dry_run) return c.apply();
    if (win && pending->rollback_left.empty() && pending->command == c.command)
      return extend(*pending, *win, audit, now);
    throw SystemError(refusal(*pending, now));
  }
  if (c.dry_run || (!win && targets.empty())) {
    Outcome o = c.apply();
    safety_keys(o);
    o.text = late + o.text;
    return o;
  }

  change::Pending p;
  Outcome o = record_and_apply(c, win, p, audit, now);
  o.text = late + o.text;
  if (!targets.empty() && verify_failed(targets, p, o, audit)) return o;
  if (!win) {
    // --verify alone: verified, so final at once.
    change::clear_pending();
    audit.log(change::step("confirm", p));
    o.json["pending"] = nullptr;
    o.text += "verified; the change is final\n";
    return o;
  }
  now = unix_ms_now();
  o.json["pending"] = pending_json(p, now);
  o.text += fmt::format("applied; rolls back at {} unless you run 'bdctl confirm' ({} left)\n",
                        change::clock_text(p.deadline_ms), change::left_text(p.deadline_ms - now));
  return o;
}

}  // namespace bdctl::cli
