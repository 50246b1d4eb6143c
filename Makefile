# Basalt - top-level build.
#
#   make            the disk image build/basalt.img
#   make run        boot it in QEMU, console on this terminal (CMDLINE='...')
#   make test       every test; ends with "N passed, N failed"
#   make gdb        QEMU halted with a gdb stub on :1234 (then: gdb -x .gdbinit)
#   make bench      benchmarks under -icount (guest instructions per operation)
#   make clean
#
# Everything the build needs comes from Debian packages; tools/deps.sh
# installs what is missing (or says how).

SHELL := /bin/bash
BUILD := build
DEBUG ?= 1
CMDLINE ?=
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# V=1 shows the commands; by default one short line per step.
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

CC := clang
LD := ld.lld
NM := nm
OBJCOPY := objcopy

# ---- kernel ----------------------------------------------------------------

KERNEL_CFLAGS := --target=x86_64-unknown-none-elf -std=c11 -O2 -g \
	-ffreestanding -fno-builtin -nostdlib -nostdlibinc \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-common \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wvla \
	-DDEBUG=$(DEBUG) \
	-I kernel/include -I kernel/arch/x86_64/include -I include/uapi -I $(BUILD)/gen/include \
	-MMD -MP
KERNEL_ASFLAGS := --target=x86_64-unknown-none-elf -g \
	-I kernel/include -I kernel/arch/x86_64/include -I include/uapi -I $(BUILD)/gen/include -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z norelro --no-dynamic-linker \
	-T kernel/arch/x86_64/linker.ld

KERNEL_SRCS := $(shell find kernel -name '*.c' -o -name '*.S' | sort)
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(KERNEL_SRCS)) $(BUILD)/gen/syscall_table.c.o

# The native ABI is generated from one table (docs/abi.md is committed; `make
# abi-docs` refreshes it and `make test` checks it is current).
GEN := $(BUILD)/gen
$(GEN)/stamp: include/uapi/basalt/syscalls.def tools/gensyscalls.py
	@mkdir -p $(GEN)
	$(call say,GEN,syscall table)python3 tools/gensyscalls.py $< $(GEN) $(GEN)/abi.md
	@touch $@
$(GEN)/syscall_table.c: $(GEN)/stamp
# The generated headers come from the stamp rule too; saying so makes an
# object that depends on one (through its .d file) wait for the new header.
$(GEN)/include/basalt/syscall_numbers.h $(GEN)/include/basalt/syscall_wrappers.h: $(GEN)/stamp ;
$(filter-out $(GEN)/%,$(KERNEL_OBJS)): | $(GEN)/stamp

$(GEN)/syscall_table.c.o: $(GEN)/syscall_table.c
	$(call say,CC,$<)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.c.o: kernel/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.S.o: kernel/%.S
	@mkdir -p $(@D)
	$(call say,AS,$<)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

# The version string goes into two objects only (the banner, uname), so a new commit
# rebuilds two files.
$(BUILD)/kernel/main.c.o: KERNEL_CFLAGS += -DBASALT_VERSION='"$(VERSION)"'
$(BUILD)/kernel/posix/sys_misc.c.o: KERNEL_CFLAGS += -DBASALT_VERSION='"$(VERSION)"'

# Two-pass link: the first image's text symbols become the embedded table
# (.ksyms, at the end of .rodata, so no code moves); the check below proves
# that every function kept its address.
$(BUILD)/ksyms-empty.S: tools/gensyms.sh
	@mkdir -p $(@D)
	$(Q)tools/gensyms.sh --empty > $@

$(BUILD)/%.S.o: $(BUILD)/%.S
	$(call say,AS,$<)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(BUILD)/kernel.pass1.elf: $(KERNEL_OBJS) $(BUILD)/ksyms-empty.S.o kernel/arch/x86_64/linker.ld
	$(call say,LD,$@)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms-empty.S.o

$(BUILD)/ksyms.S: $(BUILD)/kernel.pass1.elf tools/gensyms.sh
	$(call say,GEN,$@)NM=$(NM) tools/gensyms.sh $< > $@

$(BUILD)/kernel.elf: $(KERNEL_OBJS) $(BUILD)/ksyms.S.o kernel/arch/x86_64/linker.ld
	$(call say,LD,$@)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms.S.o
	@cmp -s <($(NM) -n $(BUILD)/kernel.pass1.elf | grep -i ' t ') \
	        <($(NM) -n $@ | grep -i ' t ') || \
	    { echo "error: code moved between the two link passes; symbols would be wrong" >&2; \
	      rm -f $@; exit 1; }

# ---- UEFI loader -----------------------------------------------------------
# Built with clang's PE/COFF target and lld-link, using only gnu-efi's headers
# (see docs/boot.md for why this and not gnu-efi's crt0 + objcopy).

EFI_INC := /usr/include/efi
LOADER_CFLAGS := --target=x86_64-unknown-windows -std=c11 -O2 \
	-ffreestanding -fno-builtin -fshort-wchar -mno-red-zone -mno-stack-arg-probe \
	-fno-stack-protector -mgeneral-regs-only \
	-Wall -Wextra -Werror -Wshadow -Wvla \
	-isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -I kernel/include -I boot/efi -MMD -MP
LOADER_SRCS := $(wildcard boot/efi/*.c)
# The ELF checker is shared with the kernel (pure code; built again here for PE/COFF).
LOADER_SHARED := kernel/lib/elf_check.c
LOADER_OBJS := $(patsubst %,$(BUILD)/%.o,$(LOADER_SRCS)) \
	$(patsubst kernel/lib/%,$(BUILD)/boot/efi/%.o,$(LOADER_SHARED))

$(BUILD)/boot/efi/%.c.o: boot/efi/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(LOADER_CFLAGS) -c $< -o $@

$(BUILD)/boot/efi/%.c.o: kernel/lib/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(LOADER_CFLAGS) -c $< -o $@

$(BUILD)/BOOTX64.EFI: $(LOADER_OBJS)
	$(call say,LINK,$@)lld-link -subsystem:efi_application -entry:efi_main -nodefaultlib -out:$@ $^

# ---- user programs ---------------------------------------------------------
# Static musl programs, one per directory under user/ that has a main program
# (user/NAME/*.c -> $(BUILD)/user/NAME). They go into the initrd, i.e. /boot.
# Every program links libbasalt ($(BUILD)/user/libbasalt.a: user/lib/*.c and
# *.S, plus the kernel's pure ELF checker) and starts at its entry shim
# bs_start, which keeps the bootstrap handle a launcher passes in RDI
# (docs/usermode.md, "Starting processes from user space").

USER_CC := musl-gcc
USER_AR := ar
USER_CFLAGS := -static -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-I include/uapi -I user/lib/include -I $(GEN)/include
USER_LDFLAGS := -Wl,-e,bs_start -Wl,-u,bs_start
USER_PROGS := fault-test core-tests bench-core sh utils posix-tests
# Plain POSIX programs: musl only, no libbasalt, musl's own entry point, so
# the same binary runs unmodified on Linux (init, the benchmarks of
# bench-posix, a tiny static `true` for fork+execve).
POSIX_PROGS := init bench-posix true

# libbasalt: stricter warnings than the programs (STYLE.md rule 20). The
# kernel's include directory comes after musl's, so <elf.h> stays musl's and
# only <lib/elf_check.h> is found there.
LIBBASALT_WARN := $(filter-out -static,$(USER_CFLAGS)) -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wvla -MMD -MP
LIBBASALT_CFLAGS := $(LIBBASALT_WARN) -idirafter kernel/include
LIBBASALT_SRCS := $(sort $(wildcard user/lib/*.c user/lib/*.S))
LIBBASALT_SHARED := elf_check cpio
LIBBASALT_OBJS := $(patsubst %,$(BUILD)/%.o,$(LIBBASALT_SRCS)) \
	$(patsubst %,$(BUILD)/user/lib/kernel-%.c.o,$(LIBBASALT_SHARED))
LIBBASALT := $(BUILD)/user/libbasalt.a

$(BUILD)/user/lib/%.c.o: user/lib/%.c $(GEN)/stamp
	@mkdir -p $(@D)
	$(call say,USERCC,$<)$(USER_CC) $(LIBBASALT_CFLAGS) -c $< -o $@

$(BUILD)/user/lib/%.S.o: user/lib/%.S
	@mkdir -p $(@D)
	$(call say,USERAS,$<)$(USER_CC) $(LIBBASALT_CFLAGS) -c $< -o $@

# Pure code shared with the kernel (and the UEFI loader): the ELF checker and
# the cpio header. Their headers are the kernel's (elf_check.c wants the
# kernel's <elf.h>), hence -I rather than -idirafter for these files.
$(BUILD)/user/lib/kernel-%.c.o: kernel/lib/%.c
	@mkdir -p $(@D)
	$(call say,USERCC,$<)$(USER_CC) $(LIBBASALT_WARN) -I kernel/include -c $< -o $@

$(LIBBASALT): $(LIBBASALT_OBJS)
	$(call say,AR,$@)rm -f $@ && $(USER_AR) rcs $@ $^

# USER_SHARED_NAME: sources of another program's directory that NAME is
# built from too. The shell's test / [ builtin is the test utility's
# evaluator (user/utils/test_eval.c; docs/shell.md).
USER_SHARED_sh := user/utils/test_eval.c user/utils/test_eval.h

define user_prog
$(BUILD)/user/$(1): $(wildcard user/$(1)/*.c user/$(1)/*.h) $(USER_SHARED_$(1)) \
		$(wildcard user/lib/include/basalt/*.h) $(GEN)/stamp $(LIBBASALT)
	@mkdir -p $$(@D)
	$$(call say,USERCC,$$@)$(USER_CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $$@ \
	    $(wildcard user/$(1)/*.c) $(filter %.c,$(USER_SHARED_$(1))) $(LIBBASALT)
endef
$(foreach p,$(USER_PROGS),$(eval $(call user_prog,$(p))))

define posix_prog
$(BUILD)/user/$(1): $(wildcard user/$(1)/*.c) $(wildcard user/$(1)/*.h)
	@mkdir -p $$(@D)
	$$(call say,USERCC,$$@)$(USER_CC) $(POSIX_CFLAGS) -o $$@ $(wildcard user/$(1)/*.c)
endef
POSIX_CFLAGS := -static -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wvla
$(foreach p,$(POSIX_PROGS),$(eval $(call posix_prog,$(p))))

# ---- initrd and image ------------------------------------------------------

# The initrd holds the programs, the files under initrd/ (etc/init.conf),
# and bin/: a symbolic link per command (bin/ls -> ../utils, the multi-call
# binary; bin/sh -> ../sh; bin/true -> ../true). The kernel unpacks it under
# /boot, links included, and init makes /bin a link to /boot/bin.
INITRD_FILES := $(shell find initrd -type f 2>/dev/null | sort)
USER_BINS := $(patsubst %,$(BUILD)/user/%,$(USER_PROGS) $(POSIX_PROGS))
lparen := (
UTIL_NAMES := $(shell sed -n 's/^ *X$(lparen)\([a-z]*\),.*/\1/p' user/utils/main.c)
BIN_LINKS := $(foreach n,$(filter-out sh true,$(UTIL_NAMES)),$(n):utils) [:utils sh:sh true:true

$(BUILD)/initrd.cpio: $(INITRD_FILES) $(USER_BINS) user/utils/main.c Makefile
	@rm -rf $(BUILD)/initrd && mkdir -p $(BUILD)/initrd/bin
	@if [ -d initrd ]; then cp -r initrd/. $(BUILD)/initrd/; fi
	@cp $(USER_BINS) $(BUILD)/initrd/
	@for l in $(BIN_LINKS); do ln -s "../$${l#*:}" "$(BUILD)/initrd/bin/$${l%%:*}"; done
	$(call say,CPIO,$@)(cd $(BUILD)/initrd && find . -mindepth 1 | LC_ALL=C sort | \
	    cpio -o -H newc --quiet --reproducible) > $@

$(BUILD)/basalt.img: $(BUILD)/BOOTX64.EFI $(BUILD)/kernel.elf $(BUILD)/initrd.cpio tools/mkimage.sh
	@rm -rf $(BUILD)/esp && mkdir -p $(BUILD)/esp/EFI/BOOT $(BUILD)/esp/basalt
	$(Q)cp $(BUILD)/BOOTX64.EFI $(BUILD)/esp/EFI/BOOT/BOOTX64.EFI
	$(Q)$(OBJCOPY) --strip-debug $(BUILD)/kernel.elf $(BUILD)/esp/basalt/kernel.elf
	$(Q)cp $(BUILD)/initrd.cpio $(BUILD)/esp/basalt/initrd.cpio
	$(Q)printf '%s\n' "$(CMDLINE)" > $(BUILD)/esp/basalt/cmdline.txt
	$(call say,IMAGE,$@)tools/mkimage.sh $@ $(BUILD)/esp

# ---- top-level targets -----------------------------------------------------

.PHONY: all deps image run gdb test bench clean abi-docs
.DEFAULT_GOAL := all

all: deps image

deps:
	@tools/deps.sh

image: deps
	@$(MAKE) --no-print-directory $(BUILD)/basalt.img

run: image
	tools/qemu-run --interactive --cmdline "$(CMDLINE)" --extra "$(QEMU_EXTRA)"

gdb: image
	@echo "QEMU is halted with a gdb stub on :1234; in another terminal: gdb -x .gdbinit"
	tools/qemu-run --interactive --cmdline "$(CMDLINE)" --extra "-s -S $(QEMU_EXTRA)"

test: image
	@tools/run-tests.sh

# Benchmarks measure the release configuration (DEBUG=0: no poisoning, no
# debug assertions), built beside the debug one in $(BUILD)/release.
bench: deps
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/release DEBUG=0 $(BUILD)/release/basalt.img
	tools/bench.sh $(BUILD)/release/basalt.img

abi-docs: $(GEN)/stamp
	cp $(GEN)/abi.md docs/abi.md

clean:
	rm -rf $(BUILD)

include tests/host/Makefile.inc

-include $(KERNEL_OBJS:.o=.d) $(LOADER_OBJS:.o=.d) $(LIBBASALT_OBJS:.o=.d)
