// Reading bdctl's table back from the kernel, comparing it with what a tool
// wants, and rendering chains as nft syntax.
#include <fmt/format.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "../netlink/attr.hpp"
#include "bdctl/error.hpp"
#include "handles.hpp"

namespace bdctl::nft {

namespace {

struct HookName {
  const char* name;
  std::uint32_t num;
};
constexpr HookName kHooks[] = {{"prerouting", NF_INET_PRE_ROUTING},
                               {"input", NF_INET_LOCAL_IN},
                               {"forward", NF_INET_FORWARD},
                               {"output", NF_INET_LOCAL_OUT},
                               {"postrouting", NF_INET_POST_ROUTING}};

std::string hook_name(std::uint32_t num) {
  for (auto& h : kHooks)
    if (h.num == num) return h.name;
  return fmt::format("hook{}", num);
}

std::string family_name(std::uint32_t f) {
  switch (f) {
    case NFPROTO_INET: return "inet";
    case NFPROTO_IPV4: return "ip";
    case NFPROTO_IPV6: return "ip6";
    case NFPROTO_ARP: return "arp";
    case NFPROTO_BRIDGE: return "bridge";
    case NFPROTO_NETDEV: return "netdev";
    default: return fmt::format("family{}", f);
  }
}

std::string priority_text(const std::string& type, const std::string& hook, int prio) {
  struct Named {
    const char* name;
    int value;
  };
  // nft's symbolic names; dstnat/srcnat only mean -100/100 on their nat hooks.
  static constexpr Named names[] = {{"raw", -300}, {"mangle", -150}, {"filter", 0}, {"security", 50}};
  if (type == "nat" && hook == "prerouting" && prio == kPrioDstnat) return "dstnat";
  if (type == "nat" && hook == "postrouting" && prio == kPrioSrcnat) return "srcnat";
  for (auto& n : names)
    if (n.value == prio) return n.name;
  return std::to_string(prio);
}

ChainSpec spec_of(nftnl_chain* c) {
  ChainSpec s;
  s.name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
  if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
    s.hook = hook_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM));
    s.priority = int(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO));
    if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE)) s.type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
    if (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY))
      s.policy_drop = nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP;
  }
  return s;
}

// Dump every chain or rule of every table (the kernel filters nothing here).
// A dump interrupted by a concurrent ruleset change (EINTR: another tool's
// commit) is started again, as nft does; objects reach `each` only from a
// complete dump.
template <class Obj, class Alloc, class Parse, class Free>
void dump_all(nl::Channel& nl, std::uint16_t msgtype, Alloc alloc, Parse parse, Free free_fn,
              const std::function<void(Obj*)>& each) {
  constexpr int kAttempts = 10;
  const char* what = msgtype == NFT_MSG_GETCHAIN ? "nftables NFT_MSG_GETCHAIN dump" : "nftables NFT_MSG_GETRULE dump";
  for (int attempt = 1;; ++attempt) {
    std::vector<std::unique_ptr<Obj, Free>> got;
    char buf[nl::kMsgBufferSize] = {};  // padding included: libmnl 1.0.4 leaves it
    auto* nlh = nftnl_nlmsg_build_hdr(buf, msgtype, NFPROTO_UNSPEC, NLM_F_DUMP, nl.next_seq());
    int err = nl.request(nlh, what, [&](const nlmsghdr* m) {
      std::unique_ptr<Obj, Free> o(alloc(), free_fn);
      if (parse(m, o.get()) == 0) got.push_back(std::move(o));
    });
    if (err == EINTR && attempt < kAttempts) continue;
    if (err) throw SystemError(std::string(what), err);
    for (auto& o : got) each(o.get());
    return;
  }
}

}  // namespace

std::string canonical_exprs(nftnl_rule* r) {
  std::string out;
  auto* it = nftnl_expr_iter_create(r);
  while (auto* e = nftnl_expr_iter_next(it)) {
    char buf[512];
    nftnl_expr_snprintf(buf, sizeof buf, e, NFTNL_OUTPUT_DEFAULT, 0);
    std::string body = buf;
    while (!body.empty() && body.back() == ' ') body.pop_back();
    out += fmt::format("{}[ {} {} ]", out.empty() ? "" : " ", nftnl_expr_get_str(e, NFTNL_EXPR_NAME), body);
  }
  nftnl_expr_iter_destroy(it);
  return out;
}

std::string ChainSpec::header_text() const {
  if (!is_base()) return "";
  return fmt::format("type {} hook {} priority {}; policy {};", type, hook, priority_text(type, hook, priority),
                     policy_drop ? "drop" : "accept");
}

Session::Session()
    : nl_(std::make_unique<nl::Channel>(nl::kernel_transport(NETLINK_NETFILTER, "netfilter netlink"),
                                        unsigned(time(nullptr)))) {}
// From 0: a test's batches are the same bytes on every run.
Session::Session(std::unique_ptr<nl::Transport> t) : nl_(std::make_unique<nl::Channel>(std::move(t), 0)) {}
Session::~Session() = default;

TableState Session::read_table(const TableId& id) {
  TableState st;
  {
    char buf[nl::kMsgBufferSize] = {};  // padding included: libmnl 1.0.4 leaves it
    auto* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, std::uint16_t(id.family), NLM_F_ACK, nl_->next_seq());
    TablePtr t(nftnl_table_alloc());
    nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, id.name);
    nftnl_table_nlmsg_build_payload(nlh, t.get());
    int err = nl_->request(nlh, "nftables NFT_MSG_GETTABLE " + id.text(), [](const nlmsghdr*) {});
    if (err == ENOENT) return st;
    if (err) throw SystemError("table " + id.text(), err);
    st.exists = true;
  }
  auto ours = [&](auto get_str, auto get_u32, auto* o, std::uint16_t tattr, std::uint16_t fattr) {
    return get_u32(o, fattr) == id.family && std::string(get_str(o, tattr)) == id.name;
  };
  dump_all<nftnl_chain>(*nl_, NFT_MSG_GETCHAIN, nftnl_chain_alloc, nftnl_chain_nlmsg_parse, nftnl_chain_free,
                        [&](nftnl_chain* c) {
                          if (!ours(nftnl_chain_get_str, nftnl_chain_get_u32, c, NFTNL_CHAIN_TABLE, NFTNL_CHAIN_FAMILY))
                            return;
                          auto spec = spec_of(c);
                          st.chains[spec.name].spec = spec;
                        });
  dump_all<nftnl_rule>(*nl_, NFT_MSG_GETRULE, nftnl_rule_alloc, nftnl_rule_nlmsg_parse, nftnl_rule_free,
                       [&](nftnl_rule* r) {
                         if (!ours(nftnl_rule_get_str, nftnl_rule_get_u32, r, NFTNL_RULE_TABLE, NFTNL_RULE_FAMILY))
                           return;
                         st.chains[nftnl_rule_get_str(r, NFTNL_RULE_CHAIN)].rules.push_back(canonical_exprs(r));
                       });
  return st;
}

namespace {
// The attributes after nfgenmsg: what a NEWCHAIN/NEWRULE carries after its header.
template <class Obj, class Build>
std::string attributes(Obj* o, Build build, std::uint32_t family) {
  alignas(nlmsghdr) char buf[nl::kMsgBufferSize] = {};
  auto* nlh = nftnl_nlmsg_build_hdr(buf, 0, std::uint16_t(family), 0, 0);
  auto start = nlh->nlmsg_len;
  build(nlh, o);
  return std::string(buf + start, buf + nlh->nlmsg_len);
}
}  // namespace

TableImage Session::image(const TableId& id) {
  TableImage im;
  im.exists = read_table(id).exists;
  if (!im.exists) return im;
  auto ours = [&](const char* table, std::uint32_t family) {
    return family == id.family && std::string(table) == id.name;
  };
  dump_all<nftnl_chain>(
      *nl_, NFT_MSG_GETCHAIN, nftnl_chain_alloc, nftnl_chain_nlmsg_parse, nftnl_chain_free, [&](nftnl_chain* c) {
        if (!ours(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY))) return;
        // The kernel assigns these; a NEWCHAIN with a handle would be an update.
        for (auto a : {NFTNL_CHAIN_HANDLE, NFTNL_CHAIN_USE, NFTNL_CHAIN_BYTES, NFTNL_CHAIN_PACKETS, NFTNL_CHAIN_FLAGS,
                       NFTNL_CHAIN_FAMILY})
          nftnl_chain_unset(c, a);
        im.chains.push_back(attributes(c, nftnl_chain_nlmsg_build_payload, id.family));
      });
  dump_all<nftnl_rule>(*nl_, NFT_MSG_GETRULE, nftnl_rule_alloc, nftnl_rule_nlmsg_parse, nftnl_rule_free,
                       [&](nftnl_rule* r) {
                         if (!ours(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY)))
                           return;
                         for (auto a : {NFTNL_RULE_HANDLE, NFTNL_RULE_POSITION, NFTNL_RULE_ID, NFTNL_RULE_FAMILY})
                           nftnl_rule_unset(r, a);
                         im.rules.push_back(attributes(r, nftnl_rule_nlmsg_build_payload, id.family));
                       });
  return im;
}

std::vector<ForeignChain> Session::foreign_base_chains(const std::string& hook) {
  std::vector<ForeignChain> out;
  dump_all<nftnl_chain>(
      *nl_, NFT_MSG_GETCHAIN, nftnl_chain_alloc, nftnl_chain_nlmsg_parse, nftnl_chain_free, [&](nftnl_chain* c) {
        auto fam = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
        std::string table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
        if (table == kTable && (fam == kInetTable.family || fam == kBridgeTable.family)) return;  // ours
        auto spec = spec_of(c);
        if (spec.hook != hook) return;
        out.push_back({family_name(fam), table, spec.name, spec.hook, spec.priority, spec.policy_drop, 0, {}});
      });
  if (out.empty()) return out;
  dump_all<nftnl_rule>(*nl_, NFT_MSG_GETRULE, nftnl_rule_alloc, nftnl_rule_nlmsg_parse, nftnl_rule_free,
                       [&](nftnl_rule* r) {
                         auto fam = family_name(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY));
                         std::string table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
                         std::string chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
                         std::string listing;
                         for (auto& f : out) {
                           if (f.family != fam || f.table != table) continue;
                           if (f.chain == chain) ++f.rules;
                           if (listing.empty()) listing = canonical_exprs(r);
                           f.table_chains[chain].push_back(listing);
                         }
                       });
  return out;
}

std::vector<ChainDrift> diff(const TableState& have, const std::vector<DesiredChain>& want) {
  std::vector<ChainDrift> out;
  for (const auto& w : want) {
    ChainDrift d;
    d.chain = w.spec.name;
    auto it = have.chains.find(w.spec.name);
    if (it == have.chains.end()) {
      d.missing = true;
      for (const auto& r : w.rules) d.missing_rules.push_back(r.text());
    } else {
      d.spec_differs = !(it->second.spec == w.spec);
      // Order matters in a chain: compare position by position, then report
      // what is absent and what is surplus.
      std::vector<std::string> present = it->second.rules;
      bool same_order = present.size() == w.rules.size();
      for (std::size_t i = 0; same_order && i < present.size(); ++i) same_order = present[i] == w.rules[i].canonical();
      if (!same_order) {
        for (const auto& r : w.rules) {
          auto f = std::find(present.begin(), present.end(), r.canonical());
          if (f == present.end())
            d.missing_rules.push_back(r.text());
          else
            present.erase(f);
        }
        d.extra_rules = present;
        if (d.missing_rules.empty() && d.extra_rules.empty()) d.missing_rules.push_back("(rules out of order)");
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string render(const std::vector<DesiredChain>& chains, const TableId& table) {
  std::string out = fmt::format("table {} {{\n", table.text());
  bool first = true;
  for (const auto& c : chains) {
    if (!first) out += "\n";
    first = false;
    out += fmt::format("\tchain {} {{\n", c.spec.name);
    if (c.spec.is_base()) out += fmt::format("\t\t{}\n", c.spec.header_text());
    for (const auto& r : c.rules) out += fmt::format("\t\t{}\n", r.text());
    out += "\t}\n";
  }
  out += "}\n";
  return out;
}

}  // namespace bdctl::nft
