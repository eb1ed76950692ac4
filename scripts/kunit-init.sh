#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the KUnit guest (busybox sh), packed by scripts/run-kunit.sh.
#
# For each line "<test module> [<dep>...]" of /lis/modules.list: insmod the
# deps in order (a dep "name@p=v@q=w" with parameters p and q), insmod
# the test module (KUnit runs its suites at load time), copy the KTAP of
# every suite that appeared in debugfs to the result channel, rmmod the
# test module and the deps in reverse order, and look for memory leaks
# with an explicit kmemleak scan.  Then a done marker, and off.  The
# console (ttyS0) only carries kernel messages and progress; everything
# the host counts goes to the result channel (ttyS1), in lines the host
# parses (scripts/run-kunit.sh):
#
#   LIS-MODULE <m> / LIS-MODULE-END <m>      around each module
#   LIS-SUITE <s> ... LIS-SUITE-END <s>      a suite's KTAP, verbatim
#   LIS-ERROR <m> <step> [<what>]            insmod/rmmod of <what> failed
#   LIS-KMEMLEAK <m> ... LIS-KMEMLEAK-END    kmemleak's report
#   LIS-DONE                                 the guest got to the end

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

KUNIT=/sys/kernel/debug/kunit
KMEMLEAK=/sys/kernel/debug/kmemleak

exec 3>/dev/ttyS1

say()
{
	echo "$*" >&3
}

progress()
{
	echo "lis-kunit: $*" >/dev/console
}

# kmemleak only reports objects older than 5 s: let everything allocated
# so far age, then scan once (a scan reports every unreferenced object old
# enough; a second one would only cost time, ~4 s under KASAN and TCG).
leak_scan()
{
	[ -w "$KMEMLEAK" ] || return 0
	sleep 5.5
	echo scan >"$KMEMLEAK"
}

run_module()
{
	mod=$1
	shift
	say "LIS-MODULE $mod"
	progress "module $mod (deps: ${*:-none})"
	loaded=""
	for dep in "$@"; do
		# dep@param=value@...: insmod with those parameters
		name=${dep%%@*}
		args=""
		[ "$name" = "$dep" ] || args=$(echo "${dep#*@}" | tr '@' ' ')
		# shellcheck disable=SC2086 # one word per parameter
		if insmod "/lis/modules/$name.ko" $args; then
			loaded="$name $loaded"
		else
			say "LIS-ERROR $mod insmod $name"
		fi
	done
	ls "$KUNIT" >/tmp/suites.before 2>/dev/null
	if insmod "/lis/modules/$mod.ko"; then
		for dir in "$KUNIT"/*; do
			suite=${dir##*/}
			[ -e "$dir/results" ] || continue
			grep -qxF "$suite" /tmp/suites.before && continue
			say "LIS-SUITE $suite"
			cat "$dir/results" >&3
			say "LIS-SUITE-END $suite"
		done
		rmmod "$mod" || say "LIS-ERROR $mod rmmod $mod"
	else
		say "LIS-ERROR $mod insmod $mod"
	fi
	for dep in $loaded; do
		rmmod "$dep" || say "LIS-ERROR $mod rmmod $dep"
	done
	leak_scan
	# debugfs files have no size: read the report to know.
	if [ -r "$KMEMLEAK" ] && [ -n "$(head -c 1 "$KMEMLEAK")" ]; then
		say "LIS-KMEMLEAK $mod"
		cat "$KMEMLEAK" >&3
		say "LIS-KMEMLEAK-END"
		echo clear >"$KMEMLEAK"
	fi
	say "LIS-MODULE-END $mod"
}

say "LIS-BEGIN $(uname -r)"
# Whatever the kernel itself leaked while booting is not ours: report it
# on the console, then mark it as seen.
if [ -w "$KMEMLEAK" ]; then
	leak_scan
	cat "$KMEMLEAK" >/dev/console
	echo clear >"$KMEMLEAK"
fi
echo "LIS-KMEMLEAK-BASELINE" >/dev/console

while read -r line; do
	# shellcheck disable=SC2086 # word splitting wanted: module and deps
	run_module $line
done </lis/modules.list

say "LIS-DONE"
progress "done"
exec 3>&-
sync
reboot -f
