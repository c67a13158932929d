// Finding the service as zerotier-cli does (one.cpp): home, then port file,
// then token file, each overridable.
#include <fmt/format.h>

#include <cstdlib>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::zerotier {

namespace {
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

int parse_port(const std::string& text, const std::string& where) {
  std::string t = trim(text);
  int port = 0;
  bool digits = !t.empty() && t.size() <= 5;
  for (char c : t) {
    if (c < '0' || c > '9')
      digits = false;
    else
      port = port * 10 + (c - '0');
  }
  if (!digits || port < 1 || port > 65535)
    throw InputError(fmt::format("{}: '{}' is not a TCP port (1-65535)", where, t));
  return port;
}
}  // namespace

Location locate(const ClientOptions& opt) {
  Location loc;
  if (opt.home && !opt.home->empty()) {
    loc.home = *opt.home;
  } else if (const char* env = std::getenv("ZEROTIER_HOME"); env && *env) {
    loc.home = env;
  } else {
    loc.home = kDefaultHome;
  }
  while (loc.home.size() > 1 && loc.home.back() == '/') loc.home.pop_back();

  if (opt.port) {
    if (*opt.port < 1 || *opt.port > 65535)
      throw InputError(fmt::format("--zt-port {}: not a TCP port (1-65535)", *opt.port));
    loc.port = *opt.port;
    loc.port_source = "--zt-port";
  } else {
    std::string pf = loc.home + "/zerotier-one.port";
    std::optional<std::string> text;
    try {
      text = read_file(pf);
    } catch (const SystemError&) {
      text.reset();  // unreadable: zerotier-cli falls back to the default too
    }
    if (text) {
      loc.port = parse_port(*text, pf);
      loc.port_source = pf;
    } else {
      loc.port = kDefaultPort;
      loc.port_source = "default";
    }
  }
  loc.token_file = opt.token_file ? *opt.token_file : loc.home + "/authtoken.secret";
  loc.url_base =
      fmt::format("http://{}:{}", opt.host.find(':') != std::string::npos ? "[" + opt.host + "]" : opt.host, loc.port);
  return loc;
}

}  // namespace bdctl::zerotier
