// A fake GPIO chip in a text file, so tests (and a Pi without relays) can
// run the gpio driver end to end. Not used unless a board says chip = "fake:PATH".
#include <fmt/format.h>
#include <time.h>

#include <map>
#include <sstream>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "gpio_backend.hpp"

namespace bdctl::relay {

namespace {
class FakeLines final : public GpioLines {
 public:
  FakeLines(std::string path, std::vector<std::string> names) : path_(std::move(path)), names_(std::move(names)) {
    auto all = load();
    for (const auto& n : names_) all[n] = false;  // requested at the inactive value
    store(all);
    for (const auto& n : names_) event(n, false);
  }
  void set(std::size_t index, bool active) override {
    auto all = load();
    all[names_.at(index)] = active;
    store(all);
    event(names_.at(index), active);
  }
  std::vector<bool> get() override {
    auto all = load();
    std::vector<bool> out;
    for (const auto& n : names_) out.push_back(all[n]);
    return out;
  }

 private:
  std::map<std::string, bool> load() {
    std::map<std::string, bool> m;
    auto text = read_file(path_);
    if (!text) return m;
    std::istringstream in(*text);
    std::string name;
    int v;
    while (in >> name >> v) m[name] = v != 0;
    return m;
  }
  void store(const std::map<std::string, bool>& m) {
    std::string s;
    for (auto& [k, v] : m) s += fmt::format("{} {}\n", k, v ? 1 : 0);
    write_file_atomic(path_, s);
  }
  void event(const std::string& name, bool v) {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    std::string old = read_file(path_ + ".events").value_or("");
    write_file_atomic(path_ + ".events", old + fmt::format("{}.{:09} {} {}\n", ts.tv_sec, ts.tv_nsec, name, v ? 1 : 0));
  }
  std::string path_;
  std::vector<std::string> names_;
};
}  // namespace

std::unique_ptr<GpioLines> request_fake_lines(const std::string& path, const std::vector<std::string>& names, bool) {
  return std::make_unique<FakeLines>(path, names);
}

}  // namespace bdctl::relay
