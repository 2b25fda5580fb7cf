/* Payload for bench/supervisor.py: makes N orphans and times how long the init takes to reap them.
 *
 *   orphans N [TIMEOUT_MS]
 *
 * Runs as the init's child inside a PID namespace with its own /proc (unshare --pid --fork
 * --mount-proc). Forks N children; each forks a grandchild and exits at once, so the grandchild is
 * reparented to PID 1 (the init under test) and exits at once too, leaving a zombie only PID 1 can
 * reap. The children are ours and we reap them ourselves. Then we poll /proc until no process but
 * PID 1 and ourselves is left (no zombie, no grandchild still running) or TIMEOUT_MS passes.
 *
 * Prints one line on stdout:  orphans=N elapsed_us=T drain_us=D zombies_left=Z others_left=O
 * elapsed_us runs from the first fork to the poll that found /proc quiet; drain_us from the moment
 * our own last child was reaped (every orphan exists or has existed) to that poll, which is the
 * part the init alone decides. Exit status 0 when quiet, 1 on timeout, 2 on a setup error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The state letter of /proc/PID/stat: the field after the last ')' (comm may contain ')'). */
static char proc_state(const char *pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* gone between readdir and open */
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return (p && p[1] == ' ') ? p[2] : 0;
}

/* Counts processes other than PID 1 and ourselves; zombies among them go to *zombies. */
static int count_others(int *zombies)
{
	char self[16];
	snprintf(self, sizeof self, "%d", (int)getpid());
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int others = 0;
	*zombies = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || !strcmp(e->d_name, "1") || !strcmp(e->d_name, self))
			continue;
		char st = proc_state(e->d_name);
		if (!st)
			continue;
		others++;
		if (st == 'Z')
			(*zombies)++;
	}
	closedir(d);
	return others;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: orphans N [TIMEOUT_MS]\n");
		return 2;
	}
	int n = atoi(argv[1]);
	long long timeout_us = (argc > 2 ? atoll(argv[2]) : 10000) * 1000;
	if (getpid() != 2 && getpid() != 1)
		fprintf(stderr, "orphans: warning: pid %d, not the init's first child in a fresh PID namespace\n",
			(int)getpid());

	long long start = now_us();
	int forked = 0;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "orphans: fork failed after %d children: %s\n", forked, strerror(errno));
			break;
		}
		if (pid == 0) {
			if (fork() < 0)
				_exit(1);
			_exit(0); /* the grandchild (or this child, if fork failed) exits at once */
		}
		forked++;
		/* Reap our own children as we go so the process count stays low. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	long long forked_at = now_us();

	int zombies = 0, others = 0;
	long long elapsed;
	for (;;) {
		others = count_others(&zombies);
		elapsed = now_us() - start;
		if (others == 0 || elapsed > timeout_us)
			break;
		usleep(200);
	}
	printf("orphans=%d elapsed_us=%lld drain_us=%lld zombies_left=%d others_left=%d\n", forked, elapsed,
	       start + elapsed - forked_at, zombies, others);
	fflush(stdout);
	return others == 0 ? 0 : 1;
}
