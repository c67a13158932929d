// What a foreign forward chain does to bdctl's traffic, decided from the
// kernel's own expression listings: a chain with policy drop (Docker's
// FORWARD) stops the backdoor unless it, or a chain it jumps to, accepts both
// directions first. Conditions it cannot evaluate make the answer unknown,
// never "accepted".
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bdctl/ifname.hpp"
#include "bdctl/nft.hpp"

namespace bdctl::nft {

namespace {

enum class Cond { yes, no, unknown };

std::vector<std::string_view> exprs_of(std::string_view listing) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while ((pos = listing.find("[ ", pos)) != std::string_view::npos) {
    auto end = listing.find(" ]", pos);
    if (end == std::string_view::npos) break;
    out.push_back(listing.substr(pos + 2, end - pos - 2));
    pos = end + 2;
  }
  return out;
}

// "cmp eq reg 1 0x0030747a 0x00000000" -> the bytes compared (host-order words).
std::optional<std::string> cmp_data(std::string_view e) {
  if (e.rfind("cmp eq reg ", 0) != 0) return std::nullopt;
  std::string out;
  std::size_t pos = e.find(" 0x");
  while (pos != std::string_view::npos) {
    auto word = std::strtoul(std::string(e.substr(pos + 1, 10)).c_str(), nullptr, 16);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((word >> (8 * i)) & 0xff));
    pos = e.find(" 0x", pos + 1);
  }
  return out;
}

// Does an interface-name comparison hold for our interface (maybe "zt*")?
// The listing prints whole 32-bit words, so "zt" + NUL (exact) and "zt"
// (prefix, nft's zt* or iptables' zt+) look the same: only a comparison that
// reaches a word past the name is surely exact.
Cond name_matches(const std::string& data, const std::string& ours) {
  std::string name = data.substr(0, data.find('\0'));
  enum {
    prefix,
    exact,
    either
  } kind = name.size() == data.size()                ? prefix
           : data.size() / 4 > (name.size() + 3) / 4 ? exact
                                                     : either;
  auto starts = [](const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; };
  if (is_wildcard_ifname(ours)) {
    std::string ours_prefix = ours.substr(0, ours.size() - 1);
    if (kind != exact && starts(ours_prefix, name)) return kind == prefix ? Cond::yes : Cond::unknown;
    return starts(name, ours_prefix) ? Cond::unknown : Cond::no;  // some of ours, or none
  }
  if (kind == exact) return name == ours ? Cond::yes : Cond::no;
  if (kind == prefix) return starts(ours, name) ? Cond::yes : Cond::no;
  return name == ours ? Cond::yes : starts(ours, name) ? Cond::unknown : Cond::no;
}

struct RuleMeaning {
  Cond cond = Cond::yes;
  std::string verdict;  // "accept", "drop", "jump X", "goto X", "return", "" (none)
};

RuleMeaning meaning(std::string_view listing, const Flow& f) {
  RuleMeaning m;
  auto and_cond = [&](Cond c) {
    if (m.cond == Cond::no || c == Cond::no)
      m.cond = Cond::no;
    else if (c == Cond::unknown)
      m.cond = Cond::unknown;
  };
  auto exprs = exprs_of(listing);
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    auto e = exprs[i];
    bool iif = e.rfind("meta load iifname", 0) == 0, oif = e.rfind("meta load oifname", 0) == 0;
    if ((iif || oif) && i + 1 < exprs.size()) {
      auto data = cmp_data(exprs[i + 1]);
      and_cond(data ? name_matches(*data, iif ? f.iif : f.oif) : Cond::unknown);
      ++i;
    } else if (e.rfind("ct load state", 0) == 0 || e.rfind("match name conntrack", 0) == 0) {
      // Taken as "established or related": what both Docker's and bdctl's return rules test.
      and_cond(f.established ? Cond::yes : Cond::no);
      while (i + 1 < exprs.size() && (exprs[i + 1].rfind("bitwise", 0) == 0 || exprs[i + 1].rfind("cmp neq", 0) == 0))
        ++i;
    } else if (e.rfind("counter", 0) == 0 || e.rfind("log", 0) == 0) {
      continue;
    } else if (e.rfind("immediate reg 0 ", 0) == 0) {
      std::string_view v = e.substr(16);
      if (auto arrow = v.find(" -> "); arrow != std::string_view::npos)
        m.verdict = std::string(v.substr(0, arrow)) + " " + std::string(v.substr(arrow + 4));
      else
        m.verdict = std::string(v);
    } else if (e.rfind("reject", 0) == 0) {
      m.verdict = "drop";
    } else {
      and_cond(Cond::unknown);
    }
  }
  return m;
}

// Result of running a chain: accept, drop, unknown, or "" (fell off the end / return).
std::string run(const std::map<std::string, std::vector<std::string>>& chains, const std::string& chain, const Flow& f,
                int depth) {
  if (depth > 16) return "unknown";
  auto it = chains.find(chain);
  if (it == chains.end()) return "unknown";
  for (const auto& listing : it->second) {
    auto m = meaning(listing, f);
    if (m.cond == Cond::no || m.verdict.empty()) continue;
    if (m.cond == Cond::unknown) return "unknown";
    if (m.verdict == "accept" || m.verdict == "drop") return m.verdict;
    if (m.verdict == "return") return "";
    bool jump = m.verdict.rfind("jump ", 0) == 0, go = m.verdict.rfind("goto ", 0) == 0;
    if (!jump && !go) return "unknown";  // queue, continue and the like
    auto r = run(chains, m.verdict.substr(5), f, depth + 1);
    if (!r.empty() || go) return r;
  }
  return "";
}

}  // namespace

Fate fate(const ForeignChain& c, const Flow& f) {
  auto r = run(c.table_chains, c.chain, f, 0);
  if (r.empty()) r = c.policy_drop ? "drop" : "accept";
  return r == "accept" ? Fate::accept : r == "drop" ? Fate::drop : Fate::unknown;
}

}  // namespace bdctl::nft
