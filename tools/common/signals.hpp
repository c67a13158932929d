// SIGINT, SIGTERM and SIGHUP are blocked for the whole run and only ever
// taken by SignalInterrupt::wait_until, so a pulse is always ended (relay
// back at rest) before the process acts on them.
#pragma once
#include <string>

#include "bdctl/handles.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::cli {

void block_stop_signals();

// A daemon that polls sockets waits on the blocked stop signals here
// (signalfd): readable when one is pending. SystemError when it cannot be made.
Fd stop_signal_fd();
// The pending stop signal's name ("SIGTERM"), taken from the descriptor; "" when none.
std::string take_stop_signal(int fd);

class SignalInterrupt final : public relay::Interrupt {
 public:
  bool wait_until(std::chrono::steady_clock::time_point deadline) override;
  // One status line on stderr when it is a terminal; nothing when piped.
  void status(std::string_view line) override;
};

}  // namespace bdctl::cli
