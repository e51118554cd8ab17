# idxtune: an interactive index tuner for PostgreSQL.
#
#   make          build ./idxtune (core in src/ as a static library, UI in ui/)
#   make test     unit, integration (real PostgreSQL sandbox) and terminal tests
#   make asan     the same tests on an ASan+UBSan build
#   make demo     sandbox server + demo workload + the TUI
#   make bench    benchmarks (speed and memory are measured here, not in tests)
#   make install  PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
SAN     ?=

VERSION := 0.1.0
PKGS    := libpq ncursesw jansson
DEB_PKGS := build-essential pkg-config libpq-dev libncurses-dev libjansson-dev \
            libcmocka-dev libpg-query-dev libprotobuf-c-dev postgresql-15 postgresql-contrib \
            postgresql-15-hypopg postgresql-15-pg-qualstats tmux valgrind

CFLAGS  ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DIXT_VERSION='"$(VERSION)"' \
             -DIXT_DATADIR='"$(PREFIX)/share/idxtune"' \
             -Wall -Wextra -Werror -Wno-missing-field-initializers \
             -Iinclude $(PKG_CFLAGS) $(CFLAGS)
# libpg_query is linked statically: Debian ships only the archive.
LIBS = -l:libpg_query.a $(PKG_LIBS) -lpthread -lm

CORE_SRC := $(wildcard src/*.c)
UI_SRC   := $(wildcard ui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
UI_OBJ   := $(UI_SRC:%.c=$(BUILD)/%.o)
CORE_LIB := $(BUILD)/libidxtune.a
UNIT_SRC := $(wildcard tests/unit/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
SAFETY_SRC := $(wildcard tests/safety/test_*.c)
TEST_BINS := $(UNIT_SRC:%.c=$(BUILD)/%) $(INTEG_SRC:%.c=$(BUILD)/%) $(SAFETY_SRC:%.c=$(BUILD)/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRC:%.c=$(BUILD)/%)
DEPS_STAMP := $(BUILD)/.deps-ok

ifeq ($(BUILD),build)
PROG := idxtune
else
PROG := $(BUILD)/idxtune
endif

.PHONY: all deps test asan valgrind demo bench install uninstall clean fuzz fuzz-prepare
all: $(PROG)

# Debian packages: installed when root, otherwise the exact command is shown.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "idxtune needs these Debian packages:$$missing"; \
	    echo "run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	ar rcs $@ $^

$(PROG): $(UI_OBJ) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $(UI_OBJ) $(CORE_LIB) $(LIBS)

$(BUILD)/tests/%: tests/%.c $(CORE_LIB) tests/testutil.h tests/dbutil.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(CORE_LIB) $(LIBS) $(CMOCKA_LIBS)

$(BUILD)/bench/%: bench/%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_LIB) $(LIBS)

test: $(PROG) $(TEST_BINS)
	@IXT_BUILD=$(BUILD) IXT_PROG=$(PROG) bash tests/run.sh

asan:
	$(MAKE) BUILD=build-asan SAN=1 test

# The C tests (unit and integration) under valgrind's memcheck.
valgrind: $(PROG) $(TEST_BINS)
	@IXT_BUILD=$(BUILD) IXT_PROG=$(PROG) IXT_WRAP="valgrind -q --leak-check=full --error-exitcode=9" \
	  bash tests/run.sh

demo: $(PROG)
	@bash demo/run-demo.sh

bench: $(PROG) $(BENCH_BINS)
	@IXT_BUILD=$(BUILD) IXT_PROG=$(PROG) bash bench/run.sh

install: $(PROG)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/idxtune/themes \
	           $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/idxtune
	install -m 644 themes/*.theme $(DESTDIR)$(PREFIX)/share/idxtune/themes/
	install -m 644 doc/idxtune.1 $(DESTDIR)$(PREFIX)/share/man/man1/idxtune.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/idxtune $(DESTDIR)$(PREFIX)/share/man/man1/idxtune.1
	rm -rf $(DESTDIR)$(PREFIX)/share/idxtune

clean:
	rm -rf build build-asan build-fuzz idxtune

-include $(CORE_OBJ:.o=.d) $(UI_OBJ:.o=.d)

# libFuzzer on the plan reader (clang): make fuzz FUZZ_SECONDS=600.  New
# inputs that find new paths are kept in tests/fuzz/corpus/plan.
FUZZ_SECONDS ?= 60
FUZZ_SRC := src/plan.c src/util.c
fuzz: deps
	@command -v clang >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq clang >/dev/null; } \
	  || { echo "fuzzing needs clang: apt-get install -y clang"; exit 1; }
	@mkdir -p build-fuzz
	clang -g -O1 -std=c11 -D_GNU_SOURCE -Iinclude $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
	  -o build-fuzz/fuzz_plan tests/fuzz/fuzz_plan.c $(FUZZ_SRC) -ljansson -lm
	build-fuzz/fuzz_plan -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -dict=tests/fuzz/plan.dict \
	  tests/fuzz/corpus/plan tests/data/plans

# libFuzzer on what idxtune sends for a statement text (tests/fuzz/prepare_check.h):
# make fuzz-prepare FUZZ_SECONDS=600.  Corpus in tests/fuzz/corpus/prepare.
fuzz-prepare: deps
	@mkdir -p build-fuzz
	clang -g -O1 -std=c11 -D_GNU_SOURCE -DIXT_VERSION='"$(VERSION)"' -DIXT_DATADIR='"."' -Iinclude $(PKG_CFLAGS) \
	  -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_prepare tests/fuzz/fuzz_prepare.c $(CORE_SRC) $(LIBS)
	build-fuzz/fuzz_prepare -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=60 tests/fuzz/corpus/prepare
