// A relay board's HTTP requests through the one client (bdctl/http.hpp):
// the board's timeout, its spacing, Basic auth, errors naming the board.
#pragma once
#include <optional>
#include <string>

#include "bdctl/http.hpp"
#include "bdctl/relay.hpp"

namespace bdctl::relay {

using HttpReply = http::Reply;

class HttpClient {
 public:
  explicit HttpClient(const BoardSpec& board);  // InputError for a bad url

  // GET base_url + path within `timeout` (default: the board's). SystemError
  // naming the board on transport failure, timeout, or 401 (reported as wrong
  // or missing credentials). Other HTTP codes are returned: the caller
  // decides (KMTronic answers 404 yet switches).
  HttpReply get(const std::string& path, std::optional<Millis> timeout = std::nullopt);

 private:
  const BoardSpec& board_;
  std::string base_;
  http::Client client_;
};

}  // namespace bdctl::relay
