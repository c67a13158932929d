// TCP connect probes: non-blocking connects, each one finished by poll()
// reporting the socket writable; we only want to know the port answers.
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "bdctl/error.hpp"
#include "probe.hpp"

namespace bdctl::check::detail {

namespace {

void classify(ProbeOutcome& o, int err) {
  o.error = std::strerror(err);
  if (local_resource_error(err) || err == EADDRNOTAVAIL) {
    // The checker could not look (no descriptor, no local port): unknown, not a dead target.
    o.kind = ProbeOutcome::unavailable;
    o.error = fmt::format("the checker could not open a connection: {}", std::strerror(err));
  } else if (err == ECONNREFUSED)
    o.kind = ProbeOutcome::refused;
  else if (err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN)
    o.kind = ProbeOutcome::unreachable;
  else if (err == ETIMEDOUT)
    o.kind = ProbeOutcome::timeout;
  else
    o.kind = ProbeOutcome::failed;
}

class TcpBatch final : public Batch {
 public:
  TcpBatch(std::vector<Job> jobs, Millis timeout)
      : jobs_(std::move(jobs)), socks_(jobs_.size()), started_(jobs_.size()), timeout_(timeout) {
    for (std::size_t i = 0; i < jobs_.size(); ++i) start(i);
  }

  void want(PollSet& ps) override {
    for (std::size_t i = 0; i < socks_.size(); ++i)
      if (socks_[i].fd >= 0) ps.add(socks_[i].fd, POLLOUT, this, i);
  }

  void ready(std::size_t i, short /*revents*/) override {
    auto& o = *jobs_[i].second;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(socks_[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
    o.rtt = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_[i]);
    if (err == 0)
      o.kind = ProbeOutcome::answered;
    else
      classify(o, err);
    socks_[i] = Fd();
  }

  void expire() override {
    for (std::size_t i = 0; i < socks_.size(); ++i)
      if (socks_[i].fd >= 0) {
        jobs_[i].second->kind = ProbeOutcome::timeout;
        jobs_[i].second->rtt = timeout_;
        socks_[i] = Fd();
      }
  }

 private:
  void start(std::size_t i) {
    const Target& t = *jobs_[i].first;
    ProbeOutcome& o = *jobs_[i].second;
    o.method = "tcp";
    bool v6 = t.host.find(':') != std::string::npos;
    o.address = v6 ? fmt::format("[{}]:{}", t.host, t.port) : fmt::format("{}:{}", t.host, t.port);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    // Addresses never touch the resolver; names do (the site's targets are addresses).
    hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
    addrinfo* res = nullptr;
    std::string port = std::to_string(t.port);
    int rc = getaddrinfo(t.host.c_str(), port.c_str(), &hints, &res);
    if (rc == EAI_NONAME) {
      hints.ai_flags &= ~AI_NUMERICHOST;
      rc = getaddrinfo(t.host.c_str(), port.c_str(), &hints, &res);
    }
    if (rc != 0) {
      o.kind = ProbeOutcome::failed;
      o.error = fmt::format("cannot resolve {}: {}", t.host, gai_strerror(rc));
      return;
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
    Fd s(::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (s.fd < 0) {
      classify(o, errno);
      return;
    }
    started_[i] = Clock::now();
    if (::connect(s.fd, res->ai_addr, res->ai_addrlen) == 0) {
      o.kind = ProbeOutcome::answered;
      o.rtt = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_[i]);
      return;
    }
    if (errno != EINPROGRESS) {
      classify(o, errno);
      return;
    }
    socks_[i] = std::move(s);
  }

  std::vector<Job> jobs_;
  std::vector<Fd> socks_;
  std::vector<Clock::time_point> started_;
  Millis timeout_;
};

}  // namespace

std::unique_ptr<Batch> tcp_batch(std::vector<Job> jobs, Millis timeout) {
  return std::make_unique<TcpBatch>(std::move(jobs), timeout);
}

}  // namespace bdctl::check::detail
