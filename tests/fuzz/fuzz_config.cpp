// bdctl.toml as every tool reads it: toml++ parse, then the typed look-ups and
// the key schema, and the [boards]/[relays], [mss] and [check] interpretation on top of it.
#include "bdctl/check.hpp"
#include "bdctl/config.hpp"
#include "bdctl/mss.hpp"
#include "bdctl/relay_config.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(fuzz::view(data, size));
  fuzz::refused_ok([&] {
    auto cfg = bdctl::Config::parse(text, "fuzz.toml");
    for (const char* key : {"site.subnet", "route.zt", "route.lan", "check.timeout", "mss.mtu", "relays"}) {
      fuzz::refused_ok([&] { (void)cfg.get_string(key); });
      fuzz::refused_ok([&] { (void)cfg.get_int(key); });
      fuzz::refused_ok([&] { (void)cfg.get_bool(key); });
      fuzz::refused_ok([&] { (void)cfg.get_duration(key); });
      fuzz::refused_ok([&] { (void)cfg.get_strings(key); });
      fuzz::refused_ok([&] { (void)cfg.table_keys(key); });
      (void)cfg.where(key);
    }
    fuzz::refused_ok([&] { cfg.check_keys(); });
    fuzz::refused_ok([&] { (void)bdctl::mss::options_from_config(cfg); });
    fuzz::refused_ok([&] { (void)bdctl::relay::RelayConfig::from(cfg); });
    fuzz::refused_ok([&] {
      bdctl::check::Settings s;
      bdctl::check::apply_config(cfg, s);
    });
  });
  return 0;
}
