// Small file helpers: whole-file reads and crash-safe replacement.
#pragma once
#include <sys/types.h>
#include <optional>
#include <string>

namespace bdctl {

// nullopt when the file does not exist; SystemError for other failures.
std::optional<std::string> read_file(const std::string& path);

// Write to a temporary file beside path, fsync, rename over path: readers see
// the old or the new content, never a mix; on failure the old file is intact.
void write_file_atomic(const std::string& path, const std::string& content, mode_t mode = 0644);

// Remove path if it exists; true if it did.
bool remove_file(const std::string& path);

// mkdir -p with the given mode for the directories it creates.
void make_dirs(const std::string& path, mode_t mode = 0755);

}  // namespace bdctl
