# netfolio — the two commands a user needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/netfolio
DATA    ?= .data
ADDR    ?= 127.0.0.1:8080
FUZZTIME ?= 5s

.PHONY: run test build bench lint deps fuzz clean

## run: build everything and start netfolio with an embedded SQLite database and demo data
run: build
	@mkdir -p $(DATA)
	$(BIN) serve --demo --addr $(ADDR) --db $(DATA)/demo.db

## build: the netfolio binary, dashboard embedded
build: deps
	$(GO) build -o $(BIN) ./cmd/netfolio

## test: the whole suite — lint, unit, integration, and short fuzz runs
test: deps lint
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz

## fuzz: each parser's fuzz target for FUZZTIME (longer by hand: make fuzz FUZZTIME=5m)
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseAmount$$' -fuzztime $(FUZZTIME) ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzParseECB$$' -fuzztime $(FUZZTIME) ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzXIRR$$' -fuzztime $(FUZZTIME) ./portfolio/
	$(GO) test -run '^$$' -fuzz '^FuzzComputeProperties$$' -fuzztime $(FUZZTIME) ./portfolio/

## bench: Go benchmarks
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## deps: install what the build needs and is missing (a C compiler for SQLite)
deps:
	@command -v gcc >/dev/null 2>&1 || { echo "installing gcc for the SQLite driver"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gcc libc6-dev; }

clean:
	rm -rf bin $(DATA)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
