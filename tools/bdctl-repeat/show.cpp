// bdctl-repeat show: what a run would repeat, between which interfaces
// (with where each came from), and the presets; opens no socket.
#include "render.hpp"
#include "repeat_verbs.hpp"

namespace bdctl::repeat_tool {

cli::Runner setup_show(CLI::App& sub) {
  auto f = std::make_shared<Flags>();
  add_options(sub, *f);
  return [f] { return show_outcome(load(*f)); };
}

}  // namespace bdctl::repeat_tool
