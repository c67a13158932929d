// A chain's drift as JSON: one shape for every status and check that reports it.
#include <nlohmann/json.hpp>

#include "bdctl/nft.hpp"
#include "bdctl/printable.hpp"

namespace bdctl::nft {

void to_json(nlohmann::ordered_json& j, const ChainDrift& d) {
  j = {{"chain", d.chain},
       {"missing", d.missing},
       {"missing_rules", printable(d.missing_rules)},
       {"extra_rules", printable(d.extra_rules)}};
}

}  // namespace bdctl::nft
