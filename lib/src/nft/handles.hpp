// RAII owners for libnftnl objects; the netlink socket is nl::Channel's.
#pragma once
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "../netlink/channel.hpp"
#include "bdctl/handles.hpp"
#include "bdctl/nft.hpp"

namespace bdctl::nft {

using TablePtr = Owned<nftnl_table, nftnl_table_free>;
using ChainPtr = Owned<nftnl_chain, nftnl_chain_free>;
using RulePtr = Owned<nftnl_rule, nftnl_rule_free>;

}  // namespace bdctl::nft
