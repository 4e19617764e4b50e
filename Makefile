# Makefile: builds ./gazette; run, test, asan, fuzz, bench, install.
# Every library comes from a Debian package through pkg-config.

PKGS	 = libmicrohttpd sqlite3 md4c libsodium zlib libpq
CC	?= cc
OPT	?= -O2 -g
XCFLAGS	 = $(OPT) -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	   -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
XLDLIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm $(LDLIBS)

BUILD	?= build
BIN	?= gazette
PREFIX	?= /usr/local

SRCS	:= $(shell find src -name '*.c' | sort)
GENSRCS	:= $(BUILD)/gen/schema-sqlite.c $(BUILD)/gen/schema-pg.c \
	   $(BUILD)/gen/demo-article.c
OBJS	:= $(SRCS:%.c=$(BUILD)/%.o) $(GENSRCS:%.c=%.o)
LIBOBJS	:= $(filter-out $(BUILD)/src/main.o,$(OBJS))
TESTSRC	:= $(sort $(wildcard tests/unit/test-*.c))
TESTS	:= $(TESTSRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test asan fuzz bench install clean deps unit

all: $(BIN)

$(BIN): $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(XCFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(XLDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

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

unit: $(TESTS)

deps:
	@sh scripts/deps.sh

# Installs what is missing, builds, creates the demo site once, serves it.
run: deps
	@$(MAKE) --no-print-directory all
	@[ -f gazette.db ] || ./$(BIN) demo
	@echo "gazette: serving the demo site at http://127.0.0.1:8080/"
	./$(BIN) serve --listen 127.0.0.1:8080

test: all unit
	@sh tests/run.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=gazette-asan CC=gcc \
	    OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" all unit
	@GAZETTE_BIN=./gazette-asan UNIT_DIR=build-asan/tests \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/run.sh

bench: all
	@sh scripts/deps.sh bench
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gazette/themes
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/gazette
	cp -R themes/default $(DESTDIR)$(PREFIX)/share/gazette/themes/

clean:
	rm -rf build build-asan gazette gazette-asan

-include $(OBJS:.o=.d)
