// libcurl, loaded on first use.
//
// Linking libcurl (OpenSSL build) maps a dozen libraries into every process,
// about 7 MB of RSS on start-up, although only the ZeroTier client and the
// relay web drivers speak HTTP. These hidden definitions of the few curl_*
// functions bdctl calls take the place of the real ones inside libbdctl:
// the first call dlopen()s libcurl.so.4 and forwards to it. Tools that never
// speak HTTP (bdctl-route without API discovery, bdctl-mss) never load it.
#include <curl/curl.h>

#include <mutex>

#include "bdctl/error.hpp"
#include "dl.hpp"

#define BDCTL_HIDDEN __attribute__((visibility("hidden")))

namespace {

struct Api {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

const Api& api() {
  static Api a;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = bdctl::dl::open("libcurl.so.4", "libcurl4");
    auto sym = [h](auto& fn, const char* name) { bdctl::dl::bind(h, "libcurl.so.4", fn, name); };
    sym(a.global_init, "curl_global_init");
    sym(a.easy_init, "curl_easy_init");
    sym(a.easy_setopt, "curl_easy_setopt");
    sym(a.easy_perform, "curl_easy_perform");
    sym(a.easy_getinfo, "curl_easy_getinfo");
    sym(a.easy_cleanup, "curl_easy_cleanup");
    sym(a.easy_reset, "curl_easy_reset");
    sym(a.easy_strerror, "curl_easy_strerror");
    sym(a.slist_append, "curl_slist_append");
    sym(a.slist_free_all, "curl_slist_free_all");
  });
  return a;
}

}  // namespace

extern "C" {

BDCTL_HIDDEN CURLcode curl_global_init(long flags) { return api().global_init(flags); }
BDCTL_HIDDEN CURL* curl_easy_init() { return api().easy_init(); }
BDCTL_HIDDEN CURLcode curl_easy_perform(CURL* c) { return api().easy_perform(c); }
BDCTL_HIDDEN void curl_easy_cleanup(CURL* c) { api().easy_cleanup(c); }
BDCTL_HIDDEN void curl_easy_reset(CURL* c) { api().easy_reset(c); }
BDCTL_HIDDEN const char* curl_easy_strerror(CURLcode e) { return api().easy_strerror(e); }
BDCTL_HIDDEN curl_slist* curl_slist_append(curl_slist* l, const char* s) { return api().slist_append(l, s); }
BDCTL_HIDDEN void curl_slist_free_all(curl_slist* l) { api().slist_free_all(l); }

// curl_easy_setopt and curl_easy_getinfo are variadic: curl_varargs.c has
// them (in C, where va_start on their enum parameter is defined) and asks
// here for libcurl's own. nullptr rather than an exception through C frames;
// curl_easy_init has loaded libcurl (or thrown) before any handle exists.
BDCTL_HIDDEN auto bdctl_curl_real_setopt() noexcept -> decltype(Api::easy_setopt) {
  try {
    return api().easy_setopt;
  } catch (...) {
    return nullptr;
  }
}
BDCTL_HIDDEN auto bdctl_curl_real_getinfo() noexcept -> decltype(Api::easy_getinfo) {
  try {
    return api().easy_getinfo;
  } catch (...) {
    return nullptr;
  }
}

}  // extern "C"
