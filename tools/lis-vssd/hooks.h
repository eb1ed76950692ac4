/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: pre-freeze and post-thaw hooks.
 */
#ifndef _VSSD_HOOKS_H
#define _VSSD_HOOKS_H

int vssd_hooks_pre_freeze(const char *dir, unsigned int timeout_ms);
int vssd_hooks_post_thaw(const char *dir, unsigned int timeout_ms);

#endif /* _VSSD_HOOKS_H */
