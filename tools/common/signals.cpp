#include "signals.hpp"

#include "cli.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "bdctl/error.hpp"

namespace bdctl::cli {

namespace {
sigset_t g_stop;

sigset_t stop_set() { return g_stop; }
}  // namespace

void block_stop_signals() {
  sigemptyset(&g_stop);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    // A signal the caller ignores (nohup, a background job) stays ignored.
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaddset(&g_stop, sig);
  }
  sigset_t s = stop_set();
  sigprocmask(SIG_BLOCK, &s, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a dropped SSH session must not kill us through stdout either
}

namespace {
const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP"; }
}  // namespace

Fd stop_signal_fd() {
  sigset_t s = stop_set();
  Fd fd(signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd.valid()) throw SystemError("signalfd", errno);
  return fd;
}

std::string take_stop_signal(int fd) {
  signalfd_siginfo si{};
  if (read(fd, &si, sizeof si) != ssize_t(sizeof si)) return "";
  return signal_name(int(si.ssi_signo));
}

bool SignalInterrupt::wait_until(std::chrono::steady_clock::time_point deadline) {
  sigset_t s = stop_set();
  for (;;) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) left = {};
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    // time_t and long are 32 bits on armhf: name the conversions (a wait is seconds long).
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    int sig = sigtimedwait(&s, nullptr, &ts);  // a zero timeout still collects a pending signal
    if (sig > 0) {
      reason = signal_name(sig);
      return true;
    }
    if (left == decltype(left){}) return false;
    if (errno != EAGAIN && errno != EINTR) return false;
  }
}

void SignalInterrupt::status(std::string_view line) { status_line(line); }

}  // namespace bdctl::cli
