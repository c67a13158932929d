#include "safe_change.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "bdctl/audit.hpp"
#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/lock.hpp"
#include "guard_render.hpp"

namespace bdctl::cli {

namespace {
using Json = nlohmann::ordered_json;
constexpr Millis kVerifyTimeout{1500};  // a target the change cut is rolled back within 2 s
constexpr Millis kShortest{1000};       // a window shorter than 1 s cannot be confirmed by hand

// The confirm window: --confirm[=D], else [safety] confirm unless
// --no-confirm; a change that moves a layout is confirmed by default.
std::optional<Millis> window(const SafetyFlags& f, const Change& c) {
  bool given = f.confirm_opt && f.confirm_opt->count() > 0;
  if (given && f.no_confirm) throw InputError("--confirm and --no-confirm contradict each other");
  if (given) {
    if (f.confirm.empty()) return change::kDefaultConfirm;
    auto d = duration_option("--confirm", f.confirm);
    if (d < kShortest) throw InputError(fmt::format("--confirm: '{}' is shorter than 1s", f.confirm));
    return d;
  }
  if (f.no_confirm) return std::nullopt;
  auto cfg = Config::load(c.config_path);
  auto d = cfg.get_duration("safety.confirm");
  if (d && *d < kShortest)
    throw InputError(fmt::format("{}: safety.confirm is shorter than 1s", cfg.where("safety.confirm")));
  if (!d && c.layout) return change::kDefaultConfirm;
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
  return extended_outcome(p, now);
}

// Records what bdctl owns, arms the holder, applies: p is the record.
Outcome record_and_apply(const Change& c, const std::optional<Millis>& win, change::Pending& p, AuditLog& audit,
                         std::int64_t now) {
  p.id = new_id(now);
  p.command = c.command;
  p.who = change::who_now();
  p.started_ms = now;
  p.deadline_ms = now + win.value_or(change::kDefaultConfirm).count();
  auto owned = change::owned();
  owned.layout = c.layout;
  p.before = change::take(owned);
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
  const check::Reached* failed = add_verify(o, reached);
  if (!failed) return false;
  auto r = change::roll_back(p, verify_cause(*failed), audit);
  stop_holder(p);
  mark_verify_rolled_back(o, *failed, r, change::load_pending(), unix_ms_now());
  return true;
}
}  // namespace

Outcome guarded(const SafetyFlags& f, const Change& c) {
  auto win = window(f, c);
  auto targets = verify_targets(f.verify);
  FileLock lock(change::kChangeLock, change::kChangeLockWait);
  AuditLog audit(change::kAuditFile, "bdctl", {c.command});
  auto now = unix_ms_now();
  auto pending = change::load_pending();
  std::string late;
  if (pending && pending->rollback_left.empty() && pending->expired(now)) {
    // Its holder was killed (or the clock jumped): this run does its job first.
    auto r = change::roll_back(*pending, "deadline (rolled back late, by the next change)", audit);
    late = rolled_back_late_text(*pending);
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
    mark_verified_final(o);
    return o;
  }
  mark_armed(o, p, unix_ms_now());
  return o;
}

}  // namespace bdctl::cli
