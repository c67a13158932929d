// TCP connect to many targets at once: non-blocking sockets and one poll()
// loop, so 50 blackholed targets cost one timeout, not fifty.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "internal.hpp"

namespace bdctl::check::detail {

namespace {
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void classify(TcpOutcome& o, int err) {
  o.error = std::strerror(err);
  if (err == ECONNREFUSED)
    o.kind = TcpOutcome::refused;
  else if (err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN)
    o.kind = TcpOutcome::unreachable;
  else if (err == ETIMEDOUT)
    o.kind = TcpOutcome::timeout;
  else
    o.kind = TcpOutcome::failed;
}
}  // namespace

std::vector<TcpOutcome> tcp_probe(const std::vector<Target>& targets, Millis timeout) {
  using clock = std::chrono::steady_clock;
  std::vector<TcpOutcome> out(targets.size());
  std::vector<Fd> socks(targets.size());
  std::vector<clock::time_point> started(targets.size());
  auto t_end = clock::now() + timeout;

  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    auto& o = out[i];
    bool v6 = t.host.find(':') != std::string::npos;
    o.address = v6 ? fmt::format("[{}]:{}", t.host, t.port) : fmt::format("{}:{}", t.host, t.port);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string port = std::to_string(t.port);
    // Addresses never touch the resolver; names do (the site's targets are addresses).
    hints.ai_flags |= AI_NUMERICHOST;
    int rc = getaddrinfo(t.host.c_str(), port.c_str(), &hints, &res);
    if (rc == EAI_NONAME) {
      hints.ai_flags &= ~AI_NUMERICHOST;
      rc = getaddrinfo(t.host.c_str(), port.c_str(), &hints, &res);
    }
    if (rc != 0) {
      o.kind = TcpOutcome::failed;
      o.error = fmt::format("cannot resolve {}: {}", t.host, gai_strerror(rc));
      continue;
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
    Fd s(::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (s.fd < 0) {
      classify(o, errno);
      continue;
    }
    started[i] = clock::now();
    if (::connect(s.fd, res->ai_addr, res->ai_addrlen) == 0) {
      o.kind = TcpOutcome::open;
      o.rtt = std::chrono::duration_cast<Millis>(clock::now() - started[i]);
      continue;
    }
    if (errno != EINPROGRESS) {
      classify(o, errno);
      continue;
    }
    socks[i] = std::move(s);
  }

  for (;;) {
    std::vector<pollfd> pfds;
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < socks.size(); ++i)
      if (socks[i].fd >= 0) {
        pfds.push_back({socks[i].fd, POLLOUT, 0});
        idx.push_back(i);
      }
    if (pfds.empty()) break;
    auto left = std::chrono::duration_cast<Millis>(t_end - clock::now()).count();
    if (left <= 0) break;
    int n = ::poll(pfds.data(), pfds.size(), static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (std::size_t k = 0; k < pfds.size(); ++k) {
      if (!pfds[k].revents) continue;
      std::size_t i = idx[k];
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(socks[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
      out[i].rtt = std::chrono::duration_cast<Millis>(clock::now() - started[i]);
      if (err == 0)
        out[i].kind = TcpOutcome::open;
      else
        classify(out[i], err);
      socks[i] = Fd();  // close: we only wanted to know the port answers
    }
  }
  for (std::size_t i = 0; i < socks.size(); ++i)
    if (socks[i].fd >= 0) {
      out[i].kind = TcpOutcome::timeout;
      out[i].rtt = timeout;
    }
  return out;
}

}  // namespace bdctl::check::detail
