/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * lis_vss: the interface between the lis_vss kernel module and the
 * lis-vssd daemon, on the character device /dev/lis_vss.
 *
 * One daemon at a time: a second open() fails with EBUSY.  The device
 * exists only while the VSS channel to the host is open.
 *
 * Handshake: right after open(), the daemon calls LIS_VSS_IOC_HELLO with
 * the uAPI version it speaks; the kernel answers with its own and refuses
 * (EPROTO) a version it does not speak.  No request is delivered before
 * the handshake.
 *
 * Requests: poll() reports POLLIN when a request is waiting; read() returns
 * exactly one struct lis_vss_request (EINVAL if the buffer is smaller,
 * EAGAIN under O_NONBLOCK when there is none).  The daemon answers with one
 * write() of struct lis_vss_reply carrying the same op and seq; a reply to
 * anything but the request in flight fails with EINVAL and changes nothing.
 * A reply that comes after timeout_ms is too late: the kernel has already
 * answered the host (ETIMEDOUT on write).
 *
 * Freezing: the daemon chooses what to freeze and in which order
 * (children before parents), but the kernel does the freezing, so that
 * nothing can stay frozen whatever happens to the daemon.  For each file
 * system, the daemon opens its mount point (O_RDONLY | O_DIRECTORY) and
 * passes the descriptor to LIS_VSS_IOC_FREEZE_FD.  The kernel freezes that
 * superblock and remembers it.  It thaws everything it froze, in exact
 * reverse order, on LIS_VSS_IOC_THAW_ALL, when the daemon closes the
 * device or dies, and when the host sends no THAW within the module's
 * thaw timeout.  File systems frozen by anyone else are never thawed by
 * lis_vss.
 */
#ifndef _UAPI_LINUX_LIS_VSS_H
#define _UAPI_LINUX_LIS_VSS_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define LIS_VSS_UAPI_VERSION	1
#define LIS_VSS_DEVICE_NAME	"lis_vss"	/* /dev/lis_vss */

/* What the host asks the daemon to do (struct lis_vss_request.op). */
enum lis_vss_daemon_op {
	LIS_VSS_REQ_FREEZE	= 1,	/* run pre-freeze hooks, freeze */
	LIS_VSS_REQ_THAW	= 2,	/* thaw, run post-thaw hooks */
};

/**
 * struct lis_vss_request - what read() returns
 * @version: LIS_VSS_UAPI_VERSION
 * @op: enum lis_vss_daemon_op
 * @seq: request number, to be copied into the reply
 * @timeout_ms: how long the kernel waits for the reply
 * @reserved: zero
 */
struct lis_vss_request {
	__u32 version;
	__u32 op;
	__u64 seq;
	__u32 timeout_ms;
	__u32 reserved;
};

/**
 * struct lis_vss_reply - what the daemon write()s
 * @version: LIS_VSS_UAPI_VERSION
 * @op: the request's op
 * @seq: the request's seq
 * @error: 0 on success, or a negative errno saying why the operation
 *	failed (the host is told the backup cannot be consistent)
 * @nr_fs: file systems frozen (FREEZE) or thawed (THAW), for the log and
 *	statistics
 */
struct lis_vss_reply {
	__u32 version;
	__u32 op;
	__u64 seq;
	__s32 error;
	__u32 nr_fs;
};

/**
 * struct lis_vss_hello - LIS_VSS_IOC_HELLO argument
 * @version: in: the daemon's uAPI version; out: the kernel's
 * @flags: zero
 */
struct lis_vss_hello {
	__u32 version;
	__u32 flags;
};

#define LIS_VSS_IOC_MAGIC	0xb7

/* Handshake; EPROTO if the kernel does not speak the daemon's version. */
#define LIS_VSS_IOC_HELLO	_IOWR(LIS_VSS_IOC_MAGIC, 0, struct lis_vss_hello)
/*
 * Freeze the file system that holds an open descriptor; the argument
 * points to the __s32 descriptor (ioctl(dev, LIS_VSS_IOC_FREEZE_FD, &fd)),
 * as _IOW says.  Returns 0, or fails with EOPNOTSUPP (cannot freeze),
 * EBUSY (already frozen by someone else: not ours, never thawed by us),
 * EROFS (read-only), EALREADY (this superblock is already frozen, or
 * being frozen, by us: a bind mount), EPERM, EINVAL (no FREEZE request in
 * flight), or ETIMEDOUT (the FREEZE was given up while this freeze was in
 * progress: the file system was thawed again at once).  The kernel never
 * waits for a freeze in progress to thaw the rest.
 */
#define LIS_VSS_IOC_FREEZE_FD	_IOW(LIS_VSS_IOC_MAGIC, 1, __s32)
/* Thaw, in reverse order, everything frozen through this device; returns
 * how many file systems were thawed.
 */
#define LIS_VSS_IOC_THAW_ALL	_IO(LIS_VSS_IOC_MAGIC, 2)

#endif /* _UAPI_LINUX_LIS_VSS_H */
