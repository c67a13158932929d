// A one-shot HTTP "service" on 127.0.0.1 for tests and fuzzing: a thread
// accepts one connection, reads the request head, writes a canned answer
// (whatever bytes it is given) and closes. The client under test connects
// to port() as to a live service.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace fuzz {

class CannedServer {
 public:
  explicit CannedServer(std::string answer) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listen_ < 0 || ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 1) != 0 ||
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, ans = std::move(answer)] { serve(ans); });
  }
  ~CannedServer() {
    ::shutdown(listen_, SHUT_RDWR);  // wakes accept() if nobody came
    if (thread_.joinable()) thread_.join();
    ::close(listen_);
  }
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;
  int port() const { return port_; }

 private:
  void serve(const std::string& ans) {
    int c = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    std::string head;
    char buf[1024];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      head.append(buf, std::size_t(n));
    }
    std::size_t off = 0;
    while (off < ans.size()) {
      ssize_t n = ::send(c, ans.data() + off, ans.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;  // the client stopped reading (the reply cap)
      off += std::size_t(n);
    }
    ::close(c);
  }
  int listen_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace fuzz
