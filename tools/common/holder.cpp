// The process that holds a pending change. Where systemd runs it is a
// transient unit running `bdctl-rollback --hold ID` (logind stopping the
// operator's session scope cannot reach it); elsewhere, or when the manager
// refuses, bdctl's own: forked twice into its own session, every descriptor
// closed (a lock inherited from the tool would otherwise be held until the
// deadline). Either sleeps until the deadline on the wall clock and rolls
// back unless the change was confirmed, extended or rolled back meanwhile.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "bdctl/audit.hpp"
#include "bdctl/error.hpp"
#include "bdctl/handles.hpp"
#include "bdctl/lock.hpp"
#include "bdctl/systemd.hpp"
#include "safe_change.hpp"

namespace bdctl::cli {

namespace {
using change::kHolderName;

void close_inherited() {
  int null = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
  for (int fd = 3; fd < 65536; ++fd) ::close(fd);
}

// The environment that moves bdctl's files: a unit gets the manager's
// environment, not ours, and must find the same record.
std::vector<std::string> bdctl_environment() {
  std::vector<std::string> env;
  for (const char* k :
       {"BDCTL_STATE_DIR", "BDCTL_LOG_DIR", "BDCTL_LOCK_DIR", "BDCTL_SYSCTL_DIR", "BDCTL_SYSCTL_ROOT", "BDCTL_CONFIG"})
    if (const char* v = std::getenv(k)) env.push_back(std::string(k) + "=" + v);
  return env;
}

// bdctl-rollback beside this tool (both in /usr/sbin, or in the build's bin).
std::string rollback_binary() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw SystemError("/proc/self/exe", errno);
  std::string self(buf, std::size_t(n));
  return self.substr(0, self.rfind('/') + 1) + kHolderName;
}

int arm_process(const std::string& id);
}  // namespace

int hold_change(const std::string& id) {
  {
    // The arming run holds the change lock until its record is saved and its
    // change applied: the first read below sees them.
    FileLock start(change::kChangeLock, std::chrono::minutes(2));
  }
  for (;;) {
    auto p = change::load_pending();
    if (!p || p->id != id || !p->rollback_left.empty()) return 0;  // confirmed, rolled back, or failed
    if (p->expired(unix_ms_now())) {
      FileLock lock(change::kChangeLock, std::chrono::seconds(60));
      p = change::load_pending();  // a confirm may have won the race for the lock
      if (!p || p->id != id || !p->expired(unix_ms_now())) continue;
      AuditLog audit(change::kAuditFile, "bdctl", {kHolderName, id});
      return change::roll_back(*p, "deadline", audit).complete() ? 0 : 1;
    }
    // Absolute on the wall clock: the deadline is a wall-clock instant, and an
    // extension only moves it later, which the loop sees when it wakes.
    timespec ts{time_t(p->deadline_ms / 1000), long(p->deadline_ms % 1000) * 1'000'000L};
    while (::clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
  }
}

Holder arm_holder(const std::string& id) {
  if (systemd::available()) {
    std::string unit = std::string(kHolderName) + "-" + id + ".service";
    try {
      systemd::Manager m;
      if (!m.shares_network_namespace()) return {arm_process(id), ""};
      int pid = m.start_service(unit, "bdctl: roll back change " + id + " at its deadline unless confirmed",
                                {rollback_binary(), "--hold", id}, bdctl_environment());
      return {pid, unit};
    } catch (const SystemError&) {
      // No bus, or the manager refused (not root, no polkit): bdctl's own
      // holder still outlives SIGHUP, the session's processes and this one.
    }
  }
  return {arm_process(id), ""};
}

namespace {
int arm_process(const std::string& id) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw SystemError("pipe", errno);
  Fd from_child(fds[0]), to_parent(fds[1]);
  pid_t child = ::fork();
  if (child < 0) throw SystemError("fork", errno);
  if (child == 0) {
    from_child.reset();
    ::setsid();
    pid_t holder = ::fork();
    if (holder != 0) {
      (void)!::write(to_parent.get(), &holder, sizeof holder);
      ::_exit(0);
    }
    to_parent.reset();
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGPIPE}) ::signal(sig, SIG_IGN);
    ::signal(SIGTERM, SIG_DFL);
    close_inherited();
    ::prctl(PR_SET_NAME, kHolderName, 0, 0, 0);
    int rc = 1;
    try {
      rc = hold_change(id);
    } catch (...) {
      // Nothing to print to: the change stays recorded, and the next bdctl
      // run or the boot unit rolls it back.
    }
    ::_exit(rc);
  }
  to_parent.reset();  // so the read ends when the child is gone
  pid_t holder = -1;
  ssize_t n;
  do n = ::read(from_child.get(), &holder, sizeof holder);
  while (n < 0 && errno == EINTR);
  from_child.reset();
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != ssize_t(sizeof holder) || holder <= 0) throw SystemError("the rollback holder did not start");
  return holder;
}
}  // namespace

void stop_holder(const change::Pending& p) {
  if (!p.holder_unit.empty()) {
    try {
      systemd::Manager().stop(p.holder_unit);
      return;
    } catch (const SystemError&) {
      // The bus is gone: the pid, checked by name, is still ours to stop.
    }
  }
  if (change::holder_running(p.holder_pid)) ::kill(p.holder_pid, SIGTERM);  // not a reused pid
}

}  // namespace bdctl::cli
