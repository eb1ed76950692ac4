// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: logging.
 *
 * Lines go to stderr (the journal, under systemd) or to syslog through
 * /dev/log.  Either may end up in a file on a file system the daemon is
 * about to freeze, and a write there would block until the thaw: the
 * daemon, blocked, could then never ask for the thaw.  So from
 * vssd_log_hold() (just before the first freeze) to vssd_log_release()
 * (just after the thaw) lines are kept in memory, stamped with the time
 * they were logged, and written out on release.  The buffer is bounded;
 * what does not fit is counted and reported.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define HOLD_LINES	256
#define LINE_MAX_LEN	480

static struct {
	const char *ident;
	bool syslog;
	bool debug;
	bool held;
	struct timespec held_since;
	unsigned int nr;
	unsigned int dropped;
	enum vssd_level level[HOLD_LINES];
	char line[HOLD_LINES][LINE_MAX_LEN];
} lg = { .ident = "lis-vssd" };

static const char *const level_name[] = {
	[VSSD_ERR] = "error: ",
	[VSSD_WARN] = "warning: ",
	[VSSD_INFO] = "",
	[VSSD_DEBUG] = "debug: ",
};

static const int level_prio[] = {
	[VSSD_ERR] = LOG_ERR,
	[VSSD_WARN] = LOG_WARNING,
	[VSSD_INFO] = LOG_INFO,
	[VSSD_DEBUG] = LOG_DEBUG,
};

/**
 * vssd_log_init() - set up logging
 * @ident: program name for each line
 * @use_syslog: log to syslog (/dev/log) instead of stderr
 * @debug: also log VSSD_DEBUG lines
 */
void vssd_log_init(const char *ident, bool use_syslog, bool debug)
{
	lg.ident = ident;
	lg.syslog = use_syslog;
	lg.debug = debug;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

static void emit(enum vssd_level level, const char *text)
{
	if (lg.syslog)
		syslog(level_prio[level], "%s%s", level_name[level], text);
	else
		fprintf(stderr, "%s: %s%s\n", lg.ident, level_name[level],
			text);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/**
 * vssd_log() - log a line, or keep it while file systems are frozen
 * @level: its level
 * @fmt: printf format
 */
void vssd_log(enum vssd_level level, const char *fmt, ...)
{
	char text[LINE_MAX_LEN];
	va_list ap;
	int n = 0;

	if (level == VSSD_DEBUG && !lg.debug)
		return;
	if (lg.held) {
		if (lg.nr == HOLD_LINES) {
			lg.dropped++;
			return;
		}
		n = snprintf(text, sizeof(text), "[frozen +%ld ms] ",
			     ms_since(&lg.held_since));
		if (n < 0)
			n = 0;
	}
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	if (!lg.held) {
		emit(level, text);
		return;
	}
	lg.level[lg.nr] = level;
	memcpy(lg.line[lg.nr], text, sizeof(text));
	lg.nr++;
}

/**
 * vssd_log_hold() - keep log lines in memory from now on
 */
void vssd_log_hold(void)
{
	if (lg.held)
		return;
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &lg.held_since);
	lg.held = true;
	lg.nr = 0;
	lg.dropped = 0;
}

/**
 * vssd_log_release() - write out the lines kept since vssd_log_hold()
 */
void vssd_log_release(void)
{
	unsigned int i;

	if (!lg.held)
		return;
	lg.held = false;
	for (i = 0; i < lg.nr; i++)
		emit(lg.level[i], lg.line[i]);
	if (lg.dropped)
		vssd_log(VSSD_WARN, "%u log lines dropped while frozen",
			 lg.dropped);
	lg.nr = 0;
	lg.dropped = 0;
}
