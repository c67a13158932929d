// One HTTP GET through libcurl with the board's timeout and optional Basic
// auth. Credentials go through CURLOPT_USERNAME/PASSWORD, never the URL, so
// no error message or log line can carry them.
#pragma once
#include <memory>
#include <string>

#include "bdctl/relay.hpp"

namespace bdctl::relay {

struct HttpReply {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(const BoardSpec& board);  // InputError for a bad url
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET base_url + path. SystemError naming the board on transport failure,
  // timeout, or 401 (reported as wrong or missing credentials). Other HTTP
  // codes are returned: the caller decides (KMTronic answers 404 yet switches).
  HttpReply get(const std::string& path);

 private:
  const BoardSpec& board_;
  std::string base_;
  struct Handle;
  std::unique_ptr<Handle> h_;
};

}  // namespace bdctl::relay
