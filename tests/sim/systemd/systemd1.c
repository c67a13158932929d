/* A stand-in for systemd's manager (org.freedesktop.systemd1) on a private
 * bus, for the tests of bdctl's transient units. It keeps the quirks bdctl
 * must live with:
 *  - StartTransientUnit replies with a job at once; the process starts after
 *    the reply, so MainPID is 0 until then (Type=exec: set once it exec'd);
 *  - the unit runs in its own session with only the environment given in the
 *    Environment property (and PATH), not the caller's;
 *  - a name already loaded is org.freedesktop.systemd1.UnitExists; a name
 *    not ending in .service, a relative ExecStart, an unknown property or a
 *    caller other than root are refused;
 *  - CollectMode=inactive-or-failed: the unit is gone once its process ends,
 *    and GetUnit/StopUnit then answer org.freedesktop.systemd1.NoSuchUnit.
 *  - RestartUnit of a unit it does not run replies with a job, as systemd
 *    does for a unit file it knows: HOOKS/NAME, when it exists, is run (the
 *    test's stand-in for the service coming back); no hook is NoSuchUnit;
 *  - the manager's watchdog properties come from the environment it was
 *    started with: RuntimeWatchdogUSec=$SIM_RUNTIME_WATCHDOG_USEC (0 when
 *    unset), WatchdogLastPingTimestamp=$SIM_WATCHDOG_LAST_PING (0), and
 *    WatchdogDevice=$SIM_WATCHDOG_DEVICE; without it WatchdogDevice is
 *    UnknownProperty, as on a systemd older than 250;
 *  - logind's Reboot(interactive) (org.freedesktop.login1) only records the
 *    call: the test's machine stays up.
 * Every call and every exit is a line in LOG.
 * Usage: systemd1 READY_FILE LOG [HOOKS]   (the bus: $DBUS_SYSTEM_BUS_ADDRESS) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#define MAX_UNITS 64
#define UNIT_PREFIX "/org/freedesktop/systemd1/unit"

struct unit {
  int used;
  char name[256];
  char exec[4096];
  char** argv;
  char** env;
  pid_t pid;
  int start_pending;
  const char* state;
};

static struct unit units[MAX_UNITS];
static FILE* logf;
static const char* hooks;
static unsigned jobs;

static struct unit* find(const char* name) {
  for (int i = 0; i < MAX_UNITS; i++)
    if (units[i].used && strcmp(units[i].name, name) == 0) return &units[i];
  return NULL;
}

static void drop(struct unit* u) {
  for (char** p = u->argv; p && *p; p++) free(*p);
  free(u->argv);
  for (char** p = u->env; p && *p; p++) free(*p);
  free(u->env);
  memset(u, 0, sizeof *u);
}

static int reply_job(sd_bus_message* m) {
  char job[64];
  snprintf(job, sizeof job, "/org/freedesktop/systemd1/job/%u", ++jobs);
  return sd_bus_reply_method_return(m, "o", job);
}

static int caller_is_root(sd_bus_message* m) {
  sd_bus_creds* c = NULL;
  uid_t uid = 1;
  if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &c) < 0) return 0;
  int ok = sd_bus_creds_get_euid(c, &uid) >= 0 && uid == 0;
  sd_bus_creds_unref(c);
  return ok;
}

static int ends_with(const char* s, const char* suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a > b && strcmp(s + a - b, suffix) == 0;
}

static int read_string_variant(sd_bus_message* m, const char* key) {
  const char* v = NULL;
  int r = sd_bus_message_read(m, "v", "s", &v);
  if (r >= 0) fprintf(logf, "  %s=%s\n", key, v);
  return r;
}

static int method_start(sd_bus_message* m, void* ud, sd_bus_error* err) {
  (void)ud;
  const char *name, *mode;
  int r = sd_bus_message_read(m, "ss", &name, &mode);
  if (r < 0) return r;
  fprintf(logf, "StartTransientUnit %s %s\n", name, mode);
  if (!caller_is_root(m)) return sd_bus_error_set(err, SD_BUS_ERROR_ACCESS_DENIED, "Access denied");
  if (!ends_with(name, ".service"))
    return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS, "Unit name %s is not valid.", name);
  if (strcmp(mode, "fail") && strcmp(mode, "replace"))
    return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS, "Job mode %s invalid.", mode);
  if (find(name))
    return sd_bus_error_setf(err, "org.freedesktop.systemd1.UnitExists",
                             "Unit %s was already loaded or has a fragment file.", name);
  struct unit* u = NULL;
  for (int i = 0; i < MAX_UNITS && !u; i++)
    if (!units[i].used) u = &units[i];
  if (!u) return sd_bus_error_set(err, SD_BUS_ERROR_LIMITS_EXCEEDED, "Too many units");
  memset(u, 0, sizeof *u);
  snprintf(u->name, sizeof u->name, "%s", name);

  if ((r = sd_bus_message_enter_container(m, 'a', "(sv)")) < 0) return r;
  while ((r = sd_bus_message_enter_container(m, 'r', "sv")) > 0) {
    const char* key;
    if ((r = sd_bus_message_read(m, "s", &key)) < 0) goto bad;
    if (!strcmp(key, "Description") || !strcmp(key, "Type") || !strcmp(key, "CollectMode")) {
      if ((r = read_string_variant(m, key)) < 0) goto bad;
    } else if (!strcmp(key, "Environment")) {
      if ((r = sd_bus_message_enter_container(m, 'v', "as")) < 0) goto bad;
      if ((r = sd_bus_message_read_strv(m, &u->env)) < 0) goto bad;
      if ((r = sd_bus_message_exit_container(m)) < 0) goto bad;
      for (char** p = u->env; p && *p; p++) fprintf(logf, "  Environment=%s\n", *p);
    } else if (!strcmp(key, "ExecStart")) {
      const char* path;
      int ignore;
      if ((r = sd_bus_message_enter_container(m, 'v', "a(sasb)")) < 0 ||
          (r = sd_bus_message_enter_container(m, 'a', "(sasb)")) < 0 ||
          (r = sd_bus_message_enter_container(m, 'r', "sasb")) < 0 || (r = sd_bus_message_read(m, "s", &path)) < 0 ||
          (r = sd_bus_message_read_strv(m, &u->argv)) < 0 || (r = sd_bus_message_read(m, "b", &ignore)) < 0 ||
          (r = sd_bus_message_exit_container(m)) < 0 || (r = sd_bus_message_exit_container(m)) < 0 ||
          (r = sd_bus_message_exit_container(m)) < 0)
        goto bad;
      snprintf(u->exec, sizeof u->exec, "%s", path);
      fprintf(logf, "  ExecStart=%s\n", path);
    } else {
      sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS, "Cannot set property %s, or unknown property.", key);
      drop(u);
      return -EINVAL;
    }
    if ((r = sd_bus_message_exit_container(m)) < 0) goto bad;
  }
  if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) goto bad;
  if (u->exec[0] != '/') {
    sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS, "Path %s is not absolute.", u->exec);
    drop(u);
    return -EINVAL;
  }
  u->used = 1;
  u->start_pending = 1;
  u->state = "activating";
  fflush(logf);
  return reply_job(m);
bad:
  drop(u);
  return r;
}

static int method_stop(sd_bus_message* m, void* ud, sd_bus_error* err) {
  (void)ud;
  const char *name, *mode;
  int r = sd_bus_message_read(m, "ss", &name, &mode);
  if (r < 0) return r;
  fprintf(logf, "StopUnit %s %s\n", name, mode);
  fflush(logf);
  if (!caller_is_root(m)) return sd_bus_error_set(err, SD_BUS_ERROR_ACCESS_DENIED, "Access denied");
  struct unit* u = find(name);
  if (!u) return sd_bus_error_setf(err, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", name);
  if (u->pid > 0) {
    kill(u->pid, SIGTERM);
    u->state = "deactivating";
  } else {
    drop(u);
  }
  return reply_job(m);
}

static int method_restart(sd_bus_message* m, void* ud, sd_bus_error* err) {
  (void)ud;
  const char *name, *mode;
  int r = sd_bus_message_read(m, "ss", &name, &mode);
  if (r < 0) return r;
  fprintf(logf, "RestartUnit %s %s\n", name, mode);
  fflush(logf);
  if (!caller_is_root(m)) return sd_bus_error_set(err, SD_BUS_ERROR_ACCESS_DENIED, "Access denied");
  char hook[4096];
  snprintf(hook, sizeof hook, "%s/%s", hooks ? hooks : "/nonexistent", name);
  if (strchr(name, '/') || access(hook, X_OK) != 0)
    return sd_bus_error_setf(err, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not found.", name);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    execl(hook, hook, (char*)NULL);
    _exit(127);
  }
  return reply_job(m);
}

static int method_reboot(sd_bus_message* m, void* ud, sd_bus_error* err) {
  (void)ud;
  int interactive = 0;
  int r = sd_bus_message_read(m, "b", &interactive);
  if (r < 0) return r;
  fprintf(logf, "Reboot interactive=%d\n", interactive);
  fflush(logf);
  if (!caller_is_root(m)) return sd_bus_error_set(err, SD_BUS_ERROR_ACCESS_DENIED, "Access denied");
  return sd_bus_reply_method_return(m, "");
}

static int method_get_unit(sd_bus_message* m, void* ud, sd_bus_error* err) {
  (void)ud;
  const char* name;
  int r = sd_bus_message_read(m, "s", &name);
  if (r < 0) return r;
  if (!find(name)) return sd_bus_error_setf(err, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", name);
  char* path = NULL;
  if ((r = sd_bus_path_encode(UNIT_PREFIX, name, &path)) < 0) return r;
  r = sd_bus_reply_method_return(m, "o", path);
  free(path);
  return r;
}

static int find_unit(sd_bus* bus, const char* path, const char* iface, void* ud, void** found, sd_bus_error* err) {
  (void)bus, (void)iface, (void)ud, (void)err;
  char* name = NULL;
  if (sd_bus_path_decode(path, UNIT_PREFIX, &name) <= 0) return 0;
  struct unit* u = find(name);
  free(name);
  if (!u) return 0;
  *found = u;
  return 1;
}

static int get_main_pid(sd_bus* bus, const char* path, const char* iface, const char* prop, sd_bus_message* reply,
                        void* ud, sd_bus_error* err) {
  (void)bus, (void)path, (void)iface, (void)prop, (void)err;
  return sd_bus_message_append(reply, "u", (uint32_t)((struct unit*)ud)->pid);
}

static int get_active_state(sd_bus* bus, const char* path, const char* iface, const char* prop, sd_bus_message* reply,
                            void* ud, sd_bus_error* err) {
  (void)bus, (void)path, (void)iface, (void)prop, (void)err;
  return sd_bus_message_append(reply, "s", ((struct unit*)ud)->state);
}

static uint64_t env_u64(const char* name) {
  const char* v = getenv(name);
  return v ? strtoull(v, NULL, 10) : 0;
}

static int get_watchdog_u64(sd_bus* bus, const char* path, const char* iface, const char* prop, sd_bus_message* reply,
                            void* ud, sd_bus_error* err) {
  (void)bus, (void)path, (void)iface, (void)ud, (void)err;
  const char* var = strcmp(prop, "RuntimeWatchdogUSec") == 0 ? "SIM_RUNTIME_WATCHDOG_USEC" : "SIM_WATCHDOG_LAST_PING";
  return sd_bus_message_append(reply, "t", env_u64(var));
}

static int get_watchdog_device(sd_bus* bus, const char* path, const char* iface, const char* prop,
                               sd_bus_message* reply, void* ud, sd_bus_error* err) {
  (void)bus, (void)path, (void)iface, (void)ud;
  const char* dev = getenv("SIM_WATCHDOG_DEVICE");
  if (!dev) return sd_bus_error_setf(err, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", prop);
  return sd_bus_message_append(reply, "s", dev);
}

static const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("StartTransientUnit", "ssa(sv)a(sa(sv))", "o", method_start, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("StopUnit", "ss", "o", method_stop, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetUnit", "s", "o", method_get_unit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("RestartUnit", "ss", "o", method_restart, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("RuntimeWatchdogUSec", "t", get_watchdog_u64, 0, 0),
    SD_BUS_PROPERTY("WatchdogLastPingTimestamp", "t", get_watchdog_u64, 0, 0),
    SD_BUS_PROPERTY("WatchdogDevice", "s", get_watchdog_device, 0, 0),
    SD_BUS_VTABLE_END};
static const sd_bus_vtable login_vtable[] = {
    SD_BUS_VTABLE_START(0), SD_BUS_METHOD("Reboot", "b", "", method_reboot, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END};
static const sd_bus_vtable service_vtable[] = {SD_BUS_VTABLE_START(0),
                                               SD_BUS_PROPERTY("MainPID", "u", get_main_pid, 0, 0), SD_BUS_VTABLE_END};
static const sd_bus_vtable unit_vtable[] = {
    SD_BUS_VTABLE_START(0), SD_BUS_PROPERTY("ActiveState", "s", get_active_state, 0, 0), SD_BUS_VTABLE_END};

/* The job: a process in its own session, with the unit's environment only. */
static void start(struct unit* u) {
  u->start_pending = 0;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
    size_t n = 0;
    for (char** e = u->env; e && *e; e++) n++;
    char** env = calloc(n + 2, sizeof *env);
    for (size_t i = 0; i < n; i++) env[i] = u->env[i];
    env[n] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    execve(u->exec, u->argv, env);
    int e = errno;
    (void)!write(p[1], &e, sizeof e);
    _exit(127);
  }
  close(p[1]);
  int e = 0;
  ssize_t got = read(p[0], &e, sizeof e);
  close(p[0]);
  if (pid < 0 || got > 0) {
    fprintf(logf, "start %s failed: %s\n", u->name, strerror(pid < 0 ? errno : e));
    u->state = "failed";
    drop(u); /* CollectMode=inactive-or-failed */
  } else {
    u->pid = pid;
    u->state = "active";
    fprintf(logf, "started %s pid %d\n", u->name, (int)pid);
  }
  fflush(logf);
}

static void reap(void) {
  int st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
    for (int i = 0; i < MAX_UNITS; i++) {
      if (!units[i].used || units[i].pid != pid) continue;
      if (WIFSIGNALED(st))
        fprintf(logf, "exited %s signal %d\n", units[i].name, WTERMSIG(st));
      else
        fprintf(logf, "exited %s status %d\n", units[i].name, WEXITSTATUS(st));
      drop(&units[i]);
    }
  }
  fflush(logf);
}

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: systemd1 READY_FILE LOG [HOOKS]\n");
    return 2;
  }
  hooks = argc == 4 ? argv[3] : NULL;
  logf = fopen(argv[2], "a");
  if (!logf) return 1;
  sd_bus* bus = NULL;
  int r = sd_bus_open_system(&bus);
  if (r < 0) {
    fprintf(stderr, "systemd1: bus: %s\n", strerror(-r));
    return 1;
  }
  if ((r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                    manager_vtable, NULL)) < 0 ||
      (r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Service", service_vtable,
                                      find_unit, NULL)) < 0 ||
      (r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Unit", unit_vtable, find_unit,
                                      NULL)) < 0 ||
      (r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
                                    login_vtable, NULL)) < 0 ||
      (r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0)) < 0 ||
      (r = sd_bus_request_name(bus, "org.freedesktop.login1", 0)) < 0) {
    fprintf(stderr, "systemd1: %s\n", strerror(-r));
    return 1;
  }
  fclose(fopen(argv[1], "w"));
  for (;;) {
    r = sd_bus_process(bus, NULL);
    if (r < 0) {
      fprintf(stderr, "systemd1: process: %s\n", strerror(-r));
      return 1;
    }
    if (r > 0) continue;
    for (int i = 0; i < MAX_UNITS; i++)
      if (units[i].used && units[i].start_pending) start(&units[i]);
    reap();
    sd_bus_wait(bus, 20000);
  }
}
