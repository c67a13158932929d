// The Internet checksum (RFC 1071) over an ICMP message: the echo requests of
// bdctl-mss probe and of bdctl-check's icmp: targets on raw IPv4 sockets.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bdctl {

inline std::uint16_t inet_checksum(const std::uint8_t* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += std::uint32_t(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += std::uint32_t(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return std::uint16_t(~sum);
}

}  // namespace bdctl
