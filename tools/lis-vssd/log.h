/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: logging that never writes while file systems are frozen.
 */
#ifndef _VSSD_LOG_H
#define _VSSD_LOG_H

#include <stdbool.h>

enum vssd_level {
	VSSD_ERR,
	VSSD_WARN,
	VSSD_INFO,
	VSSD_DEBUG,
};

void vssd_log_init(const char *ident, bool syslog, bool debug);
/* The compiler checks the format against the arguments. */
#define VSSD_FORMAT(fmt, args)	format(printf, fmt, args)

__attribute__((VSSD_FORMAT(2, 3))) void vssd_log(enum vssd_level level, const char *fmt, ...);
void vssd_log_hold(void);
void vssd_log_release(void);

#define err(...)	vssd_log(VSSD_ERR, __VA_ARGS__)
#define warn(...)	vssd_log(VSSD_WARN, __VA_ARGS__)
#define info(...)	vssd_log(VSSD_INFO, __VA_ARGS__)
#define dbg(...)	vssd_log(VSSD_DEBUG, __VA_ARGS__)

#endif /* _VSSD_LOG_H */
