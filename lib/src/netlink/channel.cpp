#include "channel.hpp"

#include <libmnl/libmnl.h>
#include <sys/socket.h>

#include <cerrno>

#include "bdctl/error.hpp"
#include "bdctl/handles.hpp"

namespace bdctl::nl {

namespace {

class KernelTransport final : public Transport {
 public:
  KernelTransport(int protocol, const char* name) : sock_(mnl_socket_open(protocol)) {
    if (!sock_) throw SystemError(std::string(name) + " socket", errno);
    if (mnl_socket_bind(sock_.get(), 0, MNL_SOCKET_AUTOPID) < 0) throw SystemError(std::string(name) + " bind", errno);
    int one = 1;
    // Extended acks carry the kernel's own explanation; older kernels ignore it.
    mnl_socket_setsockopt(sock_.get(), NETLINK_EXT_ACK, &one, sizeof one);
    portid_ = mnl_socket_get_portid(sock_.get());
  }
  unsigned portid() const override { return portid_; }
  int send(const void* buf, std::size_t len) override {
    return mnl_socket_sendto(sock_.get(), buf, len) < 0 ? errno : 0;
  }
  long recv(void* buf, std::size_t len, bool nonblocking) override {
    ssize_t n = ::recv(mnl_socket_get_fd(sock_.get()), buf, len, nonblocking ? MSG_DONTWAIT : 0);
    return n < 0 ? -errno : long(n);
  }

 private:
  Owned<mnl_socket, mnl_socket_close> sock_;
  unsigned portid_ = 0;
};

int trampoline(const nlmsghdr* nlh, void* data) {
  (*static_cast<const MsgFn*>(data))(nlh);
  return MNL_CB_OK;
}

std::string extack_msg(const nlmsghdr* nlh) {
  auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  std::size_t off = sizeof(*e);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) off += e->msg.nlmsg_len - sizeof(nlmsghdr);
  std::string msg;
  for_each_attr(nlh, off, [&](const nlattr* attr) {
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
      msg = mnl_attr_get_str(attr);
  });
  return msg;
}

std::string named(std::string_view what, const char* step) { return std::string(what).append(": ").append(step); }

}  // namespace

std::unique_ptr<Transport> kernel_transport(int protocol, const char* name) {
  return std::make_unique<KernelTransport>(protocol, name);
}

Channel::Channel(std::unique_ptr<Transport> t, unsigned first_seq) : t_(std::move(t)), seq_(first_seq) {}
Channel::~Channel() = default;

int Channel::request(nlmsghdr* nlh, std::string_view what, const MsgFn& on_msg) {
  if (int err = t_->send(nlh, nlh->nlmsg_len)) throw SystemError(named(what, "send"), err);
  RecvBuffer buf;
  for (;;) {
    long n = t_->recv(buf.data(), buf.size(), false);
    if (n == -EINTR) continue;  // a signal, not the kernel's answer
    if (n < 0) throw SystemError(named(what, "receive"), int(-n));
    int rc =
        mnl_cb_run(buf.data(), std::size_t(n), nlh->nlmsg_seq, t_->portid(), trampoline, const_cast<MsgFn*>(&on_msg));
    if (rc < 0 && errno == EINTR) {
      // A dump the kernel marked interrupted (NLM_F_DUMP_INTR: the ruleset
      // changed meanwhile). Read the rest of it so the socket is clean for
      // the caller's retry.
      drain(buf, std::size_t(n), nlh->nlmsg_seq);
      return EINTR;
    }
    if (rc < 0) return errno;
    if (rc == MNL_CB_STOP) return 0;
    // A request that is not a dump (RTM_GETROUTE for one address, one
    // RTM_GETLINK) ends with its one reply.
    if (!(nlh->nlmsg_flags & NLM_F_DUMP) && !(nlh->nlmsg_flags & NLM_F_ACK)) return 0;
  }
}

void Channel::drain(RecvBuffer& buf, std::size_t n, unsigned seq) {
  for (;;) {
    int left = int(n);
    for (auto* m = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left))
      if (m->nlmsg_seq == seq && (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR)) return;
    long got = t_->recv(buf.data(), buf.size(), false);
    if (got <= 0) return;
    n = std::size_t(got);
  }
}

std::vector<Channel::BatchError> Channel::send_batch(const std::vector<char>& batch, std::string_view what) {
  if (int err = t_->send(batch.data(), batch.size())) throw SystemError(named(what, "send"), err);
  // The kernel processes the whole batch inside sendmsg, so every reply is
  // already queued: read without blocking until the socket is empty.
  std::vector<BatchError> errors;
  RecvBuffer buf;
  for (;;) {
    long n = t_->recv(buf.data(), buf.size(), true);
    if (n == -EAGAIN || n == -EWOULDBLOCK) break;
    if (n == -EINTR) continue;
    if (n < 0) throw SystemError(named(what, "receive"), int(-n));
    auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data());
    int len = int(n);
    while (mnl_nlmsg_ok(nlh, len)) {
      if (nlh->nlmsg_type == NLMSG_ERROR) {
        auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
        if (e->error != 0) errors.push_back({nlh->nlmsg_seq, -e->error, extack_msg(nlh)});
      }
      nlh = mnl_nlmsg_next(nlh, &len);
    }
  }
  return errors;
}

}  // namespace bdctl::nl
