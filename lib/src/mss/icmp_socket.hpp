// One ICMP echo socket with don't-fragment probes and the error queue on:
// the kernel reports "fragmentation needed" / "packet too big" (and the MTU
// the router named) through MSG_ERRQUEUE.
#pragma once
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "bdctl/handles.hpp"

namespace bdctl::mss {

class IcmpSocket {
 public:
  // Tries an unprivileged ping socket first, then a raw socket.
  IcmpSocket(int family, const sockaddr* dst, socklen_t len);
  ~IcmpSocket();
  IcmpSocket(const IcmpSocket&) = delete;
  IcmpSocket& operator=(const IcmpSocket&) = delete;

  const char* method() const { return raw_ ? "icmp-raw" : "icmp-dgram"; }

  enum class Answer { reply, too_big, unreachable, timeout };
  struct Outcome {
    Answer answer = Answer::timeout;
    unsigned mtu = 0;  // too_big: the MTU the router (or the local stack) named, 0 if none
    int err = 0;       // unreachable: the errno the ICMP error maps to
  };

  // Sends one echo request whose IP packet is `size` bytes, with DF set.
  // Returns too_big at once when the local stack refuses the size.
  Outcome probe(unsigned size, std::chrono::milliseconds wait);

 private:
  bool read_error(std::uint16_t seq, Outcome& out);
  bool read_reply(std::uint16_t seq);

  Fd sock_;
  int family_ = 0;
  bool raw_ = false;
  std::uint16_t id_ = 0;
  std::uint16_t seq_ = 0;
};

}  // namespace bdctl::mss
