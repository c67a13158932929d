#include "guard_render.hpp"

#include <fmt/format.h>

#include "change_render.hpp"

namespace bdctl::cli {

using Json = nlohmann::ordered_json;

void safety_keys(Outcome& o) {
  o.json["pending"] = nullptr;
  o.json["verify"] = nullptr;
  o.json["rolled_back"] = nullptr;
}

Outcome unchanged_outcome(const char* command) {
  auto o = verdict(command, true);
  o.json["changed"] = false;
  safety_keys(o);
  return o;
}

std::string refusal(const change::Pending& p, std::int64_t now_ms) {
  if (!p.rollback_left.empty())
    return fmt::format(
        "the rollback of '{}' did not complete ({}); run 'bdctl rollback' to retry, 'bdctl pending' for details",
        p.command, p.rollback_left.front());
  return fmt::format(
      "change '{}' is pending (rolls back at {}, {} left); run 'bdctl confirm' or 'bdctl rollback' first", p.command,
      change::clock_text(p.deadline_ms), change::left_text(p.deadline_ms - now_ms));
}

std::string rolled_back_late_text(const change::Pending& p) {
  return fmt::format("rolled back the expired change '{}' first\n", p.command);
}

Outcome extended_outcome(const change::Pending& p, std::int64_t now_ms) {
  Outcome o;
  o.json = document();
  o.json["command"] = "extend";
  o.json["ok"] = true;
  o.json["changed"] = false;
  safety_keys(o);
  o.json["pending"] = pending_json(p, now_ms);
  o.text = fmt::format("extended; rolls back at {} unless you run 'bdctl confirm' ({} left)\n",
                       change::clock_text(p.deadline_ms), change::left_text(p.deadline_ms - now_ms));
  return o;
}

void mark_armed(Outcome& o, const change::Pending& p, std::int64_t now_ms) {
  o.json["pending"] = pending_json(p, now_ms);
  o.text += fmt::format("applied; rolls back at {} unless you run 'bdctl confirm' ({} left)\n",
                        change::clock_text(p.deadline_ms), change::left_text(p.deadline_ms - now_ms));
}

void mark_verified_final(Outcome& o) {
  o.json["pending"] = nullptr;
  o.text += "verified; the change is final\n";
}

const check::Reached* add_verify(Outcome& o, const std::vector<check::Reached>& reached) {
  Json v = Json::array();
  const check::Reached* failed = nullptr;
  for (const auto& r : reached) {
    v.push_back({{"target", r.target}, {"answered", r.answered}, {"why", r.answered ? Json(nullptr) : Json(r.why)}});
    if (!r.answered && !failed) failed = &r;
  }
  o.json["verify"] = v;
  return failed;
}

std::string verify_cause(const check::Reached& failed) {
  return fmt::format("verify failed: {} ({})", failed.target, failed.why);
}

void mark_verify_rolled_back(Outcome& o, const check::Reached& failed, const change::RollbackResult& r,
                             const std::optional<change::Pending>& after, std::int64_t now_ms) {
  o.json["ok"] = false;
  o.json["rolled_back"] = rollback_json(verify_cause(failed), r);
  o.json["pending"] = r.complete() ? Json(nullptr) : pending_json(after, now_ms);
  o.text += fmt::format("ROLLED BACK: --verify {} did not answer ({}){}\n", failed.target, failed.why,
                        r.complete() ? "; the previous state is back" : "; INCOMPLETE, see 'bdctl pending'");
  o.exit_code = 1;
}

}  // namespace bdctl::cli
