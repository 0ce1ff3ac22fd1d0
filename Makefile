# DPG Certificates: build, run and test on Debian/Ubuntu.
#
#   make run     install what is missing, build, open the window
#   make test    install what is missing, then every check CI runs
#   make build   build/bin/dpgcerts

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Go may live in /usr/local/go, and `go install` puts wails in GOPATH/bin:
# put both on PATH here rather than relying on the caller's shell.
export PATH := /usr/local/go/bin:$(PATH)
GOBIN_DIR := $(shell PATH="$(PATH)" go env GOPATH)/bin
export PATH := $(GOBIN_DIR):$(PATH)
# cgo is required: SQLite, the keychain and the window.
export CGO_ENABLED := 1

WAILS_VERSION := v2.16.0
VERSION ?= $(shell git describe --tags --always 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 15s

# WebKitGTK 4.1 (newer distributions) needs a build tag; 4.0 (Debian 12) none.
WAILS_TAGS ?= $(shell pkg-config --exists webkit2gtk-4.0 2>/dev/null || { pkg-config --exists webkit2gtk-4.1 2>/dev/null && echo webkit2_41; })
TAGS_FLAG := $(if $(strip $(WAILS_TAGS)),-tags "$(WAILS_TAGS)")

NODE_STAMP := frontend/node_modules/.package-lock.json

.PHONY: all deps deps-apt deps-wails deps-node deps-npm bindings build run test test-go test-frontend fuzz bench fmt lint clean build-windows dist test-dist test-windows vet-cross

all: build

## deps: install what is missing (Debian packages, the Wails CLI, npm packages)
deps: deps-apt deps-wails deps-npm

deps-apt:
	@bash scripts/apt-deps.sh

deps-wails:
	@case "$$(wails version 2>/dev/null || true)" in \
		$(WAILS_VERSION)*) ;; \
		*) echo "installing the Wails CLI $(WAILS_VERSION)"; \
		   go install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION) ;; \
	esac

deps-node:
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js 20.19+ and npm are needed" >&2; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
		|| { echo "Node.js 20.19+ is needed, found $$(node -v)" >&2; exit 1; }

deps-npm: deps-node $(NODE_STAMP)

# npm ci only when the lock file changed since the last install.
$(NODE_STAMP): frontend/package-lock.json frontend/package.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

## bindings: generate frontend/wailsjs from the bound Go structs
bindings: deps-wails
	@mkdir -p frontend/dist && [ -n "$$(ls -A frontend/dist)" ] || touch frontend/dist/.gitkeep
	wails generate module $(TAGS_FLAG)

## build: build/bin/dpgcerts with the version from git, and build/bin/dpgcerts-cli
build: deps
	wails build $(TAGS_FLAG) -ldflags "$(LDFLAGS)" -o dpgcerts
	@echo "built build/bin/dpgcerts $(VERSION)"
	$(MAKE) --no-print-directory build-cli

## build-cli: build/bin/dpgcerts-cli, the command line without the window for
## servers (no GTK or WebKit linked). GOOS=darwin on a Mac builds the macOS one.
build-cli:
	go build -trimpath -ldflags "$(LDFLAGS)" -o build/bin/dpgcerts-cli ./cmd/dpgcerts-console
	@echo "built build/bin/dpgcerts-cli $(VERSION)"

## test-cli: the headless build: ldd lists no GTK or WebKit, its check runs once
test-cli: deps-apt build-cli
	bash scripts/cli-check.sh

## run: build and open the window (ARGS="--lang da" passes flags)
run: build
	./build/bin/dpgcerts $(ARGS)

## test: vet (also for Windows and macOS), Go tests with -race, frontend tests and type check, the Windows release, its packaging check and its run under Wine, then every fuzz target for FUZZTIME
test: deps
	$(MAKE) --no-print-directory test-go vet-cross test-frontend dist test-dist test-windows fuzz test-e2e test-window test-remind test-cli

test-go:
	@mkdir -p frontend/dist && [ -n "$$(ls -A frontend/dist)" ] || touch frontend/dist/.gitkeep
	go vet ./...
	go test -race ./...
	@# the file dialogs' test hooks, built only with -tags testhooks (scripts/e2e.sh)
	go vet -tags testhooks ./app
	go test -race -tags testhooks ./app
	$(MAKE) --no-print-directory fmt-check

## fmt-check: fails on any Go file gofmt would change (make fmt changes them)
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "gofmt needed:"; echo "$$out"; exit 1; }

test-frontend: bindings deps-npm
	cd frontend && npm test
	cd frontend && npm run typecheck

## golden: the frontend fake's copy of Go's overview (frontend/src/test/golden),
## made anew from what the frontend tests ask; go test checks it stays true
golden: deps-npm
	rm -rf frontend/src/test/golden/pending
	cd frontend && OVERVIEW_GOLDEN=record npx vitest run
	go test ./internal/overviewgolden -run TestFrontendGolden -update

.PHONY: test-e2e test-window test-remind test-cli build-cli screenshot fmt-check golden
E2E_STAMP := e2e/node_modules/.package-lock.json

## test-e2e: the window in Chromium (playwright-core) against wails dev and the real backend; screenshots in artifacts/e2e/
test-e2e: deps $(E2E_STAMP)
	@mkdir -p frontend/dist && [ -n "$$(ls -A frontend/dist)" ] || touch frontend/dist/.gitkeep
	WAILS_TAGS="$(WAILS_TAGS)" bash scripts/e2e.sh

$(E2E_STAMP): e2e/package-lock.json e2e/package.json
	cd e2e && npm ci --no-audit --no-fund
	@touch $@

## test-window: the release build has no test hooks, and it paints a real
## window under Xvfb; the screenshot is artifacts/window.png
test-window: build
	bash scripts/window-check.sh

## screenshot: test-window, then docs/window.png (the README's picture) from its screenshot
screenshot: build
	WINDOW_UPDATE_DOCS=1 bash scripts/window-check.sh

## test-remind: the reminders against real peers: dpgcerts check --notify and the
## running window on a session bus with dunst (dbus-monitor records), the Windows
## task with Wine's schtasks
test-remind: build
	bash scripts/remind-check.sh

## fuzz: run each Fuzz target alone for FUZZTIME (default 15s)
fuzz:
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

## bench: the performance measurements
bench:
	bash scripts/bench.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

lint: fmt-check
	go vet ./...
	cd frontend && npm run typecheck

## dist: the signed Windows release, cross-built: build/bin/dpgcerts.exe and
## build/bin/dpgcerts-amd64-installer.exe (SIGN_PFX, SIGN_PASSWORD: the certificate;
## without them a throwaway self-signed one)
dist: deps
	VERSION="$(VERSION)" bash scripts/dist.sh windows

## test-dist: the packaging check of what make dist built
test-dist:
	bash scripts/test-dist.sh

## test-windows: the release of make dist run under Wine: the CLI against the
## sandbox, Credential Manager, Windows paths, dpgcerts.com in cmd.exe, the
## window's start without WebView2, the silent installer and uninstaller
# (bounded as a whole too: each Wine call has its own timeout)
test-windows:
	timeout -k 30 900 bash scripts/test-windows.sh

## vet-cross: go vet as Windows (cgo with mingw, as the release) and as macOS
## (cgo off: no macOS SDK here; every package of ours is vetted, the cgo parts
## of dependencies such as SQLite and the Cocoa window are not compiled)
vet-cross:
	@mkdir -p frontend/dist && [ -n "$$(ls -A frontend/dist)" ] || touch frontend/dist/.gitkeep
	GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc go vet ./...
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 go vet ./...

build-windows: dist

clean:
	rm -rf build/bin
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete
