// The discovery repeater's core (issue 15, bdctl-repeat to come): the copy of
// a discovery packet re-sent on the other side is built whole here (IPv4 and
// UDP headers for an IP_HDRINCL socket), so it can keep the asker's source
// address (HPSDR and SSDP answer the asker by unicast); it carries bdctl's
// echo mark in its DSCP, so that no bdctl repeater repeats it again (two
// facing each other cannot storm, as udp-broadcast-relay-redux marks its id);
// a copy heard back without the mark is known by what was just sent; and
// each port and direction is held to a rate.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bdctl::repeat {

// DSCP 45 (not a standard code point): the mark of a packet a bdctl repeater sent.
inline constexpr std::uint8_t kEchoDscp = 45;
inline constexpr std::uint8_t kEchoTos = kEchoDscp << 2;
inline bool is_echo(std::uint8_t tos) { return (tos >> 2) == kEchoDscp; }

using Ipv4 = std::array<std::uint8_t, 4>;

struct Datagram {
  Ipv4 src{}, dst{};
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t ttl = 1;  // discovery stays on the segment it is sent to (mDNS: 255)
  std::uint8_t tos = kEchoTos;
  std::string_view payload;
};

// The whole IPv4 packet: a 20-byte header (no options, DF clear, its
// checksum), the UDP header with its checksum over the pseudo-header, the
// payload. InputError for a payload that does not fit one packet.
std::vector<std::uint8_t> build(const Datagram& d);

// A whole packet from build() cut into IPv4 fragments of at most mtu bytes
// (the kernel never fragments what an IP_HDRINCL socket sends): each with
// the header, identification `id`, its offset and more-fragments flag and
// its header checksum. A packet that fits is returned as it is. InputError
// for an mtu below 68 (RFC 791's minimum).
std::vector<std::vector<std::uint8_t>> fragments(const std::vector<std::uint8_t>& packet, std::size_t mtu,
                                                 std::uint16_t id);

// A token bucket: `per_second` tokens a second, at most `burst` saved.
// take() at a monotonic time in ms: true when a token was there.
class RateLimit {
 public:
  RateLimit(double per_second, double burst);
  bool take(std::int64_t now_ms);

 private:
  double rate_, burst_, tokens_;
  std::int64_t last_ms_ = 0;
  bool started_ = false;
};

// What this repeater sent in the last window_ms: a copy heard back (the
// kernel's own loopback of a broadcast, a repeater that clears the DSCP) is
// one of these. Keyed by source, ports and payload.
class RecentlySent {
 public:
  explicit RecentlySent(std::int64_t window_ms) : window_(window_ms) {}
  static std::uint64_t key(const Ipv4& src, std::uint16_t src_port, std::uint16_t dst_port, std::string_view payload);
  void add(std::uint64_t key, std::int64_t now_ms);
  bool contains(std::uint64_t key, std::int64_t now_ms);
  // contains(), and that one is forgotten: each expected copy is met once
  // (the kernel loops every broadcast sent back to this host, once).
  bool take(std::uint64_t key, std::int64_t now_ms);
  std::size_t size() const { return count_.size(); }

 private:
  struct Sent {
    std::int64_t at_ms;
    std::uint64_t key;
    bool live;  // not taken yet
  };
  void expire(std::int64_t now_ms);
  std::int64_t window_;
  std::deque<Sent> order_;                        // oldest first
  std::unordered_map<std::uint64_t, int> count_;  // live ones per key
};

}  // namespace bdctl::repeat
