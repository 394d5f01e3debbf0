# netfolio — the two commands a user needs are `make run` and `make test`.
GO       ?= go
NPM      ?= npm
BIN      := bin/netfolio
DATA     ?= .data
ADDR     ?= 127.0.0.1:8080
FUZZX    ?= 1
CHROMIUM ?= /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
NODE_DEPS := frontend/node_modules/.package-lock.json

.PHONY: run test build frontend bench lint deps test-deps fuzz screenshots clean

## run: build everything and start netfolio with an embedded SQLite database and demo data
run: build
	@mkdir -p $(DATA)
	$(BIN) serve --demo --addr $(ADDR) --db $(DATA)/demo.db

## build: the dashboard, then the netfolio binary with the dashboard embedded
build: deps frontend
	$(GO) build -o $(BIN) ./cmd/netfolio

## frontend: install the dashboard's npm packages (from the lockfile) and build it into frontend/dist
frontend: $(NODE_DEPS)
	cd frontend && $(NPM) run build

$(NODE_DEPS): frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund

## test: the whole suite — lint, Go unit and integration tests (on SQLite, and again on
## PostgreSQL when NETFOLIO_TEST_PG is set), fuzzing, the dashboard's unit tests, and browser
## tests in headless Chromium against the real server
test: deps test-deps lint build
	@git diff --quiet -- frontend/dist 2>/dev/null || { echo "frontend/dist differs from a fresh build of frontend/src: commit the rebuilt dist"; git --no-pager diff --stat -- frontend/dist; exit 1; }
	NETFOLIO_TEST_PG= $(GO) test -count=1 ./...
	@if [ -n "$$NETFOLIO_TEST_PG" ]; then echo "== the database suites again, on PostgreSQL"; \
		$(GO) test -count=1 ./api/... ./jobs/... ./portfolio/store/... ./cmd/...; \
	else echo "== NETFOLIO_TEST_PG is not set: PostgreSQL suites not run (.ci/run sets it)"; fi
	cd frontend && $(NPM) test
	cd frontend && NETFOLIO_BIN=$(CURDIR)/$(BIN) CHROMIUM=$(CHROMIUM) $(NPM) run e2e
	$(MAKE) --no-print-directory fuzz

## fuzz: each parser's fuzz target for a number of inputs, about 5 s each here (more by hand:
## make fuzz FUZZX=60). Counts, not durations: Go 1.26's fuzzer can fail a run bounded by time
## at its deadline without any failing input (golang/go#75804).
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseAmount$$' -fuzztime $$((100000 * $(FUZZX)))x ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzParseDate$$' -fuzztime $$((100000 * $(FUZZX)))x ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzParseECB$$' -fuzztime $$((100000 * $(FUZZX)))x ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzXIRR$$' -fuzztime $$((30000 * $(FUZZX)))x ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzComputeProperties$$' -fuzztime $$((15000 * $(FUZZX)))x ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzEntriesReader$$' -fuzztime $$((10000 * $(FUZZX)))x ./portfolio/exchange/

## screenshots: retake the README's screenshots from the demo data
screenshots: build test-deps
	cd frontend && NETFOLIO_BIN=$(CURDIR)/$(BIN) CHROMIUM=$(CHROMIUM) NETFOLIO_SCREENSHOTS=$(CURDIR)/frontend/screenshots $(NPM) run e2e

## bench: Go benchmarks (each for BENCHTIME, 200ms unless set), then the end-to-end run: a real
## server on loopback with a generated 1,000,000-entry user (cached in $(DATA)/bench), wrk and
## hledger from Debian (installed when missing; without them a built-in load loop, no hledger
## ratio); prints one table of figures, targets and ratios. More flags: BENCHFLAGS=--help
bench: build
	@missing=""; command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v hledger >/dev/null 2>&1 || missing="$$missing hledger"; \
	if [ -n "$$missing" ]; then echo "installing$$missing for the benchmarks"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
		|| echo "could not install$$missing: the end-to-end run does without"; fi
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(or $(BENCHTIME),200ms) ./...
	$(GO) build -o bin/netfolio-bench ./cmd/netfolio-bench
	bin/netfolio-bench --netfolio $(BIN) --cache $(DATA)/bench $(BENCHFLAGS)

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## deps: install what the build needs and is missing (a C compiler for SQLite, Node and npm)
deps:
	@missing=""; command -v gcc >/dev/null 2>&1 || missing="$$missing gcc libc6-dev"; \
	command -v $(NPM) >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

## test-deps: Debian's Chromium for the browser tests (no browser is ever downloaded), and
## hledger and ledger, which the journal export is checked against
test-deps:
	@missing=""; [ -x $(CHROMIUM) ] || missing="$$missing chromium fonts-dejavu-core"; \
	command -v hledger >/dev/null 2>&1 || missing="$$missing hledger"; \
	command -v ledger >/dev/null 2>&1 || missing="$$missing ledger"; \
	if [ -n "$$missing" ]; then echo "installing$$missing for the tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

clean:
	rm -rf bin $(DATA) frontend/node_modules
