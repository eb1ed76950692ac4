// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: hooks, so that databases and other applications can flush and
 * pause themselves around a freeze.
 *
 * Every regular, executable file of the hook directory whose name does
 * not start with '.' or end with '~' (editor and package-manager leftovers
 * such as ".dpkg-new" names start with the file name, so the directory
 * should hold only hooks) is run with one argument.  The directory and
 * each hook must belong to root (or the daemon's user) and be writable by
 * no one else; otherwise nothing runs and the backup fails.  The argument:
 *
 *   pre-freeze   in name order, before anything is frozen.  The first
 *                hook that fails (non-zero exit, killed, or still running
 *                after the timeout, then killed) fails the backup: the
 *                hooks that already ran get "post-thaw", in reverse
 *                order, and nothing is frozen.
 *   post-thaw    in reverse name order, after the thaw.  Failures are
 *                logged; every hook runs.
 *
 * stdin is /dev/null; stdout and stderr are read by the daemon and logged.
 * Each hook runs in its own process group, which is killed on timeout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "log.h"

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int hook_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 0 && d->d_name[n - 1] != '~';
}

static void free_list(char **paths, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/*
 * unsafe: why the daemon, which runs as root, must not trust @st (the hook
 * directory or a hook, symbolic links followed): someone other than root
 * or the daemon's own user could change it.  NULL when it is safe.
 */
static const char *unsafe(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by another user";
	if (st->st_mode & 0022)	/* group or others may write */
		return "writable by group or others";
	return NULL;
}

/*
 * list: the hooks of @dir, sorted by name, in *@out; how many, or -errno.
 * -EPERM when the directory, or any file that would run, is unsafe (so a
 * backup fails loudly rather than run someone else's code as root, or go
 * on without a hook an application counts on).
 */
static int list(const char *dir, char ***out)
{
	struct dirent **ents;
	struct stat st;
	const char *why;
	char **paths;
	int n, i, nr = 0, ret = 0;

	*out = NULL;
	if (stat(dir, &st))
		return errno == ENOENT ? 0 : -errno;
	why = S_ISDIR(st.st_mode) ? unsafe(&st) : "not a directory";
	if (why) {
		err("hook directory %s: %s: no hook runs", dir, why);
		return -EPERM;
	}
	n = scandir(dir, &ents, hook_filter, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	paths = calloc((size_t)n + 1, sizeof(*paths));
	for (i = 0; i < n; i++) {
		char *p = NULL;

		if (paths && asprintf(&p, "%s/%s", dir, ents[i]->d_name) > 0 &&
		    !stat(p, &st) && S_ISREG(st.st_mode) &&
		    !access(p, X_OK)) {
			why = unsafe(&st);
			if (why) {
				err("hook %s: %s: not run", p, why);
				ret = -EPERM;
			}
			paths[nr++] = p;
		} else {
			free(p);
		}
		free(ents[i]);
	}
	free(ents);
	if (!paths)
		return -ENOMEM;
	if (ret) {
		free_list(paths, nr);
		return ret;
	}
	*out = paths;
	return nr;
}

/* log_output: what the hook printed, one log line per line. */
static void log_output(const char *path, char *buf, size_t *len, bool all)
{
	char *nl;

	while ((nl = memchr(buf, '\n', *len)) || (all && *len)) {
		size_t l = nl ? (size_t)(nl - buf) : *len;

		info("hook %s: %.*s", path, (int)l, buf);
		l = nl ? l + 1 : l;
		memmove(buf, buf + l, *len - l);
		*len -= l;
	}
}

/* run: run one hook; 0, or -errno (ETIMEDOUT, ECHILD: it failed). */
static int run(const char *path, const char *phase, unsigned int timeout_ms)
{
	char buf[1024];
	size_t len = 0;
	long deadline = now_ms() + timeout_ms;
	int pfd[2], status = 0, ret;
	bool eof = false, exited = false;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return ret;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execl(path, path, phase, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	setpgid(pid, pid);
	while (!eof) {
		long left = deadline - now_ms();
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		ssize_t n;
		int ready;

		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
		if (left <= 0 && !exited)
			break;
		/*
		 * Once the hook has exited, only what is already in the pipe
		 * is read: a child it left behind may hold the pipe open.
		 */
		ready = poll(&p, 1, exited ? 0 : (int)(left < 100 ? left : 100));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			eof = exited;
			continue;
		}
		n = read(pfd[0], buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			eof = true;
			continue;
		}
		len += (size_t)n;
		log_output(path, buf, &len, len == sizeof(buf));
	}
	log_output(path, buf, &len, true);
	close(pfd[0]);
	/* Its output closed (or the time is up): wait for it, bounded. */
	while (!exited && now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
		else
			usleep(10000);
	}
	if (!exited) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		err("hook %s %s: still running after %u ms: killed",
		    path, phase, timeout_ms);
		return -ETIMEDOUT;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		err("hook %s %s: exit status %d", path, phase,
		    WEXITSTATUS(status));
	else
		err("hook %s %s: killed by signal %d", path, phase,
		    WTERMSIG(status));
	return -ECHILD;
}

/**
 * vssd_hooks_pre_freeze() - run every hook with "pre-freeze"
 * @dir: the hook directory (a missing one has no hooks)
 * @timeout_ms: how long each hook may run
 *
 * Return: 0 when every hook succeeded, else the first failure's -errno
 * (-ETIMEDOUT or -ECHILD), after "post-thaw" ran for those that had
 * already succeeded; -EPERM (nothing ran) when the directory or a hook
 * is unsafe.
 */
int vssd_hooks_pre_freeze(const char *dir, unsigned int timeout_ms)
{
	char **paths;
	int n, i, ret = 0;

	n = list(dir, &paths);
	if (n < 0) {
		if (n != -EPERM)	/* list() said why */
			err("hook directory %s: %s", dir, strerror(-n));
		return n;
	}
	for (i = 0; i < n; i++) {
		ret = run(paths[i], "pre-freeze", timeout_ms);
		if (ret)
			break;
		info("hook %s pre-freeze: ok", paths[i]);
	}
	if (ret)
		while (i-- > 0)
			run(paths[i], "post-thaw", timeout_ms);
	free_list(paths, n);
	return ret;
}

/**
 * vssd_hooks_post_thaw() - run every hook with "post-thaw", in reverse
 * @dir: the hook directory
 * @timeout_ms: how long each hook may run
 *
 * Return: 0, or the last failure's -errno.  Every hook runs regardless.
 */
int vssd_hooks_post_thaw(const char *dir, unsigned int timeout_ms)
{
	char **paths;
	int n, i, ret = 0;

	n = list(dir, &paths);
	if (n < 0)
		return n;
	for (i = n - 1; i >= 0; i--) {
		int r = run(paths[i], "post-thaw", timeout_ms);

		if (r)
			ret = r;
	}
	free_list(paths, n);
	return ret;
}
