// Which way this session reaches the Pi: a confirm proves the backdoor works
// only when it came over the backdoor (LuCI's lesson: a confirm over another
// path once kept changes that had cut the one that mattered).
#include <sstream>

#include "bdctl/change.hpp"

namespace bdctl::change {

std::optional<SessionPath> session_path(const char* ssh_connection, const std::vector<Address>& addresses,
                                        const std::vector<Link>& links) {
  if (!ssh_connection || !*ssh_connection) return std::nullopt;
  // "CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT" (sshd sets it for every session).
  std::istringstream in(ssh_connection);
  std::string client, cport, server;
  in >> client >> cport >> server;
  SessionPath p;
  p.address = server;
  if (server.rfind("::ffff:", 0) == 0 && server.find('.') != std::string::npos) server.erase(0, 7);
  auto ip = try_parse_address(server);
  if (!ip) return p;  // malformed: the path stays unknown
  for (const auto& a : addresses) {
    if (a.prefix.addr != *ip) continue;
    for (const auto& l : links)
      if (l.index == a.ifindex) p.interface = l.name;
  }
  return p;
}

}  // namespace bdctl::change
