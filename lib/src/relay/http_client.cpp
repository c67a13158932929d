#include "http_client.hpp"

#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::relay {

HttpClient::HttpClient(const BoardSpec& board) : board_(board) {
  const std::string& u = board.url;
  auto scheme = u.find("://");
  if (scheme == std::string::npos || (u.compare(0, scheme, "http") != 0 && u.compare(0, scheme, "https") != 0))
    throw InputError(fmt::format("board {}: url must start with http:// or https://", board.name));
  if (http::url_has_credentials(u))
    // Do not echo the url: it holds a password.
    throw InputError(fmt::format("board {}: put credentials in user/password, not in the url", board.name));
  base_ = u;
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

HttpReply HttpClient::get(const std::string& path, std::optional<Millis> timeout) {
  http::Request req;
  req.url = base_ + path;
  req.timeout = timeout.value_or(board_.timeout);
  req.user = board_.user;
  req.password = board_.password;
  req.user_agent = "bdctl-relay";
  req.allow_https = true;
  req.fresh_connection = true;  // one short connection per request, as the boards expect
  space_requests(board_.name, board_.spacing);
  HttpReply reply;
  try {
    reply = client_.get(req);
  } catch (const http::Error& e) {
    throw SystemError(fmt::format("board {} ({}{}): {}", board_.name, base_, path, e.what()));
  }
  if (reply.status == 401)
    throw SystemError(fmt::format("board {} ({}): {} (HTTP 401)", board_.name, base_,
                                  board_.user.empty() && board_.password.empty()
                                      ? "the board requires a login: set user and password"
                                      : "wrong user or password"));
  return reply;
}

}  // namespace bdctl::relay
