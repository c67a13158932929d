// Small file helpers: whole-file reads and crash-safe replacement.
#pragma once
#include <sys/stat.h>
#include <sys/types.h>
#include <optional>
#include <string>
#include "bdctl/handles.hpp"

namespace bdctl {

// "4 MiB", "512 bytes": sizes in messages.
std::string size_text(std::size_t n);

// Every read is bounded: /dev/zero or a runaway file ends in a clear error,
// never in std::bad_alloc. Files bdctl reads are kilobytes.
inline constexpr std::size_t kReadLimit = std::size_t(4) << 20;

// nullopt when the file does not exist; SystemError for other failures and
// for a file longer than limit bytes ("PATH: longer than 4 MiB", code() EFBIG).
// info, when given, gets fstat() of the file read (no race with a rename).
std::optional<std::string> read_file(const std::string& path, std::size_t limit = kReadLimit,
                                     struct stat* info = nullptr);
// read_file for a file bdctl wrote itself (state, records, history): never
// through a link, which nothing of bdctl's makes ("PATH: a symbolic link, not
// a file bdctl wrote (remove it)", code() ELOOP).
std::optional<std::string> read_own_file(const std::string& path, std::size_t limit = kReadLimit,
                                         struct stat* info = nullptr);

// Write to a temporary file beside path, fsync, rename over path: readers see
// the old or the new content, never a mix; on failure the old file is intact.
void write_file_atomic(const std::string& path, const std::string& content, mode_t mode = 0644);

// write_file_atomic in two steps, for a file that records a change made
// elsewhere (the kernel's ruleset): the constructor writes the temporary file
// and starts its writeback, so a full or read-only directory fails before the
// change; commit() fsyncs it and renames it over path once the change is made.
// Several files staged before their commits share one journal commit instead
// of paying one each (the fsyncs are the slowest step on an SD card).
// Destroyed without commit(), the temporary file is removed and path is
// untouched.
class StagedFile {
 public:
  StagedFile(std::string path, const std::string& content, mode_t mode = 0644);
  StagedFile(StagedFile&& o) noexcept;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  StagedFile& operator=(StagedFile&&) = delete;
  ~StagedFile();
  void commit();

 private:
  std::string path_, tmp_;
  Fd fd_;  // the temporary file, open until commit()
  bool pending_ = true;
};

// SystemError unless an entry can be removed from path's directory (checked
// before a change that the removal of path must follow: a read-only mount).
void check_dir_writable(const std::string& path);

// Remove path if it exists; true if it did.
bool remove_file(const std::string& path);

// mkdir -p with the given mode for the directories it creates.
void make_dirs(const std::string& path, mode_t mode = 0755);

}  // namespace bdctl
