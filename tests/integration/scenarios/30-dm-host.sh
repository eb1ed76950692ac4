# SPDX-License-Identifier: GPL-2.0-only
#
# The Dynamic Memory host on its own, without a guest driver: its module
# parameters are checked (a hot-add range over RAM the kernel uses is
# refused, naming the parameter), its debugfs view and commands work and
# refuse nonsense, lis-simctl drives it, and the benchmark limits it
# measures (raw page allocation, the kernel's own add_memory() on a
# separate range) work.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 600

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

SIMCTL=lis-simctl
[ -x /usr/bin/lis-simctl ] || SIMCTL=/lis/lis-simctl
SIMKO=$LIS_MODULES/lis_sim.ko

lis_load lis_vmbus || exit 0

# --- parameters ---------------------------------------------------------
param_refused()
{
	local name=$1 param=$2

	shift 2
	dm_refuses "$name" insmod "$SIMKO" "$@"
	check "$name-named" sh -c "dmesg | grep -q 'lis_sim: $param'"
}

param_refused param-hotadd-over-ram dm_hotadd dm_hotadd=512M@256M
param_refused param-hotadd-not-blocks dm_hotadd dm_hotadd=100M@1G
param_refused param-hotadd-syntax dm_hotadd dm_hotadd=1G
param_refused param-version dm_version dm_version=3.0
param_refused param-verify dm_verify dm_verify=some
param_refused param-bounds dm_minimum_mb dm_minimum_mb=1024
param_refused param-buffer dm_buffer_pct dm_buffer_pct=2001
param_refused param-devices dm_devices dm_devices=2

check load-sim insmod "$SIMKO" dm_devices=1 dm_hotadd=512M@1G dm_version=1.0
wait_for 20 dm_dev
check dm-device-offered dm_dev
check modalias [ "$(cat "$(dm_dev)/modalias")" = \
	"lis_vmbus:dc7450528589e2468057a307dc18a502" ]
$SIMCTL dm status

# --- the view -------------------------------------------------------------
check state-closed [ "$(dm state)" = closed ]
check default-startup [ "$(dm startup_mb)" = 768 ]
check default-minimum [ "$(dm minimum_mb)" = 512 ]
check default-maximum [ "$(dm maximum_mb)" = 1280 ]
check default-buffer [ "$(dm buffer_pct)" = 20 ]
check default-mode [ "$(dm mode)" = auto ]
check max-version [ "$(dm max_version)" = 1.0 ]
check hot-add-range [ "$(dm hot_add_range)" = "$((512 << 20))@$((1 << 30))" ]
check block-128 [ "$(dm block_mb)" = 128 ]
check assigned-startup [ "$(dm assigned_mb)" = 768 ]
check nothing-yet [ "$(dm requests)/$(dm protocol_errors)/$(dm violations)" = 0/0/0 ]
for key in state version mode startup_mb minimum_mb maximum_mb buffer_pct \
	target_mb demand_mb avail_mb assigned_mb ballooned_mb hot_added_mb \
	reports requests protocol_errors violations last_request; do
	grep -q "^$key=" "$SIM/dm" || not_ok "key-$key" "no $key= in $SIM/dm"
done
ok keys-present

# --- commands -------------------------------------------------------------
check set-buffer $SIMCTL dm set buffer 50
check buffer-50 [ "$(dm buffer_pct)" = 50 ]
check set-maximum $SIMCTL dm set maximum 1536
check maximum-1536 [ "$(dm maximum_mb)" = 1536 ]
dm_refuses maximum-below-startup $SIMCTL dm set maximum 700
dm_refuses minimum-above-startup $SIMCTL dm set minimum 800
check target-manual $SIMCTL dm target 1024
check mode-manual [ "$(dm mode)/$(dm target_mb)" = manual/1024 ]
dm_refuses target-above-maximum $SIMCTL dm target 4096
check back-to-auto $SIMCTL dm auto
check mode-auto [ "$(dm mode)" = auto ]
check set-version $SIMCTL dm set version 2.0
check version-2.0 [ "$(dm max_version)" = 2.0 ]
dm_refuses bad-version $SIMCTL dm set version 1.5
dm_refuses balloon-without-guest dm_cmd balloon 100
check no-guest-named sh -c 'dmesg | grep -q "no DM channel is open"'
dm_refuses unknown-command dm_cmd frobnicate 1
dm_refuses not-a-number dm_cmd buffer lots
check get-key [ "$($SIMCTL dm get startup_mb)" = 768 ]
dm_refuses get-unknown-key $SIMCTL dm get nonsense

# --- benchmark limits -------------------------------------------------------
check bench-alloc dm_cmd bench_alloc 25600
check bench-alloc-recorded [ "$(dm raw_alloc_pages)" = 25600 ]
check bench-alloc-timed [ "$(dm raw_alloc_ns)" -gt 0 ]
check bench-free-timed [ "$(dm raw_free_ns)" -gt 0 ]
dm_refuses bench-hot-add-over-dm-range dm_cmd bench_hot_add 128M@1G
mt0=$(mem MemTotal)
check bench-hot-add dm_cmd bench_hot_add 128M@1664M
check bench-hot-add-result [ "$(dm raw_hot_add_ret)/$(dm raw_hot_add_mb)" = 0/128 ]
wait_for 10 [ $(($(mem MemTotal) - mt0)) -ge 127 ]
check bench-hot-add-online [ $(($(mem MemTotal) - mt0)) -ge 127 ]
dm_refuses bench-hot-add-again dm_cmd bench_hot_add 128M@1664M

lis_unload lis_sim
# The added 128 MiB is RAM now: a range over it is refused at load.
param_refused param-hotadd-over-added dm_hotadd dm_hotadd=256M@1536M
check reload-sim insmod "$SIMKO"
check no-hot-add-range [ "$(dm hot_add_range)" = 0@0 ]
lis_unload lis_sim lis_vmbus
dmesg_clean
