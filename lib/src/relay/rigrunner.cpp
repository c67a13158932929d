// West Mountain Radio RIGrunner 4005i: five 12 V rails (0..4), switched with
// GET /status.xml?RAILENAn=0|1; rail names come from /settings.cgi.
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "drivers.hpp"
#include "http_client.hpp"
#include "parsers.hpp"

namespace bdctl::relay {

namespace {
class Rigrunner final : public Driver {
 public:
  explicit Rigrunner(const BoardSpec& b) : board_(b), http_(board_) {}

  void set(int channel, bool raw) override {
    check_channel(channel);
    HttpReply r =
        http_.get(fmt::format("/status.xml?RAILENA{}={}", channel, raw ? 1 : 0), budget(board_.name, board_.timeout));
    if (r.status != 200)
      throw SystemError(fmt::format("board {}: switching rail {} answered HTTP {}", board_.name, channel, r.status));
  }

  BoardReading read(bool details) override {
    BoardReading out =
        parse(http_.get("/status.xml", budget(board_.name, board_.timeout)), "status.xml", parse_rigrunner_status_xml);
    if (details) {
      HttpReply s = http_.get("/settings.cgi", budget(board_.name, board_.timeout));
      if (s.status == 200) apply_rigrunner_settings(s.body, out);  // names are a nicety: older firmware lacks them
    }
    return out;
  }

  void check_channel(int channel) const override {
    if (channel < 0 || channel > 4)
      throw InputError(fmt::format("board {}: rail {} out of range 0..4", board_.name, channel));
  }

 private:
  BoardReading parse(const HttpReply& r, const char* what, BoardReading (*fn)(std::string_view)) {
    if (r.status != 200) throw SystemError(fmt::format("board {}: {} answered HTTP {}", board_.name, what, r.status));
    try {
      return fn(r.body);
    } catch (const SystemError& e) {
      throw SystemError(fmt::format("board {}: {}", board_.name, e.what()));
    }
  }
  BoardSpec board_;
  HttpClient http_;
};
}  // namespace

std::unique_ptr<Driver> make_rigrunner(const BoardSpec& b) { return std::make_unique<Rigrunner>(b); }

}  // namespace bdctl::relay
