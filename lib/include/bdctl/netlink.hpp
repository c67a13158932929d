// Where a netlink conversation goes: the kernel, through a socket of one
// netlink protocol, or, in tests, a stand-in that records what was sent and
// answers as the kernel would. rtnetlink and nftables share it, so the exact
// bytes a batch carries can be checked without root.
#pragma once
#include <cstddef>
#include <memory>

namespace bdctl::nl {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual unsigned portid() const = 0;
  // Sends the whole buffer as one datagram: 0, or the errno.
  virtual int send(const void* buf, std::size_t len) = 0;
  // One datagram into buf: its length, or -errno (-EAGAIN when nonblocking
  // and nothing is queued).
  virtual long recv(void* buf, std::size_t len, bool nonblocking) = 0;
};

// A bound socket of `protocol` (NETLINK_ROUTE, NETLINK_NETFILTER) with
// extended acks on; SystemError "<name> socket: ..." when it cannot be had.
std::unique_ptr<Transport> kernel_transport(int protocol, const char* name);

}  // namespace bdctl::nl
