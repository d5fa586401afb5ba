# make hostcheck: what scripts/hostcheck.sh needs on a bare KVM host, all
# static, in one directory to copy there: $(BUILD)/hostcheck/ (included by
# the top Makefile after mk/static.mk).
#
#   kvmirq         the static tool (make static)
#   testvmm        the scripted test VMM (tests/vmm/vmm.mk)
#   ioctl_compare  its log against a recording (tests/vmm/ioctl_compare.c)
#   statevmm       the state-test VMM with kvmirq's in-process snapshot code
#   hostcheck.sh   the script

HOSTCHECK := $(BUILD)/hostcheck

.PHONY: hostcheck

hostcheck: $(addprefix $(HOSTCHECK)/,kvmirq testvmm ioctl_compare statevmm hostcheck.sh)

$(STATIC)/statevmm: tests/vmm/statevmm.c $(LIB_OBJS)
	$(call msg,LD-STATIC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) $(CFLAGS) $(LDFLAGS) -static $^ -o $@ $(STATIC_LIBS)

$(HOSTCHECK)/kvmirq $(HOSTCHECK)/statevmm: $(HOSTCHECK)/%: $(STATIC)/%
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(HOSTCHECK)/testvmm $(HOSTCHECK)/ioctl_compare: $(HOSTCHECK)/%: $(BUILD)/tests/%
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(HOSTCHECK)/hostcheck.sh: scripts/hostcheck.sh
	@mkdir -p $(@D)
	$(Q)cp $< $@
