/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: reaching mounts and finding loop devices, without a lookup
 * in a file system that may not answer.
 */
#ifndef _VSSD_PROBE_H
#define _VSSD_PROBE_H

#include "mountinfo.h"
#include "plan.h"

/**
 * struct vssd_probed - what vssd_probe_all() found, per mount
 * @p: for the planner
 * @fd: an O_PATH descriptor of the mount's root, -1 if not reached
 * @error: why it was not reached (errno), 0 if it was or was not tried
 * @nr: entries of @p, @fd and @error (the mount table's)
 */
struct vssd_probed {
	struct vssd_probe *p;
	int *fd;
	int *error;
	size_t nr;
};

bool vssd_worth_probing(const struct vssd_mount *m);
int vssd_probe_all(const struct vssd_mounts *ms, struct vssd_probed *out);
void vssd_probe_free(struct vssd_probed *pd);
int vssd_mnt_id(int fd, unsigned int *id, unsigned int *mode);

#endif /* _VSSD_PROBE_H */
