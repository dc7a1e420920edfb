# huimin — build, run, test in one place.
# `make run` and `make test` install what is missing (scripts/deps) first.

CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium sqlite3 xlsxwriter pangocairo cairo
CFLAGS_BASE := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wvla \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
	-Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

REL_FLAGS  := -O2 -g
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

SRCS      := $(shell find src -name '*.c' ! -name main.c | sort)
EMBED_IN  := $(sort $(wildcard db/migrations/*.sql) $(wildcard data/*.tsv) $(wildcard data/calendar/*.txt) docs/openapi.yaml)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

REL_OBJS  := $(SRCS:%.c=build/rel/%.o) build/rel/gen/embedded.o
ASAN_OBJS := $(SRCS:%.c=build/asan/%.o) build/asan/gen/embedded.o
REL_UNITS := $(UNIT_SRCS:tests/unit/%.c=build/rel/unit/%)
ASAN_UNITS:= $(UNIT_SRCS:tests/unit/%.c=build/asan/unit/%)

.PHONY: all deps run test unit api clean format asan fuzz fuzz-build crash web security bench

all: huimin

deps:
	@scripts/deps

huimin: build/rel/huimin
	@cp build/rel/huimin huimin.tmp && mv -f huimin.tmp huimin

asan: build/asan/huimin

# The browser app (Vue 3 + Element Plus, built by Vite) served from web/dist.
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.js web/package-lock.json
web: web/dist/index.html
web/dist/index.html: $(WEB_SRC)
	npm --prefix web run build

build/gen/embedded.c: tools/embed.c $(EMBED_IN)
	@mkdir -p build/gen
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -o build/gen/embed tools/embed.c
	build/gen/embed $(EMBED_IN) > $@.tmp && mv $@.tmp $@

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(REL_FLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(ASAN_FLAGS) -MMD -MP -c $< -o $@

build/rel/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -c $< -o $@

build/asan/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -c $< -o $@

build/rel/huimin: build/rel/src/main.o $(REL_OBJS)
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

build/asan/huimin: build/asan/src/main.o $(ASAN_OBJS)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/rel/unit/%: build/rel/tests/unit/%.o $(REL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS) -lcmocka

build/asan/unit/%: build/asan/tests/unit/%.o $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS) -lcmocka

# ---- fuzzing and the crash test (docs/reliability.md) ----------------------
# libFuzzer targets, one per parser: fuzz/fuzz_<t>.c. Built with clang
# (build/fuzz/bin/fuzz_<t>) and, as replayers of fuzz/corpus/<t>/ and
# fuzz/regressions/<t>/, with the ASan build and fuzz/replay.c
# (build/asan/fuzz/fuzz_<t>, run by make test like a unit test).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 8
CRASH_KILLS  ?= 100
FUZZ_NAMES   := $(sort $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c)))
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# clang only: it flags the multi-line SQL strings of designated initialisers
FUZZ_WARN    := -Wno-string-concatenation
FUZZ_OBJS    := $(SRCS:%.c=build/fuzz/%.o) build/asan/gen/embedded.o
FUZZ_COMMON  := fuzz/common.o fuzz/api_harness.o
FUZZ_BINS    := $(FUZZ_NAMES:%=build/fuzz/bin/fuzz_%)
FUZZ_REPLAYS := $(FUZZ_NAMES:%=build/asan/fuzz/fuzz_%)

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_WARN) -I. $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

build/asan/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -I. $(ASAN_FLAGS) -MMD -MP -c $< -o $@

build/fuzz/bin/fuzz_%: build/fuzz/fuzz/fuzz_%.o $(FUZZ_COMMON:%=build/fuzz/%) $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

build/asan/fuzz/fuzz_%: build/asan/fuzz/fuzz_%.o $(FUZZ_COMMON:fuzz/%=build/asan/fuzz/%) build/asan/fuzz/replay.o $(ASAN_OBJS)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

.PRECIOUS: build/asan/fuzz/%.o build/fuzz/fuzz/%.o
fuzz-build: $(FUZZ_BINS) $(FUZZ_REPLAYS)

# Each target for FUZZ_SECONDS (default 60): make fuzz FUZZ_SECONDS=600
fuzz: deps
	@$(MAKE) --no-print-directory -j$$(nproc) fuzz-build
	@fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

# SIGKILL the release server CRASH_KILLS times under write load (default 100)
crash: deps
	@$(MAKE) --no-print-directory -j$$(nproc) huimin
	@CRASH_KILLS=$(CRASH_KILLS) tests/crash/run

# First start: create the database with the federations, the opening
# capital, one demo user per role (passwords printed once) and demo data.
run: deps huimin web
	@mkdir -p var
	@[ -f var/huimin.db ] || ./huimin init --db var/huimin.db --demo
	./huimin serve --db var/huimin.db --listen 127.0.0.1:8080

# Unit tests (plain and ASan+UBSan builds), the fuzz replays (seeds and
# regressions), an 8 s run of each fuzzer, the crash test with 5 kills, then
# API tests against the sanitizer build of the server; scripts/run-tests
# prints "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory -j$$(nproc) huimin build/asan/huimin $(REL_UNITS) $(ASAN_UNITS) web $(FUZZ_BINS) $(FUZZ_REPLAYS)
	@FUZZ_SECONDS=$(FUZZ_TEST_SECONDS) CRASH_KILLS=5 scripts/run-tests $(REL_UNITS) $(ASAN_UNITS) $(FUZZ_REPLAYS) fuzz/run tests/crash/run

# sqlmap (Debian) against every route that takes parameters, signed in; fails
# on any finding. About 15 s a route. SECURITY_LIMIT=N for a quick look.
security: deps huimin
	@command -v sqlmap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sqlmap
	@python3 tests/security/sqlmap.py

unit: $(REL_UNITS) $(ASAN_UNITS)
	@scripts/run-tests --unit-only $(REL_UNITS) $(ASAN_UNITS)

# Benchmarks (issue 6): baselines and load in one run, results in
# bench/results/<date>.md. BENCH_SIZES=10k,100k,1m, BENCH_SECONDS=N (bench/run).
bench: huimin
	@bench/run

format:
	clang-format -i $$(find src tests/unit tools -name '*.[ch]')

clean:
	rm -rf build huimin

-include $(shell find build -name '*.d' 2>/dev/null)
