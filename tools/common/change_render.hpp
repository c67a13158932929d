// The pending change and its rollback as every tool shows them, and the
// documents of bdctl-pending, bdctl-confirm and bdctl-rollback: their
// handlers do the work, these do the formatting.
#pragma once
#include <optional>
#include <string>

#include "bdctl/change.hpp"
#include "change_steps.hpp"
#include "cli.hpp"

namespace bdctl::cli {

// The pending change; null for none.
nlohmann::ordered_json pending_json(const std::optional<change::Pending>& p, std::int64_t now_ms);
std::string pending_text(const change::Pending& p, std::int64_t now_ms);

nlohmann::ordered_json rollback_json(const std::string& cause, const change::RollbackResult& r);
std::string rollback_text(const std::string& command, const std::string& cause, const change::RollbackResult& r);

// The document every one of them starts from: command, ok, pending.
Outcome change_document(const std::string& command, const std::optional<change::Pending>& p);

// bdctl-pending: the change left after any late rollback, and that rollback
// (exit 1 when a rollback did not complete).
Outcome pending_outcome(const ChangeState& st);

// bdctl-confirm: p is now final. path: how this session came (nullopt: not
// over SSH); zerotier: whether by ZeroTier's interface (nullopt: unknown).
nlohmann::ordered_json via_json(const std::optional<change::SessionPath>& path, std::optional<bool> zerotier);
Outcome confirm_outcome(const change::Pending& p, const std::optional<change::SessionPath>& path,
                        std::optional<bool> zerotier);

// bdctl-rollback: nothing pending; a change made since this boot, left to its
// deadline (--boot); a rollback done, with what is pending after it (exit 1
// when incomplete); the holder's end (--hold ID, its exit code).
Outcome nothing_to_roll_back();
Outcome left_to_deadline(const change::Pending& p);
Outcome rolled_back(const std::string& command, const std::string& cause, const change::RollbackResult& r,
                    const std::optional<change::Pending>& after);
Outcome held_to_end(const std::string& id, int rc);

}  // namespace bdctl::cli
