// Rule builder: each call appends the kernel expressions and the nft words
// that mean the same thing (shapes checked with `nft --debug=netlink`).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>

#include "bdctl/error.hpp"
#include "bdctl/ifname.hpp"
#include "handles.hpp"

namespace bdctl::nft {

namespace {

constexpr std::uint32_t kReg1 = NFT_REG_1;
constexpr std::uint8_t kTcpoptMaxseg = 2;

using ExprFn = std::function<void(nftnl_rule*)>;

nftnl_expr* expr(const char* name) {
  nftnl_expr* e = nftnl_expr_alloc(name);
  if (!e) throw SystemError(fmt::format("nftnl_expr_alloc({})", name), ENOMEM);
  return e;
}

ExprFn meta_load(std::uint32_t key) {
  return [key](nftnl_rule* r) {
    auto* e = expr("meta");
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, kReg1);
    nftnl_rule_add_expr(r, e);
  };
}

ExprFn cmp(std::uint32_t op, std::vector<std::uint8_t> data) {
  return [op, data = std::move(data)](nftnl_rule* r) {
    auto* e = expr("cmp");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, kReg1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
    nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data.data(), std::uint32_t(data.size()));
    nftnl_rule_add_expr(r, e);
  };
}

ExprFn bitwise(std::vector<std::uint8_t> mask) {
  return [mask = std::move(mask)](nftnl_rule* r) {
    std::vector<std::uint8_t> zero(mask.size(), 0);
    auto* e = expr("bitwise");
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, kReg1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, kReg1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, std::uint32_t(mask.size()));
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask.data(), std::uint32_t(mask.size()));
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero.data(), std::uint32_t(zero.size()));
    nftnl_rule_add_expr(r, e);
  };
}

ExprFn payload_load(std::uint32_t base, std::uint32_t offset, std::uint32_t len) {
  return [=](nftnl_rule* r) {
    auto* e = expr("payload");
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, kReg1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
    nftnl_rule_add_expr(r, e);
  };
}

ExprFn mss_exthdr(bool write) {
  return [write](nftnl_rule* r) {
    auto* e = expr("exthdr");
    nftnl_expr_set_u32(e, write ? NFTNL_EXPR_EXTHDR_SREG : NFTNL_EXPR_EXTHDR_DREG, kReg1);
    nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, kTcpoptMaxseg);
    nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
    nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
    nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
    nftnl_rule_add_expr(r, e);
  };
}

ExprFn verdict(int v) {
  return [v](nftnl_rule* r) {
    auto* e = expr("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, std::uint32_t(v));
    nftnl_rule_add_expr(r, e);
  };
}

std::vector<std::uint8_t> be16(std::uint16_t v) { return {std::uint8_t(v >> 8), std::uint8_t(v & 0xff)}; }

std::vector<std::uint8_t> ifname_data(const std::string& name) {
  // A wildcard compares only the prefix; an exact name the whole IFNAMSIZ
  // buffer, NUL padding included, so "eth0" does not match "eth01".
  if (is_wildcard_ifname(name)) return {name.begin(), name.end() - 1};
  std::vector<std::uint8_t> d(16, 0);
  std::memcpy(d.data(), name.data(), name.size());
  return d;
}

std::string ct_state_text(std::uint32_t mask) {
  std::string out;
  for (auto [bit, name] :
       {std::pair{ct_invalid, "invalid"}, {ct_established, "established"}, {ct_related, "related"}, {ct_new, "new"}}) {
    if (mask & bit) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out;
}

}  // namespace

void Rule::word(const std::string& w) { text_ += (text_.empty() ? "" : " ") + w; }

Rule& Rule::iifname(const std::string& name) {
  validate_ifname(name, "iifname");
  exprs_.push_back(meta_load(NFT_META_IIFNAME));
  exprs_.push_back(cmp(NFT_CMP_EQ, ifname_data(name)));
  word(fmt::format("iifname \"{}\"", name));
  return *this;
}

Rule& Rule::oifname(const std::string& name) {
  validate_ifname(name, "oifname");
  exprs_.push_back(meta_load(NFT_META_OIFNAME));
  exprs_.push_back(cmp(NFT_CMP_EQ, ifname_data(name)));
  word(fmt::format("oifname \"{}\"", name));
  return *this;
}

Rule& Rule::nfproto(Family f) {
  exprs_.push_back(meta_load(NFT_META_NFPROTO));
  exprs_.push_back(cmp(NFT_CMP_EQ, {std::uint8_t(f == Family::ipv4 ? NFPROTO_IPV4 : NFPROTO_IPV6)}));
  word(f == Family::ipv4 ? "meta nfproto ipv4" : "meta nfproto ipv6");
  return *this;
}

Rule& Rule::tcp_syn() {
  exprs_.push_back(meta_load(NFT_META_L4PROTO));
  exprs_.push_back(cmp(NFT_CMP_EQ, {IPPROTO_TCP}));
  exprs_.push_back(payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1));
  exprs_.push_back(bitwise({0x06}));  // SYN|RST
  exprs_.push_back(cmp(NFT_CMP_EQ, {0x02}));
  word("tcp flags & (syn|rst) == syn");
  return *this;
}

Rule& Rule::ct_state(std::uint32_t mask) {
  exprs_.push_back([](nftnl_rule* r) {
    auto* e = expr("ct");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, kReg1);
    nftnl_rule_add_expr(r, e);
  });
  std::vector<std::uint8_t> m(4);
  std::memcpy(m.data(), &mask, 4);  // host order, as the kernel stores ct state
  exprs_.push_back(bitwise(m));
  exprs_.push_back(cmp(NFT_CMP_NEQ, {0, 0, 0, 0}));
  word("ct state " + ct_state_text(mask));
  return *this;
}

Rule& Rule::tcp_mss_above(std::uint16_t mss) {
  exprs_.push_back(mss_exthdr(false));
  exprs_.push_back(cmp(NFT_CMP_GT, be16(mss)));
  word(fmt::format("tcp option maxseg size > {}", mss));
  return *this;
}

Rule& Rule::set_tcp_mss(std::uint16_t mss) {
  exprs_.push_back([mss](nftnl_rule* r) {
    auto d = be16(mss);
    auto* e = expr("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, kReg1);
    nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, d.data(), 2);
    nftnl_rule_add_expr(r, e);
  });
  exprs_.push_back(mss_exthdr(true));
  word(fmt::format("tcp option maxseg size set {}", mss));
  return *this;
}

Rule& Rule::set_tcp_mss_rt_mtu() {
  exprs_.push_back([](nftnl_rule* r) {
    auto* e = expr("rt");
    nftnl_expr_set_u32(e, NFTNL_EXPR_RT_KEY, NFT_RT_TCPMSS);
    nftnl_expr_set_u32(e, NFTNL_EXPR_RT_DREG, kReg1);
    nftnl_rule_add_expr(r, e);
    auto* b = expr("byteorder");
    nftnl_expr_set_u32(b, NFTNL_EXPR_BYTEORDER_SREG, kReg1);
    nftnl_expr_set_u32(b, NFTNL_EXPR_BYTEORDER_DREG, kReg1);
    nftnl_expr_set_u32(b, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
    nftnl_expr_set_u32(b, NFTNL_EXPR_BYTEORDER_LEN, 2);
    nftnl_expr_set_u32(b, NFTNL_EXPR_BYTEORDER_SIZE, 2);
    nftnl_rule_add_expr(r, b);
  });
  exprs_.push_back(mss_exthdr(true));
  word("tcp option maxseg size set rt mtu");
  return *this;
}

Rule& Rule::accept() {
  exprs_.push_back(verdict(NF_ACCEPT));
  word("accept");
  return *this;
}

Rule& Rule::drop() {
  exprs_.push_back(verdict(NF_DROP));
  word("drop");
  return *this;
}

Rule& Rule::masquerade() {
  exprs_.push_back([](nftnl_rule* r) { nftnl_rule_add_expr(r, expr("masq")); });
  word("masquerade");
  return *this;
}

Rule& Rule::ether_type_not(std::uint16_t type, const char* name) {
  exprs_.push_back(payload_load(NFT_PAYLOAD_LL_HEADER, 12, 2));
  exprs_.push_back(cmp(NFT_CMP_NEQ, be16(type)));
  word(fmt::format("ether type != {}", name));
  return *this;
}

Rule& Rule::ether_group_dst() {
  // As nft builds it: the whole address loaded, only the I/G bit kept.
  exprs_.push_back(payload_load(NFT_PAYLOAD_LL_HEADER, 0, 6));
  exprs_.push_back(bitwise({1, 0, 0, 0, 0, 0}));
  exprs_.push_back(cmp(NFT_CMP_EQ, {1, 0, 0, 0, 0, 0}));
  word("ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00");
  return *this;
}

Rule& Rule::udp_dport_range(std::uint16_t lo, std::uint16_t hi) {
  exprs_.push_back(meta_load(NFT_META_L4PROTO));
  exprs_.push_back(cmp(NFT_CMP_EQ, {IPPROTO_UDP}));
  exprs_.push_back(payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2));
  exprs_.push_back(cmp(NFT_CMP_GTE, be16(lo)));
  exprs_.push_back(cmp(NFT_CMP_LTE, be16(hi)));
  word(fmt::format("udp dport {}-{}", lo, hi));
  return *this;
}

Rule& Rule::limit_over(std::uint64_t per_second) {
  if (per_second == 0) throw InputError("limit rate over 0/second");
  exprs_.push_back([per_second](nftnl_rule* r) {
    auto* e = expr("limit");
    nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, per_second);
    nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, 5);  // nft's default
    nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
    nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, NFT_LIMIT_F_INV);
    nftnl_rule_add_expr(r, e);
  });
  word(fmt::format("limit rate over {}/second", per_second));
  return *this;
}

void Rule::add_exprs(nftnl_rule* r) const {
  for (const auto& fn : exprs_) fn(r);
}

std::string canonical_exprs(nftnl_rule* r);  // read.cpp

std::string Rule::canonical() const {
  RulePtr r(nftnl_rule_alloc());
  add_exprs(r.get());
  return canonical_exprs(r.get());
}

}  // namespace bdctl::nft
