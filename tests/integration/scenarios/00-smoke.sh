# SPDX-License-Identifier: GPL-2.0-only
#
# Smoke test: the guest boots the expected stock kernel, lis's modules were
# built for exactly that kernel, and they load and unload cleanly.
#
# lis-memory: 1G
# lis-timeout: 300

# The host passes the kernel it meant to boot on the command line.
want=$(sed -n 's/.*lis.kver=\([^ ]*\).*/\1/p' /proc/cmdline)
check kernel-version [ "$(uname -r)" = "$want" ]

# vermagic_of <ko>: the module's vermagic, read from its .modinfo.
vermagic_of()
{
	modinfo -F vermagic "$1" 2>/dev/null ||
		strings "$1" | sed -n 's/^vermagic=//p' | head -n 1
}

loadable=""
for mod in lis_vmbus lis_sim; do
	ko=$LIS_MODULES/$mod.ko
	if [ ! -e "$ko" ]; then
		not_ok "present-$mod" "$ko is missing: did the build fail?"
		continue
	fi
	ok "present-$mod"
	magic=$(vermagic_of "$ko")
	if [ "${magic%% *}" = "$(uname -r)" ]; then
		ok "vermagic-$mod"
		loadable="$loadable $mod"
	else
		not_ok "vermagic-$mod" "vermagic '$magic' does not match $(uname -r)"
	fi
done

# lis_sim needs lis_vmbus's symbols: load in order, unload in reverse.
if [ "$loadable" = " lis_vmbus lis_sim" ]; then
	if lis_load lis_vmbus lis_sim; then
		lis_unload lis_sim lis_vmbus
	elif lsmod | grep -q '^lis_vmbus '; then
		lis_unload lis_vmbus
	fi
else
	skip load-unload "lis_vmbus and lis_sim are not both usable"
fi
dmesg_clean
