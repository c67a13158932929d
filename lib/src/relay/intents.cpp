// Intent records: one small JSON file per pulse in flight, written and
// fsynced before the relay is energised. A run that finds one it can lock
// the board for knows its owner died mid-pulse.
#include <dirent.h>
#include <fmt/format.h>
#include <cerrno>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/handles.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::relay {

namespace {
std::string intent_path(const Intent& i) { return fmt::format("{}/{}.{}.json", intent_dir(), i.board, i.channel); }
}  // namespace

std::string intent_dir() { return paths::state_dir() + "/relay/intents"; }

void write_intent(const Intent& i) {
  make_dirs(intent_dir(), 0700);
  nlohmann::ordered_json j{{"name", i.name},
                           {"board", i.board},
                           {"channel", i.channel},
                           {"rest_raw", i.rest_raw},
                           {"pulse_ms", i.pulse_ms},
                           {"started_unix_ms", i.started_unix_ms},
                           {"pid", i.pid}};
  write_file_atomic(intent_path(i), j.dump() + "\n", 0600);
}

void remove_intent(const Intent& i) { remove_file(intent_path(i)); }

std::vector<Intent> read_intents() {
  std::vector<Intent> out;
  Dir d(::opendir(intent_dir().c_str()));
  if (!d) {
    if (errno == ENOENT) return out;  // nothing was ever recorded
    throw SystemError(intent_dir(), errno);
  }
  std::vector<std::string> files;
  // An unreadable directory must not look empty: recover would skip unfinished pulses.
  for (errno = 0; dirent* e = ::readdir(d.get()); errno = 0) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0) files.push_back(n);
  }
  if (errno != 0) throw SystemError(intent_dir(), errno);
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = read_own_file(intent_dir() + "/" + f);
    if (!text) continue;
    try {
      auto j = nlohmann::json::parse(*text);
      Intent i;
      i.name = j.at("name").get<std::string>();
      i.board = j.at("board").get<std::string>();
      i.channel = j.at("channel").get<int>();
      i.rest_raw = j.at("rest_raw").get<bool>();
      i.pulse_ms = j.value("pulse_ms", 0LL);
      i.started_unix_ms = j.value("started_unix_ms", 0LL);
      i.pid = j.value("pid", 0);
      out.push_back(std::move(i));
    } catch (const nlohmann::json::exception&) {
      // A torn write cannot happen (atomic rename); anything else is for a human to read.
    }
  }
  return out;
}

}  // namespace bdctl::relay
