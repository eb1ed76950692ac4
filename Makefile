# SPDX-License-Identifier: GPL-2.0-only
#
# lis: Linux Integration Services, out of tree.
#
#   make                 build the modules against the running kernel
#   make KDIR=<dir>      ... or against that kernel build/headers directory
#   make C=2 / W=1       sparse / extra warnings, passed down to Kbuild
#   make check           every test layer (what CI runs)
#   make demo            the Dynamic Memory + live backup demonstration
#   make bench           benchmarks, as ratios against the physical limit
#   make soak            the soak test, SOAK_MINUTES (default 60) on the
#                        debug test kernel (make check runs 2 minutes)
#   make mutants         every mutant in tests/mutants/ against the tests
#                        it names (scripts/run-mutants.sh; about an hour)
#   make fuzz            long fuzzer runs (FUZZ_SECONDS per target)
#   make fuzz-seeds      regenerate the fuzz corpora's trace-* seeds from
#                        lis_sim's byte capture (scripts/fuzz-seeds.sh)
#   make install | dkms-install | dkms-remove | uninstall
#                        (install also installs lis-vssd, its unit and man
#                        page: tools/lis-vssd/Makefile, PREFIX/DESTDIR)

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
LIS_VERSION := $(shell cat $(CURDIR)/VERSION)

all: modules

modules:
	@test -d $(KDIR) || { echo "lis: no kernel build tree at $(KDIR): install linux-headers-$(KVER) or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra/lis modules_install
	depmod -a $(KVER)

install: tools-install

tools-install:
	$(MAKE) -C tools install

uninstall:
	rm -rf /lib/modules/$(KVER)/extra/lis
	depmod -a $(KVER)
	$(MAKE) -C tools uninstall

dkms-install:
	scripts/dkms.sh install $(LIS_VERSION)

dkms-remove:
	scripts/dkms.sh remove $(LIS_VERSION)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C tools clean
	rm -rf build

style:
	scripts/checkpatch.sh

check:
	scripts/check.sh

demo:
	scripts/demo.sh

fuzz:
	scripts/run-fuzz.sh --long

mutants:
	scripts/deps.sh
	scripts/run-mutants.sh

fuzz-seeds:
	scripts/fuzz-seeds.sh

bench:
	scripts/deps.sh
	scripts/bench.sh

SOAK_MINUTES ?= 60
soak:
	scripts/deps.sh
	SOAK_MINUTES=$(SOAK_MINUTES) scripts/soak.sh

.PHONY: all modules modules_install install uninstall dkms-install dkms-remove \
	clean style check demo fuzz fuzz-seeds mutants bench soak tools-install
