// RAII owners for libnftnl objects and the netfilter netlink socket.
#pragma once
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../netlink/attr.hpp"
#include "bdctl/nft.hpp"

namespace bdctl::nft {

template <class T, void (*Free)(const T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using TablePtr = std::unique_ptr<nftnl_table, Deleter<nftnl_table, nftnl_table_free>>;
using ChainPtr = std::unique_ptr<nftnl_chain, Deleter<nftnl_chain, nftnl_chain_free>>;
using RulePtr = std::unique_ptr<nftnl_rule, Deleter<nftnl_rule, nftnl_rule_free>>;

class Netlink {
 public:
  Netlink();
  ~Netlink();
  unsigned next_seq() { return ++seq_; }
  unsigned portid() const { return portid_; }
  mnl_socket* sock() { return sock_; }

  // Send one request and call on_msg for each reply until NLMSG_DONE / ACK.
  // Returns 0, or the errno the kernel answered with.
  int request(nlmsghdr* nlh, const std::function<void(const nlmsghdr*)>& on_msg);

  // Send a whole batch in one sendmsg, then drain every queued reply.
  // Returns (seq, errno, extack message) for each error the kernel reported.
  struct BatchError {
    unsigned seq;
    int err;
    std::string msg;
  };
  std::vector<BatchError> send_batch(const std::vector<char>& batch);

 private:
  // Reads what is left of an interrupted dump (seq), starting with buf[0..n).
  void drain(nl::RecvBuffer& buf, std::size_t n, unsigned seq);
  mnl_socket* sock_ = nullptr;
  unsigned portid_ = 0;
  unsigned seq_ = 0;
};

}  // namespace bdctl::nft
