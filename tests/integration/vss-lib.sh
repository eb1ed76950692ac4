# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the lis_vss scenarios that drive freezes themselves (with
# the test client lis-vss-test) and watch writes being held: sourced as
# /lis/vss-lib.sh, after /lis/lib.sh.

# vstat KEY: a key of lis_vss's debugfs stats.
vstat()
{
	sed -n "s/^$1=//p" /sys/kernel/debug/lis_vss/*/stats 2>/dev/null
}

# hstat KEY: a key of lis_sim's VSS host.
hstat()
{
	sed -n "s/^$1=//p" /sys/kernel/debug/lis_sim/vss
}

# try_write <dir>: create a file there in the background; a write to a
# frozen file system blocks (uninterruptibly) until it is thawed.
try_write()
{
	# Not attached to our output: check's $(...) would wait for it.
	sh -c "echo x >$1/probe.\$\$" >/dev/null 2>&1 </dev/null &
	WRITER=$!
}

writer_done()
{
	! kill -0 "$WRITER" 2>/dev/null
}

# writable <dir>: a write there completes within VSS_WRITE_SECONDS
# (default 2).
writable()
{
	try_write "$1"
	wait_for "${VSS_WRITE_SECONDS:-2}" writer_done
}

# frozen <dir>: a write there is still blocked after 1 s.
frozen()
{
	try_write "$1"
	sleep 1
	! writer_done
}

# client <log> <args...>: start lis-vss-test in the background (CLIENT)
# and wait for its hello.
client()
{
	local log=$1

	shift
	lis-vss-test "$@" >"$log" 2>&1 &
	CLIENT=$!
	wait_for 10 grep -q '^hello 0' "$log"
}

# stop_client: end the client started by client().
stop_client()
{
	kill "$CLIENT" 2>/dev/null
	wait "$CLIENT" 2>/dev/null
}
