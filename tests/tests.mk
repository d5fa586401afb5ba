# Test programs, built with the sanitizers (included by the top Makefile).

BPF_TEST := $(SAN)/tests/test_bpf
TRACEFILE_TEST := $(SAN)/tests/test_tracefile

$(BPF_TEST): tests/bpf/test_bpf.c $(SAN_LIB_OBJS) $(SKEL) tests/unit/check.h
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -Itests/unit $< $(SAN_LIB_OBJS) -o $@ $(LIBS)

$(TRACEFILE_TEST): tests/unit/tracefile/test_tracefile.c $(SAN_LIB_OBJS)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -Isrc/tracefile $< $(SAN_LIB_OBJS) -o $@ $(LIBS)

# The syscall injector alone, built as on an architecture it has no part for.
REMOTE_NOARCH_TEST := $(SAN)/tests/test_remote_unsupported
REMOTE_SRCS := $(filter-out src/vmm/remote_io.c,$(wildcard src/vmm/remote_*.c))

$(REMOTE_NOARCH_TEST): tests/unit/vmm/test_remote_unsupported.c $(REMOTE_SRCS) \
		$(wildcard src/vmm/remote*.h) tests/unit/check.h
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -DREMOTE_NO_ARCH -Itests/unit $< $(REMOTE_SRCS) -o $@

TEST_BINS := $(UNIT_BINS) $(BPF_TEST) $(TRACEFILE_TEST) $(REMOTE_NOARCH_TEST) $(SAN)/kvmirq $(BUILD)/kvmirq $(STATEVMM)

tests: $(TEST_BINS)

# Everything: unit, BPF, docs, fuzz corpus, and real KVM in the nested rig.
test: tests
	tests/run.sh all

# What needs no rig.
check: tests
	tests/run.sh quick

bench: all $(BUILD)/bench/bench_bpf $(BUILD)/bench/hook_floor
	tests/bench/run.sh

$(BUILD)/bench/hook_floor: tests/bench/hook_floor.c $(SKEL)
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< -o $@ $(LIBS)

$(BUILD)/bench/bench_bpf: tests/bench/bench_bpf.c $(LIB_OBJS) $(SKEL)
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LIBS)

# The state-test VMM links kvmirq's own snapshot code (in-process snapshots).
STATEVMM := $(BUILD)/tests/statevmm
$(STATEVMM): tests/vmm/statevmm.c $(LIB_OBJS)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LIBS)

# The process test_remote attaches to with the syscall injector. Plain -O1:
# it is the thing under test's target, not under test itself.
REMOTE_TARGET := $(SAN)/tests/helpers/remote_target

$(REMOTE_TARGET): tests/snapshot/remote_target.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) -O1 -g -pthread $< -o $@

$(SAN)/tests/test_remote: $(REMOTE_TARGET)
