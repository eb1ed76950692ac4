// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of lis-vssd's hook runner (hooks.c), with real hook scripts
 * in a scratch directory: order, failure, undo, timeout, leftovers.  TAP
 * output; the last line is "N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "log.h"

static int passed, failed;
static char dir[64], trail[80];

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			ok = false;					\
		}							\
	} while (0)

static void result(const char *name, bool ok)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", passed + failed, name);
}

/* hook: a script named @name whose body follows "#!/bin/sh". */
static void hook(const char *name, const char *body, mode_t mode)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, mode);
}

static void clear(void)
{
	char cmd[320];

	snprintf(cmd, sizeof(cmd), "rm -f %s/* %s/.[!.]* %s", dir, dir, trail);
	if (system(cmd))
		abort();
}

/* got: the trail the hooks left, newlines as spaces. */
static const char *got(void)
{
	static char buf[256];
	size_t n = 0, i;
	FILE *f = fopen(trail, "r");

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	for (i = 0; i < n; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	return buf;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

#define LOG_TO_TRAIL(tag) "echo " tag " $1 >>"

static void test_missing_dir(void)
{
	bool ok = true;

	CHECK(vssd_hooks_pre_freeze("/nonexistent/lis-vssd", 1000) == 0);
	CHECK(vssd_hooks_post_thaw("/nonexistent/lis-vssd", 1000) == 0);
	result("hooks-missing-dir", ok);
}

static void test_order(void)
{
	char body[240];
	bool ok = true;

	clear();
	snprintf(body, sizeof(body), LOG_TO_TRAIL("a") "%s", trail);
	hook("10-a", body, 0755);
	snprintf(body, sizeof(body), LOG_TO_TRAIL("b") "%s", trail);
	hook("20-b", body, 0755);
	snprintf(body, sizeof(body), LOG_TO_TRAIL("x") "%s", trail);
	hook("30-not-executable", body, 0644);
	hook(".hidden", body, 0755);
	hook("40-backup~", body, 0755);
	CHECK(vssd_hooks_pre_freeze(dir, 5000) == 0);
	CHECK(vssd_hooks_post_thaw(dir, 5000) == 0);
	CHECK(!strcmp(got(), "a pre-freeze b pre-freeze b post-thaw a post-thaw "));
	if (!ok)
		printf("# trail: %s\n", got());
	result("hooks-order", ok);
}

static void test_failure_undoes(void)
{
	char body[240];
	bool ok = true;

	clear();
	snprintf(body, sizeof(body), LOG_TO_TRAIL("a") "%s", trail);
	hook("10-a", body, 0755);
	snprintf(body, sizeof(body), LOG_TO_TRAIL("b") "%s\n[ \"$1\" = pre-freeze ] && exit 3\nexit 0",
		 trail);
	hook("20-b", body, 0755);
	snprintf(body, sizeof(body), LOG_TO_TRAIL("c") "%s", trail);
	hook("30-c", body, 0755);
	CHECK(vssd_hooks_pre_freeze(dir, 5000) == -ECHILD);
	/* c never ran; a, which had run, was told post-thaw */
	CHECK(!strcmp(got(), "a pre-freeze b pre-freeze a post-thaw "));
	if (!ok)
		printf("# trail: %s\n", got());
	result("hooks-failure-undoes", ok);
}

static void test_timeout(void)
{
	double t0;
	bool ok = true;

	clear();
	hook("10-slow", "sleep 20", 0755);
	t0 = now();
	CHECK(vssd_hooks_pre_freeze(dir, 300) == -ETIMEDOUT);
	CHECK(now() - t0 < 3);
	result("hooks-timeout", ok);
}

static void test_leftover_child(void)
{
	double t0;
	bool ok = true;

	/* exits at once, but leaves a child holding its output open */
	clear();
	hook("10-daemonizes", "echo started\nsleep 20 &\nexit 0", 0755);
	t0 = now();
	CHECK(vssd_hooks_pre_freeze(dir, 10000) == 0);
	CHECK(now() - t0 < 3);
	result("hooks-leftover-child", ok);
}

static void test_closed_output(void)
{
	double t0;
	bool ok = true;

	/* closes its output, then hangs: still killed at the timeout */
	clear();
	hook("10-quiet", "exec >/dev/null 2>&1\nsleep 20", 0755);
	t0 = now();
	CHECK(vssd_hooks_pre_freeze(dir, 300) == -ETIMEDOUT);
	CHECK(now() - t0 < 3);
	result("hooks-closed-output-timeout", ok);
}

/*
 * Hooks run as root: one that someone else could have written fails the
 * backup and nothing runs, not even the safe ones.
 */
static void test_unsafe(void)
{
	char body[240], path[160];
	bool ok = true;

	clear();
	snprintf(body, sizeof(body), LOG_TO_TRAIL("a") "%s", trail);
	hook("10-a", body, 0755);
	hook("20-group-writable", body, 0775);
	CHECK(vssd_hooks_pre_freeze(dir, 5000) == -EPERM);
	CHECK(vssd_hooks_post_thaw(dir, 5000) == -EPERM);
	CHECK(!strcmp(got(), ""));
	hook("20-group-writable", body, 0755);
	hook("30-world-writable", body, 0757);
	CHECK(vssd_hooks_pre_freeze(dir, 5000) == -EPERM);
	CHECK(!strcmp(got(), ""));
	clear();
	hook("10-a", body, 0755);
	/* another user's hook (only root can make one) */
	if (geteuid() == 0) {
		hook("20-nobody", body, 0755);
		snprintf(path, sizeof(path), "%s/20-nobody", dir);
		CHECK(!chown(path, 65534, 65534));
		CHECK(vssd_hooks_pre_freeze(dir, 5000) == -EPERM);
		CHECK(!strcmp(got(), ""));
		unlink(path);
	}
	/* a world-writable directory: nothing in it runs */
	chmod(dir, 0777);
	CHECK(vssd_hooks_pre_freeze(dir, 5000) == -EPERM);
	CHECK(!strcmp(got(), ""));
	chmod(dir, 0700);
	CHECK(vssd_hooks_pre_freeze(dir, 5000) == 0);
	CHECK(!strcmp(got(), "a pre-freeze "));
	if (!ok)
		printf("# trail: %s\n", got());
	result("hooks-unsafe-refused", ok);
}

int main(void)
{
	char cmd[100];

	snprintf(dir, sizeof(dir), "/tmp/lis-vssd-hooks.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(trail, sizeof(trail), "%s.trail", dir);
	vssd_log_init("test_hooks", false, false);
	printf("TAP version 13\n1..7\n");
	test_missing_dir();
	test_order();
	test_failure_undoes();
	test_timeout();
	test_leftover_child();
	test_closed_output();
	test_unsafe();
	clear();
	snprintf(cmd, sizeof(cmd), "rmdir %s", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
