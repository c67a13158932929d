// C++-friendly attribute iteration: libmnl's mnl_attr_for_each macros assign
// void* to the iterator, which C++ rejects.
#pragma once
#include <libmnl/libmnl.h>

#include <cstddef>
#include <memory>

namespace bdctl::nl {

inline constexpr std::size_t kRecvBufferSize = 32768;  // as MNL_SOCKET_DUMP_SIZE in newer libmnl
inline constexpr std::size_t kMsgBufferSize = 8192;    // one request message

// A receive buffer that is not zero-filled: every byte used is written by
// recv() first, and zeroing 32 KiB per dump (a byte loop at -Os) cost more
// instructions than parsing the replies (callgrind).
class RecvBuffer {
 public:
  char* data() { return p_.get(); }
  static constexpr std::size_t size() { return kRecvBufferSize; }

 private:
  std::unique_ptr<char[]> p_ = std::make_unique_for_overwrite<char[]>(kRecvBufferSize);
};

template <class F>
void for_each_attr(const nlmsghdr* nlh, std::size_t offset, F&& f) {
  auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(nlh, offset));
  auto* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(nlh));
  while (mnl_attr_ok(attr, int(tail - reinterpret_cast<const char*>(attr)))) {
    f(attr);
    attr = mnl_attr_next(attr);
  }
}

template <class F>
void for_each_nested(const nlattr* nest, F&& f) {
  auto* attr = static_cast<const nlattr*>(mnl_attr_get_payload(nest));
  auto* tail = reinterpret_cast<const char*>(nest) + mnl_attr_get_len(nest);
  while (mnl_attr_ok(attr, int(tail - reinterpret_cast<const char*>(attr)))) {
    f(attr);
    attr = mnl_attr_next(attr);
  }
}

}  // namespace bdctl::nl
