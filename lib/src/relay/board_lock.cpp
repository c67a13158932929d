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
#include "bdctl/paths.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::relay {

bool Interrupt::wait_until(std::chrono::steady_clock::time_point t) {
  std::this_thread::sleep_until(t);
  return false;
}

std::string BoardLock::path(const std::string& board) { return paths::lock_dir() + "/relay." + board + ".lock"; }

namespace {
// Who holds a board's lock, as far as the lock file and the intent records say.
std::string holder(const std::string& board, const std::string& path) {
  std::string pid;
  try {
    if (auto text = read_file(path)) pid = text->substr(0, text->find('\n'));
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
}  // namespace

BoardLock::BoardLock(const std::string& board, Millis timeout, Interrupt* interrupt) {
  std::string p = path(board);
  make_dirs(paths::lock_dir());
  fd_.reset(::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd_.valid()) throw SystemError("lock " + p, errno);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool told = false;
  while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    int err = errno;  // before anything else can change it
    if (!told && interrupt) {
      told = true;
      interrupt->status(fmt::format("waiting for board {}: {}", board, holder(board, p)));
    }
    if (err != EWOULDBLOCK && err != EINTR) throw SystemError("lock " + p, err);
    auto now = std::chrono::steady_clock::now();
    bool stop = now >= deadline;
    if (!stop && interrupt)
      stop = interrupt->wait_until(std::min(deadline, now + Millis(20)));
    else if (!stop)
      std::this_thread::sleep_for(Millis(20));
    if (stop) {
      if (interrupt && !interrupt->reason.empty())
        throw SystemError(fmt::format("board {}: {} while waiting for its lock", board, interrupt->reason));
      throw SystemError(fmt::format("board {} is busy: another bdctl-relay holds {} (waited {})", board, p,
                                    format_duration(timeout)));
    }
  }
  if (told) interrupt->status("");
  // pid for whoever wonders who holds it; the lock itself is the flock.
  std::string who = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd_.get(), 0) == 0 && ::pwrite(fd_.get(), who.data(), who.size(), 0) < 0) {
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
  std::string p = paths::lock_dir() + "/relay." + board + ".last";
  make_dirs(paths::lock_dir());
  Fd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) throw SystemError(p, errno);
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
  std::string s = std::to_string(now_ns);
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), s.data(), s.size(), 0) < 0) throw SystemError(p, errno);
  return starts()[board] = std::chrono::steady_clock::now();
}

}  // namespace bdctl::relay
