// The one HTTP client of bdctl (the ZeroTier API and the relay web boards):
// libcurl, one handle per Client, every reply bounded, no proxy, secrets
// only in headers or CURLOPT_USERNAME/PASSWORD so no error can carry them.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"

namespace bdctl::http {

struct Request {
  std::string url;  // http:// (or https:// when allow_https)
  Millis timeout{3000};
  std::size_t max_body = std::size_t(1) << 20;  // a longer answer is an error, never buffered
  std::vector<std::string> headers;             // "Name: value"
  std::string user, password;                   // Basic auth when either is set
  std::string user_agent = "bdctl";
  bool allow_https = false;
  bool fresh_connection = false;  // one short connection per request (KMTronic boards)
};

struct Reply {
  long status = 0;
  std::string body;
};

// local: this process could not even try (no descriptor or memory for a
// socket): the service's state is unknown, not "down".
enum class Failure { connect, timeout, too_large, transport, local };

// A request that got no complete answer. what() is the reason alone
// ("no reply within 1s", "answer larger than 1 MiB"): callers add who was asked.
class Error : public SystemError {
 public:
  Error(Failure f, const std::string& why) : SystemError(why), failure(f) {}
  Failure failure;
};

class Client {
 public:
  Client();
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Reply get(const Request& req);  // throws http::Error; any HTTP status is returned

 private:
  struct Handle;
  std::unique_ptr<Handle> h_;
};

// url with any user:password@ removed, for display.
std::string redact_url(const std::string& url);
// True when url carries credentials (user info before the host).
bool url_has_credentials(const std::string& url);

}  // namespace bdctl::http
