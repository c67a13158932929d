// HTTP to the local service through libcurl. libcurl is initialised on the
// first Client only, so tools that never ask ZeroTier do not pay for it.
#include <curl/curl.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/zerotier.hpp"

namespace bdctl::zerotier {

namespace {
void curl_init_once() {
  static std::once_flag once;
  // Plain HTTP over loopback: no TLS back-end initialisation needed.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_NOTHING); });
}

std::string trim_token(std::string s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::strchr(" \t\r\n", s[i])) ++i;
  return s.substr(i);
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
}  // namespace

struct Client::Curl {
  CURL* h = nullptr;
  ~Curl() {
    if (h) curl_easy_cleanup(h);
  }
};

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
      auto text = read_file(path);
      if (!text) {
        if (first_error.empty()) first_error = fmt::format("{} does not exist", path);
        continue;
      }
      token_ = trim_token(std::move(*text));
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
  curl_init_once();
  if (!curl_) {
    curl_ = std::make_unique<Curl>();
    curl_->h = curl_easy_init();
    if (!curl_->h) throw ApiError(Failure::protocol, "libcurl: cannot create a handle");
  }
  CURL* h = curl_->h;
  curl_easy_reset(h);
  std::string body;
  std::string url = loc_.url_base + path;
  std::string auth = "X-ZT1-Auth: " + token_;
  std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(nullptr, auth.c_str()));
  // Wipe our copy of the header line: the token lives only in token_ and libcurl's list.
  std::fill(auth.begin(), auth.end(), '\0');
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // an http_proxy in the environment must not see the token
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // checks run in threads
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(h);
  std::string where = loc_.url_base.substr(std::strlen("http://"));
  if (rc == CURLE_COULDNT_CONNECT) {
    throw ApiError(Failure::not_running,
                   fmt::format("ZeroTier service not running: connection refused on {} (start it: systemctl start "
                               "zerotier-one; port from {})",
                               where, loc_.port_source));
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    throw ApiError(Failure::timeout, fmt::format("ZeroTier service on {} did not answer GET {} within {}", where, path,
                                                 format_duration(timeout_)));
  }
  if (rc != CURLE_OK) {
    throw ApiError(Failure::protocol, fmt::format("ZeroTier service on {}: GET {}: {}", where, path,
                                                  *errbuf ? errbuf : curl_easy_strerror(rc)));
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  if (code == 401) {
    throw ApiError(Failure::token_rejected,
                   fmt::format("ZeroTier service on {} rejected the auth token from {} (401): the token belongs to "
                               "another zerotier-one home, or this address is not allowed to manage it",
                               where, loc_.token_file));
  }
  return {code, std::move(body)};
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
