// KMTronic UDP boards: 6-byte ASCII commands (FFnnss, FF0000 = status) to
// port 12345. Whether a board answers a set command is not documented, so
// stale datagrams are drained before each status query.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "bdctl/error.hpp"
#include "bdctl/relay_safety.hpp"
#include "drivers.hpp"
#include "parsers.hpp"

namespace bdctl::relay {

namespace {
class KmtronicUdp final : public Driver {
 public:
  explicit KmtronicUdp(const BoardSpec& b) : board_(b) {
    if (b.host.empty()) throw InputError(fmt::format("board {}: kmtronic-udp needs host", b.name));
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* res = nullptr;
    int rc = ::getaddrinfo(b.host.c_str(), std::to_string(b.port).c_str(), &hints, &res);
    if (rc != 0) throw SystemError(fmt::format("board {}: host {}: {}", b.name, b.host, gai_strerror(rc)));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
    sock_ = Fd(::socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (sock_.fd < 0) throw SystemError("socket", errno);
    // connect() so only the board's replies are received, and ICMP errors surface.
    if (::connect(sock_.fd, res->ai_addr, res->ai_addrlen) != 0)
      throw SystemError(fmt::format("board {} ({}:{})", b.name, b.host, b.port), errno);
  }

  void set(int channel, bool raw) override {
    check_channel(channel);
    send(fmt::format("FF{:02X}{}", channel, raw ? "01" : "00"));
  }

  BoardReading read(bool) override {
    drain();
    const Millis wait = budget(board_.name, board_.timeout);
    send("FF0000");
    auto deadline = std::chrono::steady_clock::now() + wait;
    std::string malformed;  // the last answer that was not a status
    for (;;) {
      auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()).count();
      pollfd p{sock_.fd, POLLIN, 0};
      int n = left > 0 ? ::poll(&p, 1, int(left)) : 0;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (!malformed.empty())
          throw SystemError(fmt::format("board {} ({}:{}): no valid status within {}; it answered: {}", board_.name,
                                        board_.host, board_.port, format_duration(wait), malformed));
        throw SystemError(fmt::format("board {} ({}:{}): no reply within {}", board_.name, board_.host, board_.port,
                                      format_duration(wait)));
      }
      char buf[128];
      ssize_t got = ::recv(sock_.fd, buf, sizeof buf, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw SystemError(fmt::format("board {} ({}:{})", board_.name, board_.host, board_.port), errno);
      }
      try {
        return parse_kmtronic_udp_status(std::string_view(buf, std::size_t(got)));
      } catch (const SystemError& e) {
        // A late answer to a set command may arrive first; keep waiting for the status.
        malformed = e.what();
      }
    }
  }

  void check_channel(int channel) const override {
    int max = board_.channels > 0 ? board_.channels : 8;
    if (channel < 1 || channel > max)
      throw InputError(fmt::format("board {}: channel {} out of range 1..{}", board_.name, channel, max));
  }

 private:
  void send(const std::string& cmd) {
    space_requests(board_.name, board_.spacing);
    if (::send(sock_.fd, cmd.data(), cmd.size(), 0) != ssize_t(cmd.size()))
      throw SystemError(fmt::format("board {} ({}:{})", board_.name, board_.host, board_.port), errno);
  }
  void drain() {
    char buf[128];
    while (::recv(sock_.fd, buf, sizeof buf, MSG_DONTWAIT) >= 0) {
    }
  }
  BoardSpec board_;
  Fd sock_;
};
}  // namespace

std::unique_ptr<Driver> make_kmtronic_udp(const BoardSpec& b) { return std::make_unique<KmtronicUdp>(b); }

}  // namespace bdctl::relay
