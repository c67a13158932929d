// A chain's drift as JSON: one shape for every status and check that reports it.
#include <nlohmann/json.hpp>

#include "bdctl/nft.hpp"
#include "bdctl/printable.hpp"

namespace bdctl::nft {

void to_json(nlohmann::ordered_json& j, const ChainDrift& d) {
  auto texts = [](const std::vector<std::string>& v) {
    auto a = nlohmann::ordered_json::array();
    for (const auto& s : v) a.push_back(printable(s));
    return a;
  };
  j = {{"chain", d.chain},
       {"missing", d.missing},
       {"missing_rules", texts(d.missing_rules)},
       {"extra_rules", texts(d.extra_rules)}};
}

}  // namespace bdctl::nft
