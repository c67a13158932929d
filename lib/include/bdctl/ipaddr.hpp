// IPv4/IPv6 addresses and prefixes, parsed strictly (inet_pton), for CLI values,
// the config file and the ZeroTier API.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bdctl {

struct IpAddr {
  int family = 0;  // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};

  std::size_t size() const { return family == 2 /* AF_INET */ ? 4 : 16; }
  std::string to_string() const;
  bool operator==(const IpAddr&) const = default;
};

struct Prefix {
  IpAddr addr;
  int len = 0;

  int max_len() const { return addr.size() == 4 ? 32 : 128; }
  bool has_host_bits() const;
  Prefix network() const;              // host bits cleared
  Prefix widened(int bits = 1) const;  // shorter prefix, host bits cleared: /24 -> /23
  bool contains(const IpAddr& a) const;
  bool overlaps(const Prefix& other) const;
  std::string to_string() const;  // "192.168.1.0/24"
  bool operator==(const Prefix&) const = default;
};

std::optional<IpAddr> try_parse_address(std::string_view text);
IpAddr parse_address(std::string_view text);  // InputError naming the value

// "a.b.c.d/len" or "x::/len"; a bare address is a host prefix (/32, /128).
std::optional<Prefix> try_parse_prefix(std::string_view text);
Prefix parse_prefix(std::string_view text);  // InputError naming the value

}  // namespace bdctl
