# Build rules for the test VMM; included by the top Makefile (paths relative
# to the repository root) and by tests/vmm/Makefile (standalone build).
#
#   TESTVMM_DIR   where the sources are          (default tests/vmm)
#   TESTVMM_OUT   where the binary goes          (default build/tests)
#   TESTVMM_ARCH  x86 | arm64 | powerpc          (default: from $(CC)'s target)
# Produces $(TESTVMM) = $(TESTVMM_OUT)/testvmm, statically linked.

TESTVMM_DIR ?= tests/vmm
TESTVMM_OUT ?= build/tests
TESTVMM_TARGET := $(shell $(CC) -dumpmachine)
TESTVMM_ARCH ?= $(strip \
	$(if $(filter x86_64-%,$(TESTVMM_TARGET)),x86, \
	$(if $(filter aarch64-%,$(TESTVMM_TARGET)),arm64, \
	$(if $(filter powerpc%,$(TESTVMM_TARGET)),powerpc,unsupported))))
TESTVMM_CFLAGS ?= -Wall -Wextra -Werror -O2 -std=gnu11
TESTVMM_LDFLAGS ?= -static

TESTVMM := $(TESTVMM_OUT)/testvmm
TESTVMM_SRCS := $(TESTVMM_DIR)/testvmm.c $(TESTVMM_DIR)/testvmm_$(TESTVMM_ARCH).c \
	$(TESTVMM_DIR)/kernel_expect.c

$(TESTVMM): $(TESTVMM_SRCS) $(TESTVMM_DIR)/testvmm.h $(TESTVMM_DIR)/kernel_expect.h \
		$(TESTVMM_DIR)/vmm.mk
	@mkdir -p $(dir $@)
	$(CC) $(TESTVMM_CFLAGS) $(TESTVMM_LDFLAGS) -o $@ $(TESTVMM_SRCS)
