// What a guarded change (--confirm, --verify) adds to its verb's document
// and text: safe_change.cpp decides, these format.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "bdctl/change.hpp"
#include "bdctl/check.hpp"
#include "cli.hpp"

namespace bdctl::cli {

// The keys every change verb's document gains, null until they apply.
void safety_keys(Outcome& o);
// A change verb with nothing to do (mss set --if-configured without [mss],
// bridge up --if-bridged without a bridge): ok, unchanged, the safety keys
// null; the caller adds why, in a key and the text.
Outcome unchanged_outcome(const char* command);

// Why a change is refused while another is pending or its rollback is incomplete.
std::string refusal(const change::Pending& p, std::int64_t now_ms);
// The expired change this run rolled back before its own.
std::string rolled_back_late_text(const change::Pending& p);

// The same change run again with --confirm: its new deadline.
Outcome extended_outcome(const change::Pending& p, std::int64_t now_ms);
// Applied and pending: when it rolls back.
void mark_armed(Outcome& o, const change::Pending& p, std::int64_t now_ms);
// --verify alone, every target answered: final at once.
void mark_verified_final(Outcome& o);

// --verify's answers; the first target that did not answer, or nullptr.
const check::Reached* add_verify(Outcome& o, const std::vector<check::Reached>& reached);
std::string verify_cause(const check::Reached& failed);
// The change rolled back because `failed` did not answer (exit 1).
void mark_verify_rolled_back(Outcome& o, const check::Reached& failed, const change::RollbackResult& r,
                             const std::optional<change::Pending>& after, std::int64_t now_ms);

}  // namespace bdctl::cli
