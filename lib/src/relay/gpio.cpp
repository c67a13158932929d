// Pi GPIO relay boards. A line keeps its value only while it is requested,
// so this driver cannot latch: it holds the lines for the life of the
// process (long enough for a pulse) and the controller refuses on/off.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "drivers.hpp"
#include "gpio_backend.hpp"

namespace bdctl::relay {

namespace {
class Gpio final : public Driver {
 public:
  explicit Gpio(const BoardSpec& b) : board_(b) {
    if (b.lines.empty()) throw InputError(fmt::format("board {}: gpio needs lines = [\"GPIO17\", ...]", b.name));
  }
  void set(int channel, bool raw) override {
    check_channel(channel);
    lines().set(std::size_t(channel - 1), raw);
  }
  BoardReading read(bool) override {
    BoardReading out;
    auto v = lines().get();
    for (std::size_t i = 0; i < v.size(); ++i)
      out.channels.push_back({int(i + 1), v[i], std::nullopt, board_.lines[i]});
    return out;
  }
  bool latches() const override { return false; }
  void check_channel(int channel) const override {
    if (channel < 1 || channel > int(board_.lines.size()))
      throw InputError(
          fmt::format("board {}: channel {} out of range 1..{}", board_.name, channel, board_.lines.size()));
  }

 private:
  GpioLines& lines() {
    if (!lines_) {
      if (board_.chip.rfind("fake:", 0) == 0)
        lines_ = request_fake_lines(board_.chip.substr(5), board_.lines, board_.active_low);
      else
        lines_ = request_cdev_lines(board_.chip, board_.lines, board_.active_low);
    }
    return *lines_;
  }
  BoardSpec board_;
  std::unique_ptr<GpioLines> lines_;
};
}  // namespace

std::unique_ptr<Driver> make_gpio(const BoardSpec& b) { return std::make_unique<Gpio>(b); }

}  // namespace bdctl::relay
