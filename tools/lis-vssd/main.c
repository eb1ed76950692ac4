// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: the live-backup (VSS) daemon of lis.
 *
 * The I/O loop: wait for /dev/lis_vss, say HELLO, then answer the host's
 * FREEZE and THAW requests one at a time (Documentation/vss.rst).  What to
 * freeze is decided by plan.c from mountinfo.c's table; freeze.c does it.
 * Nothing here writes to a file system while one is frozen: log.c holds
 * the lines until the thaw.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/lis_vss.h>

#include "freeze.h"
#include "hooks.h"
#include "log.h"

#ifndef VSSD_VERSION
#define VSSD_VERSION "unknown"
#endif

struct options {
	const char *device;
	const char *hooks_dir;
	const char *mountinfo;
	unsigned int hook_timeout_ms;
	unsigned int wait_s;		/* 0: wait for the device forever */
	bool plan;
	bool syslog;
	bool debug;
};

/*
 * SIGTERM, SIGINT and SIGHUP are blocked and read from a signalfd, polled
 * beside the device: a stop request is seen between two requests, never
 * in the middle of a freeze.
 */
static int sigfd = -1;
static int stop_signal;

/* stopped: whether a stop signal is pending (reads it). */
static bool stopped(void)
{
	struct signalfd_siginfo si;

	if (!stop_signal && read(sigfd, &si, sizeof(si)) == sizeof(si))
		stop_signal = (int)si.ssi_signo;
	return stop_signal;
}

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: lis-vssd [OPTION]...\n"
		"\n"
		"The live-backup daemon of lis: freezes the guest's file systems when\n"
		"the Hyper-V host takes a backup, and thaws them afterwards.\n"
		"\n"
		"  -d, --device PATH        the lis_vss device (default /dev/lis_vss)\n"
		"  -H, --hooks-dir DIR      pre-freeze/post-thaw hooks\n"
		"                           (default /etc/lis-vssd/hooks.d)\n"
		"  -t, --hook-timeout SECS  how long each hook may run (default 30)\n"
		"  -w, --wait SECS          give up when the device has not appeared\n"
		"                           after SECS seconds (default 0: wait forever)\n"
		"  -m, --mountinfo FILE     read the mount table from FILE\n"
		"                           (default /proc/self/mountinfo)\n"
		"  -p, --plan               print what a freeze would do now, and exit\n"
		"  -s, --syslog             log to syslog instead of stderr\n"
		"  -v, --verbose            log debug lines too\n"
		"  -V, --version            print the version and exit\n"
		"  -h, --help               this help\n"
		"\n"
		"Runs in the foreground (lis-vssd.service).  See lis-vssd(8).\n");
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "hooks-dir", required_argument, NULL, 'H' },
		{ "hook-timeout", required_argument, NULL, 't' },
		{ "wait", required_argument, NULL, 'w' },
		{ "mountinfo", required_argument, NULL, 'm' },
		{ "plan", no_argument, NULL, 'p' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int secs;
	int c;

	while ((c = getopt_long(argc, argv, "d:H:t:w:m:psvVh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			o->device = optarg;
			break;
		case 'H':
			o->hooks_dir = optarg;
			break;
		case 't':
			if (parse_uint(optarg, 3600, &secs) || !secs) {
				fprintf(stderr, "lis-vssd: --hook-timeout: 1 to 3600 seconds, not '%s'\n",
					optarg);
				return 2;
			}
			o->hook_timeout_ms = secs * 1000;
			break;
		case 'w':
			if (parse_uint(optarg, 86400, &o->wait_s)) {
				fprintf(stderr, "lis-vssd: --wait: 0 to 86400 seconds, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			o->mountinfo = optarg;
			break;
		case 'p':
			o->plan = true;
			break;
		case 's':
			o->syslog = true;
			break;
		case 'v':
			o->debug = true;
			break;
		case 'V':
			printf("lis-vssd %s (uAPI %d)\n", VSSD_VERSION,
			       LIS_VSS_UAPI_VERSION);
			return 0;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "lis-vssd: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	return -1;
}

/* sleep_ms: sleep, but return early (true) on a stop signal. */
static bool sleep_ms(int ms)
{
	struct pollfd p = { .fd = sigfd, .events = POLLIN };

	poll(&p, 1, ms);
	return stopped();
}

/* open_device: open and HELLO, waiting for the device; fd or -errno. */
static int open_device(const struct options *o)
{
	struct lis_vss_hello hello;
	unsigned int waited_ms = 0;
	bool said = false;
	int fd;

	for (;;) {
		if (stopped())
			return -EINTR;
		fd = open(o->device, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno != ENOENT && errno != ENODEV && errno != ENXIO &&
		    errno != EBUSY) {
			int e = errno;

			err("%s: %s", o->device, strerror(e));
			return -e;
		}
		if (!said) {
			info("waiting for %s (%s)", o->device, strerror(errno));
			said = true;
		}
		if (o->wait_s && waited_ms >= o->wait_s * 1000) {
			err("%s did not appear in %u s", o->device, o->wait_s);
			return -ETIMEDOUT;
		}
		if (sleep_ms(200))
			return -EINTR;
		waited_ms += 200;
	}
	hello.version = LIS_VSS_UAPI_VERSION;
	hello.flags = 0;
	if (ioctl(fd, LIS_VSS_IOC_HELLO, &hello)) {
		int e = errno;

		if (e == EPROTO)
			err("%s speaks uAPI version %u, we speak %d", o->device,
			    hello.version, LIS_VSS_UAPI_VERSION);
		else
			err("%s: HELLO: %s", o->device, strerror(e));
		close(fd);
		return e == EPROTO ? -EPROTO : -e;
	}
	info("ready: %s, uAPI version %u", o->device, hello.version);
	return fd;
}

static int reply(int dev, const struct lis_vss_request *req, int error,
		 unsigned int nr_fs)
{
	struct lis_vss_reply r = {
		.version = LIS_VSS_UAPI_VERSION,
		.op = req->op,
		.seq = req->seq,
		.error = error,
		.nr_fs = nr_fs,
	};
	ssize_t n = write(dev, &r, sizeof(r));

	if (n == (ssize_t)sizeof(r))
		return 0;
	return n < 0 ? -errno : -EIO;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void handle_freeze(int dev, const struct options *o,
			  const struct lis_vss_request *req,
			  struct vssd_frozen *fr)
{
	struct timespec t0;
	int ret, r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (fr->active) {
		warn("FREEZE while still frozen: thawing first");
		vssd_thaw(dev, fr);
	}
	ret = vssd_hooks_pre_freeze(o->hooks_dir, o->hook_timeout_ms);
	if (ret) {
		err("FREEZE %llu: a pre-freeze hook failed: nothing frozen",
		    (unsigned long long)req->seq);
		reply(dev, req, ret, 0);
		return;
	}
	ret = vssd_freeze(dev, o->mountinfo, fr);
	r = reply(dev, req, ret < 0 ? ret : 0, ret < 0 ? 0 : (unsigned int)ret);
	if (ret < 0) {
		err("FREEZE %llu failed: %s", (unsigned long long)req->seq,
		    strerror(-ret));
		vssd_hooks_post_thaw(o->hooks_dir, o->hook_timeout_ms);
		return;
	}
	if (r) {
		/* The host was told it failed: do not stay frozen. */
		vssd_thaw(dev, fr);
		err("FREEZE %llu: reply refused (%s): thawed",
		    (unsigned long long)req->seq, strerror(-r));
		vssd_hooks_post_thaw(o->hooks_dir, o->hook_timeout_ms);
		return;
	}
	info("FREEZE %llu: %d file systems frozen in %ld ms",
	     (unsigned long long)req->seq, ret, elapsed_ms(&t0));
}

static void handle_thaw(int dev, const struct options *o,
			const struct lis_vss_request *req,
			struct vssd_frozen *fr)
{
	bool was_active = fr->active;
	int ret, r;

	ret = vssd_thaw(dev, fr);
	r = reply(dev, req, ret < 0 ? ret : 0, ret < 0 ? 0 : (unsigned int)ret);
	if (r)
		err("THAW %llu: reply refused: %s",
		    (unsigned long long)req->seq, strerror(-r));
	info("THAW %llu: %d file systems thawed",
	     (unsigned long long)req->seq, ret);
	if (was_active)
		vssd_hooks_post_thaw(o->hooks_dir, o->hook_timeout_ms);
}

/* serve: answer requests until the device goes away or a signal. */
static int serve(int dev, const struct options *o)
{
	struct vssd_frozen fr = { 0 };
	int ret = 0;

	while (!stopped()) {
		struct pollfd p[2] = {
			{ .fd = dev, .events = POLLIN },
			{ .fd = sigfd, .events = POLLIN },
		};
		struct lis_vss_request req;
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			ret = -ENODEV;
			break;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		n = read(dev, &req, sizeof(req));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n != (ssize_t)sizeof(req) ||
		    req.version != LIS_VSS_UAPI_VERSION) {
			/* Not for us to guess: the kernel will time it out. */
			err("malformed request (%zd bytes, version %u): ignored",
			    n, n >= 4 ? req.version : 0);
			continue;
		}
		switch (req.op) {
		case LIS_VSS_REQ_FREEZE:
			handle_freeze(dev, o, &req, &fr);
			break;
		case LIS_VSS_REQ_THAW:
			handle_thaw(dev, o, &req, &fr);
			break;
		default:
			warn("unknown request %u: answered EOPNOTSUPP", req.op);
			reply(dev, &req, -EOPNOTSUPP, 0);
			break;
		}
	}
	if (fr.active)
		vssd_thaw(dev, &fr);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = {
		.device = "/dev/" LIS_VSS_DEVICE_NAME,
		.hooks_dir = "/etc/lis-vssd/hooks.d",
		.mountinfo = "/proc/self/mountinfo",
		.hook_timeout_ms = 30000,
	};
	sigset_t block;
	int ret, dev;

	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		return ret;
	vssd_log_init("lis-vssd", o.syslog, o.debug);
	if (o.plan)
		return vssd_print_plan(o.mountinfo) ? 1 : 0;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigfd = signalfd(-1, &block, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0) {
		err("signalfd: %s", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);

	info("lis-vssd %s starting", VSSD_VERSION);
	while (!stopped()) {
		dev = open_device(&o);
		if (dev == -EINTR)
			break;
		if (dev < 0)
			return 1;
		ret = serve(dev, &o);
		close(dev);
		if (ret == -ENODEV)
			info("%s went away: waiting for it again", o.device);
		else if (ret && !stopped()) {
			err("%s: %s: opening it again in a second", o.device,
			    strerror(-ret));
			sleep_ms(1000);
		}
	}
	info("stopping on signal %d", stop_signal);
	return 0;
}
