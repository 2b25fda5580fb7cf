/* Signal delivery latency through an init, for bench/supervisor.py. One program, two roles:
 *
 *   siglat recv FIFO N              the init's child: blocks SIGUSR1, then for each SIGUSR1 taken
 *                                   with sigwaitinfo writes its CLOCK_MONOTONIC time to FIFO
 *   siglat send PID FIFO N GAP_US   the sender, outside the init's PID namespace: N times, reads
 *                                   CLOCK_MONOTONIC, kill(PID, SIGUSR1), waits for the receiver's
 *                                   timestamp on FIFO, prints "receive - send" in ns, sleeps GAP_US
 *
 * The sender is C rather than the Python harness so nothing runs between the timestamp and
 * kill(). It waits for each signal's acknowledgement before sending the next: standard signals
 * do not queue, so two SIGUSR1 in flight would merge and shift every later pair. Both sides use
 * CLOCK_MONOTONIC, which a PID namespace does not change. The receiver first writes one record
 * (time 0) to say its mask is set, so no SIGUSR1 reaches it while the default action would kill it.
 * Exit status: 0 all N measured, 1 a signal not acknowledged within 1 s (the rest are lost),
 * 2 setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int receive(const char *fifo, int n)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		perror("siglat: sigprocmask");
		return 2;
	}
	int fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "siglat: open(%s) failed: %s\n", fifo, strerror(errno));
		return 2;
	}
	int64_t ready = 0;
	if (write(fd, &ready, sizeof ready) != sizeof ready)
		return 2;
	for (int i = 0; i < n; i++) {
		siginfo_t info;
		if (sigwaitinfo(&set, &info) < 0) {
			if (errno == EINTR) {
				i--;
				continue;
			}
			perror("siglat: sigwaitinfo");
			return 2;
		}
		int64_t t = now_ns();
		if (write(fd, &t, sizeof t) != sizeof t)
			return 2;
	}
	return 0;
}

/* Reads one 8-byte record from fd within timeout_ms; 0 on success. */
static int read_record(int fd, int64_t *out, int timeout_ms)
{
	size_t got = 0;
	int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;
	while (got < sizeof *out) {
		int left = (int)((deadline - now_ns()) / 1000000);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left < 0 || poll(&p, 1, left) <= 0)
			return -1;
		ssize_t r = read(fd, (char *)out + got, sizeof *out - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int send_all(pid_t pid, const char *fifo, int n, int gap_us)
{
	/* O_RDWR: never blocks on open and never sees EOF before the receiver opens its end. */
	int fd = open(fifo, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "siglat: open(%s) failed: %s\n", fifo, strerror(errno));
		return 2;
	}
	int64_t t;
	if (read_record(fd, &t, 10000) < 0) {
		fprintf(stderr, "siglat: receiver not ready within 10 s\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int64_t sent = now_ns();
		if (kill(pid, SIGUSR1) < 0) {
			fprintf(stderr, "siglat: kill(%d, SIGUSR1) failed: %s\n", (int)pid, strerror(errno));
			return 1;
		}
		if (read_record(fd, &t, 1000) < 0) {
			fprintf(stderr, "siglat: signal %d not acknowledged within 1 s\n", i);
			return 1;
		}
		printf("%lld\n", (long long)(t - sent));
		usleep((useconds_t)gap_us);
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return receive(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "send"))
		return send_all((pid_t)atoi(argv[2]), argv[3], atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: siglat recv FIFO N | siglat send PID FIFO N GAP_US\n");
	return 2;
}
