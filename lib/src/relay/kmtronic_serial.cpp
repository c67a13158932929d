// KMTronic USB/RS232 boards (FTDI ttyUSB): 9600 8N1 raw bytes, FF nn ss to
// switch, FF 09 00 for the status of a 4- or 8-relay board.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "bdctl/error.hpp"
#include "bdctl/relay_safety.hpp"
#include "drivers.hpp"
#include "parsers.hpp"

namespace bdctl::relay {

namespace {
class KmtronicSerial final : public Driver {
 public:
  explicit KmtronicSerial(const BoardSpec& b) : board_(b) {
    if (b.device.empty()) throw InputError(fmt::format("board {}: kmtronic-serial needs device", b.name));
    if (b.channels != 4 && b.channels != 8)
      throw InputError(fmt::format("board {}: kmtronic-serial needs channels = 4 or 8", b.name));
    fd_ = Fd(::open(b.device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
    if (fd_.fd < 0) throw SystemError(fmt::format("board {}: {}", b.name, b.device), errno);
    termios t{};
    if (::tcgetattr(fd_.fd, &t) != 0) throw SystemError(fmt::format("board {}: {}", b.name, b.device), errno);
    ::cfmakeraw(&t);
    ::cfsetispeed(&t, B9600);
    ::cfsetospeed(&t, B9600);
    t.c_cflag &= ~tcflag_t(CSTOPB | PARENB | CRTSCTS);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (::tcsetattr(fd_.fd, TCSANOW, &t) != 0) throw SystemError(fmt::format("board {}: {}", b.name, b.device), errno);
  }

  void set(int channel, bool raw) override {
    check_channel(channel);
    unsigned char cmd[3] = {0xFF, static_cast<unsigned char>(channel), static_cast<unsigned char>(raw ? 1 : 0)};
    write_all(cmd, 3);
  }

  BoardReading read(bool) override {
    ::tcflush(fd_.fd, TCIFLUSH);
    const Millis wait = budget(board_.name, board_.timeout);
    unsigned char cmd[3] = {0xFF, 0x09, 0x00};
    write_all(cmd, 3);
    std::string reply;
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (reply.size() < std::size_t(board_.channels)) {
      auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()).count();
      pollfd p{fd_.fd, POLLIN, 0};
      int n = left > 0 ? ::poll(&p, 1, int(left)) : 0;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw SystemError(fmt::format("board {} ({}): {} of {} status bytes within {}", board_.name, board_.device,
                                      reply.size(), board_.channels, format_duration(wait)));
      char buf[16];
      ssize_t got = ::read(fd_.fd, buf, std::size_t(board_.channels) - reply.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) throw SystemError(fmt::format("board {}: {}", board_.name, board_.device), got < 0 ? errno : EIO);
      reply.append(buf, std::size_t(got));
    }
    try {
      return parse_kmtronic_serial_status(reply);
    } catch (const SystemError& e) {
      throw SystemError(fmt::format("board {}: {}", board_.name, e.what()));
    }
  }

  void check_channel(int channel) const override {
    if (channel < 1 || channel > board_.channels)
      throw InputError(fmt::format("board {}: channel {} out of range 1..{}", board_.name, channel, board_.channels));
  }

 private:
  void write_all(const unsigned char* p, std::size_t n) {
    space_requests(board_.name, board_.spacing);
    while (n > 0) {
      ssize_t w = ::write(fd_.fd, p, n);
      if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (w <= 0) throw SystemError(fmt::format("board {}: {}", board_.name, board_.device), errno);
      p += w;
      n -= std::size_t(w);
    }
    ::tcdrain(fd_.fd);
  }
  BoardSpec board_;
  Fd fd_;
};
}  // namespace

std::unique_ptr<Driver> make_kmtronic_serial(const BoardSpec& b) { return std::make_unique<KmtronicSerial>(b); }

}  // namespace bdctl::relay
