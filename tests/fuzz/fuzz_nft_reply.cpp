// nf_tables dump replies as Session::read_table() consumes them: a chain or a
// rule message parsed by libnftnl, then bdctl's reading of it (spec_of for
// chains, canonical_exprs for rules). Input: byte 0 picks chain (even) or
// rule (odd); the rest is the message payload after the nfgenmsg header.
//
// read.cpp is compiled into this target so its internal spec_of() is
// reachable; the socket round trip itself (Netlink::request, mnl_cb_run) is
// not fuzzed here.
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <dlfcn.h>

#include <csetjmp>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "../../lib/src/nft/read.cpp"  // NOLINT(bugprone-suspicious-include): reach spec_of()
#include "bdctl/mss.hpp"
#include "bdctl/route.hpp"
#include "fuzz.hpp"

namespace {

// BDCTL_FUZZ_WRITE_SEEDS=DIR: write the rules bdctl itself installs, as the
// kernel echoes them, for the seed corpus.
void write_seeds(const char* dir) {
  std::vector<bdctl::nft::DesiredChain> all;
  bdctl::route::Options ro{"zt*", "eth0"};
  for (auto& c : bdctl::route::desired_chains(ro)) all.push_back(c);
  bdctl::mss::Options mo;
  mo.mode = bdctl::mss::Mode::pmtu;
  mo.iface = "ppp0";
  mo.local = true;
  for (auto& c : bdctl::mss::desired_chains(mo)) all.push_back(c);
  mo.mode = bdctl::mss::Mode::mss;
  mo.value = 1360;
  for (auto& c : bdctl::mss::desired_chains(mo)) all.push_back(c);
  int n = 0;
  auto save = [&](char kind, const nlmsghdr* nlh) {
    auto* payload = static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + sizeof(nfgenmsg);
    auto len = nlh->nlmsg_len - sizeof(nlmsghdr) - sizeof(nfgenmsg);
    std::ofstream(std::string(dir) + "/seed" + std::to_string(n++), std::ios::binary)
        << kind << std::string(payload, len);
  };
  for (auto& c : all) {
    char buf[8192];
    auto* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWCHAIN, NFPROTO_INET, 0, 1);
    bdctl::nft::ChainPtr ch(nftnl_chain_alloc());
    nftnl_chain_set_str(ch.get(), NFTNL_CHAIN_TABLE, bdctl::nft::kTable);
    nftnl_chain_set_str(ch.get(), NFTNL_CHAIN_NAME, c.spec.name.c_str());
    nftnl_chain_set_u32(ch.get(), NFTNL_CHAIN_FAMILY, NFPROTO_INET);
    if (c.spec.is_base()) {
      nftnl_chain_set_u32(ch.get(), NFTNL_CHAIN_HOOKNUM, NF_INET_FORWARD);
      nftnl_chain_set_s32(ch.get(), NFTNL_CHAIN_PRIO, c.spec.priority);
      nftnl_chain_set_str(ch.get(), NFTNL_CHAIN_TYPE, c.spec.type.c_str());
      nftnl_chain_set_u32(ch.get(), NFTNL_CHAIN_POLICY, c.spec.policy_drop ? NF_DROP : NF_ACCEPT);
    }
    nftnl_chain_nlmsg_build_payload(nlh, ch.get());
    save('\0', nlh);
    for (auto& rule : c.rules) {
      nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 1);
      bdctl::nft::RulePtr r(nftnl_rule_alloc());
      nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, bdctl::nft::kTable);
      nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, c.spec.name.c_str());
      nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, NFPROTO_INET);
      rule.add_exprs(r.get());
      nftnl_rule_nlmsg_build_payload(nlh, r.get());
      save('\1', nlh);
    }
  }
}

// libnftnl 1.2.4 (Debian 12) dereferences a missing NFTA_EXPR_NAME
// (nftnl_expr_alloc(NULL) -> strcmp(NULL)): a libnftnl bug on input the
// kernel never sends (every expression it dumps is named). Such messages are
// skipped so the fuzzer can get past it; regressions/nft_reply keeps one.
bool exprs_named(const nlmsghdr* nlh) {
  bool ok = true;
  bdctl::nl::for_each_attr(nlh, sizeof(nfgenmsg), [&](const nlattr* a) {
    if (mnl_attr_get_type(a) != NFTA_RULE_EXPRESSIONS) return;
    bdctl::nl::for_each_nested(a, [&](const nlattr* elem) {
      bool named = false;
      bdctl::nl::for_each_nested(elem, [&](const nlattr* e) {
        if (mnl_attr_get_type(e) == NFTA_EXPR_NAME && mnl_attr_validate(e, MNL_TYPE_NUL_STRING) == 0) named = true;
      });
      ok = ok && named;
    });
  });
  return ok;
}

// libnftnl 1.2.4 also strdup()s string attributes it validated only as
// MNL_TYPE_STRING, reading past one that is not NUL-terminated (the kernel
// always terminates them). Such messages are skipped too; one is kept in
// regressions/nft_reply.
bool strings_terminated(const nlmsghdr* nlh, bool rule) {
  bool ok = true;
  auto terminated = [](const nlattr* a) { return mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0; };
  bdctl::nl::for_each_attr(nlh, sizeof(nfgenmsg), [&](const nlattr* a) {
    auto t = mnl_attr_get_type(a);
    if (rule ? (t == NFTA_RULE_TABLE || t == NFTA_RULE_CHAIN)
             : (t == NFTA_CHAIN_TABLE || t == NFTA_CHAIN_NAME || t == NFTA_CHAIN_TYPE))
      ok = ok && terminated(a);
    if (!rule && t == NFTA_CHAIN_HOOK)
      bdctl::nl::for_each_nested(a, [&](const nlattr* h) {
        if (mnl_attr_get_type(h) == NFTA_HOOK_DEV) ok = ok && terminated(h);
      });
  });
  return ok;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("BDCTL_FUZZ_WRITE_SEEDS")) write_seeds(dir);
  return 0;
}

// libnftnl calls exit(EXIT_FAILURE) ("nf_tables kernel ABI is broken") on an
// attribute of an unexpected type: a tool reading such a reply dies with
// exit 1 before it changes anything. That is libnftnl's policy, not a bdctl
// crash, so this target takes it as a refusal: exit() is interposed and
// jumps back here while a message is being parsed.
jmp_buf* g_parsing = nullptr;
// What libnftnl allocates for a message it then exit()s on is never freed:
// the parse runs with leak detection off (LeakSanitizer's own switch; weak, so
// builds without it link). bdctl's code after the parse is still checked.
extern "C" void __lsan_disable() __attribute__((weak));
extern "C" void __lsan_enable() __attribute__((weak));
extern "C" void exit(int status) noexcept {
  if (g_parsing) longjmp(*g_parsing, 1);
  using ExitFn = void (*)(int);
  reinterpret_cast<ExitFn>(dlsym(RTLD_NEXT, "exit"))(status);
  __builtin_unreachable();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  bool rule = data[0] & 1;
  // The message exactly as long as the input (padded to NLMSG_ALIGNTO, as
  // the kernel sends it): ASan sees any read past it.
  std::size_t len = MNL_ALIGN(MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(nfgenmsg)) + (size - 1));
  if (len > 65535) return 0;
  std::vector<char> buf(len);
  auto* nlh = nftnl_nlmsg_build_hdr(buf.data(), rule ? NFT_MSG_NEWRULE : NFT_MSG_NEWCHAIN, NFPROTO_INET, 0, 1);
  std::copy(data + 1, data + size, buf.data() + nlh->nlmsg_len);
  nlh->nlmsg_len = std::uint32_t(len);
  using namespace bdctl::nft;
  RulePtr r(nftnl_rule_alloc());
  ChainPtr c(nftnl_chain_alloc());
  jmp_buf env;
  if (setjmp(env) != 0) {
    g_parsing = nullptr;
    if (__lsan_enable) __lsan_enable();
    return 0;  // libnftnl refused the message by calling exit()
  }
  if ((rule && !exprs_named(nlh)) || !strings_terminated(nlh, rule)) return 0;
  if (__lsan_disable) __lsan_disable();
  g_parsing = &env;
  int parsed = rule ? nftnl_rule_nlmsg_parse(nlh, r.get()) : nftnl_chain_nlmsg_parse(nlh, c.get());
  g_parsing = nullptr;
  if (__lsan_enable) __lsan_enable();
  if (parsed != 0) return 0;
  if (rule) {
    // read_table()'s filter, then the chain name and the canonical listing.
    if (nftnl_rule_get_u32(r.get(), NFTNL_RULE_FAMILY) != NFPROTO_INET) return 0;
    const char* table = nftnl_rule_get_str(r.get(), NFTNL_RULE_TABLE);
    const char* chain = nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN);
    if (!table || !chain || std::string(table) != kTable) return 0;
    (void)canonical_exprs(r.get());
  } else {
    if (!nftnl_chain_is_set(c.get(), NFTNL_CHAIN_NAME)) return 0;
    auto spec = spec_of(c.get());
    (void)spec.header_text();
  }
  return 0;
}
