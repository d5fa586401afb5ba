# make install / make uninstall (included by the top Makefile).
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]
#
# Man pages go in uncompressed: man reads them so, and a Debian package's
# dh_compress gzips them as policy asks. Uninstall removes exactly the files
# install wrote and the one folder that is kvmirq's own (its docs); shared
# folders (bin, man1, completions) stay.

PREFIX ?= /usr/local
BINDIR := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
BASH_COMPLETION_DIR := $(PREFIX)/share/bash-completion/completions
DOCDIR := $(PREFIX)/share/doc/kvmirq

MAN_PAGES := $(sort $(wildcard docs/*.1))
DOCS := README.md $(sort $(wildcard docs/*.md))
COMPLETION := $(BUILD)/completion/kvmirq

INSTALLED := $(BINDIR)/kvmirq $(BASH_COMPLETION_DIR)/kvmirq \
	$(MAN_PAGES:docs/%=$(MAN1DIR)/%) $(addprefix $(DOCDIR)/,$(notdir $(DOCS)))

.PHONY: install uninstall

# bash completion, generated from the same option tables as --help.
$(COMPLETION): $(BUILD)/kvmirq
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)$(BUILD)/kvmirq completion bash > $@

install: $(BUILD)/kvmirq $(COMPLETION)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BUILD)/kvmirq $(DESTDIR)$(BINDIR)/kvmirq
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MAN1DIR)
	install -m 0644 $(COMPLETION) $(DESTDIR)$(BASH_COMPLETION_DIR)/kvmirq
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	[ ! -d $(DESTDIR)$(DOCDIR) ] || rmdir --ignore-fail-on-non-empty $(DESTDIR)$(DOCDIR)
