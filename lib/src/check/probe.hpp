// LAN probes, TCP connects and ICMP echoes, all started at once and waited
// for in one poll() loop: N silent targets cost one timeout, not N, and a
// mixed TCP+ICMP run costs one timeout too.
#pragma once
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bdctl/handles.hpp"

#include "bdctl/check.hpp"

namespace bdctl::check::detail {

struct ProbeOutcome {
  enum Kind {
    answered,     // TCP: connection accepted; ICMP: echo reply
    refused,      // TCP: RST
    unreachable,  // ICMP error (or EHOSTUNREACH/ENETUNREACH at once)
    timeout,
    failed,      // resolver error, local refusal (firewall, EACCES)
    unavailable  // could not probe at all (no ICMP socket allowed): unknown, not critical
  } kind = timeout;
  std::string address;  // as probed: "192.168.1.205:3389", "[fd00::5]:22", "192.168.1.205"
  std::string error;    // why, for every kind but answered/timeout
  std::chrono::microseconds rtt{0};
  std::string method;  // "tcp", "icmp-dgram" (unprivileged ping socket), "icmp-raw"
  int sent = 0;        // ICMP: echo requests sent
};

// Probes every target at once; no target waits longer than timeout.
std::vector<ProbeOutcome> lan_probe(const std::vector<Target>& targets, Millis timeout);

// ---- the machinery lan_probe runs ------------------------------------------

using Clock = std::chrono::steady_clock;

using bdctl::Fd;

class Batch;
struct PollSet {
  std::vector<pollfd> fds;
  std::vector<std::pair<Batch*, std::size_t>> owners;  // who asked for fds[i], with its token
  void add(int fd, short events, Batch* b, std::size_t token) {
    fds.push_back({fd, events, 0});
    owners.emplace_back(b, token);
  }
};

// One kind of probe over several targets; the outcomes it fills are owned by
// the caller and outlive it.
class Batch {
 public:
  virtual ~Batch() = default;
  // The descriptors it still waits on.
  virtual void want(PollSet& ps) = 0;
  virtual void ready(std::size_t token, short revents) = 0;
  // When it needs to act without an event (a resend); max() for never.
  virtual Clock::time_point next_timer() const { return Clock::time_point::max(); }
  virtual void timer(Clock::time_point /*now*/) {}
  // The end: whatever still waits timed out.
  virtual void expire() = 0;
};

using Job = std::pair<const Target*, ProbeOutcome*>;
std::unique_ptr<Batch> tcp_batch(std::vector<Job> jobs, Millis timeout);
std::unique_ptr<Batch> icmp_batch(std::vector<Job> jobs, Millis timeout);

// Polls until every batch is done or `end` passes, then expires them.
void run_batches(const std::vector<Batch*>& batches, Clock::time_point end);

}  // namespace bdctl::check::detail
