# idxtune: an interactive index tuner for PostgreSQL.
#
#   make           build ./idxtune (core in src/ as a static library, UI in ui/)
#   make deps      install the Debian packages for building and testing
#                  (apt-get when root, otherwise the command to run is shown)
#   make test      unit, integration (real PostgreSQL sandbox) and terminal tests
#   make test-unit the unit tests alone: no server, no tmux, seconds
#   make test-versions  the server-side tests on PostgreSQL 14, 16, 17 and 18
#   make asan      the same tests on an ASan+UBSan build
#   make demo      sandbox server + demo workload + the TUI (PG=17: on that version)
#   make bench     benchmarks (speed and memory are measured here, not in tests)
#   make install   PREFIX=/usr/local DESTDIR=
#
# Every library is found with pkg-config.  libpg_query too when it has a
# .pc file; Debian ships none, so the fallback below links its static
# archive: override PG_QUERY_CFLAGS / PG_QUERY_LIBS for another layout.
# demo, test, asan, valgrind and bench run `make deps` first.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
SAN     ?=
PKG_CONFIG ?= pkg-config

VERSION := 0.1.0
# pkg-config module:Debian package
LIB_PKGS  := libpq:libpq-dev ncursesw:libncurses-dev jansson:libjansson-dev zlib:zlib1g-dev
TEST_PKGS := cmocka:libcmocka-dev
# Building, then what the tests and the demo run: the server with the two
# extensions, psql (with the server), tmux, valgrind.
DEB_PKGS := build-essential pkg-config libpq-dev libncurses-dev libjansson-dev zlib1g-dev \
            libcmocka-dev libpg-query-dev libprotobuf-c-dev \
            postgresql-15 postgresql-contrib postgresql-15-hypopg \
            postgresql-15-pg-qualstats tmux valgrind
# the monitors the bench compares idxtune's live list with
DEB_PKGS += $(if $(filter bench,$(MAKECMDGOALS)),pg-activity pgtop)

CFLAGS  ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# Asked once, when the first recipe needs them: after `make deps` and the
# library check have run, never while the makefile is read.
once = $(eval $1 := $$(shell $2))$($1)
modules = $(foreach m,$1,$(firstword $(subst :, ,$m)))
PKG_CFLAGS  = $(call once,PKG_CFLAGS,$(PKG_CONFIG) --cflags $(call modules,$(LIB_PKGS)) 2>/dev/null)
PKG_LIBS    = $(call once,PKG_LIBS,$(PKG_CONFIG) --libs $(call modules,$(LIB_PKGS)) 2>/dev/null)
CMOCKA_CFLAGS = $(call once,CMOCKA_CFLAGS,$(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(call once,CMOCKA_LIBS,$(PKG_CONFIG) --libs cmocka 2>/dev/null)
HAVE_PG_QUERY_PC = $(call once,HAVE_PG_QUERY_PC,$(PKG_CONFIG) --exists libpg_query 2>/dev/null && echo y)
PG_QUERY_CFLAGS ?= $(if $(HAVE_PG_QUERY_PC),$(shell $(PKG_CONFIG) --cflags libpg_query))
PG_QUERY_LIBS   ?= $(if $(HAVE_PG_QUERY_PC),$(shell $(PKG_CONFIG) --libs libpg_query),-l:libpg_query.a)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DIXT_VERSION='"$(VERSION)"' \
             -Wall -Wextra -Werror -Wno-missing-field-initializers \
             -Iinclude $(PKG_CFLAGS) $(PG_QUERY_CFLAGS) $(CFLAGS)
LIBS = $(PG_QUERY_LIBS) $(PKG_LIBS) -lpthread -lm

CORE_SRC := $(wildcard src/*.c)
UI_SRC   := $(wildcard ui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
UI_OBJ   := $(UI_SRC:%.c=$(BUILD)/%.o)
CORE_LIB := $(BUILD)/libidxtune.a
UNIT_SRC := $(wildcard tests/unit/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
SAFETY_SRC := $(wildcard tests/safety/test_*.c)
UNIT_BINS := $(UNIT_SRC:%.c=$(BUILD)/%)
TEST_BINS := $(UNIT_BINS) $(INTEG_SRC:%.c=$(BUILD)/%) $(SAFETY_SRC:%.c=$(BUILD)/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRC:%.c=$(BUILD)/%)

ifeq ($(BUILD),build)
PROG := idxtune
else
PROG := $(BUILD)/idxtune
endif

.PHONY: all deps check-libs check-test-libs test test-unit test-versions asan valgrind demo bench \
        install uninstall clean fuzz
all: $(PROG)

# These goals install the packages first; a plain build only checks.
ifneq ($(filter demo test test-versions asan valgrind bench,$(MAKECMDGOALS)),)
check-libs: | deps
endif

# Debian packages: installed when root, otherwise the exact command is shown.
# Without dpkg nothing is installed: the library check below says what is
# missing.
deps:
	@command -v dpkg-query >/dev/null || { \
	  echo "make deps: no dpkg here; install the equivalents of: $(DEB_PKGS)"; exit 0; }; \
	missing=$$(dpkg-query -W -f='$${Package} $${Status}\n' $(DEB_PKGS) 2>/dev/null \
	  | awk '/ ok installed$$/ { ok[$$1] = 1 } END { n = split("$(DEB_PKGS)", p, " "); \
	      for (i = 1; i <= n; i++) if (!(p[i] in ok)) printf " %s", p[i] }'); \
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

# Every library checked before the first compile, each missing one named
# with its Debian package.  Run under `make -n` too ("+").
lib_check = command -v $(PKG_CONFIG) >/dev/null || { \
	  echo "idxtune: $(PKG_CONFIG) not found (Debian package pkg-config; or \`make deps')"; exit 1; }; \
	bad=0; for m in $1; do $(PKG_CONFIG) --exists $${m%%:*} || { bad=1; \
	  echo "idxtune: library '$${m%%:*}' not found by $(PKG_CONFIG) (Debian package $${m\#*:}; or \`make deps'; or set PKG_CONFIG_PATH)"; }; \
	done; [ $$bad = 0 ]

check-libs:
	+@$(call lib_check,$(LIB_PKGS)) || bad=1; \
	printf '#include <pg_query.h>\nint main(void) { pg_query_free_parse_result(pg_query_parse("")); return 0; }\n' \
	  | $(CC) -x c - $(PG_QUERY_CFLAGS) $(PG_QUERY_LIBS) -o /dev/null >/dev/null 2>&1 || { bad=1; \
	  echo "idxtune: library 'libpg_query' not found (Debian package libpg-query-dev; or \`make deps'; elsewhere set PG_QUERY_CFLAGS and PG_QUERY_LIBS, now '$(PG_QUERY_CFLAGS)' and '$(PG_QUERY_LIBS)')"; }; \
	[ $$bad = 0 ]

check-test-libs: | check-libs
	+@$(call lib_check,$(TEST_PKGS))

$(BUILD)/%.o: %.c Makefile | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	ar rcs $@ $^

$(PROG): $(UI_OBJ) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $(UI_OBJ) $(CORE_LIB) $(LIBS)

$(BUILD)/tests/%: tests/%.c $(CORE_LIB) tests/testutil.h tests/dbutil.h | check-test-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(CORE_LIB) $(LIBS) $(CMOCKA_LIBS)

$(BUILD)/bench/%: bench/%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_LIB) $(LIBS)

test: $(PROG) $(TEST_BINS)
	@IXT_BUILD=$(BUILD) IXT_PROG=$(PROG) bash tests/run.sh

test-unit: $(UNIT_BINS)
	@IXT_BUILD=$(BUILD) bash tests/run.sh --unit

# Server binaries of other versions are fetched from the npm registry.
test-versions: $(PROG) $(TEST_BINS)
	@IXT_BUILD=$(BUILD) IXT_PROG=$(PROG) bash tests/versions/run.sh

asan:
	$(MAKE) BUILD=build-asan SAN=1 test

# The C tests (unit and integration) under valgrind's memcheck.
valgrind: $(PROG) $(TEST_BINS)
	@IXT_BUILD=$(BUILD) IXT_PROG=$(PROG) IXT_WRAP="valgrind -q --leak-check=full --error-exitcode=9" \
	  bash tests/run.sh

# PG=14|16|17|18: a server of that version (tests/versions/fetch.sh)
PG ?=
demo: $(PROG)
	@IXT_SERVER_BINDIR=$(if $(PG),$$(bash tests/versions/fetch.sh $(PG) $(BUILD)/pg)) bash demo/run-demo.sh

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

# libFuzzer (clang): make fuzz FUZZ_TARGET=plan|session|prepare FUZZ_SECONDS=600.
# Inputs that find new paths are kept in tests/fuzz/corpus/$(FUZZ_TARGET);
# the unit tests replay them.
FUZZ_TARGET ?= plan
FUZZ_SECONDS ?= 60
FUZZ_SRC_plan := src/plan.c src/plan_text.c src/plan_json.c src/plan_diff.c src/plan_fold.c src/util.c
FUZZ_ARGS_plan := -max_len=65536 -dict=tests/fuzz/plan.dict tests/data/plans
FUZZ_SRC_session := $(CORE_SRC)
FUZZ_ARGS_session := -max_len=8192 -dict=tests/fuzz/session.dict
# what idxtune sends for a statement text (tests/fuzz/prepare_check.h); long
# operator chains take libpg_query a while, hence the longer timeout
FUZZ_SRC_prepare := $(CORE_SRC)
FUZZ_ARGS_prepare := -max_len=4096 -timeout=60
fuzz: deps
	@command -v clang >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq clang >/dev/null; } \
	  || { echo "fuzzing needs clang: apt-get install -y clang"; exit 1; }
	@mkdir -p build-fuzz
	clang -g -O1 -std=c11 -D_GNU_SOURCE -DIXT_VERSION='"$(VERSION)"' -Iinclude $(PKG_CFLAGS) $(PG_QUERY_CFLAGS) \
	  -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_$(FUZZ_TARGET) \
	  tests/fuzz/fuzz_$(FUZZ_TARGET).c $(FUZZ_SRC_$(FUZZ_TARGET)) $(LIBS)
	build-fuzz/fuzz_$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  tests/fuzz/corpus/$(FUZZ_TARGET) $(FUZZ_ARGS_$(FUZZ_TARGET))

