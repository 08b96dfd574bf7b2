/*
 * The benchmark's spawner (scripts/bench.mjs compiles it with the system C compiler): runs one command
 * with stdin, stdout and stderr on /dev/null, and prints its wall time (CLOCK_MONOTONIC around
 * fork/exec/wait) and its peak RSS (wait4 rusage). No pipes, no interpreter in the measured span: what
 * it adds is one fork and one exec, which bench.mjs measures on /bin/true and prints.
 *   bench-spawn CMD [ARG...]   ->   "<elapsed_ns> <maxrss_kib> <exit_status>\n"
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench-spawn CMD [ARG...]\n");
    return 2;
  }
  int null = open("/dev/null", O_RDWR);
  if (null < 0) return 2;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return 2;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("%lld %ld %d\n", ns, ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}
