/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: parse /proc/self/mountinfo lines (proc(5)).  Pure code: no I/O,
 * so the unit test and the fuzzer drive it with any text.
 */
#ifndef _VSSD_MOUNTINFO_H
#define _VSSD_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct vssd_mount - one line of mountinfo, unescaped
 * @id: mount ID
 * @parent_id: the mount ID of the parent (itself for the namespace root)
 * @major: major number of the superblock's st_dev
 * @minor: minor number of the superblock's st_dev
 * @root: the directory of the file system mounted here ("/" usually; a
 *	bind mount shows its source directory or file)
 * @mount_point: where it is mounted
 * @mount_opts: per-mount options ("rw,noatime")
 * @fstype: file system type ("ext4", "fuse.sshfs")
 * @source: mount source ("/dev/vda", "none")
 * @super_opts: per-superblock options
 * @read_only: mounted "ro", or the superblock is "ro"
 */
struct vssd_mount {
	unsigned int id;
	unsigned int parent_id;
	unsigned int major;
	unsigned int minor;
	char *root;
	char *mount_point;
	char *mount_opts;
	char *fstype;
	char *source;
	char *super_opts;
	bool read_only;
};

/**
 * struct vssd_mounts - a parsed mount table
 * @m: the mounts, in the order of the table
 * @nr: how many
 * @cap: allocated slots of @m
 */
struct vssd_mounts {
	struct vssd_mount *m;
	size_t nr;
	size_t cap;
};

int vssd_parse_mountinfo_line(const char *line, size_t len,
			      struct vssd_mount *out);
int vssd_parse_mountinfo(const char *text, size_t len,
			 struct vssd_mounts *out, size_t *bad_lines);
void vssd_mount_free(struct vssd_mount *m);
void vssd_mounts_free(struct vssd_mounts *ms);
bool vssd_opt_has(const char *opts, const char *opt);

#endif /* _VSSD_MOUNTINFO_H */
