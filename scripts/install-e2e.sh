#!/bin/sh
# Installs what the end-to-end tests need: Debian's Chromium and ripgrep, and code-server
# (VS Code 1.100 in a browser) in a git-ignored cache folder, .e2e/code-server.
# Idempotent and offline-safe apart from the npm registry and Debian mirrors; run as root by CI.
# Facts behind every step: /work/shared/docs/vscode-e2e.md.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CODE_SERVER_VERSION=4.100.3
PREFIX="$ROOT/.e2e/code-server"
BIN="$PREFIX/node_modules/.bin/code-server"

log() { printf '[install-e2e] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
APT_PACKAGES="build-essential python3 libkrb5-dev ripgrep chromium strace"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "apt-get install$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
  log "apt packages present"
fi

# --- code-server -----------------------------------------------------------------------------
# The server's own VS Code (lib/vscode/out) and its native modules are the last things the
# postinstall builds; their presence means a previous run completed.
installed_version() {
  node -p "require('$PREFIX/node_modules/code-server/package.json').version" 2>/dev/null || true
}
complete() {
  [ "$(installed_version)" = "$CODE_SERVER_VERSION" ] &&
    [ -x "$BIN" ] &&
    [ -f "$PREFIX/node_modules/code-server/lib/vscode/out/server-main.js" ] &&
    ls "$PREFIX"/node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node >/dev/null 2>&1 &&
    ls "$PREFIX"/node_modules/argon2/lib/binding/*/argon2.node >/dev/null 2>&1
}

if complete; then
  log "code-server $CODE_SERVER_VERSION present in $PREFIX"
else
  mkdir -p "$PREFIX"
  # npm 11 checks dependency install scripts against the project's `allowScripts`: 11.19 still
  # runs unapproved ones with a warning, its docs announce blocking them. code-server needs its
  # postinstall and argon2 its native build, so approve both by name (name-only entries because
  # ~/.npmrc may set omit-lockfile-registry-resolved, and pinned entries then never match).
  # The postinstall's nested installs in lib/vscode (node-pty, spdlog, ...) are outside this
  # tree; they must not get an allow-scripts env var, which npm rejects in project installs.
  ALLOW="code-server,argon2"
  cat >"$PREFIX/package.json" <<EOF
{
  "name": "grain-e2e-code-server",
  "private": true,
  "description": "Cache of code-server for Grain's end-to-end tests (scripts/install-e2e.sh).",
  "allowScripts": {
$(printf '%s' "$ALLOW" | tr ',' '\n' | sed 's/.*/    "&": true,/' | sed '$ s/,$//')
  }
}
EOF
  # @vscode/ripgrep downloads ripgrep from GitHub unless its cache already holds the tarball.
  TMPDIR=${TMPDIR:-/tmp}
  RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
  RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$RG_TAR" ]; then
    mkdir -p "$RG_CACHE"
    tar -C /usr/bin -czf "$RG_TAR" rg
  fi

  log "npm install code-server@$CODE_SERVER_VERSION into $PREFIX (a few minutes: native builds)"
  (
    cd "$PREFIX"
    TMPDIR="$TMPDIR" \
    npm_config_unsafe_perm=true \
    npm_config_yes=true \
    npm_config_fund=false \
    npm_config_audit=false \
    ONNXRUNTIME_NODE_INSTALL=skip \
      npm install --no-save --prefix "$PREFIX" "code-server@$CODE_SERVER_VERSION"
  )
  if ! complete; then
    log "code-server install is incomplete (see npm output above)"
    exit 1
  fi
fi
# Not `code-server --version`: it writes a default config into $HOME/.config.
log "ready: code-server $(installed_version) at $BIN"
