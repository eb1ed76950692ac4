// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-fs-test: file-system helpers for the live-backup scenarios
 * (tests/integration/scenarios/42-vss-layouts.sh), whose guest has only
 * busybox.  Not installed: tests only.
 *
 *   lis-fs-test fuse-stall MOUNTPOINT
 *	Mount a FUSE file system ("fuse.lisstall") at MOUNTPOINT and serve
 *	it from /dev/fuse directly: an empty root directory with one empty
 *	directory "sub" (a place to mount something below it).  Entries
 *	and attributes are never cached, so every lookup reaches the
 *	server.  On SIGUSR1 the server stops reading requests but keeps
 *	the connection: every later lookup through the mount waits for
 *	ever, as with a server that hangs.  Runs in the foreground; prints
 *	"mounted" once the mount is there, "stalled" on SIGUSR1.  Killing
 *	it ends the connection (waiting requests fail with ENOTCONN).
 *   lis-fs-test subvol PATH
 *	Create the btrfs subvolume PATH (BTRFS_IOC_SUBVOL_CREATE).
 *   lis-fs-test dm-linear NAME DEVICE...
 *	Map the whole block devices DEVICE... one after the other (linear
 *	targets) as the device-mapper device NAME (created, or its table
 *	replaced if it exists: suspend without freezing, load, resume), through
 *	/dev/mapper/control; prints "dm NAME MAJOR:MINOR".  There is no
 *	dmsetup in the guest.
 *   lis-fs-test dm-remove NAME
 *	Remove the device-mapper device NAME.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/btrfs.h>
#include <linux/dm-ioctl.h>
#include <linux/fs.h>
#include <linux/fuse.h>
#include <sys/sysmacros.h>

#define SUB_NODE	2
#define BUF_SIZE	(FUSE_MIN_READ_BUFFER + 65536)

/* reply: one answer to request @unique, @err (negative errno) or @data. */
static void reply(int fd, __u64 unique, int err, const void *data,
		  size_t len)
{
	char buf[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header *out = (void *)buf;

	if (len > sizeof(buf) - sizeof(*out))
		len = 0;
	out->len = (__u32)(sizeof(*out) + len);
	out->error = err;
	out->unique = unique;
	if (len)
		memcpy(buf + sizeof(*out), data, len);
	if (write(fd, buf, out->len) < 0 && errno != ENOENT)
		fprintf(stderr, "lis-fs-test: answer: %s\n", strerror(errno));
}

static void dir_attr(struct fuse_attr *a, __u64 node)
{
	memset(a, 0, sizeof(*a));
	a->ino = node;
	a->mode = S_IFDIR | 0755;
	a->nlink = 2;
	a->blksize = 4096;
}

static void serve(int fd, const char *req, size_t len)
{
	const struct fuse_in_header *in = (const void *)req;
	const char *arg = req + sizeof(*in);

	if (len < sizeof(*in))
		return;
	switch (in->opcode) {
	case FUSE_INIT: {
		const struct fuse_init_in *ii = (const void *)arg;
		struct fuse_init_out o = {
			.major = FUSE_KERNEL_VERSION,
			.minor = FUSE_KERNEL_MINOR_VERSION,
			.max_readahead = ii->max_readahead,
			.max_background = 16,
			.congestion_threshold = 12,
			.max_write = 4096,
			.time_gran = 1,
		};

		reply(fd, in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_LOOKUP: {
		struct fuse_entry_out e;

		if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "sub")) {
			reply(fd, in->unique, -ENOENT, NULL, 0);
			break;
		}
		memset(&e, 0, sizeof(e));
		e.nodeid = SUB_NODE;
		e.generation = 1;
		dir_attr(&e.attr, SUB_NODE);
		reply(fd, in->unique, 0, &e, sizeof(e));
		break;
	}
	case FUSE_GETATTR: {
		struct fuse_attr_out a;

		memset(&a, 0, sizeof(a));
		dir_attr(&a.attr, in->nodeid);
		reply(fd, in->unique, 0, &a, sizeof(a));
		break;
	}
	case FUSE_OPENDIR: {
		struct fuse_open_out o = { .fh = 1 };

		reply(fd, in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_STATFS: {
		struct fuse_statfs_out s;

		memset(&s, 0, sizeof(s));
		s.st.bsize = 4096;
		s.st.frsize = 4096;
		s.st.namelen = 255;
		reply(fd, in->unique, 0, &s, sizeof(s));
		break;
	}
	case FUSE_READDIR:
	case FUSE_RELEASEDIR:
	case FUSE_ACCESS:
	case FUSE_FLUSH:
	case FUSE_DESTROY:
		reply(fd, in->unique, 0, NULL, 0);
		break;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		break;	/* no answer expected */
	default:
		reply(fd, in->unique, -EOPNOTSUPP, NULL, 0);
		break;
	}
}

static int fuse_stall(const char *mp)
{
	struct pollfd pfd[2];
	char opts[128];
	sigset_t usr1;
	char *buf;
	int fd;

	buf = malloc(BUF_SIZE);
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (!buf || fd < 0) {
		fprintf(stderr, "lis-fs-test: /dev/fuse: %s\n", strerror(errno));
		return 1;
	}
	/* SIGUSR1 is read from a signalfd, between requests. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	pfd[0].fd = signalfd(-1, &usr1, SFD_CLOEXEC);
	pfd[0].events = POLLIN;
	pfd[1].fd = fd;
	pfd[1].events = POLLIN;
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
	if (pfd[0].fd < 0 ||
	    mount("lisstall", mp, "fuse.lisstall", MS_NOSUID | MS_NODEV,
		  opts)) {
		fprintf(stderr, "lis-fs-test: mount %s: %s\n", mp,
			strerror(errno));
		return 1;
	}
	printf("mounted\n");
	fflush(stdout);
	for (;;) {
		ssize_t n;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents)
			break;
		if (!pfd[1].revents)
			continue;
		n = read(fd, buf, BUF_SIZE);
		if (n < 0 && (errno == EINTR || errno == ENOENT ||
			      errno == EAGAIN))
			continue;
		if (n < 0) {
			/* ENODEV: unmounted, the connection is gone */
			printf("ended: %s\n", strerror(errno));
			return errno == ENODEV ? 0 : 1;
		}
		serve(fd, buf, (size_t)n);
	}
	printf("stalled\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int subvol(const char *path)
{
	struct btrfs_ioctl_vol_args args;
	char *a = strdup(path), *b = strdup(path);
	int fd, ret = 0;

	if (!a || !b)
		return 1;
	memset(&args, 0, sizeof(args));
	snprintf(args.name, sizeof(args.name), "%s", basename(a));
	fd = open(dirname(b), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, BTRFS_IOC_SUBVOL_CREATE, &args)) {
		fprintf(stderr, "lis-fs-test: subvolume %s: %s\n", path,
			strerror(errno));
		ret = 1;
	}
	if (fd >= 0)
		close(fd);
	free(a);
	free(b);
	return ret;
}

/* dm_call: one device-mapper ioctl on @name, with @extra bytes of data. */
#define DM_MAX_DEVS	4
#define DM_TARGET_SIZE	(sizeof(struct dm_target_spec) + 64)

/* dm_call: one device-mapper ioctl on @name, with @nr targets in @extra. */
static int dm_call(int ctl, unsigned long cmd, const char *name,
		   __u32 flags, const void *extra, unsigned int nr,
		   struct dm_ioctl *out)
{
	char buf[sizeof(struct dm_ioctl) + DM_MAX_DEVS * DM_TARGET_SIZE];
	struct dm_ioctl *io = (void *)buf;

	memset(buf, 0, sizeof(buf));
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = sizeof(buf);
	io->data_start = sizeof(*io);
	io->flags = flags;
	io->target_count = nr;
	snprintf(io->name, sizeof(io->name), "%s", name);
	if (nr)
		memcpy(buf + sizeof(*io), extra, nr * DM_TARGET_SIZE);
	if (ioctl(ctl, cmd, io))
		return -errno;
	if (out)
		*out = *io;
	return 0;
}

static int dm_open(void)
{
	int ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		fprintf(stderr, "lis-fs-test: /dev/mapper/control: %s\n",
			strerror(errno));
	return ctl;
}

/* dm_target: a linear target over all of @dev at @*start; advances it. */
static int dm_target(char *spec, const char *dev, __u64 *start)
{
	struct dm_target_spec *t = (void *)spec;
	struct stat st;
	__u64 bytes;
	int fd;

	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISBLK(st.st_mode) ||
	    ioctl(fd, BLKGETSIZE64, &bytes)) {
		fprintf(stderr, "lis-fs-test: %s: not a block device\n", dev);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	memset(spec, 0, DM_TARGET_SIZE);
	t->sector_start = *start;
	t->length = bytes >> 9;
	t->next = DM_TARGET_SIZE;
	snprintf(t->target_type, sizeof(t->target_type), "linear");
	snprintf(spec + sizeof(*t), DM_TARGET_SIZE - sizeof(*t), "%u:%u 0",
		 major(st.st_rdev), minor(st.st_rdev));
	*start += t->length;
	return 0;
}

static int dm_linear(const char *name, char **devs, int nr)
{
	char table[DM_MAX_DEVS * DM_TARGET_SIZE];
	struct dm_ioctl io;
	__u64 start = 0;
	int ctl, i, ret;
	bool exists;

	if (nr > DM_MAX_DEVS)
		return 2;
	for (i = 0; i < nr; i++)
		if (dm_target(table + i * DM_TARGET_SIZE, devs[i], &start))
			return 1;
	ctl = dm_open();
	if (ctl < 0)
		return 1;
	exists = !dm_call(ctl, DM_DEV_STATUS, name, 0, NULL, 0, NULL);
	ret = exists ? 0 : dm_call(ctl, DM_DEV_CREATE, name, 0, NULL, 0, NULL);
	if (!ret)
		ret = dm_call(ctl, DM_TABLE_LOAD, name, 0, table,
			      (unsigned int)nr, NULL);
	/*
	 * No freeze of the file system on it while suspended: with loop
	 * devices stacked on that file system, the freeze could wait for
	 * writes that wait for it.
	 */
	if (!ret && exists)
		ret = dm_call(ctl, DM_DEV_SUSPEND, name,
			      DM_SUSPEND_FLAG | DM_SKIP_LOCKFS_FLAG, NULL, 0,
			      NULL);
	if (!ret)
		ret = dm_call(ctl, DM_DEV_SUSPEND, name, 0, NULL, 0, &io);
	close(ctl);
	if (ret) {
		fprintf(stderr, "lis-fs-test: dm %s: %s\n", name,
			strerror(-ret));
		return 1;
	}
	printf("dm %s %u:%u\n", name, major(io.dev), minor(io.dev));
	return 0;
}

static int dm_remove(const char *name)
{
	int ctl = dm_open(), ret;

	if (ctl < 0)
		return 1;
	ret = dm_call(ctl, DM_DEV_REMOVE, name, 0, NULL, 0, NULL);
	close(ctl);
	if (ret)
		fprintf(stderr, "lis-fs-test: dm remove %s: %s\n", name,
			strerror(-ret));
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "fuse-stall"))
		return fuse_stall(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "subvol"))
		return subvol(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "dm-linear"))
		return dm_linear(argv[2], argv + 3, argc - 3);
	if (argc == 3 && !strcmp(argv[1], "dm-remove"))
		return dm_remove(argv[2]);
	fprintf(stderr, "usage: lis-fs-test fuse-stall MOUNTPOINT | subvol PATH | dm-linear NAME DEVICE... | dm-remove NAME\n");
	return 2;
}
