// bdctl's nftables layer: libnftnl objects sent in one libmnl batch.
//
// bdctl owns two tables: `inet bdctl` (routing, MSS) and `bridge bdctl` (the
// bridge's filters). Each tool owns chains inside one and replaces only those.
// Nothing here reads-modifies or flushes another table.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bdctl/netlink.hpp"

struct nftnl_rule;

namespace bdctl::nl {
class Channel;
}

namespace bdctl::nft {

inline constexpr const char* kTable = "bdctl";

// One of bdctl's tables: its netfilter family and name.
struct TableId {
  std::uint32_t family;     // NFPROTO_INET (1), NFPROTO_BRIDGE (7)
  const char* family_name;  // as nft spells it
  const char* name;
  std::string text() const { return std::string(family_name) + " " + name; }  // "inet bdctl"
};
inline constexpr TableId kInetTable{1, "inet", kTable};
inline constexpr TableId kBridgeTable{7, "bridge", kTable};

// Well-known base-chain priorities (nft's names).
inline constexpr int kPrioMangle = -150;
inline constexpr int kPrioDstnat = -100;
inline constexpr int kPrioFilter = 0;
inline constexpr int kPrioSrcnat = 100;

struct ChainSpec {
  std::string name;
  std::string type;  // "filter", "nat", "route"; empty for a regular chain
  std::string hook;  // "prerouting", "input", "forward", "output", "postrouting"
  int priority = 0;
  bool policy_drop = false;

  bool is_base() const { return !hook.empty(); }
  std::string header_text() const;  // "type filter hook forward priority filter; policy accept;"
  bool operator==(const ChainSpec&) const = default;
};

// ct state bits as the kernel numbers them.
enum CtState : std::uint32_t {
  ct_invalid = 1,
  ct_established = 2,
  ct_related = 4,
  ct_new = 8,
};

enum class Family { ipv4, ipv6 };

// One rule, built as kernel expressions and, in step, as nft syntax, so what
// `show` prints is exactly what `apply` installs.
class Rule {
 public:
  Rule& iifname(const std::string& name);
  Rule& oifname(const std::string& name);
  Rule& nfproto(Family f);
  Rule& tcp_syn();                         // tcp flags & (syn|rst) == syn (SYN and SYN-ACK)
  Rule& ct_state(std::uint32_t mask);      // any of the bits
  Rule& tcp_mss_above(std::uint16_t mss);  // tcp option maxseg size > mss
  Rule& set_tcp_mss(std::uint16_t mss);
  Rule& set_tcp_mss_rt_mtu();
  Rule& accept();
  Rule& drop();
  Rule& masquerade();
  // Bridge-family matches (what a bridge chain can see of a frame).
  Rule& ether_type_not(std::uint16_t type, const char* name);  // ether type != ip
  Rule& ether_group_dst();  // the destination MAC's group bit: broadcast and multicast
  Rule& udp_dport_range(std::uint16_t lo, std::uint16_t hi);
  // limit rate over N/second (nft's default burst, 5 packets): matches what is over it.
  Rule& limit_over(std::uint64_t per_second);

  const std::string& text() const { return text_; }
  // Fills a libnftnl rule's expressions (table/chain are set by the caller).
  void add_exprs(nftnl_rule* r) const;
  // The canonical expression listing libnftnl prints ("[ meta load iifname => reg 1 ] ...").
  std::string canonical() const;

 private:
  void word(const std::string& w);
  std::vector<std::function<void(nftnl_rule*)>> exprs_;
  std::string text_;
};

struct ChainState {
  ChainSpec spec;
  std::vector<std::string> rules;  // canonical expression listings, in order
};

struct TableState {
  bool exists = false;
  std::map<std::string, ChainState> chains;
};

// bdctl's table exactly as the kernel holds it: each chain's and each rule's
// attributes as netlink carries them (handles, positions and counters left
// out), in the kernel's order. Opaque; restore_table() puts it back as it was.
struct TableImage {
  bool exists = false;
  std::vector<std::string> chains;  // NEWCHAIN attributes
  std::vector<std::string> rules;   // NEWRULE attributes, chain by chain, in order
  bool operator==(const TableImage&) const = default;
};

// What a tool wants its chains to be.
struct DesiredChain {
  ChainSpec spec;
  std::vector<Rule> rules;
};

struct ChainDrift {
  std::string chain;
  bool missing = false;                    // the chain does not exist
  bool spec_differs = false;               // exists with another type/hook/priority/policy
  std::vector<std::string> missing_rules;  // nft syntax of expected rules not found
  std::vector<std::string> extra_rules;    // canonical listing of rules not expected
  bool empty() const { return !missing && !spec_differs && missing_rules.empty() && extra_rules.empty(); }
};

// {chain, missing, missing_rules, extra_rules}, as every status and check
// reports a chain's drift (the rules' text made printable).
void to_json(nlohmann::ordered_json& j, const ChainDrift& d);

// Compare the kernel's state of bdctl's table with what one tool wants.
std::vector<ChainDrift> diff(const TableState& have, const std::vector<DesiredChain>& want);

// nft syntax for a set of chains inside `table inet bdctl { ... }`, loadable by `nft -f`.
std::string render(const std::vector<DesiredChain>& chains, const TableId& table = kInetTable);

// The one "replace the chains I own" reconcile, shared by bdctl-route and
// bdctl-mss: which owned chains are stale, and whether the kernel already
// holds exactly `want` (then nothing is sent).
struct OwnedPlan {
  std::vector<std::string> stale;  // owned, present, no longer wanted
  bool in_sync = false;
};
OwnedPlan plan_owned(const TableState& have, const std::vector<DesiredChain>& want,
                     const std::function<bool(const std::string&)>& owns);

// A foreign base chain that can drop what bdctl accepts (Docker's FORWARD DROP).
struct ForeignChain {
  std::string family;  // "ip", "ip6", "inet", ...
  std::string table;
  std::string chain;
  std::string hook;
  int priority = 0;
  bool policy_drop = false;
  std::size_t rules = 0;
  // Every chain of its table with its rules' expression listings, in order.
  std::map<std::string, std::vector<std::string>> table_chains;
};

// A packet of bdctl's between two interfaces (names may be "zt*"): a new
// connection, or the answers of an established one.
struct Flow {
  std::string iif, oif;
  bool established = false;
};
enum class Fate { accept, drop, unknown };
// What the chain does to it, following jumps; unknown when a rule on the way
// tests what the listing alone cannot tell.
Fate fate(const ForeignChain& c, const Flow& f);

class Session {
 public:
  Session();  // opens NETLINK_NETFILTER; SystemError on failure
  // Over another transport: a test's recorder stands in for the kernel.
  explicit Session(std::unique_ptr<nl::Transport> t);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  TableState read_table(const TableId& table = kInetTable);
  TableImage image(const TableId& table = kInetTable);
  // Base chains of other tables on a hook (read-only look at others' tables).
  std::vector<ForeignChain> foreign_base_chains(const std::string& hook);
  nl::Channel& netlink() { return *nl_; }

 private:
  std::unique_ptr<nl::Channel> nl_;
};

// One all-or-nothing batch: BEGIN, the operations, END, in one sendmsg.
// A kernel error names the operation that caused it.
class Transaction {
 public:
  explicit Transaction(Session& s, const TableId& table = kInetTable);
  ~Transaction();

  void add_table();
  void delete_table();
  void add_chain(const ChainSpec& spec);
  void delete_chain(const std::string& name);
  void add_rule(const std::string& chain, const Rule& rule);
  // The table made exactly the image again (absent if it was absent), in this
  // batch: add (so that delete cannot fail), delete, then the image's objects.
  void restore_table(const TableImage& image);

  // Replace a tool's chains with the desired ones, given the current state:
  // chains that exist are deleted and recreated in the same batch.
  void replace_chains(const TableState& have, const std::vector<DesiredChain>& want);
  // replace_chains, then the plan's stale chains deleted, in this batch.
  void reconcile(const TableState& have, const std::vector<DesiredChain>& want, const OwnedPlan& plan);

  std::size_t size() const;
  // Sends the batch. check_only: no END, so the kernel validates and aborts (nft -c).
  // Throws SystemError "<operation>: <strerror>" on the first kernel error.
  void commit(bool check_only = false);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bdctl::nft
