// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-soak: the soak test's workloads (tests/integration/scenarios/
 * 50-soak.sh).  Not installed: tests only.
 *
 *   lis-soak write FILE TOLD [TAG] [PAUSE_MS]
 *	Append fixed-size records to FILE until SIGTERM/SIGINT: record n
 *	(from 1) is 64 bytes, "<n> <tag> <payload> <checksum>" padded with
 *	'.', the payload a function of (tag, n), the checksum over both.
 *	After each write() returned, n goes into TOLD (one line, rewritten
 *	in place): every record up to it was accepted by the kernel.  Every
 *	64 records an fsync().  PAUSE_MS (default 20) between records.
 *	Carries on after the last record already in FILE.
 *
 *   lis-soak verify FILE TOLD [TAG]
 *	Every record of FILE is exactly what write produced for its place,
 *	the file is whole records, and it holds at least as many as TOLD
 *	says were written.  Prints "verified N records (told T)"; exits 1
 *	naming the first bad record.
 *
 *   lis-soak load MIN_MB MAX_MB PERIOD_S
 *	A memory load that rises and falls: anonymous memory in 1 MiB
 *	chunks, grown from MIN_MB to a peak and back at a rate that would
 *	take PERIOD_S seconds for a full cycle to MAX_MB, again and again
 *	until SIGTERM; each peak is held until it is really reached (a
 *	slow guest only slows the cycle), then for PERIOD_S/8 s, and so
 *	is the bottom.  The first peak, and every fourth, is MAX_MB; the
 *	others vary over the upper half of the range (a fixed sequence).  Every page carries a pattern of its
 *	chunk and page number, checked before the chunk is unmapped: a
 *	page the balloon took while in use shows up here.  One line per
 *	second: "load MB peak PEAK_MB cycles N".  Exits 2 on a corrupt
 *	page.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REC_SIZE	64
#define FSYNC_EVERY	64
#define CHUNK		(1UL << 20)
#define PAGE		4096UL
#define MAX_CHUNKS	4096

/* Set by the SIGTERM/SIGINT handler, read by the loops: atomics. */
static int stop;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

static int stopping(void)
{
	return __atomic_load_n(&stop, __ATOMIC_RELAXED);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261U;

	while (len--) {
		h ^= (unsigned char)*s++;
		h *= 16777619U;
	}
	return h;
}

static uint64_t tag_seed(const char *tag)
{
	return fnv1a(tag, strlen(tag));
}

/* record(): the 64 bytes of record n of a writer tagged tag. */
static void record(char *rec, const char *tag, uint64_t seed, unsigned int n)
{
	int len;

	len = snprintf(rec, REC_SIZE, "%010u %-12.12s %016llx", n, tag,
		       (unsigned long long)mix64(seed ^ n));
	len += snprintf(rec + len, REC_SIZE - len, " %08x",
			fnv1a(rec, len));
	memset(rec + len, '.', REC_SIZE - 1 - len);
	rec[REC_SIZE - 1] = '\n';
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR && !stopping())
				continue;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static int tell(int fd, unsigned int n)
{
	char line[16];
	int len;

	len = snprintf(line, sizeof(line), "%010u\n", n);
	return pwrite(fd, line, len, 0) == len ? 0 : -1;
}

static int cmd_write(const char *file, const char *told, const char *tag,
		     unsigned int pause_ms)
{
	struct timespec pause = {
		.tv_sec = pause_ms / 1000,
		.tv_nsec = (pause_ms % 1000) * 1000000L,
	};
	uint64_t seed = tag_seed(tag);
	char rec[REC_SIZE];
	unsigned int n;
	struct stat st;
	int fd, tfd;

	fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "lis-soak: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (st.st_size % REC_SIZE) {
		fprintf(stderr, "lis-soak: %s: %lld bytes: not whole records\n",
			file, (long long)st.st_size);
		return 1;
	}
	tfd = open(told, O_WRONLY | O_CREAT, 0644);
	if (tfd < 0) {
		fprintf(stderr, "lis-soak: %s: %s\n", told, strerror(errno));
		return 1;
	}
	catch_signals();
	n = st.st_size / REC_SIZE;
	while (!stopping()) {
		record(rec, tag, seed, n + 1);
		if (write_all(fd, rec, REC_SIZE)) {
			fprintf(stderr, "lis-soak: write record %u: %s\n",
				n + 1, strerror(errno));
			return 1;
		}
		n++;
		if (tell(tfd, n)) {
			fprintf(stderr, "lis-soak: %s: %s\n", told, strerror(errno));
			return 1;
		}
		if (n % FSYNC_EVERY == 0 && fsync(fd)) {
			fprintf(stderr, "lis-soak: fsync: %s\n", strerror(errno));
			return 1;
		}
		if (pause_ms)
			nanosleep(&pause, NULL);
	}
	if (fsync(fd) || close(fd)) {
		fprintf(stderr, "lis-soak: closing %s: %s\n", file, strerror(errno));
		return 1;
	}
	printf("wrote %u records\n", n);
	return 0;
}

static int cmd_verify(const char *file, const char *told, const char *tag)
{
	uint64_t seed = tag_seed(tag);
	char rec[REC_SIZE], want[REC_SIZE];
	unsigned long told_n = 0;
	unsigned int n = 0;
	ssize_t got;
	FILE *t;
	int fd;

	t = fopen(told, "r");
	if (!t || fscanf(t, "%lu", &told_n) != 1) {
		fprintf(stderr, "lis-soak: %s: no count\n", told);
		return 1;
	}
	fclose(t);
	fd = open(file, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "lis-soak: %s: %s\n", file, strerror(errno));
		return 1;
	}
	for (;;) {
		got = read(fd, rec, REC_SIZE);
		if (got == 0)
			break;
		if (got != REC_SIZE) {
			printf("record %u: short (%zd bytes)\n", n + 1, got);
			return 1;
		}
		n++;
		record(want, tag, seed, n);
		if (memcmp(rec, want, REC_SIZE)) {
			printf("record %u: '%.*s', want '%.*s'\n", n,
			       REC_SIZE - 1, rec, REC_SIZE - 1, want);
			return 1;
		}
	}
	if (n < told_n) {
		printf("%u records, but %lu were written\n", n, told_n);
		return 1;
	}
	printf("verified %u records (told %lu)\n", n, told_n);
	return 0;
}

static uint64_t pattern(unsigned int chunk, unsigned long page)
{
	return mix64(((uint64_t)chunk << 32) | page);
}

static void *chunk_map(unsigned int i)
{
	unsigned long p;
	char *c;

	c = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return NULL;
	for (p = 0; p < CHUNK / PAGE; p++) {
		uint64_t v = pattern(i, p);

		memcpy(c + p * PAGE, &v, sizeof(v));
		memcpy(c + p * PAGE + PAGE - sizeof(v), &v, sizeof(v));
	}
	return c;
}

/* chunk_check(): 0 if every page of chunk i still has its pattern. */
static int chunk_check(const char *c, unsigned int i)
{
	unsigned long p;

	for (p = 0; p < CHUNK / PAGE; p++) {
		uint64_t v = pattern(i, p), a, b;

		memcpy(&a, c + p * PAGE, sizeof(a));
		memcpy(&b, c + p * PAGE + PAGE - sizeof(b), sizeof(b));
		if (a != v || b != v) {
			printf("load: chunk %u page %lu corrupt: %016llx %016llx, want %016llx\n",
			       i, p, (unsigned long long)a,
			       (unsigned long long)b, (unsigned long long)v);
			return -1;
		}
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int pick_peak(unsigned int cycle, unsigned int min_mb,
			      unsigned int max_mb)
{
	/* The top first and every fourth cycle, else the upper half. */
	if (cycle % 4 == 0)
		return max_mb;
	return min_mb + (max_mb - min_mb) / 2 +
	       mix64(cycle) % ((max_mb - min_mb) / 2 + 1);
}

static int cmd_load(unsigned int min_mb, unsigned int max_mb,
		    unsigned int period)
{
	static char *chunks[MAX_CHUNKS];
	struct timespec tick = { .tv_nsec = 100000000L };
	unsigned int have = 0, peak, cycles = 0, want;
	double rate, level = min_mb, last, since, last_print = 0;
	enum { RISE, TOP, FALL, BOTTOM } phase = RISE;

	if (max_mb > MAX_CHUNKS || min_mb >= max_mb || period < 8) {
		fprintf(stderr, "lis-soak: load: bad sizes\n");
		return 1;
	}
	catch_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Up and down at this rate; a peak is held until it is reached. */
	rate = 2.0 * (max_mb - min_mb) / period;
	peak = pick_peak(0, min_mb, max_mb);
	last = since = now();
	while (!stopping()) {
		double t = now(), dt = t - last;

		last = t;
		switch (phase) {
		case RISE:
			level = level + rate * dt > peak ? peak : level + rate * dt;
			if (have >= peak) {
				phase = TOP;
				since = t;
			}
			break;
		case TOP:
			if (t - since >= period / 8.0)
				phase = FALL;
			break;
		case FALL:
			level = level - rate * dt < min_mb ? min_mb : level - rate * dt;
			if (have <= min_mb) {
				phase = BOTTOM;
				since = t;
			}
			break;
		case BOTTOM:
			if (t - since >= period / 8.0) {
				peak = pick_peak(++cycles, min_mb, max_mb);
				phase = RISE;
			}
			break;
		}
		want = (unsigned int)level;
		while (have < want && !stopping()) {
			chunks[have] = chunk_map(have);
			if (!chunks[have]) {
				printf("load: mmap: %s\n", strerror(errno));
				break;
			}
			have++;
		}
		while (have > want) {
			have--;
			if (chunk_check(chunks[have], have))
				return 2;
			munmap(chunks[have], CHUNK);
		}
		if (now() - last_print >= 1) {
			last_print = now();
			printf("load %u peak %u cycles %u\n", have, peak, cycles);
		}
		nanosleep(&tick, NULL);
	}
	while (have--)
		if (chunk_check(chunks[have], have))
			return 2;
	printf("load: done after %u cycles, every page intact\n", cycles);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: lis-soak write FILE TOLD [TAG] [PAUSE_MS]\n"
		"       lis-soak verify FILE TOLD [TAG]\n"
		"       lis-soak load MIN_MB MAX_MB PERIOD_S\n");
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "write"))
		return cmd_write(argv[2], argv[3], argc > 4 ? argv[4] : "soak",
				 argc > 5 ? atoi(argv[5]) : 20);
	if (argc >= 4 && !strcmp(argv[1], "verify"))
		return cmd_verify(argv[2], argv[3], argc > 4 ? argv[4] : "soak");
	if (argc == 5 && !strcmp(argv[1], "load"))
		return cmd_load(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	usage();
	return 1;
}
