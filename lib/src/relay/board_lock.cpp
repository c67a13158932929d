#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <map>
#include <system_error>
#include <thread>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/paths.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::relay {

bool Interrupt::wait_until(std::chrono::steady_clock::time_point t) {
  std::this_thread::sleep_until(t);
  return false;
}

std::string BoardLock::path(const std::string& board) { return lock_path(file(board)); }
std::string BoardLock::file(const std::string& board) { return "relay." + board + ".lock"; }

namespace {
// Who holds a board's lock, as far as the lock file and the intent records say.
std::string holder(const std::string& board) {
  std::string pid;
  try {
    Fd f = open_lock_file(BoardLock::file(board));
    char buf[32] = {0};
    ssize_t n = ::pread(f.get(), buf, sizeof buf - 1, 0);
    if (n > 0) pid.assign(buf, std::size_t(n));
    pid.resize(std::min(pid.size(), pid.find_first_not_of("0123456789")));
  } catch (const SystemError&) {
  }
  if (pid.empty()) return "another bdctl-relay holds it";
  try {
    for (const auto& i : read_intents())
      if (i.board == board && std::to_string(i.pid) == pid) return fmt::format("pid {} is pulsing {}", pid, i.name);
  } catch (const SystemError&) {
  }
  return fmt::format("pid {} holds it", pid);
}

// The board lock's wait: interruptible, with one status line saying who holds it.
class BoardWaiter final : public LockWaiter {
 public:
  BoardWaiter(const std::string& board, Interrupt* interrupt) : board_(board), interrupt_(interrupt) {}
  ~BoardWaiter() override {
    if (told_) interrupt_->status("");
  }
  BoardWaiter(const BoardWaiter&) = delete;
  BoardWaiter& operator=(const BoardWaiter&) = delete;
  void busy(const std::string& /*path*/) override {
    if (!interrupt_) return;
    told_ = true;
    interrupt_->status(fmt::format("waiting for board {}: {}", board_, holder(board_)));
  }
  bool sleep_until(std::chrono::steady_clock::time_point t) override {
    return interrupt_ ? interrupt_->wait_until(t) : LockWaiter::sleep_until(t);
  }

 private:
  const std::string& board_;
  Interrupt* interrupt_;
  bool told_ = false;
};
}  // namespace

BoardLock::BoardLock(const std::string& board, Millis timeout, Interrupt* interrupt) {
  BoardWaiter waiter(board, interrupt);
  try {
    lock_.emplace(file(board), timeout, &waiter);
  } catch (const LockBusy& e) {
    if (e.interrupted && interrupt)
      throw SystemError(fmt::format("board {}: {} while waiting for its lock", board, interrupt->reason));
    throw SystemError(fmt::format("board {} is busy: another bdctl-relay holds {} (waited {})", board, path(board),
                                  format_duration(timeout)));
  }
  // The pid for whoever wonders who holds it, written over the old one in
  // place (a lock file is never truncated); the lock itself is the flock.
  std::string who = fmt::format("{:<11}\n", ::getpid());
  if (::pwrite(lock_->fd(), who.data(), who.size(), 0) < 0) {
  }
}

BoardLock::~BoardLock() = default;

namespace {
std::map<std::string, std::chrono::steady_clock::time_point>& starts() {
  static std::map<std::string, std::chrono::steady_clock::time_point> m;
  return m;
}
}  // namespace

std::chrono::steady_clock::time_point last_request_start(const std::string& board) { return starts()[board]; }

std::chrono::steady_clock::time_point space_requests(const std::string& board, Millis spacing) {
  if (spacing <= Millis(0)) return starts()[board] = std::chrono::steady_clock::now();
  std::string name = "relay." + board + ".last";
  Fd fd = open_lock_file(name);
  char buf[32] = {0};
  ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
  long long last_ns = 0;
  // Garbage (not a number) counts as no previous request, as below.
  if (n > 0 && std::from_chars(buf, buf + n, last_ns).ec != std::errc()) last_ns = 0;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  long long now_ns = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
  long long wait_ns = last_ns + spacing.count() * 1'000'000LL - now_ns;
  // A value from before a reboot (or garbage) is far in the past or future: ignore it.
  if (wait_ns > 0 && wait_ns <= spacing.count() * 1'000'000LL) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(wait_ns));
    clock_gettime(CLOCK_MONOTONIC, &ts);
    now_ns = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
  }
  // Fixed width, written in place: never truncated, never a mix of two lengths.
  std::string s = fmt::format("{:020}\n", now_ns);
  if (::pwrite(fd.get(), s.data(), s.size(), 0) < 0) throw SystemError(lock_path(name), errno);
  // The start returned is the one recorded (steady_clock is CLOCK_MONOTONIC):
  // the next caller spaces from exactly this instant, not from a later read.
  return starts()[board] = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(now_ns));
}

}  // namespace bdctl::relay
