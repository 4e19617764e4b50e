# Makefile: builds ./gazette; run, test, asan, fuzz, bench, install.
# Every library comes from a Debian package through pkg-config.

PKGS	 = libmicrohttpd sqlite3 md4c libsodium zlib jansson libxml-2.0 libseccomp \
	   libpq
CC	?= cc
OPT	?= -O2 -g
XCFLAGS	 = $(OPT) -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	   -DGAZETTE_DATADIR='"$(DATADIR)"' \
	   -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
XLDLIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm $(LDLIBS)

BUILD	?= build
BIN	?= gazette
PREFIX	?= /usr/local
DATADIR	?= $(PREFIX)/share/gazette
MANDIR	?= $(PREFIX)/share/man

SRCS	:= $(shell find src -name '*.c' | sort)
GENSRCS	:= $(BUILD)/gen/schema-sqlite.c $(BUILD)/gen/schema-pg.c \
	   $(BUILD)/gen/demo-article.c
OBJS	:= $(SRCS:%.c=$(BUILD)/%.o) $(GENSRCS:%.c=%.o)
LIBOBJS	:= $(filter-out $(BUILD)/src/main.o,$(OBJS))
TESTSRC	:= $(sort $(wildcard tests/unit/test-*.c))
TESTS	:= $(TESTSRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZSRC	:= $(sort $(wildcard fuzz/fuzz-*.c))
FUZZERS	:= $(FUZZSRC:fuzz/fuzz-%.c=%)
REPLAYS	:= $(FUZZERS:%=$(BUILD)/fuzz/replay-%)
FUZZ_SECONDS ?= 60

.PHONY: all run test asan fuzz fuzz-bins fault bench install clean deps unit .FORCE

all: $(BIN)

$(BIN): $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(XLDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

# site.c compiles DATADIR in: rebuild it when DATADIR changes.
$(BUILD)/src/render/site.o: $(BUILD)/datadir
$(BUILD)/datadir: .FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJS) $(XLDLIBS)

$(BUILD)/gen/schema-sqlite.c: scripts/embed-sql.sh $(wildcard src/store/schema/sqlite/*.sql)
	@mkdir -p $(@D)
	sh scripts/embed-sql.sh migrations_sqlite src/store/schema/sqlite > $@

$(BUILD)/gen/schema-pg.c: scripts/embed-sql.sh $(wildcard src/store/schema/pg/*.sql)
	@mkdir -p $(@D)
	sh scripts/embed-sql.sh migrations_pg src/store/schema/pg > $@

$(BUILD)/gen/demo-article.c: scripts/embed-file.sh content/demo/kazakhstan.md
	@mkdir -p $(@D)
	sh scripts/embed-file.sh demo_article content/demo/kazakhstan.md > $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@echo "  CC      $<"
	@$(CC) $(XCFLAGS) -c -o $@ $<

# Each fuzz driver is also linked with a plain main that replays its corpus
# and regression inputs, so `make test` runs them without libFuzzer.
$(BUILD)/fuzz/replay-%: fuzz/fuzz-%.c fuzz/replay.c $(LIBOBJS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< fuzz/replay.c $(LIBOBJS) $(XLDLIBS)

$(BUILD)/fuzz/fuzz-%: fuzz/fuzz-%.c $(LIBOBJS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) -fsanitize=fuzzer,address,undefined -Itests/unit -o $@ $< $(LIBOBJS) $(XLDLIBS)

unit: $(TESTS) $(REPLAYS)

fuzz-bins: $(FUZZERS:%=$(BUILD)/fuzz/fuzz-%)

# libFuzzer with clang 14: every driver for FUZZ_SECONDS each.
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
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
# on its own; then builds in order: the packages must be there first.
test:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory all unit fault
	@sh tests/run.sh

# Every unit test binary counts its cases through t.h.
$(TESTS): tests/unit/t.h

ASAN_OPT = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=gazette-asan CC=gcc \
	    OPT="$(ASAN_OPT)" LDFLAGS="-fsanitize=address,undefined" all unit
	@$(MAKE) --no-print-directory BUILD=build-asan-fault BIN=gazette-fault-asan CC=gcc \
	    OPT="$(ASAN_OPT)" LDFLAGS="-fsanitize=address,undefined" \
	    CFLAGS="-DGAZETTE_FAULT_INJECTION" all
	@GAZETTE_BIN=./gazette-asan GAZETTE_FAULT_BIN=./gazette-fault-asan \
	    UNIT_DIR=build-asan/tests FUZZ_DIR=build-asan/fuzz \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/run.sh

# The fault-injection build (src/store/fault.h): what tests/http/test_fault.py
# drives to fail the Nth write, sync or allocation.
fault:
	@$(MAKE) --no-print-directory BUILD=build-fault BIN=gazette-fault \
	    CFLAGS="-DGAZETTE_FAULT_INJECTION" all

bench: all
	@sh scripts/deps.sh bench
	@sh bench/run.sh

# The binary looks for its theme in $(DATADIR) (compiled in), so build
# and install with the same PREFIX (a changed PREFIX rebuilds site.o).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/themes \
	    $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/gazette
	rm -rf $(DESTDIR)$(DATADIR)/themes/default
	cp -R themes/default $(DESTDIR)$(DATADIR)/themes/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/themes/default
	install -m 644 man/gazette.1 $(DESTDIR)$(MANDIR)/man1/gazette.1

clean:
	rm -rf build build-asan build-asan-fault build-fuzz build-fault gazette gazette-asan \
	    gazette-fault gazette-fault-asan

-include $(OBJS:.o=.d)
