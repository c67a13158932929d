/* curl_easy_setopt and curl_easy_getinfo for libcurl loaded on first use
 * (curl_lazy.cpp has the rest and why).
 *
 * These two are variadic and their last named parameter is an enum. In C an
 * enum is compatible with its integer type, so va_start on it is defined, as
 * in libcurl itself; in C++ the enum is promoted to int when passed, and
 * va_start on a parameter that undergoes promotion is undefined behaviour
 * (clang: -Wvarargs). So they are written in C. */
#include <curl/curl.h>
#include <stdarg.h>

#undef curl_easy_setopt
#undef curl_easy_getinfo

#define BDCTL_HIDDEN __attribute__((visibility("hidden")))

typedef CURLcode (*bdctl_setopt_fn)(CURL*, CURLoption, ...);
typedef CURLcode (*bdctl_getinfo_fn)(CURL*, CURLINFO, ...);

/* curl_lazy.cpp: libcurl's own functions, or NULL when it cannot be loaded
 * (no C++ exception crosses these C frames). */
BDCTL_HIDDEN bdctl_setopt_fn bdctl_curl_real_setopt(void);
BDCTL_HIDDEN bdctl_getinfo_fn bdctl_curl_real_getinfo(void);

/* The variadic argument's type follows from the option number, as libcurl
 * itself decodes it: long, object pointer, function pointer, curl_off_t or
 * blob pointer. */
BDCTL_HIDDEN CURLcode curl_easy_setopt(CURL* c, CURLoption opt, ...) {
  bdctl_setopt_fn real = bdctl_curl_real_setopt();
  CURLcode rc;
  va_list ap;
  if (!real) return CURLE_FAILED_INIT;
  va_start(ap, opt);
  if (opt < CURLOPTTYPE_OBJECTPOINT) {
    rc = real(c, opt, va_arg(ap, long));
  } else if (opt >= CURLOPTTYPE_FUNCTIONPOINT && opt < CURLOPTTYPE_OFF_T) {
    /* Any function pointer type converts to another and back unchanged;
     * libcurl reads it as the callback type the option names. */
    rc = real(c, opt, va_arg(ap, void (*)(void)));
  } else if (opt >= CURLOPTTYPE_OFF_T && opt < CURLOPTTYPE_BLOB) {
    rc = real(c, opt, va_arg(ap, curl_off_t));
  } else {
    rc = real(c, opt, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

/* Every CURLINFO_* takes a pointer to where the answer goes. */
BDCTL_HIDDEN CURLcode curl_easy_getinfo(CURL* c, CURLINFO info, ...) {
  bdctl_getinfo_fn real = bdctl_curl_real_getinfo();
  void* out;
  va_list ap;
  if (!real) return CURLE_FAILED_INIT;
  va_start(ap, info);
  out = va_arg(ap, void*);
  va_end(ap);
  return real(c, info, out);
}
