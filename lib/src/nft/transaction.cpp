// One nftables transaction: BEGIN, operations, END in a single sendmsg. The
// kernel applies all of it or none of it; each error is traced back to the
// operation (by sequence number) so the message names what failed.
#include <fmt/format.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cerrno>
#include <cstring>

#include "../netlink/attr.hpp"
#include "bdctl/error.hpp"
#include "handles.hpp"

namespace bdctl::nft {

static_assert(kInetTable.family == NFPROTO_INET && kBridgeTable.family == NFPROTO_BRIDGE);

namespace {

// The bridge family's hooks have the same numbers (NF_BR_PRE_ROUTING = 0, ...).
std::uint32_t hook_num(const std::string& hook) {
  if (hook == "prerouting") return NF_INET_PRE_ROUTING;
  if (hook == "input") return NF_INET_LOCAL_IN;
  if (hook == "forward") return NF_INET_FORWARD;
  if (hook == "output") return NF_INET_LOCAL_OUT;
  if (hook == "postrouting") return NF_INET_POST_ROUTING;
  throw InputError(fmt::format("unknown hook '{}'", hook));
}

}  // namespace

struct Transaction::Impl {
  Session& session;
  TableId id;
  struct Op {
    unsigned seq;
    std::string what;
    std::vector<char> msg;
  };
  std::vector<Op> ops;

  Impl(Session& s, const TableId& t) : session(s), id(t) {}

  template <class BuildPayload>
  void push(std::string what, std::uint16_t type, std::uint16_t flags, BuildPayload&& build) {
    // Built in one scratch buffer, then copied at its real size: a
    // zero-filled 8 KiB vector per message cost more than building it. The
    // scratch is zero again after each use, because libmnl 1.0.4 leaves an
    // attribute's padding as it finds it: stack bytes went to the kernel, and
    // the golden batches differed from run to run.
    unsigned seq = session.netlink().next_seq();
    auto* nlh = nftnl_nlmsg_build_hdr(scratch.get(), type, std::uint16_t(id.family), flags, seq);
    build(nlh);
    std::size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
    ops.push_back({seq, std::move(what), std::vector<char>(scratch.get(), scratch.get() + len)});
    std::memset(scratch.get(), 0, len);
  }
  std::unique_ptr<char[]> scratch = std::make_unique<char[]>(nl::kMsgBufferSize);  // zeroed

  TablePtr table() const {
    TablePtr t(nftnl_table_alloc());
    nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, id.name);
    return t;
  }
  ChainPtr chain(const std::string& name) const {
    ChainPtr c(nftnl_chain_alloc());
    nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, id.name);
    nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, name.c_str());
    return c;
  }
};

Transaction::Transaction(Session& s, const TableId& table) : impl_(std::make_unique<Impl>(s, table)) {}
Transaction::~Transaction() = default;

std::size_t Transaction::size() const { return impl_->ops.size(); }

void Transaction::add_table() {
  // No NLM_F_EXCL: adding an existing table is a no-op, which keeps apply idempotent.
  impl_->push("add table " + impl_->id.text(), NFT_MSG_NEWTABLE, NLM_F_CREATE,
              [&](nlmsghdr* nlh) { nftnl_table_nlmsg_build_payload(nlh, impl_->table().get()); });
}

void Transaction::delete_table() {
  impl_->push("delete table " + impl_->id.text(), NFT_MSG_DELTABLE, 0,
              [&](nlmsghdr* nlh) { nftnl_table_nlmsg_build_payload(nlh, impl_->table().get()); });
}

void Transaction::add_chain(const ChainSpec& spec) {
  impl_->push(fmt::format("add chain {} {}", impl_->id.text(), spec.name), NFT_MSG_NEWCHAIN, NLM_F_CREATE,
              [&](nlmsghdr* nlh) {
                auto c = impl_->chain(spec.name);
                if (spec.is_base()) {
                  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, hook_num(spec.hook));
                  nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, spec.priority);
                  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, spec.type.c_str());
                  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_POLICY, spec.policy_drop ? NF_DROP : NF_ACCEPT);
                }
                nftnl_chain_nlmsg_build_payload(nlh, c.get());
              });
}

void Transaction::delete_chain(const std::string& name) {
  impl_->push(fmt::format("delete chain {} {}", impl_->id.text(), name), NFT_MSG_DELCHAIN, 0,
              [&](nlmsghdr* nlh) { nftnl_chain_nlmsg_build_payload(nlh, impl_->chain(name).get()); });
}

void Transaction::add_rule(const std::string& chain, const Rule& rule) {
  impl_->push(fmt::format("add rule {} {} {}", impl_->id.text(), chain, rule.text()), NFT_MSG_NEWRULE,
              NLM_F_CREATE | NLM_F_APPEND, [&](nlmsghdr* nlh) {
                RulePtr r(nftnl_rule_alloc());
                nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, impl_->id.name);
                nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, chain.c_str());
                nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, impl_->id.family);
                rule.add_exprs(r.get());
                nftnl_rule_nlmsg_build_payload(nlh, r.get());
              });
}

void Transaction::restore_table(const TableImage& image) {
  add_table();
  delete_table();
  if (!image.exists) return;
  add_table();
  auto raw = [&](std::string what, std::uint16_t type, std::uint16_t flags, const std::string& attrs) {
    impl_->push(std::move(what), type, flags, [&](nlmsghdr* nlh) {
      if (nlh->nlmsg_len + attrs.size() > nl::kMsgBufferSize) throw InputError("nftables image: object too large");
      std::memcpy(reinterpret_cast<char*>(nlh) + nlh->nlmsg_len, attrs.data(), attrs.size());
      nlh->nlmsg_len += std::uint32_t(attrs.size());
    });
  };
  for (std::size_t i = 0; i < image.chains.size(); ++i)
    raw(fmt::format("restore chain {} of {}", i + 1, impl_->id.text()), NFT_MSG_NEWCHAIN, NLM_F_CREATE,
        image.chains[i]);
  for (std::size_t i = 0; i < image.rules.size(); ++i)
    raw(fmt::format("restore rule {} of {}", i + 1, impl_->id.text()), NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
        image.rules[i]);
}

void Transaction::replace_chains(const TableState& have, const std::vector<DesiredChain>& want) {
  add_table();
  for (const auto& c : want) {
    // Delete-and-recreate (not flush) so a changed hook, priority or policy
    // is replaced too; both happen inside this one batch.
    if (have.chains.count(c.spec.name)) delete_chain(c.spec.name);
    add_chain(c.spec);
    for (const auto& r : c.rules) add_rule(c.spec.name, r);
  }
}

void Transaction::commit(bool check_only) {
  if (impl_->ops.empty()) return;
  auto& nl = impl_->session.netlink();
  std::vector<char> batch;
  auto append = [&](const nlmsghdr* nlh) {
    const char* p = reinterpret_cast<const char*>(nlh);
    batch.insert(batch.end(), p, p + NLMSG_ALIGN(nlh->nlmsg_len));
  };
  char hdr[nl::kMsgBufferSize];
  append(nftnl_batch_begin(hdr, nl.next_seq()));
  for (const auto& op : impl_->ops) batch.insert(batch.end(), op.msg.begin(), op.msg.end());
  if (!check_only) append(nftnl_batch_end(hdr, nl.next_seq()));

  auto errors = nl.send_batch(batch, "nftables transaction");
  if (errors.empty()) return;
  // Report the first error in batch order: later ones are often its consequences.
  const auto* first = &errors.front();
  for (const auto& e : errors)
    if (e.seq < first->seq) first = &e;
  std::string what = "nftables transaction";
  for (const auto& op : impl_->ops)
    if (op.seq == first->seq) what = op.what;
  std::string msg = what + ": " + std::strerror(first->err);
  if (!first->msg.empty()) msg += " (" + first->msg + ")";
  throw SystemError::with_code(msg, first->err);  // callers and tests can tell EPERM from EEXIST
}

}  // namespace bdctl::nft
