# Shared steps of scripts/serve and scripts/test: each installs what is
# missing and is harmless to run again. Sourced, not run.

set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm-bindgen version pinned in Cargo.toml; the CLI must match it exactly.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)"

step() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_wasm_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

# Release wasm, then wasm-bindgen into pkg/ (never edited by hand): first
# the villager's build (without the staff's bindings, profile `villager`,
# its own folder under target/ so neither build undoes the other) into
# pkg/villager/, then the full build into pkg/, loaded when staff sign in.
# Each wasm then goes through shrink_wasm.
build_pkg() {
  ensure_npm_packages
  step "build the villager's release wasm into pkg/villager/"
  cargo build --profile villager --no-default-features --lib --target wasm32-unknown-unknown
  wasm-bindgen --target web --out-dir pkg/villager --remove-producers-section \
    target/wasm32-unknown-unknown/villager/aixin_kiosk.wasm
  shrink_wasm pkg/villager/aixin_kiosk_bg.wasm
  step "build the full release wasm into pkg/"
  cargo build --release --lib --target wasm32-unknown-unknown
  wasm-bindgen --target web --out-dir pkg --remove-producers-section \
    target/wasm32-unknown-unknown/release/aixin_kiosk.wasm
  shrink_wasm pkg/aixin_kiosk_bg.wasm
  node scripts/build-manifest.mjs
}

# Binaryen's wasm-opt (the npm package, from the lockfile) over one
# wasm-bindgen output, in place: a few passes that shrink without
# reshuffling a function's locals, then the functions ordered by their
# names, so that the copies of one generic function sit side by side where
# gzip finds them; the names are dropped last. -Oz and the passes that
# reallocate locals made the gzipped file larger (benches/RESULTS.md).
shrink_wasm() {
  node_modules/.bin/wasm-opt "$1" -o "$1" \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue --enable-reference-types \
    --optimize-instructions --remove-unused-brs --duplicate-function-elimination \
    --remove-unused-module-elements --duplicate-function-elimination \
    --reorder-functions-by-name --strip-debug --strip-producers --strip-target-features
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "apt-get install nodejs npm"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
}

ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  if [ "${#missing[@]}" -gt 0 ]; then
    step "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

ensure_npm_packages() {
  if ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
    step "npm ci (browser-test packages from the lockfile)"
    npm ci --no-audit --no-fund
  fi
}

# A throwaway PostgreSQL 15 for the county platform (its tests, or
# scripts/platform): a mktemp folder owned by the postgres user (initdb
# refuses root), listening only on a unix socket in that folder. pg_start
# exports DATABASE_URL and PG_DIR; pg_stop stops it and removes the folder.
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

ensure_postgres() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    step "apt-get install postgresql"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
}

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  ensure_postgres
  PG_DIR="$(mktemp -d /tmp/aixin-pg.XXXXXX)"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR"
  step "PostgreSQL in $PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log"
  # fsync off: a throwaway database only outlives process kills, which
  # PostgreSQL survives without it.
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-k $PG_DIR -c listen_addresses= -c max_connections=300 -c fsync=off" start >/dev/null
  export PG_DIR
  export DATABASE_URL="host=$PG_DIR port=5432 user=postgres dbname=postgres"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}
