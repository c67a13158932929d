#include "state.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/paths.hpp"

namespace bdctl::route {

std::string state_path() { return paths::state_dir() + "/route.json"; }

SavedState load_state() {
  SavedState s;
  auto text = read_own_file(state_path());
  if (!text) return s;
  s.on_disk = text;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw SystemError(
        fmt::format("{}: corrupt state file (remove it to forget the prior forwarding values)", state_path()));
  if (auto it = j.find("prior"); it != j.end() && it->is_object())
    for (auto& [k, v] : it->items())
      if (v.is_string()) s.prior[k] = v.get<std::string>();
  if (auto it = j.find("applied"); it != j.end() && it->is_object()) {
    Options o;
    o.zt_if = it->value("zt", "");
    o.lan_if = it->value("lan", "");
    o.masquerade = it->value("masquerade", true);
    o.allow_lan_initiated = it->value("allow_lan_initiated", false);
    o.ipv4 = it->value("ipv4", true);
    o.ipv6 = it->value("ipv6", true);
    if (!o.zt_if.empty() && !o.lan_if.empty()) s.applied = o;
  }
  return s;
}

std::optional<StagedFile> stage_state(const SavedState& s) {
  nlohmann::json j;
  j["prior"] = s.prior;
  if (s.applied)
    j["applied"] = {{"zt", s.applied->zt_if},
                    {"lan", s.applied->lan_if},
                    {"masquerade", s.applied->masquerade},
                    {"allow_lan_initiated", s.applied->allow_lan_initiated},
                    {"ipv4", s.applied->ipv4},
                    {"ipv6", s.applied->ipv6}};
  std::string text = j.dump() + "\n";
  if (s.on_disk == text) return std::nullopt;  // a re-apply: no write, no fsync
  make_dirs(paths::state_dir());
  return std::optional<StagedFile>(std::in_place, state_path(), text, 0644);
}

void remove_state() { remove_file(state_path()); }

}  // namespace bdctl::route
