# Acompaña — the two promised commands:
#   make run    build the UI and the desktop app (debug profile) and start it
#   make test   every check CI runs, failing fast, ending with the end-to-end run
# Both install what they need when it is missing (Debian packages, npm packages, tauri-driver),
# so a fresh Debian 12 machine works.
#
# Order matters: the desktop crate embeds ui/dist at compile time, so the UI is built before
# cargo touches src-tauri (clippy and the tests compile it too). Cheap checks run first; the
# long Rust builds share one target folder and one debug profile, never --release.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

CARGO ?= cargo
NPM ?= npm
APP_BIN := target/debug/acompana-desktop

# npm writes node_modules/.package-lock.json on every install: it is the stamp that says the
# installed tree matches package-lock.json. Make reinstalls when it is missing or older.
UI_MODULES := ui/node_modules/.package-lock.json
E2E_MODULES := tests/e2e/node_modules/.package-lock.json

.PHONY: bindings help run app deps-build deps-test ui-deps ui-build check-fmt check-ui check-rust \
	test-rust e2e-deps e2e test bench bench-app check-large crash-loop crash-test fuzz supply-chain \
	bundle bundle-check

help:
	@echo "make run         build the UI and the desktop app (debug) and start it"
	@echo "make test        fmt, clippy, UI checks, Rust tests, desktop build, end-to-end run"
	@echo "make check-ui    UI type check, lint, unit tests, i18n check and build"
	@echo "make check-rust  cargo fmt --check and clippy -D warnings"
	@echo "make test-rust   cargo test --workspace"
	@echo "make app         build $(APP_BIN) (debug) with the embedded UI"
	@echo "make e2e         drive the built app through tauri-driver under Xvfb"
	@echo "make bench       vault, case-file, sync and summary benchmarks, then bench-app"
	@echo "make bench-app   the app's cold start and memory (PSS) with BENCH_WOMEN (100000) women"
	@echo "make bundle      release .deb and .rpm in target/release/bundle/ (the app, the CLI, docs)"
	@echo "make bundle-check  the .deb's size, installed in a clean Debian 12 root: libraries, start"
	@echo "make check-large the full integrity check on a vault past 4 GiB (writes 4.3 GiB)"
	@echo "make crash-test  kill the command line 540 times during sync, password change, re-key, backup, restore"
	@echo "make fuzz        cargo fuzz every parser of outside input, FUZZ_SECONDS each (default 180; nightly)"
	@echo "make supply-chain  cargo deny: licences, bans, sources, advisories (deny.toml)"
	@echo "make bindings    regenerate ui/src/bindings.ts from the Rust commands"

# ---------------------------------------------------------------- system packages

deps-build:
	scripts/install-deps.sh build

deps-test:
	scripts/install-deps.sh test

# ---------------------------------------------------------------- UI

$(UI_MODULES): ui/package-lock.json ui/package.json
	cd ui && $(NPM) ci --no-audit --no-fund
	touch $@

ui-deps: $(UI_MODULES)

ui-build: $(UI_MODULES)
	cd ui && $(NPM) run build

check-ui: $(UI_MODULES)
	cd ui && $(NPM) run typecheck
	cd ui && $(NPM) run lint
	cd ui && $(NPM) test
	cd ui && $(NPM) run i18n:check
	cd ui && $(NPM) run build

# ---------------------------------------------------------------- Rust

check-fmt:
	$(CARGO) fmt --all --check

# clippy compiles src-tauri, whose generate_context! needs ui/dist: callers build the UI first.
check-rust: check-fmt
	@test -f ui/dist/index.html || $(MAKE) ui-build
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	@test -f ui/dist/index.html || $(MAKE) ui-build
	$(CARGO) test --workspace

# The default feature custom-protocol makes the debug binary serve the embedded ui/dist.
app:
	@test -f ui/dist/index.html || $(MAKE) ui-build
	$(CARGO) build -p acompana-desktop

run: deps-build ui-build
	$(CARGO) build -p acompana-desktop
	./$(APP_BIN)

bench:
	$(CARGO) bench --bench vault
	$(CARGO) bench --bench case_files
	$(CARGO) bench --bench sync
	$(CARGO) bench --bench summaries
	$(MAKE) bench-app

# Cold start to the sign-in screen and the memory of the app and its WebKit processes,
# at the first-run screen and with BENCH_WOMEN demo women after Hoy, the list and a file.
bench-app:
	scripts/bench-app.sh

# Release packages for Linux (.deb, .rpm); AppImage is left out (its bundler downloads tools
# from outside the package registries). Windows and macOS installers: .github/workflows/.
bundle:
	scripts/bundle.sh

# Installs the .deb into a clean Debian 12 root (debootstrap; needs root) and checks its size,
# its declared dependencies against every library its programs load, and that it starts.
bundle-check: bundle
	scripts/check-bundle.sh

# A vault past 4 GiB: the full check reads every page there and finds a flipped byte (writes
# 4.3 GiB into a temporary folder; about two minutes).
check-large:
	$(CARGO) test -p acompana --test large_vault -- --ignored

# Kills the command line with SIGKILL at random moments during a sync import, a sync export,
# a password change, a re-key, a backup and a restore, CRASH_KILLS times each (default 90:
# 540 kills); after each the vault must open, pass the full check, and be exactly before or
# after. make test runs 10 of each.
CRASH_KILLS ?= 90
crash-test:
	ACOMPANA_CRASH_KILLS=$(CRASH_KILLS) $(CARGO) test -p acompana-cli --test crash_loop -- --nocapture --test-threads 1

crash-loop: crash-test

# Fuzzes the parsers of outside input (the sync file's frame, manifest, payload and container,
# the key-slot file, a backup's plaintext, catalog JSON) with libFuzzer; needs
# the nightly toolchain, and installs cargo-fuzz when it is missing. make test runs the
# proptest mutations of valid files instead (tests/sync_refusals.rs).
FUZZ_SECONDS ?= 180
FUZZ_TARGETS := sync_frame sync_manifest sync_payload sync_container keyslot_file backup_plaintext catalog_json
fuzz:
	@cargo install --list | grep -q '^cargo-fuzz ' || cargo install cargo-fuzz --locked
	for target in $(FUZZ_TARGETS); do \
		cargo +nightly fuzz run $$target -- -max_total_time=$(FUZZ_SECONDS); \
	done

# Licences, bans, sources and advisories of every crate (deny.toml), against the RustSec
# snapshot in ../shared/advisory-db or ADVISORY_DB; installs cargo-deny when it is missing.
supply-chain:
	scripts/supply-chain.sh

# Regenerates ui/src/bindings.ts from the Rust commands (a test fails while it is stale).
bindings:
	@test -f ui/dist/index.html || $(MAKE) ui-build
	ACOMPANA_UPDATE_BINDINGS=1 $(CARGO) test -p acompana-desktop typescript_bindings_are_current

# ---------------------------------------------------------------- end to end

# --ignore-scripts: webdriverio's optional browser drivers would try to download binaries,
# and this suite needs none of them (tauri-driver and WebKitWebDriver come from elsewhere).
$(E2E_MODULES): tests/e2e/package-lock.json tests/e2e/package.json
	cd tests/e2e && $(NPM) ci --no-audit --no-fund --ignore-scripts
	touch $@

e2e-deps: $(E2E_MODULES)

# Runs against whatever $(APP_BIN) was last built; `make test` builds it just before.
e2e: deps-test e2e-deps
	@test -x $(APP_BIN) || { echo "$(APP_BIN) is missing: run 'make app' first" >&2; exit 1; }
	tests/e2e/run.sh

# ---------------------------------------------------------------- everything, failing fast

# The desktop binary is built together with the test targets (--all-targets), not by a separate
# `cargo build -p acompana-desktop`: building test targets turns on the core's dev-dependencies,
# which add features to shared crates (getrandom, bitflags, num-traits), and a build without them
# would compile glib, GTK, WebKit and Tauri a second time (about 6 minutes on 2 cores). With one
# feature set, `cargo test` then only runs what is already built.
test: deps-test
	$(CARGO) fmt --all --check
	scripts/supply-chain.sh
	$(MAKE) check-ui
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) build --workspace --all-targets
	$(CARGO) test --workspace
	$(MAKE) e2e
