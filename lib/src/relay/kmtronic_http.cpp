// KMTronic LAN web relay boards. Switching is GET /FFnnss for one relay only
// (never the toggle URL or the whole-bank FFE0xx, which acts on a stale view
// of the other relays); the reply code is ignored because some firmware
// answers 404 yet switches: callers read status.xml back.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "drivers.hpp"
#include "http_client.hpp"
#include "parsers.hpp"

namespace bdctl::relay {

namespace {
class KmtronicHttp final : public Driver {
 public:
  explicit KmtronicHttp(const BoardSpec& b) : board_(b), http_(board_) {}

  void set(int channel, bool raw) override {
    check_channel(channel);
    http_.get(fmt::format("/FF{:02X}{}", channel, raw ? "01" : "00"), budget(board_.name, board_.timeout));
  }

  BoardReading read(bool) override {
    HttpReply r = http_.get("/status.xml", budget(board_.name, board_.timeout));
    if (r.status != 200) throw SystemError(fmt::format("board {}: status.xml answered HTTP {}", board_.name, r.status));
    try {
      return parse_kmtronic_status_xml(r.body);
    } catch (const SystemError& e) {
      throw SystemError(fmt::format("board {}: {}", board_.name, e.what()));
    }
  }

  void check_channel(int channel) const override {
    int max = board_.channels > 0 ? board_.channels : 255;
    if (channel < 1 || channel > max)
      throw InputError(fmt::format("board {}: channel {} out of range 1..{}", board_.name, channel, max));
  }

 private:
  BoardSpec board_;
  HttpClient http_;
};
}  // namespace

std::unique_ptr<Driver> make_kmtronic_http(const BoardSpec& b) { return std::make_unique<KmtronicHttp>(b); }

}  // namespace bdctl::relay
