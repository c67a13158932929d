#include "bdctl/http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstring>
#include <mutex>

#include "bdctl/error.hpp"
#include "bdctl/fileio.hpp"
#include "bdctl/handles.hpp"

namespace bdctl::http {

namespace {
struct Sink {
  std::string* body;
  std::size_t max;
  bool overflow = false;
};

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  if (s->body->size() + size * n > s->max) {
    s->overflow = true;
    return 0;  // libcurl stops the transfer: nothing more is read or kept
  }
  s->body->append(data, size * n);
  return size * n;
}

// Where the host part of url starts and ends (after "scheme://", before '/').
std::pair<std::size_t, std::size_t> authority(const std::string& url) {
  auto s = url.find("://");
  std::size_t start = s == std::string::npos ? 0 : s + 3;
  auto end = url.find_first_of("/?#", start);
  return {start, end == std::string::npos ? url.size() : end};
}
}  // namespace

// A function-pointer deleter, not Owned<>: the lazy curl_easy_cleanup is a
// hidden symbol, and Client::Handle is exported.
struct Client::Handle {
  std::unique_ptr<CURL, void (*)(CURL*)> c;
};

Client::Client() = default;
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Reply Client::get(const Request& req) {
  static std::once_flag once;
  // Plain HTTP needs no TLS back-end initialisation (start-up time on the Pi);
  // libcurl initialises TLS itself if an https board comes later.
  std::call_once(once, [&] { curl_global_init(req.allow_https ? CURL_GLOBAL_DEFAULT : CURL_GLOBAL_NOTHING); });
  if (!h_) {
    std::unique_ptr<CURL, void (*)(CURL*)> c(curl_easy_init(), curl_easy_cleanup);
    if (!c) throw Error(Failure::transport, "libcurl: cannot create a handle");
    h_ = std::make_unique<Handle>(Handle{std::move(c)});
  }
  CURL* c = h_->c.get();
  curl_easy_reset(c);
  Reply reply;
  Sink sink{&reply.body, req.max_body};
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_slist* list = nullptr;
  for (const auto& h : req.headers) list = curl_slist_append(list, h.c_str());
  Owned<curl_slist, curl_slist_free_all> headers(list);
  const long ms = std::max(1L, long(req.timeout.count()));
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // checks run in threads
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, req.allow_https ? "http,https" : "http");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");  // an http_proxy in the environment must not see a secret
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(req.max_body));
  if (req.fresh_connection) curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, req.user_agent.c_str());
  if (!req.user.empty() || !req.password.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
    curl_easy_setopt(c, CURLOPT_USERNAME, req.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, req.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED)
    throw Error(Failure::too_large, fmt::format("answer larger than {}", size_text(req.max_body)));
  long os_errno = 0;
  curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
  if (rc != CURLE_OK && local_resource_error(int(os_errno)))
    throw Error(Failure::local, fmt::format("cannot open a socket: {}", std::strerror(int(os_errno))));
  if (rc == CURLE_COULDNT_CONNECT) throw Error(Failure::connect, "connection refused");
  if (rc == CURLE_OPERATION_TIMEDOUT)
    throw Error(Failure::timeout, fmt::format("no reply within {}", format_duration(Millis(ms))));
  if (rc != CURLE_OK) throw Error(Failure::transport, *errbuf ? errbuf : curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

bool url_has_credentials(const std::string& url) {
  auto [start, end] = authority(url);
  return url.find('@', start) < end;
}

std::string redact_url(const std::string& url) {
  auto [start, end] = authority(url);
  auto at = url.rfind('@', end);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + url.substr(at + 1);
}

}  // namespace bdctl::http
