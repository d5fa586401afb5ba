# kvmirq: build the BPF object, its skeleton, the tool, and the tests.
#
#   make            the tool: build/kvmirq
#   make tests      the test programs (build/asan/tests/, build/tests/statevmm)
#   make test       every test (unit, BPF, real KVM in the nested rig)
#   make check      the tests that need no rig (tests/run.sh quick)
#   make unit       the unit tests only
#   make bpf-test   the BPF tests only (test_bpf, test_bpf_ioctl: this kernel's verifier and KVM)
#   make rig-test   the rig suites only (real KVM in the nested rig)
#   make fuzz       fuzz with libFuzzer (clang): FUZZ_TARGET (tracefile,
#                   event_batch, trace_file, snapshot) for FUZZ_SECONDS
#   make bench      benchmarks
#   make install    the tool, man pages, bash completion and docs under PREFIX
#                   (default /usr/local), staged under DESTDIR; make uninstall
#   make static     one statically linked tool: build/static/kvmirq
#   make hostcheck  scripts/hostcheck.sh and its static binaries: build/hostcheck/
#   make V=1        show the commands
#
# The test build (build/asan/) adds ASan and UBSan.
#
# Cross builds name the compiler, the kernel architecture, the BPF byte
# order and a build directory of their own, e.g. for the e500 rig
# (tests/rig/e500/build.sh passes the cross-built libraries):
#
#   make CC=powerpc-linux-gnu-gcc ARCH=powerpc BPF_TARGET=bpfeb BUILD=build/ppc \
#        CFLAGS='-O2 -I<libs>/include' LDFLAGS='-static -L<libs>/lib'

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc.*/powerpc/')
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
# bpf is the build machine's byte order; bpfeb or bpfel for a target of another.
BPF_TARGET ?= bpf
# The C library's kernel headers (asm/) of the target, for the BPF build.
BPF_ASM_INCLUDE ?= $(if $(MULTIARCH),$(firstword $(wildcard /usr/include/$(MULTIARCH) /usr/$(MULTIARCH)/include)))
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

BUILD := build
SAN := $(BUILD)/asan

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CFLAGS_COMMON := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers -I. \
	-Iinclude -Isrc -I$(BUILD) -DKVMIRQ_VERSION='"$(VERSION)"' -D_GNU_SOURCE
CFLAGS ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LIBS := -lbpf -lelf -lz -lncursesw -lm

BPF_CFLAGS := -g -O2 -D__TARGET_ARCH_$(ARCH) -Iinclude -Ibpf \
	$(if $(BPF_ASM_INCLUDE),-idirafter $(BPF_ASM_INCLUDE)) -Wall -Werror

# Every user-space source except the program's main() goes into a library
# that the tests link too.
LIB_SRCS := $(sort $(wildcard src/*/*.c) $(wildcard ui/*.c))
MAIN_SRC := src/main.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:%.c=$(SAN)/obj/%.o)

UNIT_TESTS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_TESTS:tests/unit/%.c=$(SAN)/tests/%)

SKEL := $(BUILD)/kvmirq.skel.h
BPF_OBJ := $(BUILD)/bpf/kvmirq.bpf.o
BPF_SRCS := $(wildcard bpf/*.h bpf/*.c include/kvmirq/*.h)

.DELETE_ON_ERROR:
.PHONY: all tests test check unit bpf-test rig-test bench clean fuzz

all: $(BUILD)/kvmirq

$(BPF_OBJ): $(BPF_SRCS)
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target $(BPF_TARGET) -c bpf/kvmirq.bpf.c -o $@

ifeq ($(BPF_TARGET),bpf)
$(SKEL): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name kvmirq_bpf > $@
else
# bpftool opens only objects of its own byte order: the skeleton's code comes
# from a twin object in that order (same source, same layout), its embedded
# object is the target's.
BPF_TWIN := $(BUILD)/bpf/kvmirq.twin.bpf.o

$(BPF_TWIN): $(BPF_SRCS)
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target bpf -c bpf/kvmirq.bpf.c -o $@

$(SKEL): $(BPF_TWIN) $(BPF_OBJ) scripts/skel-embed.py
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $(BPF_TWIN) name kvmirq_bpf > $@.twin
	$(Q)python3 scripts/skel-embed.py $@.twin $(BPF_OBJ) > $@
	@rm -f $@.twin
endif

$(BUILD)/obj/%.o: %.c $(SKEL) $(wildcard include/kvmirq/*.h src/*/*.h ui/*.h)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) -c $< -o $@

$(SAN)/obj/%.o: %.c $(SKEL) $(wildcard include/kvmirq/*.h src/*/*.h ui/*.h)
	$(call msg,CC-SAN,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -c $< -o $@

$(BUILD)/kvmirq: $(BUILD)/obj/src/main.o $(LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LIBS)

# The sanitizer build of the tool itself, used by the rig and BPF tests.
$(SAN)/kvmirq: $(SAN)/obj/src/main.o $(SAN_LIB_OBJS)
	$(call msg,LD-SAN,$@)
	$(Q)$(CC) $(SANFLAGS) $^ -o $@ $(LIBS)

$(SAN)/tests/%: tests/unit/%.c $(SAN_LIB_OBJS) $(wildcard tests/unit/*.h)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -Itests/unit $< $(SAN_LIB_OBJS) -o $@ $(LIBS)

include tests/tests.mk
include mk/install.mk
include mk/static.mk
include mk/hostcheck.mk

clean:
	rm -rf $(BUILD)
