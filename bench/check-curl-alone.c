// libcurl alone, for bench/check.sh: what loading libcurl and making one
// request to the ZeroTier service costs a process that does nothing else.
// Usage: check-curl-alone LIBRARY URL TOKEN   (LIBRARY "none": an empty run)
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static size_t sink(char* p, size_t s, size_t n, void* u) {
  (void)p;
  *(size_t*)u += s * n;
  return s * n;
}

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  if (strcmp(argv[1], "none") == 0) return 0;
  void* h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  CURLcode (*global_init)(long) = (CURLcode(*)(long))dlsym(h, "curl_global_init");
  CURL* (*easy_init)(void) = (CURL * (*)(void)) dlsym(h, "curl_easy_init");
  CURLcode (*setopt)(CURL*, CURLoption, ...) = (CURLcode(*)(CURL*, CURLoption, ...))dlsym(h, "curl_easy_setopt");
  CURLcode (*perform)(CURL*) = (CURLcode(*)(CURL*))dlsym(h, "curl_easy_perform");
  struct curl_slist* (*append)(struct curl_slist*, const char*) =
      (struct curl_slist * (*)(struct curl_slist*, const char*)) dlsym(h, "curl_slist_append");
  global_init(CURL_GLOBAL_DEFAULT);
  CURL* c = easy_init();
  char auth[256];
  snprintf(auth, sizeof auth, "X-ZT1-Auth: %s", argv[3]);
  size_t got = 0;
  setopt(c, CURLOPT_URL, argv[2]);
  setopt(c, CURLOPT_HTTPHEADER, append(NULL, auth));
  setopt(c, CURLOPT_WRITEFUNCTION, sink);
  setopt(c, CURLOPT_WRITEDATA, &got);
  CURLcode rc = perform(c);
  printf("%s: %s, %zu bytes\n", argv[1], rc == CURLE_OK ? "ok" : "failed", got);
  return rc == CURLE_OK ? 0 : 1;
}
