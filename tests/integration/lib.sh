# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# Helpers for integration scenarios (busybox sh, inside the guest).
# tests/integration/init.sh sources this file before the scenario, so a
# scenario just calls them.  Results go to the result channel (ttyS1) as
# TAP lines without numbers; the host numbers them, adds the plan, and
# names each result "<kernel>/<scenario>/<name>".  Names are one word
# (spaces become '-').  Everything else a scenario prints goes to the
# console log.
#
#   lis_load <mod>...           insmod /lis/modules/<mod>.ko, in order; one
#                               result "load-<mod>" each; stops and returns
#                               1 at the first failure
#   lis_unload <mod>...         rmmod, in the order given; "unload-<mod>"
#   ok <name>                   a passed test
#   not_ok <name> [reason...]   a failed test
#   skip <name> <reason...>     a skipped test
#   check <name> <command...>   ok if the command succeeds, else not_ok
#                               with the tail of its output
#   wait_for <secs> <command...>
#                               poll the command (every 0.2 s) until it
#                               succeeds; returns 1 after <secs> seconds
#   wait_every <per-second> <secs> <command...>
#                               the same, <per-second> (1 to 1000) times
#                               a second
#   lis_devices <class> [state]
#                               the sysfs path of each lis_vmbus device of
#                               that class GUID (in that state: open,
#                               closed, broken...), one a line
#   lis_device <class> [state]  the first of them; returns 1 if there is
#                               none
#   $LIS_ECHO_CLASS             the class GUID of lis_sim's echo devices
#   dmesg_clean [name]          not_ok if dmesg has BUG/WARNING/Oops/...,
#                               or the kernel is tainted by anything but an
#                               out-of-tree (O) or unsigned (E) module
#   host_copy <tag> clean|dirty
#                               (scenarios with "# lis-host: agent") ask
#                               the host to copy every disk now (QMP
#                               drive-backup) and wait until it has; the
#                               host checks each copy's file system after
#                               the guest ends: result
#                               copy-<tag>-disk<N>-<clean|dirty>.  Returns
#                               1 (and fails "host-copy-<tag>") if the
#                               host did not copy within 120 s
#
# Every helper returns 0 on a pass, non-zero on a failure, so a scenario can
# write "lis_load lis_vmbus || exit 0" to skip what depends on it.

LIS_MODULES=/lis/modules
LIS_RESULT=${LIS_RESULT:-/dev/ttyS1}

_lis_name()
{
	echo "$*" | tr ' \t' '--'
}

_lis_emit()
{
	echo "$*" >>"$LIS_RESULT"
}

# _lis_diag <text...>: diagnostic lines, each prefixed "# ".
_lis_diag()
{
	[ $# -gt 0 ] || return 0
	printf '%s\n' "$@" | tr -d '\r' | sed 's/^/# /' >>"$LIS_RESULT"
}

ok()
{
	_lis_emit "ok $(_lis_name "$1")"
	echo "lis-test: ok $1"
}

not_ok()
{
	local name

	name=$(_lis_name "$1")
	shift
	_lis_emit "not ok $name"
	_lis_diag "$@"
	echo "lis-test: not ok $name${*:+: $*}"
	return 1
}

skip()
{
	local name

	name=$(_lis_name "$1")
	shift
	_lis_emit "ok $name # SKIP $*"
	echo "lis-test: skip $name: $*"
}

check()
{
	local name=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && echo "$out"
	if [ "$rc" -eq 0 ]; then
		ok "$name"
	else
		not_ok "$name" "'$*' exited with $rc" "$(echo "$out" | tail -n 20)"
	fi
}

wait_every()
{
	local tries=$(($1 * $2)) ms=$((1000 / $1)) step

	step=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
	shift 2
	while [ "$tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep "$step"
		tries=$((tries - 1))
	done
	"$@" >/dev/null 2>&1
}

wait_for()
{
	wait_every 5 "$@"
}

lis_load()
{
	local mod out

	for mod in "$@"; do
		if [ ! -e "$LIS_MODULES/$mod.ko" ]; then
			not_ok "load-$mod" "$LIS_MODULES/$mod.ko does not exist (not built?)"
			return 1
		fi
		if out=$(insmod "$LIS_MODULES/$mod.ko" 2>&1); then
			ok "load-$mod"
		else
			not_ok "load-$mod" "insmod $mod.ko failed: $out" "$(dmesg | tail -n 15)"
			return 1
		fi
	done
}

lis_unload()
{
	local mod out

	for mod in "$@"; do
		if out=$(rmmod "$mod" 2>&1); then
			ok "unload-$mod"
		else
			not_ok "unload-$mod" "rmmod $mod failed: $out" "$(dmesg | tail -n 15)"
			return 1
		fi
	done
}

# The class of lis_sim's loopback echo devices (drivers/sim/echo.c).
LIS_ECHO_CLASS="{4c495345-ec40-4b3a-9f13-6c69735f6563}"

lis_devices()
{
	local d

	for d in /sys/bus/lis_vmbus/devices/*; do
		[ "$(cat "$d/class_id" 2>/dev/null)" = "$1" ] || continue
		[ -z "$2" ] || [ "$(cat "$d/state" 2>/dev/null)" = "$2" ] || continue
		echo "$d"
	done
}

lis_device()
{
	local d

	d=$(lis_devices "$@" | head -n 1)
	[ -n "$d" ] && echo "$d"
}

# Taint bits allowed: 12 (O, out-of-tree module), 13 (E, unsigned module).
LIS_TAINT_ALLOWED=$(((1 << 12) | (1 << 13)))
LIS_DMESG_BUGS='BUG:|WARNING:|Oops|KASAN|UBSAN|general protection fault|Call Trace:|possible circular locking|inconsistent lock state|sleeping function called from invalid context|kmemleak: [0-9]+ new suspected'

dmesg_clean()
{
	local name=${1:-dmesg-clean} bugs taint

	bugs=$(dmesg | grep -E "$LIS_DMESG_BUGS" | head -n 20)
	taint=$(cat /proc/sys/kernel/tainted)
	if [ -n "$bugs" ]; then
		not_ok "$name" "dmesg reports kernel bugs:" "$bugs"
	elif [ $((taint & ~LIS_TAINT_ALLOWED)) -ne 0 ]; then
		not_ok "$name" "kernel tainted $taint (allowed: O and E only)" \
			"$(dmesg | grep -i taint | tail -n 5)"
	else
		ok "$name"
	fi
}

# The host agent's channel (ttyS2), opened once as fd 9, raw, no echo.
LIS_HOST=${LIS_HOST:-/dev/ttyS2}

_lis_host_open()
{
	[ -n "${_LIS_HOST_OPEN:-}" ] && return 0
	[ -c "$LIS_HOST" ] || return 1
	exec 9<>"$LIS_HOST" || return 1
	stty -F "$LIS_HOST" raw -echo || return 1
	_LIS_HOST_OPEN=1
}

host_copy()
{
	local tag=$1 want=$2 line

	if ! _lis_host_open; then
		not_ok "host-copy-$tag" "no host channel $LIS_HOST (lis-host: agent?)"
		return 1
	fi
	echo "copy $tag $want" >&9
	while IFS= read -r -t 120 line <&9; do
		case $line in
		"done $tag "*)
			echo "lis-test: host copied the disks ($tag) in ${line##* } ms"
			return 0
			;;
		"error $tag "*)
			not_ok "host-copy-$tag" "the host could not copy: ${line#error $tag }"
			return 1
			;;
		esac
	done
	not_ok "host-copy-$tag" "no answer from the host in 120 s"
	return 1
}
