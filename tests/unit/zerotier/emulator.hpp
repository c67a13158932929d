// Starts tests/sim/zerotier/ztemu.py on a random loopback port in a private
// home directory, and stops it when the test case ends.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace zt_test {

inline std::string fixture(const std::string& name) {
  std::ifstream f(std::string(BDCTL_SOURCE_DIR) + "/tests/sim/zerotier/fixtures/" + name);
  if (!f) throw std::runtime_error("missing fixture " + name);
  return {std::istreambuf_iterator<char>(f), {}};
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/bdctl-zt.XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

class Emulator {
 public:
  explicit Emulator(const std::string& state, const std::string& extra = "") {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    std::string script = std::string(BDCTL_SOURCE_DIR) + "/tests/sim/zerotier/ztemu.py";
    control_ = home_.path + "/control";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::string cmd = "exec python3 '" + script + "' --home '" + home_.path + "' --state " + state + " --control '" +
                        control_ + "' " + extra;
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    FILE* f = fdopen(fds[0], "r");
    if (std::fscanf(f, "%d", &port_) != 1) {
      std::fclose(f);
      stop();
      throw std::runtime_error("emulator did not start");
    }
    std::fclose(f);
  }
  ~Emulator() { stop(); }
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  const std::string& home() const { return home_.path; }
  int port() const { return port_; }
  std::string token() const {
    std::ifstream f(home_.path + "/authtoken.secret");
    return {std::istreambuf_iterator<char>(f), {}};
  }
  void set_state(const std::string& s) const { std::ofstream(control_) << s << "\n"; }

 private:
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st = 0;
      waitpid(pid_, &st, 0);
      pid_ = -1;
    }
  }
  TempDir home_;
  std::string control_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace zt_test
