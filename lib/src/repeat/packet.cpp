// The repeater's packets, rates and memory of what it sent (bdctl/repeat.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "../core/inet_checksum.hpp"
#include "bdctl/error.hpp"
#include "bdctl/repeat.hpp"

namespace bdctl::repeat {

namespace {
constexpr std::size_t kIpHeader = 20, kUdpHeader = 8, kMaxPacket = 65535;

void put16(std::vector<std::uint8_t>& p, std::size_t at, std::uint16_t v) {
  p[at] = std::uint8_t(v >> 8);
  p[at + 1] = std::uint8_t(v & 0xff);
}

// The UDP checksum: the pseudo-header (addresses, protocol, length) and the
// datagram; 0 is sent as 0xffff (0 means "none").
std::uint16_t udp_checksum(const Datagram& d, const std::uint8_t* udp, std::size_t len) {
  std::array<std::uint8_t, 12> pseudo{d.src[0],
                                      d.src[1],
                                      d.src[2],
                                      d.src[3],
                                      d.dst[0],
                                      d.dst[1],
                                      d.dst[2],
                                      d.dst[3],
                                      0,
                                      17,
                                      std::uint8_t(len >> 8),
                                      std::uint8_t(len & 0xff)};
  auto c = std::uint16_t(~inet_sum(udp, len, inet_sum(pseudo.data(), pseudo.size())));
  return c == 0 ? 0xffff : c;
}
}  // namespace

std::vector<std::uint8_t> build(const Datagram& d) {
  std::size_t total = kIpHeader + kUdpHeader + d.payload.size();
  if (total > kMaxPacket)
    throw InputError(fmt::format("a {}-byte payload does not fit one IPv4 packet (at most {})", d.payload.size(),
                                 kMaxPacket - kIpHeader - kUdpHeader));
  std::vector<std::uint8_t> p(total, 0);
  p[0] = 0x45;  // version 4, 5 words of header
  p[1] = d.tos;
  put16(p, 2, std::uint16_t(total));
  p[8] = d.ttl;
  p[9] = 17;  // UDP
  std::copy(d.src.begin(), d.src.end(), p.begin() + 12);
  std::copy(d.dst.begin(), d.dst.end(), p.begin() + 16);
  put16(p, 10, inet_checksum(p.data(), kIpHeader));
  put16(p, kIpHeader, d.src_port);
  put16(p, kIpHeader + 2, d.dst_port);
  put16(p, kIpHeader + 4, std::uint16_t(kUdpHeader + d.payload.size()));
  std::copy(d.payload.begin(), d.payload.end(), p.begin() + kIpHeader + kUdpHeader);
  put16(p, kIpHeader + 6, udp_checksum(d, p.data() + kIpHeader, kUdpHeader + d.payload.size()));
  return p;
}

std::vector<std::vector<std::uint8_t>> fragments(const std::vector<std::uint8_t>& packet, std::size_t mtu,
                                                 std::uint16_t id) {
  if (mtu < 68) throw InputError(fmt::format("an MTU of {} is below IPv4's minimum of 68", mtu));
  if (packet.size() <= mtu) return {packet};
  const std::size_t data = packet.size() - kIpHeader;
  const std::size_t step = (mtu - kIpHeader) & ~std::size_t{7};  // offsets count 8-byte units
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t off = 0; off < data; off += step) {
    std::size_t len = std::min(step, data - off);
    std::vector<std::uint8_t> f(packet.begin(), packet.begin() + kIpHeader);
    f.insert(f.end(), packet.begin() + std::ptrdiff_t(kIpHeader + off),
             packet.begin() + std::ptrdiff_t(kIpHeader + off + len));
    put16(f, 2, std::uint16_t(kIpHeader + len));
    put16(f, 4, id);
    bool more = off + len < data;
    put16(f, 6, std::uint16_t((more ? 0x2000 : 0) | (off / 8)));
    put16(f, 10, 0);
    put16(f, 10, inet_checksum(f.data(), kIpHeader));
    out.push_back(std::move(f));
  }
  return out;
}

RateLimit::RateLimit(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}

bool RateLimit::take(std::int64_t now_ms) {
  if (started_ && now_ms > last_ms_) tokens_ = std::min(burst_, tokens_ + rate_ * double(now_ms - last_ms_) / 1000.0);
  if (!started_ || now_ms > last_ms_) last_ms_ = now_ms;  // a clock that stands still adds nothing
  started_ = true;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::uint64_t RecentlySent::key(const Ipv4& src, std::uint16_t src_port, std::uint16_t dst_port,
                                std::string_view payload) {
  // FNV-1a over what makes a copy the same packet.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](std::uint8_t b) { h = (h ^ b) * 1099511628211ULL; };
  for (auto b : src) mix(b);
  for (auto v : {src_port, dst_port}) {
    mix(std::uint8_t(v >> 8));
    mix(std::uint8_t(v & 0xff));
  }
  for (char c : payload) mix(std::uint8_t(c));
  return h;
}

void RecentlySent::expire(std::int64_t now_ms) {
  while (!order_.empty() && order_.front().at_ms <= now_ms - window_) {
    const auto& front = order_.front();
    if (front.live) {
      auto it = count_.find(front.key);
      if (it != count_.end() && --it->second == 0) count_.erase(it);
    }
    order_.pop_front();
  }
}

void RecentlySent::add(std::uint64_t key, std::int64_t now_ms) {
  expire(now_ms);
  order_.push_back({now_ms, key, true});
  ++count_[key];
}

bool RecentlySent::contains(std::uint64_t key, std::int64_t now_ms) {
  expire(now_ms);
  return count_.count(key) != 0;
}

bool RecentlySent::take(std::uint64_t key, std::int64_t now_ms) {
  if (!contains(key, now_ms)) return false;
  for (auto& s : order_)
    if (s.live && s.key == key) {
      s.live = false;
      if (--count_[key] == 0) count_.erase(key);
      return true;
    }
  return false;
}

}  // namespace bdctl::repeat
