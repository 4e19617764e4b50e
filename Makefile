# Makefile: builds ./gazette; run, test, asan, fuzz, bench, install.
# Every library comes from a Debian package through pkg-config.

PKGS	 = libmicrohttpd sqlite3 md4c libsodium zlib jansson libxml-2.0 libseccomp \
	   libpq
CC	?= cc
OPT	?= -O2 -g
# Warnings are errors where the compiler is known (make test, make asan,
# CI); a user's plain `make` with another compiler still builds.
WERROR	?=
# Hardening on every build but the sanitizers' (ASan replaces what
# _FORTIFY_SOURCE checks, and the two disagree on some interceptors).
FORTIFY	:= $(shell $(CC) -dumpversion 2>/dev/null | awk -F. '{print ($$1 >= 12) ? 3 : 2}')
HARDEN	?= -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=$(FORTIFY) -fstack-protector-strong -fPIE
HARDEN_LD ?= -pie -Wl,-z,relro,-z,now
# pkg-config runs once; a missing package stops the build loudly at the
# first object (see pkgcheck), not here, so `make run` can install first.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
XCFLAGS	 = $(OPT) $(HARDEN) -std=c17 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	   -DGAZETTE_DATADIR='"$(DATADIR)"' \
	   -Isrc $(PKG_CFLAGS) $(CFLAGS)
XLDFLAGS = $(HARDEN_LD) $(LDFLAGS)
XLDLIBS	 = $(PKG_LIBS) -lpthread -lm $(LDLIBS)

BUILD	?= build
BIN	?= gazette
FAULTBIN ?= gazette-fault
PREFIX	?= /usr/local
DATADIR	?= $(PREFIX)/share/gazette
MANDIR	?= $(PREFIX)/share/man

SRCS	:= $(shell find src -name '*.c' | sort)
GENSRCS	:= $(BUILD)/gen/schema-sqlite.c $(BUILD)/gen/schema-pg.c \
	   $(BUILD)/gen/demo-article.c
OBJS	:= $(SRCS:%.c=$(BUILD)/%.o) $(GENSRCS:%.c=%.o)
LIBOBJS	:= $(filter-out $(BUILD)/src/main.o,$(OBJS))
LIB	:= $(BUILD)/libgazette.a
# The fault-injection binary is the normal objects with fault.o swapped
# for the one object built with fault injection on (src/store/fault.h).
FAULTOBJ := $(BUILD)/src/store/fault-inject.o
FAULTOBJS := $(filter-out $(BUILD)/src/store/fault.o,$(OBJS)) $(FAULTOBJ)
TESTSRC	:= $(sort $(wildcard tests/unit/test-*.c))
TESTS	:= $(TESTSRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZSRC	:= $(sort $(wildcard fuzz/fuzz-*.c))
FUZZERS	:= $(FUZZSRC:fuzz/fuzz-%.c=%)
REPLAYS	:= $(FUZZERS:%=$(BUILD)/fuzz/replay-%)
FUZZ_SECONDS ?= 60

.PHONY: all run test asan fuzz fuzz-bins fault bench install clean deps unit layers format pkgcheck .FORCE

all: $(BIN)

$(BIN): $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) $(XLDFLAGS) -o $@ $(OBJS) $(XLDLIBS)

$(LIB): $(LIBOBJS)
	@echo "  AR      $@"
	@rm -f $@
	@ar rcs $@ $(LIBOBJS)

$(FAULTBIN): $(FAULTOBJS)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) $(XLDFLAGS) -o $@ $(FAULTOBJS) $(XLDLIBS)

$(BUILD)/%.o: %.c $(BUILD)/cflags | pkgcheck
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

$(FAULTOBJ): src/store/fault.c $(BUILD)/cflags | pkgcheck
	@mkdir -p $(@D)
	@echo "  CC      $< (fault injection)"
	@$(CC) $(XCFLAGS) -DGAZETTE_FAULT_INJECTION -MMD -MP -c -o $@ $<

pkgcheck:
	@pkg-config --print-errors --exists $(PKGS) || { \
	    echo "gazette: missing development packages: run 'make deps' (or 'make run')" >&2; \
	    exit 1; }

# Objects remember the flags they were built with: a change (WERROR on
# for make test, another OPT) rebuilds them.
$(BUILD)/cflags: .FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(XCFLAGS)' | cmp -s - $@ || echo '$(CC) $(XCFLAGS)' > $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) -Itests/unit $(XLDFLAGS) -o $@ $< $(LIB) $(XLDLIBS)

$(BUILD)/gen/schema-sqlite.c: scripts/embed-sql.sh $(wildcard src/store/schema/sqlite/*.sql)
	@mkdir -p $(@D)
	sh scripts/embed-sql.sh migrations_sqlite src/store/schema/sqlite > $@

$(BUILD)/gen/schema-pg.c: scripts/embed-sql.sh $(wildcard src/store/schema/pg/*.sql)
	@mkdir -p $(@D)
	sh scripts/embed-sql.sh migrations_pg src/store/schema/pg > $@

$(BUILD)/gen/demo-article.c: scripts/embed-file.sh content/demo/kazakhstan.md
	@mkdir -p $(@D)
	sh scripts/embed-file.sh demo_article content/demo/kazakhstan.md > $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/cflags
	@echo "  CC      $<"
	@$(CC) $(XCFLAGS) -c -o $@ $<

# Each fuzz driver is also linked with a plain main that replays its corpus
# and regression inputs, so `make test` runs them without libFuzzer.
$(BUILD)/fuzz/replay-%: fuzz/fuzz-%.c fuzz/replay.c $(LIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) -Itests/unit $(XLDFLAGS) -o $@ $< fuzz/replay.c $(LIB) $(XLDLIBS)

$(BUILD)/fuzz/fuzz-%: fuzz/fuzz-%.c $(LIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) -fsanitize=fuzzer,address,undefined -Itests/unit -o $@ $< $(LIB) $(XLDLIBS)

unit: $(TESTS) $(REPLAYS)

fuzz-bins: $(FUZZERS:%=$(BUILD)/fuzz/fuzz-%)

# libFuzzer with clang 14: every driver for FUZZ_SECONDS each.
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang HARDEN= HARDEN_LD= \
	    OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" fuzz-bins
	@sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

deps:
	@sh scripts/deps.sh

# Installs what is missing, builds, creates the demo site once, serves it.
run: deps
	@$(MAKE) --no-print-directory all
	@[ -f gazette.db ] || ./$(BIN) demo
	@echo "gazette: serving the demo site at http://127.0.0.1:8080/"
	./$(BIN) serve --listen 127.0.0.1:8080

# Like run, installs what is missing first (scripts/deps.sh test: the
# browser, PostgreSQL, parsers and load tools the suites drive; the npm
# modules install on first use), so a fresh machine's `make test` passes
# on its own; then builds with warnings as errors and runs every suite
# (tests/run.sh; the floors check, tests/layers.sh, among them).
test:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory WERROR=-Werror all unit $(FAULTBIN)
	@sh tests/run.sh

# Every unit test binary counts its cases through t.h.
$(TESTS): tests/unit/t.h

# Every C file as .clang-format says (tests/format.sh checks it).
format:
	@clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/unit/*.[ch]' 'fuzz/*.c')

# The floors of src/ (scripts/layers.sh): includes and linked symbols.
layers: all
	@sh scripts/layers.sh src $(BUILD)

ASAN_OPT = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=gazette-asan \
	    FAULTBIN=gazette-fault-asan CC=gcc WERROR=-Werror HARDEN= HARDEN_LD= \
	    OPT="$(ASAN_OPT)" LDFLAGS="-fsanitize=address,undefined" \
	    all unit gazette-fault-asan
	@GAZETTE_BIN=./gazette-asan GAZETTE_FAULT_BIN=./gazette-fault-asan \
	    UNIT_DIR=build-asan/tests FUZZ_DIR=build-asan/fuzz \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/run.sh

# The fault-injection binary (src/store/fault.h): what
# tests/http/test_fault.py drives to fail the Nth write, sync or
# allocation. It shares every object but one with ./gazette.
fault: $(FAULTBIN)

bench: all
	@sh scripts/deps.sh bench
	@sh bench/run.sh

# The binary looks for its theme in $(DATADIR) (compiled in), so build
# and install with the same PREFIX (a changed PREFIX changes the flags, which rebuilds every object).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/themes \
	    $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/gazette
	rm -rf $(DESTDIR)$(DATADIR)/themes/default
	cp -R themes/default $(DESTDIR)$(DATADIR)/themes/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/themes/default
	install -m 644 man/gazette.1 $(DESTDIR)$(MANDIR)/man1/gazette.1

clean:
	rm -rf build build-asan build-fuzz gazette gazette-asan \
	    gazette-fault gazette-fault-asan

-include $(OBJS:.o=.d) $(FAULTOBJ:.o=.d)
