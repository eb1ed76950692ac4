// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/lis_vss: the daemon's side of lis_vss, as include/uapi/linux/lis_vss.h
 * specifies it.  One daemon at a time; requests after a HELLO handshake;
 * read() a request, write() the reply; FREEZE_FD and THAW_ALL let the
 * daemon freeze through the kernel, which keeps the stack (freeze.c).
 *
 * The misc device exists only while the VSS channel is open.  An open
 * file holds a reference on struct lis_vss, so a daemon that keeps the
 * device open after the channel went away gets -ENODEV (and EPOLLHUP),
 * never a freed structure.  Closing the file, however the daemon ends,
 * thaws everything and fails a request in flight.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

#include "vss.h"

/**
 * lis_vss_cdev_post() - make a request available to the daemon
 * @vss: the device
 * @op: LIS_VSS_REQ_FREEZE or LIS_VSS_REQ_THAW
 * @seq: its sequence number
 * @timeout_ms: how long the daemon has to answer
 *
 * Context: lis_vss.lock held.
 */
void lis_vss_cdev_post(struct lis_vss *vss, u32 op, u64 seq, u32 timeout_ms)
{
	lockdep_assert_held(&vss->lock);
	vss->req.version = LIS_VSS_UAPI_VERSION;
	vss->req.op = op;
	vss->req.seq = seq;
	vss->req.timeout_ms = timeout_ms;
	vss->req.reserved = 0;
	vss->req_ready = true;
	wake_up_interruptible_all(&vss->daemon_wait);
}

static struct lis_vss *lis_vss_file(struct file *filp)
{
	return filp->private_data;
}

static int lis_vss_open(struct inode *inode, struct file *filp)
{
	struct miscdevice *misc = filp->private_data;
	struct lis_vss *vss = container_of(misc, struct lis_vss, misc);
	int ret = 0;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	/* misc_open() holds misc_mtx: remove cannot free @vss meanwhile. */
	mutex_lock(&vss->lock);
	if (vss->gone)
		ret = -ENODEV;
	else if (vss->file)
		ret = -EBUSY;
	if (!ret) {
		vss->file = filp;
		vss->hello = false;
		lis_vss_get(vss);
		filp->private_data = vss;
	}
	mutex_unlock(&vss->lock);
	return ret ? ret : nonseekable_open(inode, filp);
}

static int lis_vss_release_file(struct inode *inode, struct file *filp)
{
	struct lis_vss *vss = lis_vss_file(filp);
	struct lis_vss_action act;
	bool was_daemon;

	mutex_lock(&vss->lock);
	vss->file = NULL;
	was_daemon = vss->hello;
	vss->hello = false;
	vss->req_ready = false;
	if (!vss->gone) {
		lis_vss_txn_daemon_gone(&vss->txn, &act);
		lis_vss_do(vss, &act);
	}
	mutex_unlock(&vss->lock);
	if (was_daemon)
		pr_info("the daemon closed /dev/%s\n", LIS_VSS_DEVICE_NAME);
	lis_vss_thaw_all(vss, "the daemon closed the device or died");
	lis_vss_put(vss);
	return 0;
}

static ssize_t lis_vss_read(struct file *filp, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct lis_vss *vss = lis_vss_file(filp);
	struct lis_vss_request req;
	int ret;

	if (count < sizeof(req))
		return -EINVAL;
	mutex_lock(&vss->lock);
	while (!vss->gone && !(vss->hello && vss->req_ready)) {
		mutex_unlock(&vss->lock);
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(vss->daemon_wait,
					       READ_ONCE(vss->gone) ||
					       (READ_ONCE(vss->hello) &&
						READ_ONCE(vss->req_ready)));
		if (ret)
			return ret;
		mutex_lock(&vss->lock);
	}
	if (vss->gone) {
		mutex_unlock(&vss->lock);
		return -ENODEV;
	}
	req = vss->req;
	vss->req_ready = false;
	mutex_unlock(&vss->lock);
	if (copy_to_user(ubuf, &req, sizeof(req)))
		return -EFAULT;
	return sizeof(req);
}

static ssize_t lis_vss_write(struct file *filp, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct lis_vss *vss = lis_vss_file(filp);
	struct lis_vss_reply reply;
	struct lis_vss_action act;
	bool freeze;
	int ret;

	if (count != sizeof(reply))
		return -EINVAL;
	if (copy_from_user(&reply, ubuf, sizeof(reply)))
		return -EFAULT;
	mutex_lock(&vss->lock);
	ret = -ENODEV;
	if (vss->gone)
		goto unlock;
	ret = -EINVAL;
	if (!vss->hello)
		goto unlock;
	freeze = vss->txn.inflight == LIS_VSS_OP_FREEZE;
	ret = lis_vss_txn_reply(&vss->txn, &reply, &act);
	if (ret)
		goto unlock;
	if (freeze && !reply.error)
		vss->stats.frozen_fs = lis_vss_frozen_count(&vss->frozen);
	if (reply.error)
		dev_warn(&vss->dev->dev, "the daemon failed %s: %d\n",
			 freeze ? "FREEZE" : "THAW", reply.error);
	lis_vss_do(vss, &act);
	mutex_unlock(&vss->lock);
	if (act.thaw_all)
		lis_vss_thaw_all(vss, freeze ? "the daemon failed FREEZE" :
				 NULL);
	return count;

unlock:
	mutex_unlock(&vss->lock);
	return ret;
}

static __poll_t lis_vss_poll(struct file *filp, poll_table *wait)
{
	struct lis_vss *vss = lis_vss_file(filp);
	__poll_t mask = 0;

	poll_wait(filp, &vss->daemon_wait, wait);
	mutex_lock(&vss->lock);
	if (vss->gone)
		mask = EPOLLERR | EPOLLHUP;
	else if (vss->hello && vss->req_ready)
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&vss->lock);
	return mask;
}

static long lis_vss_hello(struct lis_vss *vss, void __user *uarg)
{
	struct lis_vss_hello hello;
	u32 want;
	long ret = 0;

	if (copy_from_user(&hello, uarg, sizeof(hello)))
		return -EFAULT;
	if (hello.flags)
		return -EINVAL;
	want = hello.version;
	hello.version = LIS_VSS_UAPI_VERSION;
	if (copy_to_user(uarg, &hello, sizeof(hello)))
		return -EFAULT;
	if (want != LIS_VSS_UAPI_VERSION)
		return -EPROTO;

	mutex_lock(&vss->lock);
	if (vss->gone) {
		ret = -ENODEV;
	} else {
		vss->hello = true;
		lis_vss_txn_hello(&vss->txn);
	}
	mutex_unlock(&vss->lock);
	if (!ret) {
		pr_info("daemon connected (pid %d)\n", task_tgid_nr(current));
		/* A request may have been waiting for the handshake. */
		wake_up_interruptible_all(&vss->daemon_wait);
	}
	return ret;
}

/* The request in flight, if it is a FREEZE: its seq; else 0. */
static u64 lis_vss_freeze_seq(struct lis_vss *vss, long *err)
{
	u64 seq = 0;

	mutex_lock(&vss->lock);
	if (vss->gone)
		*err = -ENODEV;
	else if (!vss->hello || vss->txn.inflight != LIS_VSS_OP_FREEZE)
		*err = -EINVAL;
	else
		seq = vss->txn.seq;
	mutex_unlock(&vss->lock);
	return seq;
}

/*
 * LIS_VSS_IOC_FREEZE_FD.  Neither lock is held while the file system
 * freezes, which may take as long as another file system stays frozen
 * (freeze.c): the host's answer, the timeouts and the thaw go on
 * meanwhile, and a freeze that completes after its request was given up
 * is undone here (or by the stack itself when it was abandoned midway).
 */
static long lis_vss_freeze(struct lis_vss *vss, s32 __user *uarg)
{
	long ret = 0;
	bool first;
	u64 seq;
	s32 fd;

	if (get_user(fd, uarg))
		return -EFAULT;
	seq = lis_vss_freeze_seq(vss, &ret);
	if (!seq)
		return ret;
	first = !lis_vss_frozen_count(&vss->frozen);
	ret = lis_vss_freeze_fd(&vss->frozen, fd);
	if (ret && ret != -ECANCELED)
		return ret;

	mutex_lock(&vss->lock);
	if (ret == -ECANCELED) {
		/* Frozen after the stack was thawed, and thawed at once. */
		vss->stats.auto_thaws++;
		ret = vss->gone ? -ENODEV : -ETIMEDOUT;
		mutex_unlock(&vss->lock);
		return ret;
	}
	if (vss->gone || vss->txn.inflight != LIS_VSS_OP_FREEZE ||
	    vss->txn.seq != seq) {
		/* The request timed out (or the device went) meanwhile. */
		ret = vss->gone ? -ENODEV : -ETIMEDOUT;
	} else {
		if (first)
			vss->freeze_start = ktime_get_ns();
		vss->stats.total_frozen++;
	}
	mutex_unlock(&vss->lock);
	if (ret)
		lis_vss_thaw_all(vss, "a file system was frozen after its FREEZE was abandoned");
	return ret;
}

static long lis_vss_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct lis_vss *vss = lis_vss_file(filp);
	void __user *uarg = (void __user *)arg;
	long ret = 0;

	switch (cmd) {
	case LIS_VSS_IOC_HELLO:
		return lis_vss_hello(vss, uarg);
	case LIS_VSS_IOC_FREEZE_FD:
		return lis_vss_freeze(vss, uarg);
	case LIS_VSS_IOC_THAW_ALL:
		mutex_lock(&vss->lock);
		if (vss->gone)
			ret = -ENODEV;
		else if (!vss->hello)
			ret = -EINVAL;
		mutex_unlock(&vss->lock);
		if (ret)
			return ret;
		return lis_vss_thaw_all(vss, NULL);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lis_vss_fops = {
	.owner = THIS_MODULE,
	.open = lis_vss_open,
	.release = lis_vss_release_file,
	.read = lis_vss_read,
	.write = lis_vss_write,
	.poll = lis_vss_poll,
	.unlocked_ioctl = lis_vss_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * lis_vss_cdev_register() - create /dev/lis_vss for this device
 * @vss: the device, its channel open
 *
 * Context: process.
 * Return: 0, or misc_register()'s error (-EBUSY if another VSS device
 * already has it).
 */
int lis_vss_cdev_register(struct lis_vss *vss)
{
	int ret;

	vss->misc.minor = MISC_DYNAMIC_MINOR;
	vss->misc.name = LIS_VSS_DEVICE_NAME;
	vss->misc.fops = &lis_vss_fops;
	vss->misc.mode = 0600;
	vss->misc.parent = &vss->dev->dev;
	ret = misc_register(&vss->misc);
	if (!ret)
		vss->misc_registered = true;
	return ret;
}

/**
 * lis_vss_cdev_unregister() - remove /dev/lis_vss; open files stay valid
 * @vss: the device
 *
 * Context: process.
 */
void lis_vss_cdev_unregister(struct lis_vss *vss)
{
	if (vss->misc_registered)
		misc_deregister(&vss->misc);
	vss->misc_registered = false;
}
