// HTTP to the local service through the one HTTP client (bdctl/http.hpp):
// replies bounded, the token validated before it goes into a header.
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/http.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::zerotier {

namespace {
constexpr std::size_t kMaxToken = 256;       // zerotier-one writes 24 characters
constexpr std::size_t kMaxReply = 4u << 20;  // /peer on a busy node is tens of KiB

std::string trim_token(std::string s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::strchr(" \t\r\n", s[i])) ++i;
  return s.substr(i);
}

// A token goes into a request header: printable ASCII, no space, bounded.
void validate_token(const std::string& t, const std::string& path) {
  for (unsigned char c : t)
    if (c <= ' ' || c >= 0x7f)
      throw SystemError(fmt::format("{}: not a ZeroTier auth token (holds a control or non-ASCII character)", path));
}
}  // namespace

Client::Client(const ClientOptions& opt) : loc_(locate(opt)), timeout_(opt.timeout) {
  // The token: the named file, else <home>/authtoken.secret, else the per-user copy.
  std::vector<std::string> candidates{loc_.token_file};
  if (!opt.token_file) {
    if (const char* home = std::getenv("HOME"); home && *home)
      candidates.push_back(std::string(home) + "/.zeroTierOneAuthToken");
  }
  std::string first_error;
  for (const auto& path : candidates) {
    try {
      auto text = read_file(path, kMaxToken + 2);
      if (!text) {
        if (first_error.empty()) first_error = fmt::format("{} does not exist", path);
        continue;
      }
      std::string t = trim_token(std::move(*text));
      validate_token(t, path);
      token_ = std::move(t);
      if (token_.empty()) {
        if (first_error.empty()) first_error = fmt::format("{} is empty", path);
        continue;
      }
      loc_.token_file = path;
      break;
    } catch (const SystemError& e) {
      if (first_error.empty()) first_error = e.what();
    }
  }
  if (token_.empty()) {
    std::string advice = opt.token_file ? "check the path given with --zt-token-file"
                                        : "run as root, or copy the token to ~/.zeroTierOneAuthToken (chmod 600)";
    throw ApiError(Failure::token_unreadable,
                   fmt::format("cannot read the ZeroTier auth token: {}; {}", first_error, advice));
  }
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

std::pair<long, std::string> Client::get(const std::string& path) {
  http::Request req;
  req.url = loc_.url_base + path;
  req.timeout = timeout_;
  req.max_body = kMaxReply;
  req.user_agent = "bdctl";
  req.headers.push_back("X-ZT1-Auth: " + token_);
  std::string where = loc_.url_base.substr(std::strlen("http://"));
  http::Reply reply;
  try {
    reply = http_.get(req);
  } catch (const http::Error& e) {
    std::fill(req.headers[0].begin(), req.headers[0].end(), '\0');  // the token lives only in token_
    switch (e.failure) {
      case http::Failure::connect:
        throw ApiError(Failure::not_running,
                       fmt::format("ZeroTier service not running: connection refused on {} (start it: systemctl "
                                   "start zerotier-one; port from {})",
                                   where, loc_.port_source));
      case http::Failure::timeout:
        throw ApiError(Failure::timeout, fmt::format("ZeroTier service on {} did not answer GET {} within {}", where,
                                                     path, format_duration(timeout_)));
      case http::Failure::local:
        throw ApiError(Failure::local, fmt::format("cannot ask the ZeroTier service on {}: {}", where, e.what()));
      case http::Failure::too_large:
      case http::Failure::transport:
        throw ApiError(Failure::protocol, fmt::format("ZeroTier service on {}: GET {}: {}", where, path, e.what()));
    }
  }
  std::fill(req.headers[0].begin(), req.headers[0].end(), '\0');
  if (reply.status == 401) {
    throw ApiError(Failure::token_rejected,
                   fmt::format("ZeroTier service on {} rejected the auth token from {} (401): the token belongs to "
                               "another zerotier-one home, or this address is not allowed to manage it",
                               where, loc_.token_file));
  }
  return {reply.status, std::move(reply.body)};
}

nlohmann::json Client::get_json(const std::string& path, bool allow_404) {
  auto [code, body] = get(path);
  if (code == 404 && allow_404) return nullptr;
  std::string where = loc_.url_base.substr(std::strlen("http://"));
  if (code != 200)
    throw ApiError(Failure::protocol, fmt::format("ZeroTier service on {}: GET {}: HTTP {}", where, path, code));
  if (body.empty())  // never feed an empty body to the parser
    throw ApiError(Failure::protocol, fmt::format("ZeroTier service on {}: GET {}: empty answer", where, path));
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded())
    throw ApiError(Failure::protocol, fmt::format("ZeroTier service on {}: GET {}: answer is not JSON", where, path));
  return j;
}

Status Client::status() { return parse_status(get_json("/status", false)); }

std::vector<Network> Client::networks() {
  auto j = get_json("/network", false);
  if (!j.is_array()) throw ApiError(Failure::protocol, "ZeroTier GET /network: expected a JSON array");
  std::vector<Network> out;
  for (const auto& e : j) out.push_back(parse_network(e));
  return out;
}

std::optional<Network> Client::network(std::string_view id) {
  std::string nwid = validate_network_id(id);
  auto j = get_json("/network/" + nwid, true);
  if (j.is_null() || (j.is_object() && j.empty())) return std::nullopt;  // 404 {}: not joined
  return parse_network(j);
}

std::vector<Peer> Client::peers() {
  auto j = get_json("/peer", false);
  if (!j.is_array()) throw ApiError(Failure::protocol, "ZeroTier GET /peer: expected a JSON array");
  std::vector<Peer> out;
  for (const auto& e : j) out.push_back(parse_peer(e));
  return out;
}

std::optional<Peer> Client::peer(std::string_view address) {
  std::string a = validate_node_address(address);
  auto j = get_json("/peer/" + a, false);
  if (j.is_object() && j.empty()) return std::nullopt;  // 200 {}: unknown peer
  return parse_peer(j);
}

}  // namespace bdctl::zerotier
