# make static: one statically linked kvmirq, $(BUILD)/static/kvmirq, that runs
# on a host with no libraries at all (included by the top Makefile).
#
# The same objects as $(BUILD)/kvmirq, linked against the build machine's
# static libraries (Debian 12: libbpf-dev, libelf-dev, zlib1g-dev,
# libncurses-dev). pkg-config names them with what they need in turn, so a
# distribution whose libelf wants libzstd gets -lzstd too. Recursive (=) so
# that a cross build, which never makes this target, never asks pkg-config.
#
# At run time the binary needs only the kernel's files (/proc, /sys, /dev);
# kvmirq top also reads a terminfo entry (TERMINFO, or the target's
# /usr/share/terminfo) like any curses program.

STATIC := $(BUILD)/static
STATIC_LIBS = $(shell pkg-config --static --libs libbpf ncursesw) -lm

.PHONY: static

static: $(STATIC)/kvmirq

$(STATIC)/kvmirq: $(BUILD)/obj/src/main.o $(LIB_OBJS)
	$(call msg,LD-STATIC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -static $^ -o $@ $(STATIC_LIBS)
