// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vss-test: a scriptable stand-in for lis-vssd, for the kernel-centred
 * integration scenarios (tests/integration/scenarios/40-vss-*.sh).  It
 * speaks /dev/lis_vss (include/uapi/linux/lis_vss.h) and misbehaves on
 * request: wrong HELLO version, no reply, a late reply, an error reply,
 * dying while file systems are frozen.  Not installed: tests only.
 *
 *   lis-vss-test [-v VERSION] [-f MOUNT]... [-m MODE] [-d MS] [-n N]
 *                [-s K]
 *
 *   -v VERSION  uAPI version sent in HELLO (default 1)
 *   -f MOUNT    on FREEZE, freeze this mount point (in the order given)
 *   -m MODE     how to answer: ok (default), fail (error -EIO), none
 *               (never answer), die (on FREEZE: freeze, then exit at once
 *               without answering or thawing), hang-thaw (answer FREEZE,
 *               but on THAW neither thaw nor answer)
 *   -d MS       wait MS milliseconds before answering
 *   -n N        exit after N requests (default: run until killed)
 *   -2          also try to open the device a second time (prints errno)
 *   -u UID      become UID (and its group) before opening the device
 *   -s K        on FREEZE, stop (SIGSTOP to itself) after the K-th mount
 *               of the list, before the next one: a daemon stopped in
 *               the middle of its freeze list until SIGCONT
 *
 * One line on stdout per event, flushed at once, e.g.
 *   hello 0 version=1
 *   request freeze seq=1 timeout_ms=300000
 *   freeze /mnt/a 0          (or the errno name: EBUSY, EALREADY...)
 *   reply freeze seq=1 error=0 -> 0   (or -> ETIMEDOUT)
 *   thaw_all 2
 *   stopping after 1         (-s: then SIGSTOP; "continued" after SIGCONT)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/lis_vss.h>

#define MAX_MOUNTS 32

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "0";
	case EBUSY: return "EBUSY";
	case EALREADY: return "EALREADY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EROFS: return "EROFS";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENODEV: return "ENODEV";
	case EPROTO: return "EPROTO";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	default: return strerror(e);
	}
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	const char *mounts[MAX_MOUNTS], *mode = "ok";
	struct lis_vss_hello hello = { LIS_VSS_UAPI_VERSION, 0 };
	unsigned int nmounts = 0, delay = 0, i;
	int opt, dev, count = -1, second = 0, stop_after = -1;
	unsigned long uid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "v:f:m:d:n:2u:s:")) != -1) {
		switch (opt) {
		case 'v':
			hello.version = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			if (nmounts < MAX_MOUNTS)
				mounts[nmounts++] = optarg;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'd':
			delay = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			count = atoi(optarg);
			break;
		case '2':
			second = 1;
			break;
		case 's':
			stop_after = atoi(optarg);
			break;
		case 'u':
			uid = strtoul(optarg, NULL, 0);
			if (setgid(uid) || setuid(uid)) {
				printf("setuid %s\n", err_name(errno));
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: see the comment in lis-vss-test.c\n");
			return 2;
		}
	}

	dev = open("/dev/" LIS_VSS_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("open %s\n", err_name(errno));
		return 1;
	}
	if (second) {
		int again = open("/dev/" LIS_VSS_DEVICE_NAME, O_RDWR);

		printf("second-open %s\n", again < 0 ? err_name(errno) : "0");
		if (again >= 0)
			close(again);
	}
	if (ioctl(dev, LIS_VSS_IOC_HELLO, &hello)) {
		printf("hello %s version=%u\n", err_name(errno), hello.version);
		return 1;
	}
	printf("hello 0 version=%u\n", hello.version);

	while (count != 0) {
		struct pollfd p = { .fd = dev, .events = POLLIN };
		struct lis_vss_request req;
		struct lis_vss_reply rep;
		int nr = 0, e;
		ssize_t n;

		if (poll(&p, 1, -1) < 0)
			continue;
		if (p.revents & (POLLERR | POLLHUP)) {
			n = read(dev, &req, sizeof(req));
			printf("hangup read %s\n", n < 0 ? err_name(errno) : "0");
			return 0;
		}
		n = read(dev, &req, sizeof(req));
		if (n != (ssize_t)sizeof(req)) {
			printf("read %s\n", n < 0 ? err_name(errno) : "short");
			if (n < 0 && errno == ENODEV)
				return 0;
			continue;
		}
		printf("request %s seq=%llu timeout_ms=%u\n",
		       req.op == LIS_VSS_REQ_FREEZE ? "freeze" : "thaw",
		       (unsigned long long)req.seq, req.timeout_ms);
		if (count > 0)
			count--;
		if (req.op == LIS_VSS_REQ_FREEZE) {
			for (i = 0; i < nmounts; i++) {
				int fd = open(mounts[i], O_RDONLY | O_DIRECTORY);

				e = fd < 0 ? errno : 0;
				if (fd >= 0 &&
				    ioctl(dev, LIS_VSS_IOC_FREEZE_FD, &fd))
					e = errno;
				if (fd >= 0)
					close(fd);
				printf("freeze %s %s\n", mounts[i], err_name(e));
				nr += !e;
				if ((int)i + 1 == stop_after) {
					printf("stopping after %u\n", i + 1);
					raise(SIGSTOP);
					printf("continued\n");
				}
			}
			if (!strcmp(mode, "die")) {
				printf("dying with %d frozen\n", nr);
				_exit(0);
			}
		} else if (!strcmp(mode, "hang-thaw")) {
			printf("ignoring thaw\n");
			continue;
		} else {
			e = ioctl(dev, LIS_VSS_IOC_THAW_ALL);
			printf("thaw_all %d\n", e);
			nr = e > 0 ? e : 0;
		}
		if (!strcmp(mode, "none"))
			continue;
		if (delay)
			sleep_ms(delay);
		memset(&rep, 0, sizeof(rep));
		rep.version = LIS_VSS_UAPI_VERSION;
		rep.op = req.op;
		rep.seq = req.seq;
		rep.error = !strcmp(mode, "fail") ? -EIO : 0;
		rep.nr_fs = nr;
		n = write(dev, &rep, sizeof(rep));
		printf("reply %s seq=%llu error=%d -> %s\n",
		       req.op == LIS_VSS_REQ_FREEZE ? "freeze" : "thaw",
		       (unsigned long long)req.seq, rep.error,
		       n < 0 ? err_name(errno) : "0");
	}
	close(dev);
	return 0;
}
