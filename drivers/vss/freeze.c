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
#include <linux/string.h>
#include <linux/user_namespace.h>

#include <lis/compat.h>
#include "vss.h"

/**
 * DOC: A freeze that does not return
 *
 * freeze_super() can block for as long as another file system stays
 * frozen: a file system on a loop device whose backing file lives on a
 * file system frozen earlier has to write its dirty data through that
 * file, and those writes wait for the thaw.  Nothing bounds that wait
 * but the thaw itself, so the thaw must never wait for the freeze:
 *
 * - the stack's lock is never held across freeze_super().  A freeze
 *   first reserves its entry (marked freezing), drops the lock, freezes,
 *   and takes the lock again to settle the entry;
 * - a thaw of the stack thaws every entry whose freeze completed, last
 *   first, and marks every entry still freezing as abandoned without
 *   waiting for it;
 * - when such a freeze returns, its freezer finds its entry abandoned,
 *   thaws that superblock at once, drops the entry and fails the ioctl:
 *   the backup it belonged to has already been failed (that is why the
 *   stack was thawed).
 *
 * So "nothing stays frozen" holds even when a freeze never returns by
 * itself: thawing what is frozen is what lets it return.  The freezer is
 * the daemon's task, in the ioctl; it holds the daemon's file, and with
 * it a reference on the device's state, so the entry and this structure
 * outlive it even when the channel goes away meanwhile.
 */

/**
 * lis_vss_frozen_init() - an empty stack
 * @f: the stack
 */
void lis_vss_frozen_init(struct lis_vss_frozen *f)
{
	mutex_init(&f->lock);
	f->nr = 0;
	f->nr_frozen = 0;
	f->late_thaws = 0;
}

/* The entry of @sb, frozen or freezing; -1 if none. */
static int lis_vss_frozen_find(struct lis_vss_frozen *f,
			       struct super_block *sb)
{
	unsigned int i;

	lockdep_assert_held(&f->lock);
	for (i = 0; i < f->nr; i++)
		if (f->sb[i].path.dentry->d_sb == sb)
			return i;
	return -1;
}

/* Drop entry @i (its path already put); the entries above move down. */
static void lis_vss_frozen_remove(struct lis_vss_frozen *f, unsigned int i)
{
	lockdep_assert_held(&f->lock);
	memmove(&f->sb[i], &f->sb[i + 1], (f->nr - i - 1) * sizeof(f->sb[0]));
	f->nr--;
}

static void lis_vss_thaw_one(struct super_block *sb)
{
	int ret = lis_thaw_super(sb);

	if (ret)
		pr_warn("thawing %s (%s) failed: %d; was it thawed by someone else?\n",
			sb->s_id, sb->s_type->name, ret);
}

/*
 * Reserve an entry for @file's superblock, marked freezing.  Returns 0,
 * or the reason the superblock cannot be frozen by us.
 */
static int lis_vss_frozen_reserve(struct lis_vss_frozen *f, struct file *file)
{
	struct super_block *sb = file_inode(file)->i_sb;
	struct lis_vss_frozen_sb *e;

	lockdep_assert_held(&f->lock);
	if (lis_vss_frozen_find(f, sb) >= 0)
		return -EALREADY;
	if (sb_rdonly(sb))
		return -EROFS;
	if (READ_ONCE(sb->s_writers.frozen) != SB_UNFROZEN)
		return -EBUSY;
	if (f->nr == LIS_VSS_MAX_FROZEN)
		return -ENOSPC;
	e = &f->sb[f->nr++];
	e->path = file->f_path;
	path_get(&e->path);
	e->freezing = true;
	e->abandoned = false;
	return 0;
}

/**
 * lis_vss_freeze_fd() - freeze the file system holding an open file
 * @f: the stack
 * @fd: a descriptor of the caller's (a mount point, opened O_RDONLY)
 *
 * The superblock's entry is reserved before freeze_super() and settled
 * after it, without the stack's lock held meanwhile (see "A freeze that
 * does not return" above): a thaw of the stack never waits for this.
 *
 * Context: process; sleeps (a freeze syncs the file system), for as long
 * as the file system's writes are held up by another frozen one.
 * Return: 0 once frozen and on the stack; -EBADF (@fd not open); -EPERM
 * (no CAP_SYS_ADMIN over the file system); -EOPNOTSUPP (the file system
 * cannot be frozen); -EALREADY (already on the stack, or being frozen:
 * a bind mount); -EROFS (read-only: nothing to freeze); -EBUSY (frozen by
 * someone else); -ENOSPC (LIS_VSS_MAX_FROZEN reached); -ECANCELED (the
 * stack was thawed while this freeze was in progress: the file system
 * was frozen, then thawed again at once); or freeze_super()'s error.
 */
int lis_vss_freeze_fd(struct lis_vss_frozen *f, int fd)
{
	struct super_block *sb;
	struct file *file;
	int ret, i;

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
	ret = lis_vss_frozen_reserve(f, file);
	mutex_unlock(&f->lock);
	if (ret)
		goto put_file;

	/* No lock held: this may wait until another file system thaws. */
	ret = lis_freeze_super(sb);

	mutex_lock(&f->lock);
	/* Only this task removes a freezing entry: it is still there. */
	i = lis_vss_frozen_find(f, sb);
	if (!ret && f->sb[i].abandoned) {
		lis_vss_thaw_one(sb);
		f->late_thaws++;
		pr_warn("%s (%s) froze after its backup was abandoned: thawed at once\n",
			sb->s_id, sb->s_type->name);
		ret = -ECANCELED;
	}
	if (ret) {
		path_put(&f->sb[i].path);
		lis_vss_frozen_remove(f, i);
	} else {
		f->sb[i].freezing = false;
		WRITE_ONCE(f->nr_frozen, f->nr_frozen + 1);
	}
	mutex_unlock(&f->lock);
put_file:
	fput(file);
	return ret;
}

/**
 * lis_vss_thaw_stack() - thaw everything frozen on the stack, last first
 * @f: the stack
 * @pending: set to the freezes still in progress, now abandoned: each is
 *	thawed by its freezer as soon as it returns
 *
 * Never waits for a freeze in progress.  A superblock someone else thawed
 * meanwhile (possible before 6.6, where `fsfreeze -u` thaws any freeze) is
 * logged and dropped.
 *
 * Context: process; sleeps.
 * Return: file systems thawed.
 */
unsigned int lis_vss_thaw_stack(struct lis_vss_frozen *f,
				unsigned int *pending)
{
	struct lis_vss_frozen_sb *e;
	unsigned int i, n = 0;

	*pending = 0;
	mutex_lock(&f->lock);
	for (i = f->nr; i-- > 0;) {
		e = &f->sb[i];
		if (e->freezing) {
			e->abandoned = true;
			(*pending)++;
			continue;
		}
		lis_vss_thaw_one(e->path.dentry->d_sb);
		path_put(&e->path);
		lis_vss_frozen_remove(f, i);
		WRITE_ONCE(f->nr_frozen, f->nr_frozen - 1);
		n++;
	}
	mutex_unlock(&f->lock);
	return n;
}

/**
 * lis_vss_frozen_count() - superblocks frozen on the stack now
 * @f: the stack
 *
 * Lockless (a snapshot, for statistics): never waits for a freeze in
 * progress, and does not count one.
 *
 * Context: any.
 * Return: the count.
 */
unsigned int lis_vss_frozen_count(struct lis_vss_frozen *f)
{
	return READ_ONCE(f->nr_frozen);
}

/**
 * lis_vss_freezing_count() - freezes in progress now
 * @f: the stack
 *
 * Context: process; sleeps briefly (the stack's lock is never held for
 * long).
 * Return: entries whose freeze_super() has not returned yet.
 */
unsigned int lis_vss_freezing_count(struct lis_vss_frozen *f)
{
	unsigned int n;

	mutex_lock(&f->lock);
	n = f->nr - f->nr_frozen;
	mutex_unlock(&f->lock);
	return n;
}

/**
 * lis_vss_late_thaws() - freezes thawed by their freezer, all time
 * @f: the stack
 *
 * Context: process; sleeps briefly.
 * Return: freezes that completed after their backup was abandoned.
 */
u64 lis_vss_late_thaws(struct lis_vss_frozen *f)
{
	u64 n;

	mutex_lock(&f->lock);
	n = f->late_thaws;
	mutex_unlock(&f->lock);
	return n;
}
