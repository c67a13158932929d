#include "change_render.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "bdctl/printable.hpp"

namespace bdctl::cli {

using Json = nlohmann::ordered_json;

Json pending_json(const std::optional<change::Pending>& p, std::int64_t now_ms) {
  if (!p) return nullptr;
  return {{"id", p->id},
          {"command", printable(p->command)},
          {"uid", p->who.uid},
          {"sudo_user", p->who.sudo_user.empty() ? Json(nullptr) : Json(printable(p->who.sudo_user))},
          {"ssh_client", p->who.ssh_client.empty() ? Json(nullptr) : Json(printable(p->who.ssh_client))},
          {"started", iso8601_ms(p->started_ms)},
          {"deadline", iso8601_ms(p->deadline_ms)},
          {"left_ms", std::max<std::int64_t>(0, p->deadline_ms - now_ms)},
          {"holder_pid", p->holder_pid > 0 ? Json(p->holder_pid) : Json(nullptr)},
          {"holder_unit", p->holder_unit.empty() ? Json(nullptr) : Json(p->holder_unit)},
          {"rollback_failed", !p->rollback_left.empty()},
          {"left", p->rollback_left}};
}

std::string pending_text(const change::Pending& p, std::int64_t now_ms) {
  std::string by = fmt::format("uid {}", p.who.uid);
  if (!p.who.sudo_user.empty()) by += fmt::format(" (sudo from {})", printable(p.who.sudo_user));
  if (!p.who.ssh_client.empty()) by += fmt::format(", ssh from {}", printable(p.who.ssh_client));
  std::string t = fmt::format("pending: {}\n  by {}, started {}\n", printable(p.command), by, iso8601_ms(p.started_ms));
  if (!p.rollback_left.empty()) {
    t += "  ROLLBACK INCOMPLETE; still to put back:\n";
    for (const auto& l : p.rollback_left) t += fmt::format("    {}\n", l);
    t += "  run 'bdctl rollback' to retry\n";
    return t;
  }
  t += fmt::format("  rolls back at {} unless you run 'bdctl confirm' ({} left)\n", change::clock_text(p.deadline_ms),
                   change::left_text(p.deadline_ms - now_ms));
  return t;
}

Json rollback_json(const std::string& cause, const change::RollbackResult& r) {
  return {{"cause", cause}, {"complete", r.complete()}, {"restored", r.restored}, {"left", r.left}};
}

std::string rollback_text(const std::string& command, const std::string& cause, const change::RollbackResult& r) {
  std::string t =
      fmt::format("rolled back '{}' ({}){}\n", printable(command), cause, r.complete() ? "" : ": INCOMPLETE");
  for (const auto& x : r.restored) t += fmt::format("  restored {}\n", x);
  for (const auto& x : r.left) t += fmt::format("  NOT restored: {}\n", x);
  if (r.complete() && r.restored.empty()) t += "  (nothing had changed)\n";
  return t;
}

Outcome change_document(const std::string& command, const std::optional<change::Pending>& p) {
  Outcome o;
  o.json = document();
  o.json["command"] = command;
  o.json["ok"] = true;
  o.json["pending"] = pending_json(p, unix_ms_now());
  return o;
}

// --- bdctl-pending

Outcome pending_outcome(const ChangeState& st) {
  auto o = change_document("pending", st.pending);
  o.json["rolled_back"] = st.late ? rollback_json("deadline", *st.late) : nullptr;
  if (st.late) o.text += rollback_text(st.late_command, "its deadline passed", *st.late);
  if (st.pending) {
    o.text += pending_text(*st.pending, unix_ms_now());
    if (!st.pending->rollback_left.empty()) {
      o.json["ok"] = false;
      o.exit_code = 1;
    }
  } else if (!st.late) {
    o.text += "nothing pending: every change bdctl made is final\n";
  }
  return o;
}

// --- bdctl-confirm

Json via_json(const std::optional<change::SessionPath>& path, std::optional<bool> zerotier) {
  if (!path) return nullptr;
  return {{"address", path->address},
          {"interface", path->interface.empty() ? Json(nullptr) : Json(path->interface)},
          {"zerotier", zerotier ? Json(*zerotier) : Json(nullptr)}};
}

Outcome confirm_outcome(const change::Pending& p, const std::optional<change::SessionPath>& path,
                        std::optional<bool> zerotier) {
  std::string note;
  if (path && !zerotier)
    note = fmt::format("(no interface holds {}, so the path is unknown)\n", printable(path->address));
  auto o = change_document("confirm", std::nullopt);
  o.json["confirmed"] = pending_json(p, unix_ms_now());
  o.json["via"] = via_json(path, zerotier);
  o.text = fmt::format("confirmed: '{}' is final\n{}", printable(p.command), note);
  return o;
}

// --- bdctl-rollback

Outcome nothing_to_roll_back() {
  auto o = change_document("rollback", std::nullopt);
  o.json["changed"] = false;
  o.json["rolled_back"] = nullptr;
  o.text = "nothing pending: nothing to roll back\n";
  return o;
}

Outcome left_to_deadline(const change::Pending& p) {
  auto o = change_document("rollback", std::nullopt);
  o.json["changed"] = false;
  o.json["pending"] = pending_json(p, unix_ms_now());
  o.json["rolled_back"] = nullptr;
  o.text = "the pending change was made since this boot: left to its deadline\n";
  return o;
}

Outcome rolled_back(const std::string& command, const std::string& cause, const change::RollbackResult& r,
                    const std::optional<change::Pending>& after) {
  auto o = change_document("rollback", std::nullopt);
  o.json["changed"] = false;  // set below: its place is after pending
  o.json["ok"] = r.complete();
  o.json["changed"] = !r.restored.empty();
  o.json["pending"] = pending_json(after, unix_ms_now());
  o.json["rolled_back"] = rollback_json(cause, r);
  o.text = rollback_text(command, cause, r);
  o.exit_code = r.complete() ? 0 : 1;
  return o;
}

Outcome held_to_end(const std::string& id, int rc) {
  auto o = change_document("hold", std::nullopt);
  o.json["ok"] = rc == 0;
  o.json["change"] = id;
  o.text = fmt::format("held change {} to its end\n", id);
  o.exit_code = rc;
  return o;
}

}  // namespace bdctl::cli
