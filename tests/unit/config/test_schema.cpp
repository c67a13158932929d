// bdctl.toml's keys: what no tool reads is an error naming file, line and key.
#include <catch2/catch.hpp>

#include "bdctl/config.hpp"
#include "bdctl/error.hpp"

using namespace bdctl;

namespace {
std::string refusal(const std::string& text) {
  try {
    Config::parse(text, "bdctl.toml").check_keys();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("every documented key is accepted", "[unit]") {
  CHECK(refusal(R"(
[site]
subnet = "192.168.1.0/24"
lan_interface = "eth0"
zerotier_interface = "zt*"
zerotier_network = "8056c2e21c000001"
[site.ranges]
pool = "192.168.1.10-192.168.1.199"
[site.static]
pi = "192.168.1.201"
[route]
family = "ipv4"
masquerade = false
allow_lan_initiated = false
[mss]
mss = 1360
iface = "ppp0"
family = "both"
[check]
timeout = "1s"
[check.targets]
nuc = "192.168.1.205:3389"
[boards.lan8]
driver = "kmtronic-http"
url = "http://192.168.1.200"
password_file = "/etc/bdctl/lan8.password"
[relays.station]
board = "lan8"
channel = 1
protected = true
)") == "");
}

TEST_CASE("a misspelt key is refused with its line and the likely key", "[unit]") {
  CHECK(refusal("[boards.b]\ndriver = \"gpio\"\n\n[relays.station]\nboard = \"b\"\nchannel = 1\nprotcted = true\n") ==
        "bdctl.toml:7: unknown key relays.station.protcted (did you mean protected?)");
  CHECK(refusal("[relays.bms1]\npulse_len = \"2s\"\n") ==
        "bdctl.toml:2: unknown key relays.bms1.pulse_len (did you mean pulse?)");
  CHECK(refusal("[site]\nlan_iface = \"eth0\"\n") ==
        "bdctl.toml:2: unknown key site.lan_iface (did you mean lan_interface?)");
}

TEST_CASE("a misspelt table is refused", "[unit]") {
  CHECK(refusal("[relay.x]\nboard = \"b\"\n") == "bdctl.toml:1: unknown table relay (did you mean relays?)");
  CHECK(refusal("\n[checks.targets]\nnuc = \"h:1\"\n") == "bdctl.toml:2: unknown table checks (did you mean check?)");
  CHECK(refusal("[frobnicate]\n") == "bdctl.toml:1: unknown table frobnicate");
}

TEST_CASE("a table where a value belongs, and a value where a table belongs", "[unit]") {
  CHECK(refusal("[site]\nranges = \"x\"\n") == "bdctl.toml:2: key 'site.ranges': expected a table [site.ranges]");
  CHECK(refusal("relays = 1\n") == "bdctl.toml:1: key 'relays': expected a table [relays]");
  // A leaf's type is the reader's business (Config::get_*), not the schema's.
  CHECK(refusal("[mss]\nmss = \"big\"\n") == "");
}
