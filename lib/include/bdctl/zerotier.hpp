// Client of the ZeroTier-One local service API (127.0.0.1:9993 by default),
// over libcurl. Finds the service the way zerotier-cli does and returns typed
// views of /status, /network and /peer, quirks included (401 {}, 404 with an
// empty body, {} for an unknown peer, latency -1, via null).
//
// The auth token is read once into the client and never appears in an error
// message or in any returned value.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bdctl/duration.hpp"
#include "bdctl/error.hpp"
#include "bdctl/http.hpp"

namespace bdctl::zerotier {

inline constexpr int kDefaultPort = 9993;
inline constexpr const char* kDefaultHome = "/var/lib/zerotier-one";

// What the caller may force; everything left empty is found as zerotier-cli does.
struct ClientOptions {
  std::optional<std::string> home{};        // --zt-home, else $ZEROTIER_HOME, else kDefaultHome
  std::optional<int> port{};                // --zt-port, else <home>/zerotier-one.port, else 9993
  std::optional<std::string> token_file{};  // --zt-token-file, else <home>/authtoken.secret,
                                            // else ~/.zeroTierOneAuthToken
  std::string host = "127.0.0.1";
  Millis timeout{2000};  // whole request, connect included
};

// Where the service was found (no secret in here: safe to print).
struct Location {
  std::string home;
  int port = kDefaultPort;
  std::string port_source;  // "--zt-port", "<home>/zerotier-one.port", "default"
  std::string token_file;   // the file the token was read from
  std::string url_base;     // "http://127.0.0.1:9993"
};

// Resolve home, port and token path without reading the token. Throws
// InputError for a malformed port file or option.
Location locate(const ClientOptions& opt);

// ---- typed views -----------------------------------------------------------

struct Status {
  std::string address;  // 10 hex
  std::string version;  // "1.14.1"
  bool online = false;
  bool tcp_fallback_active = false;
  std::int64_t clock_ms = 0;
  int primary_port = 0;
  std::vector<std::string> listening_on;  // "ip/port"
  // zerotier-cli's word: TUNNELED if tcpFallbackActive, else ONLINE/OFFLINE.
  std::string state() const;
};

struct ManagedRoute {
  std::string target;              // as sent; may have host bits set ("192.168.1.0/23")
  std::optional<std::string> via;  // null for the network's own subnet
  int flags = 0;
  int metric = 0;
};

struct Network {
  std::string id;
  std::string name;    // "" until the first configuration arrives
  std::string status;  // OK, REQUESTING_CONFIGURATION, ACCESS_DENIED, NOT_FOUND, PORT_ERROR, ...
  std::string type;    // PRIVATE / PUBLIC
  std::string mac;
  std::string port_device_name;  // the Linux interface, "zt327pdwre"
  int mtu = 0;
  int port_error = 0;
  int netconf_revision = 0;
  bool allow_managed = true, allow_global = false, allow_default = false, allow_dns = false;
  bool bridge = false;
  std::vector<std::string> assigned_addresses;  // "10.147.20.54/24"
  std::vector<ManagedRoute> routes;
};

struct PeerPath {
  std::string address;                           // "ip/port"
  std::int64_t last_send = 0, last_receive = 0;  // ms since the epoch, 0 if never
  bool active = false, expired = false, preferred = false;
};

struct Peer {
  std::string address;                 // 10 hex
  std::string role;                    // LEAF, MOON, PLANET
  std::optional<int> latency_ms;       // -1 on the wire means unknown
  std::optional<std::string> version;  // "-1.-1.-1" on the wire means unknown
  bool tunneled = false;
  std::vector<PeerPath> paths;
  // A usable direct path: active, not expired. Without one, traffic is relayed.
  const PeerPath* direct_path() const;
};

// Parsers for the bodies (exposed for tests). Throw SystemError naming the
// endpoint when the JSON does not have the documented shape.
Status parse_status(const nlohmann::json& j);
Network parse_network(const nlohmann::json& j);
Peer parse_peer(const nlohmann::json& j);

// "What a person should do" for a network status string.
std::string explain_network_status(std::string_view status);

// 16 hex digits (lowercased) or InputError naming the value; checked before any request.
std::string validate_network_id(std::string_view id);
// 10 hex digits (lowercased) or InputError naming the value.
std::string validate_node_address(std::string_view addr);

// ---- the client ------------------------------------------------------------

// Why a request failed, for callers that map failures to states.
enum class Failure {
  not_running,  // connection refused
  timeout,      // no answer in time
  token_unreadable,
  token_rejected,  // 401
  protocol,        // unexpected status or body
  local,           // this process could not open a socket (EMFILE): the service is unknown
};

// A SystemError (exit 1 in the tools) that also says which kind of failure.
class ApiError : public SystemError {
 public:
  ApiError(Failure f, const std::string& msg) : SystemError(msg), failure_(f) {}
  Failure failure() const noexcept { return failure_; }

 private:
  Failure failure_;
};

class Client {
 public:
  // Locates the service and reads the token. Throws ApiError(token_unreadable)
  // with advice when no token file can be read, InputError for bad options.
  explicit Client(const ClientOptions& opt);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  const Location& location() const { return loc_; }

  // Each throws ApiError (never containing the token) when the service cannot
  // answer; InputError for an invalid ID before sending anything.
  Status status();
  std::vector<Network> networks();
  std::optional<Network> network(std::string_view id);  // nullopt: not joined (404 {})
  std::vector<Peer> peers();
  std::optional<Peer> peer(std::string_view address);  // nullopt: unknown ({} with 200)

  // Raw GET for tools that pass a path through; returns {status code, body}.
  std::pair<long, std::string> get(const std::string& path);

 private:
  nlohmann::json get_json(const std::string& path, bool allow_404);
  Location loc_;
  std::string token_;
  Millis timeout_;
  http::Client http_;
};

// The Linux interface of the ZeroTier network to route: the only joined
// network, or the one named. Throws ApiError when the service cannot be
// asked, InputError when zero or several networks are joined (naming them)
// or the named one is not joined.
std::string interface_name(const ClientOptions& opt, const std::optional<std::string>& network_id);

}  // namespace bdctl::zerotier
