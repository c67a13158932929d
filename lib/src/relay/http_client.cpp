#include "http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include "bdctl/error.hpp"
#include "bdctl/relay_safety.hpp"

namespace bdctl::relay {

namespace {
struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > (1u << 20)) return 0;  // a relay board never sends a megabyte
  out->append(data, size * n);
  return size * n;
}
}  // namespace

struct HttpClient::Handle {
  CURL* c = nullptr;
  ~Handle() {
    if (c) curl_easy_cleanup(c);
  }
};

HttpClient::HttpClient(const BoardSpec& board) : board_(board), h_(std::make_unique<Handle>()) {
  static GlobalInit init;
  const std::string& u = board.url;
  auto scheme = u.find("://");
  if (scheme == std::string::npos || (u.compare(0, scheme, "http") != 0 && u.compare(0, scheme, "https") != 0))
    throw InputError(fmt::format("board {}: url must start with http:// or https://", board.name));
  auto host_end = u.find('/', scheme + 3);
  if (u.substr(scheme + 3, host_end == std::string::npos ? std::string::npos : host_end - scheme - 3).find('@') !=
      std::string::npos)
    // Do not echo the url: it holds a password.
    throw InputError(fmt::format("board {}: put credentials in user/password, not in the url", board.name));
  base_ = u;
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
  h_->c = curl_easy_init();
  if (!h_->c) throw SystemError("curl_easy_init failed");
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::get(const std::string& path) {
  CURL* c = h_->c;
  curl_easy_reset(c);
  HttpReply reply;
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string url = base_ + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(board_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(board_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);  // one short connection per request, as the boards expect
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOPROXY,
                   "*");  // requests (and the board password) go to the board only, never an http_proxy
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "bdctl-relay");
  if (!board_.user.empty() || !board_.password.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, board_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, board_.password.c_str());
  }
  space_requests(board_.name, board_.spacing);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) why = fmt::format("no reply within {}", format_duration(board_.timeout));
    throw SystemError(fmt::format("board {} ({}{}): {}", board_.name, base_, path, why));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  if (reply.status == 401)
    throw SystemError(fmt::format("board {} ({}): {} (HTTP 401)", board_.name, base_,
                                  board_.user.empty() && board_.password.empty()
                                      ? "the board requires a login: set user and password"
                                      : "wrong user or password"));
  return reply;
}

}  // namespace bdctl::relay
