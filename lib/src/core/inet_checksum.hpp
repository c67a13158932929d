// The Internet checksum (RFC 1071): the echo requests of bdctl-mss probe and
// of bdctl-check's icmp: targets, and the repeater's IPv4 and UDP headers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bdctl {

// The one's-complement sum of p, added to sum: a checksum over parts (the
// UDP pseudo-header, then the datagram) sums each part, then folds. Every
// part but the last must be of even length.
inline std::uint32_t inet_sum(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += std::uint32_t(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += std::uint32_t(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);  // 64 KiB of words cannot overflow 32 bits; folded anyway
  return sum;
}

inline std::uint16_t inet_checksum(const std::uint8_t* p, std::size_t n) { return std::uint16_t(~inet_sum(p, n)); }

}  // namespace bdctl
