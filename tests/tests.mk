# Test programs, built with the sanitizers (included by the top Makefile).

BPF_TEST := $(SAN)/tests/test_bpf
BPF_IOCTL_TEST := $(SAN)/tests/test_bpf_ioctl
TRACEFILE_TEST := $(SAN)/tests/test_tracefile
STATEVMM := $(BUILD)/tests/statevmm
MIGRATEVMM := $(BUILD)/tests/migratevmm

$(BPF_TEST): tests/bpf/test_bpf.c $(SAN_LIB_OBJS) $(SKEL) tests/unit/check.h
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -Itests/unit $< $(SAN_LIB_OBJS) -o $@ $(LIBS)

$(BPF_IOCTL_TEST): tests/bpf/test_bpf_ioctl.c $(SAN_LIB_OBJS) tests/unit/check.h
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -Itests/unit $< $(SAN_LIB_OBJS) -o $@ $(LIBS)

$(TRACEFILE_TEST): tests/unit/tracefile/test_tracefile.c tests/unit/tracefile/tf_check.h $(SAN_LIB_OBJS)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -Isrc/tracefile $< $(SAN_LIB_OBJS) -o $@ $(LIBS)

# The BPF tests without sanitizers, so that a cross build links them too:
# the e500 rig runs them on its own kernel's verifier and JIT.
PLAIN_BPF_TESTS := $(BUILD)/tests/test_bpf $(BUILD)/tests/jit_stress

$(PLAIN_BPF_TESTS): $(BUILD)/tests/%: tests/bpf/%.c $(LIB_OBJS) $(SKEL) tests/unit/check.h
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) -Itests/unit $< $(LIB_OBJS) -o $@ $(LDFLAGS) $(LIBS)

# The syscall injector alone, built as on an architecture it has no part for.
REMOTE_NOARCH_TEST := $(SAN)/tests/test_remote_unsupported
REMOTE_SRCS := $(filter-out src/vmm/remote_io.c,$(wildcard src/vmm/remote_*.c))

$(REMOTE_NOARCH_TEST): tests/unit/vmm/test_remote_unsupported.c $(REMOTE_SRCS) \
		$(wildcard src/vmm/remote*.h) tests/unit/check.h
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -DREMOTE_NO_ARCH -Itests/unit $< $(REMOTE_SRCS) -o $@

# The test VMM, for the tests that check a live run (tests/bpf/test-check-live.sh).
include tests/vmm/vmm.mk

TEST_BINS := $(UNIT_BINS) $(PLAIN_BPF_TESTS) $(BPF_TEST) $(BPF_IOCTL_TEST) $(TRACEFILE_TEST) $(REMOTE_NOARCH_TEST) $(SAN)/kvmirq $(BUILD)/kvmirq $(STATEVMM) $(MIGRATEVMM) $(TESTVMM) $(IOCTL_COMPARE)

tests: $(TEST_BINS)

# Everything: unit, BPF, docs, fuzz corpus, and real KVM in the nested rig.
test: tests
	tests/run.sh all

# What needs no rig.
check: tests
	tests/run.sh quick

unit: $(UNIT_BINS) $(TRACEFILE_TEST) $(REMOTE_NOARCH_TEST)
	tests/run.sh unit

bpf-test: $(BPF_TEST) $(BPF_IOCTL_TEST)
	tests/run.sh bpf

rig-test: tests
	tests/run.sh rig

FUZZ_TARGET ?= tracefile
FUZZ_SECONDS ?= 300
fuzz:
	tests/fuzz/run-fuzz.sh $(FUZZ_TARGET) $(FUZZ_SECONDS)

bench: all $(BUILD)/bench/bench_bpf $(BUILD)/bench/hook_floor $(BUILD)/bench/ioctl_loop \
	$(BUILD)/bench/run_exits
	tests/bench/run.sh

$(BUILD)/bench/ioctl_loop: tests/bench/ioctl_loop.c
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< -o $@

$(BUILD)/bench/run_exits: tests/bench/run_exits.c
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< -o $@

# The benchmarks' BPF object: the delivery programs beside baselines that
# the shipped object does without.
BENCH_BPF_OBJ := $(BUILD)/bench/kvmirq_bench.bpf.o
BENCH_SKEL := $(BUILD)/bench/kvmirq_bench.skel.h

$(BENCH_BPF_OBJ): tests/bench/bench.bpf.c $(BPF_SRCS)
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -target $(BPF_TARGET) -c $< -o $@

$(BENCH_SKEL): $(BENCH_BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name kvmirq_bench_bpf > $@

$(BUILD)/bench/hook_floor: tests/bench/hook_floor.c $(BENCH_SKEL)
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) -I$(BUILD)/bench $(CFLAGS) $< -o $@ $(LIBS)

$(BUILD)/bench/bench_bpf: tests/bench/bench_bpf.c $(LIB_OBJS) $(BENCH_SKEL)
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) -I$(BUILD)/bench $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LIBS)

# The state-test VMM links kvmirq's own snapshot code (in-process snapshots).
$(STATEVMM): tests/vmm/statevmm.c $(LIB_OBJS)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LIBS)

# kvmirq check's misbehaving x86 VMM: a plain program, static so that it
# runs anywhere the rig does.
$(MIGRATEVMM): tests/vmm/migratevmm.c
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Wall -Wextra -Werror -O2 -std=gnu11 -static $< -o $@ -lpthread

# The test VMM's log against a recording, for hosts without Python
# (scripts/hostcheck.sh): static, like the test VMM it goes with.
IOCTL_COMPARE := $(BUILD)/tests/ioctl_compare

$(IOCTL_COMPARE): tests/vmm/ioctl_compare.c include/kvmirq/ioctls.h
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -Wall -Wextra -Werror -O2 -std=gnu11 -static -Iinclude $< -o $@

# The process test_remote attaches to with the syscall injector. Plain -O1:
# it is the thing under test's target, not under test itself.
REMOTE_TARGET := $(SAN)/tests/helpers/remote_target

$(REMOTE_TARGET): tests/snapshot/remote_target.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) -O1 -g -pthread $< -o $@

$(SAN)/tests/test_remote: $(REMOTE_TARGET)
