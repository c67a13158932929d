#include <fcntl.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <ctime>

#include "../netlink/attr.hpp"
#include "bdctl/error.hpp"
#include "handles.hpp"

namespace bdctl::nft {

Netlink::Netlink() {
  sock_ = mnl_socket_open(NETLINK_NETFILTER);
  if (!sock_) throw SystemError("netfilter netlink socket", errno);
  if (mnl_socket_bind(sock_, 0, MNL_SOCKET_AUTOPID) < 0) {
    int err = errno;
    mnl_socket_close(sock_);
    throw SystemError("netfilter netlink bind", err);
  }
  int one = 1;
  // Extended acks carry the kernel's own explanation; older kernels ignore it.
  mnl_socket_setsockopt(sock_, NETLINK_EXT_ACK, &one, sizeof one);
  portid_ = mnl_socket_get_portid(sock_);
  seq_ = unsigned(time(nullptr));
}

Netlink::~Netlink() { mnl_socket_close(sock_); }

namespace {

struct ReqCtx {
  const std::function<void(const nlmsghdr*)>* fn;
};

int data_cb(const nlmsghdr* nlh, void* data) {
  (*static_cast<ReqCtx*>(data)->fn)(nlh);
  return MNL_CB_OK;
}

std::string extack_msg(const nlmsghdr* nlh) {
  auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  std::size_t off = sizeof(*e);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) off += e->msg.nlmsg_len - sizeof(nlmsghdr);
  std::string msg;
  nl::for_each_attr(nlh, off, [&](const nlattr* attr) {
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG) msg = mnl_attr_get_str(attr);
  });
  return msg;
}

}  // namespace

int Netlink::request(nlmsghdr* nlh, const std::function<void(const nlmsghdr*)>& on_msg) {
  if (mnl_socket_sendto(sock_, nlh, nlh->nlmsg_len) < 0) throw SystemError("netfilter netlink send", errno);
  nl::RecvBuffer buf;
  ReqCtx ctx{&on_msg};
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(sock_, buf.data(), buf.size());
    if (n < 0) throw SystemError("netfilter netlink receive", errno);
    int rc = mnl_cb_run(buf.data(), std::size_t(n), nlh->nlmsg_seq, portid_, data_cb, &ctx);
    if (rc < 0 && errno == EINTR) {
      // A dump the kernel marked interrupted (NLM_F_DUMP_INTR: the ruleset
      // changed meanwhile). Read the rest of it so the socket is clean for
      // the caller's retry.
      drain(buf, std::size_t(n), nlh->nlmsg_seq);
      return EINTR;
    }
    if (rc < 0) return errno;
    if (rc == MNL_CB_STOP) return 0;
  }
}

void Netlink::drain(nl::RecvBuffer& buf, std::size_t n, unsigned seq) {
  for (;;) {
    int left = int(n);
    for (auto* m = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left))
      if (m->nlmsg_seq == seq && (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR)) return;
    ssize_t got = mnl_socket_recvfrom(sock_, buf.data(), buf.size());
    if (got <= 0) return;
    n = std::size_t(got);
  }
}

std::vector<Netlink::BatchError> Netlink::send_batch(const std::vector<char>& batch) {
  if (mnl_socket_sendto(sock_, batch.data(), batch.size()) < 0)
    throw SystemError("netfilter netlink send (batch)", errno);
  // The kernel processes the whole batch inside sendmsg, so every reply is
  // already queued: read without blocking until the socket is empty.
  std::vector<BatchError> errors;
  nl::RecvBuffer buf;
  for (;;) {
    ssize_t n = recv(mnl_socket_get_fd(sock_), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      throw SystemError("netfilter netlink receive", errno);
    }
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

}  // namespace bdctl::nft
