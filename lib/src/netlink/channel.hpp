// The one netlink request/dump loop, for rtnetlink and nftables alike. Its
// errors name the request and keep the errno (SystemError::code()).
#pragma once
#include <linux/netlink.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attr.hpp"
#include "bdctl/netlink.hpp"

namespace bdctl::nl {

using MsgFn = std::function<void(const nlmsghdr*)>;

class Channel {
 public:
  // first_seq: the kernel's sockets start at the time of day (as iproute2
  // does), so replies to an earlier process's requests are never taken for ours.
  Channel(std::unique_ptr<Transport> t, unsigned first_seq);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  unsigned next_seq() { return ++seq_; }

  // Sends one request and calls on_msg for each reply until NLMSG_DONE or
  // the ack. Returns 0 or the errno the kernel answered with (EINTR: a dump
  // the kernel marked interrupted, already drained for a retry); a failed
  // send or receive throws SystemError "<what>: send|receive".
  int request(nlmsghdr* nlh, std::string_view what, const MsgFn& on_msg);

  // Sends a whole batch in one datagram, then reads every queued reply.
  struct BatchError {
    unsigned seq;
    int err;
    std::string msg;  // the kernel's extended ack, when it gave one
  };
  std::vector<BatchError> send_batch(const std::vector<char>& batch, std::string_view what);

 private:
  void drain(RecvBuffer& buf, std::size_t n, unsigned seq);
  std::unique_ptr<Transport> t_;
  unsigned seq_;
};

}  // namespace bdctl::nl
