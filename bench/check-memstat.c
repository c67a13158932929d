// LD_PRELOAD shim for bench/check.sh: when the process exits, copy
// /proc/self/smaps (what each mapping costs) to $MEMSTAT_OUT and append the
// program's own peak RSS (VmHWM: unlike ru_maxrss, it does not carry the
// parent's RSS over from before exec). Private_* pages are what the process alone
// spends; shared library pages that another process maps are page cache.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((destructor)) static void memstat(void) {
  const char* path = getenv("MEMSTAT_OUT");
  if (!path) return;
  FILE* in = fopen("/proc/self/smaps", "r");
  FILE* out = fopen(path, "w");
  if (!in || !out) return;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
  fclose(in);
  in = fopen("/proc/self/status", "r");
  while (in && fgets(buf, sizeof buf, in))
    if (strncmp(buf, "VmHWM:", 6) == 0) fputs(buf, out);
  if (in) fclose(in);
  fclose(out);
}
