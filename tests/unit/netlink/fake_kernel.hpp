// A stand-in for the kernel's end of a netlink socket: it keeps every
// datagram sent and answers each message as an empty kernel would (dumps end
// at once, an acked request is ENOENT), or as the test says.
#pragma once
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "bdctl/netlink.hpp"

namespace fake {

struct Kernel {
  std::vector<std::vector<char>> sent;
  std::deque<std::vector<char>> queued;
  // The answer to one message; the default is an empty kernel's.
  std::function<void(const nlmsghdr*, Kernel&)> answer = [](const nlmsghdr* m, Kernel& k) {
    if (m->nlmsg_flags & NLM_F_DUMP)
      k.done(m);
    else if (m->nlmsg_flags & NLM_F_ACK)
      k.error(m, ENOENT);
  };

  void done(const nlmsghdr* req) { reply(req, NLMSG_DONE, NLM_F_MULTI, sizeof(int)); }
  void error(const nlmsghdr* req, int err) {
    auto* e = static_cast<nlmsgerr*>(NLMSG_DATA(reply(req, NLMSG_ERROR, NLM_F_CAPPED, sizeof(nlmsgerr))));
    e->error = -err;
    e->msg = *req;
  }

  // A zeroed answer to req with room for `payload` bytes, queued; its header.
  nlmsghdr* reply(const nlmsghdr* req, std::uint16_t type, std::uint16_t flags, std::size_t payload) {
    auto& d = queued.emplace_back(NLMSG_SPACE(payload), 0);
    auto* h = reinterpret_cast<nlmsghdr*>(d.data());
    h->nlmsg_len = std::uint32_t(d.size());
    h->nlmsg_type = type;
    h->nlmsg_flags = flags;
    h->nlmsg_seq = req->nlmsg_seq;
    return h;
  }
};

class Transport final : public bdctl::nl::Transport {
 public:
  explicit Transport(std::shared_ptr<Kernel> k) : k_(std::move(k)) {}
  unsigned portid() const override { return 4242; }
  int send(const void* buf, std::size_t len) override {
    const char* p = static_cast<const char*>(buf);
    k_->sent.emplace_back(p, p + len);
    int left = int(len);
    for (auto* m = static_cast<const nlmsghdr*>(buf); NLMSG_OK(m, left); m = NLMSG_NEXT(m, left)) k_->answer(m, *k_);
    return 0;
  }
  long recv(void* buf, std::size_t len, bool nonblocking) override {
    // Blocking with nothing queued would hang a real socket: a test bug.
    if (k_->queued.empty()) return nonblocking ? -EAGAIN : -ETIMEDOUT;
    auto d = std::move(k_->queued.front());
    k_->queued.pop_front();
    std::size_t n = std::min(len, d.size());
    std::memcpy(buf, d.data(), n);
    return long(n);
  }

 private:
  std::shared_ptr<Kernel> k_;
};

inline std::unique_ptr<bdctl::nl::Transport> transport(std::shared_ptr<Kernel> k) {
  return std::make_unique<Transport>(std::move(k));
}

}  // namespace fake
