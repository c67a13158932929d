#include "bdctl/ipaddr.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

#include "bdctl/error.hpp"

namespace bdctl {

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpAddr> try_parse_address(std::string_view text) {
  std::string s(text);
  IpAddr a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

IpAddr parse_address(std::string_view text) {
  if (auto a = try_parse_address(text)) return *a;
  throw InputError(fmt::format("invalid IP address '{}'", text));
}

std::optional<Prefix> try_parse_prefix(std::string_view text) {
  auto slash = text.find('/');
  auto a = try_parse_address(text.substr(0, slash));
  if (!a) return std::nullopt;
  Prefix p{*a, a->family == AF_INET ? 32 : 128};
  if (slash != std::string_view::npos) {
    auto lenstr = text.substr(slash + 1);
    int len = -1;
    auto [ptr, ec] = std::from_chars(lenstr.data(), lenstr.data() + lenstr.size(), len);
    if (lenstr.empty() || ec != std::errc() || ptr != lenstr.data() + lenstr.size() || len < 0 || len > p.max_len())
      return std::nullopt;
    p.len = len;
  }
  return p;
}

Prefix parse_prefix(std::string_view text) {
  if (auto p = try_parse_prefix(text)) return *p;
  throw InputError(fmt::format("invalid prefix '{}' (expected e.g. 192.168.1.0/24 or fd00::/64)", text));
}

static bool bit(const IpAddr& a, int i) { return (a.bytes[std::size_t(i / 8)] >> (7 - i % 8)) & 1; }

bool Prefix::has_host_bits() const { return !(network() == *this); }

Prefix Prefix::network() const {
  Prefix p = *this;
  for (int i = len; i < max_len(); ++i) p.addr.bytes[std::size_t(i / 8)] &= std::uint8_t(~(0x80u >> (i % 8)));
  return p;
}

Prefix Prefix::widened(int bits) const {
  Prefix p = *this;
  p.len = len - bits < 0 ? 0 : len - bits;
  return p.network();
}

bool Prefix::contains(const IpAddr& a) const {
  if (a.family != addr.family) return false;
  for (int i = 0; i < len; ++i)
    if (bit(a, i) != bit(addr, i)) return false;
  return true;
}

bool Prefix::overlaps(const Prefix& other) const {
  return len <= other.len ? contains(other.addr) : other.contains(addr);
}

std::string Prefix::to_string() const { return fmt::format("{}/{}", addr.to_string(), len); }

}  // namespace bdctl
