// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stack of superblocks lis_vss froze for the daemon.
 *
 * The daemon chooses what to freeze and in which order (children before
 * parents) and hands one descriptor per mount point to
 * LIS_VSS_IOC_FREEZE_FD; the kernel freezes that superblock and pushes it
 * here.  Thawing pops in exact reverse order.  Each entry holds a
 * reference to the mount it was frozen through, so the superblock stays
 * alive until it is thawed, even if it is unmounted meanwhile (a lazy
 * unmount cannot complete while frozen anyway).
 *
 * The checks are those of the FIFREEZE ioctl, plus two that only make
 * sense for a stack: a superblock already here (a bind mount of a file
 * system frozen earlier in this backup) is -EALREADY, and one frozen by
 * anyone else is -EBUSY and never thawed by us.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/user_namespace.h>

#include <lis/compat.h>
#include "vss.h"

/**
 * lis_vss_frozen_init() - an empty stack
 * @f: the stack
 */
void lis_vss_frozen_init(struct lis_vss_frozen *f)
{
	mutex_init(&f->lock);
	f->nr = 0;
}

static bool lis_vss_frozen_has(struct lis_vss_frozen *f,
			       struct super_block *sb)
{
	unsigned int i;

	lockdep_assert_held(&f->lock);
	for (i = 0; i < f->nr; i++)
		if (f->path[i].dentry->d_sb == sb)
			return true;
	return false;
}

/**
 * lis_vss_freeze_fd() - freeze the file system holding an open file
 * @f: the stack
 * @fd: a descriptor of the caller's (a mount point, opened O_RDONLY)
 *
 * Context: process; sleeps (a freeze syncs the file system).
 * Return: 0 once frozen and pushed; -EBADF (@fd not open); -EPERM (no
 * CAP_SYS_ADMIN over the file system); -EOPNOTSUPP (the file system cannot
 * be frozen); -EALREADY (already on the stack: a bind mount); -EROFS
 * (read-only: nothing to freeze); -EBUSY (frozen by someone else);
 * -ENOSPC (LIS_VSS_MAX_FROZEN reached); or freeze_super()'s error.
 */
int lis_vss_freeze_fd(struct lis_vss_frozen *f, int fd)
{
	struct super_block *sb;
	struct file *file;
	int ret;

	file = fget(fd);
	if (!file)
		return -EBADF;
	sb = file_inode(file)->i_sb;
	ret = -EPERM;
	if (!ns_capable(sb->s_user_ns, CAP_SYS_ADMIN))
		goto put_file;
	ret = -EOPNOTSUPP;
	if (!sb->s_op->freeze_fs && !sb->s_op->freeze_super)
		goto put_file;

	mutex_lock(&f->lock);
	if (lis_vss_frozen_has(f, sb))
		ret = -EALREADY;
	else if (sb_rdonly(sb))
		ret = -EROFS;
	else if (READ_ONCE(sb->s_writers.frozen) != SB_UNFROZEN)
		ret = -EBUSY;
	else if (f->nr == LIS_VSS_MAX_FROZEN)
		ret = -ENOSPC;
	else
		ret = lis_freeze_super(sb);
	if (!ret) {
		f->path[f->nr] = file->f_path;
		path_get(&f->path[f->nr]);
		WRITE_ONCE(f->nr, f->nr + 1);
	}
	mutex_unlock(&f->lock);
put_file:
	fput(file);
	return ret;
}

/**
 * lis_vss_thaw_stack() - thaw everything on the stack, last frozen first
 * @f: the stack
 *
 * A superblock someone else thawed meanwhile (possible before 6.6, where
 * `fsfreeze -u` thaws any freeze) is logged and dropped.
 *
 * Context: process; sleeps.
 * Return: entries popped.
 */
unsigned int lis_vss_thaw_stack(struct lis_vss_frozen *f)
{
	unsigned int n = 0;
	int ret;

	mutex_lock(&f->lock);
	while (f->nr) {
		struct path *p = &f->path[f->nr - 1];

		ret = lis_thaw_super(p->dentry->d_sb);
		if (ret)
			pr_warn("thawing %s (%s) failed: %d; was it thawed by someone else?\n",
				p->dentry->d_sb->s_id, p->dentry->d_sb->s_type->name,
				ret);
		path_put(p);
		WRITE_ONCE(f->nr, f->nr - 1);
		n++;
	}
	mutex_unlock(&f->lock);
	return n;
}

/**
 * lis_vss_frozen_count() - superblocks on the stack now
 * @f: the stack
 *
 * Lockless (a snapshot, for statistics): never waits for a freeze in
 * progress.
 *
 * Context: any.
 * Return: the count.
 */
unsigned int lis_vss_frozen_count(struct lis_vss_frozen *f)
{
	return READ_ONCE(f->nr);
}
