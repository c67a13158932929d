// Libraries loaded on first use (libcurl, libsystemd): a tool that never
// needs one never maps it at start-up.
#pragma once
#include <dlfcn.h>

#include <string>
#include <type_traits>

#include "bdctl/error.hpp"

namespace bdctl::dl {

// dlopen(soname), or SystemError "cannot load SONAME (install PACKAGE): why".
inline void* open(const char* soname, const char* package) {
  void* h = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) throw SystemError(std::string("cannot load ") + soname + " (install " + package + "): " + ::dlerror());
  return h;
}

// fn = the library's NAME, or SystemError "SONAME lacks NAME".
template <class Fn>
void bind(void* h, const char* soname, Fn& fn, const char* name) {
  fn = reinterpret_cast<std::remove_reference_t<Fn>>(::dlsym(h, name));
  if (!fn) throw SystemError(std::string(soname) + " lacks " + name);
}

}  // namespace bdctl::dl
