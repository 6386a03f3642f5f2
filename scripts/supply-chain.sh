#!/usr/bin/env bash
# Checks the dependency graph against deny.toml with cargo-deny: licences, banned crates,
# sources, and advisories from a snapshot of the RustSec database (no network for it).
#   scripts/supply-chain.sh             uses ../shared/advisory-db
#   ADVISORY_DB=/path scripts/supply-chain.sh
# Installs cargo-deny (pinned) when it is missing. cargo-deny opens an advisory database only
# where it would have cloned it itself (target/advisory-dbs/<name>-<hash of the URL>, with a
# .git/FETCH_HEAD whose date says how old it is), so the snapshot is copied there and dated
# with the snapshot's own date: deny.toml's maximum-db-staleness then judges its real age.
set -euo pipefail
cd "$(dirname "$0")/.."

deny_version=0.20.2
# The folder cargo-deny 0.20 derives from db-urls in deny.toml; it changes with either.
db_folder=target/advisory-dbs/advisory-db-3157b0e258782691

if ! cargo install --list | grep -q "^cargo-deny v${deny_version}:"; then
  echo "Installing cargo-deny ${deny_version}"
  cargo install cargo-deny --locked --version "$deny_version"
fi

# cargo-deny runs offline (that is what keeps it from fetching the database), and offline
# `cargo metadata` needs every crate of the lock file on disk, for every platform.
cargo fetch --locked --quiet

snapshot="${ADVISORY_DB:-../shared/advisory-db}"
checks=(licenses bans sources advisories)
if [ -d "$snapshot/crates" ]; then
  rm -rf "$db_folder"
  mkdir -p "$db_folder/.git"
  cp -R "$snapshot/crates" "$db_folder/crates"
  # SNAPSHOT.md says "commit … of YYYY-MM-DD"; without it the snapshot's files date it.
  taken=$(grep -o -m1 'of [0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}' "$snapshot/SNAPSHOT.md" 2>/dev/null |
    cut -c4- || true)
  if [ -n "$taken" ]; then
    touch -d "$taken" "$db_folder/.git/FETCH_HEAD"
  else
    touch -r "$snapshot/crates" "$db_folder/.git/FETCH_HEAD"
  fi
  echo "Advisories: the RustSec snapshot in $snapshot (${taken:-date of its files})"
else
  checks=(licenses bans sources)
  echo "WARNING: no advisory snapshot at $snapshot (set ADVISORY_DB): advisories NOT checked" >&2
fi

cargo deny --offline --workspace --locked check --show-stats "${checks[@]}"
