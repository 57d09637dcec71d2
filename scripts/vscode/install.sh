#!/usr/bin/env bash
# Installs a real, headless VS Code (code-server 4.100.3, which is VS Code 1.100.3 on Node 20)
# into .code-server/ at the repo root, plus Debian's Chromium to drive it. Idempotent: a second
# run that finds the right version answers in well under a second.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
APT_PACKAGES=(chromium libkrb5-dev pkg-config ripgrep)

# code-server pins @vscode/ripgrep 1.15.11, whose postinstall fetches rg from GitHub unless this
# archive is already in its cache (see its lib/download.js: it runs `tar xvf ARCHIVE -C bin`
# and expects bin/rg, so the archive holds a single top-level file named rg).
RG_CACHE_DIR="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_ARCHIVE="$RG_CACHE_DIR/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INSTALL_DIR="$REPO_ROOT/.code-server"
BIN="$INSTALL_DIR/node_modules/.bin/code-server"

# Seconds since a start mark, without depending on bc being installed.
since() {
  local now
  now=$(date +%s%N)
  local start_ns=$1
  awk -v a="$start_ns" -v b="$now" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}

# code-server writes a default config.yaml into XDG_CONFIG_HOME on any first run, even for
# --version, and logs that before the version line: point it at a scratch folder and pick the
# line that starts with a digit.
installed_version() {
  if [[ -x "$BIN" ]]; then
    local scratch
    scratch="$(mktemp -d)"
    XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" "$BIN" --version 2>/dev/null |
      grep -E '^[0-9]+\.' | head -n 1 | cut -d ' ' -f 1
    rm -rf "$scratch"
  fi
}

t0=$(date +%s%N)

if [[ "$(installed_version || true)" == "$CODE_SERVER_VERSION" && -x /usr/bin/chromium ]]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $INSTALL_DIR ($(since "$t0") s)"
  exit 0
fi

# Debian packages: Chromium drives the workbench; libkrb5-dev and pkg-config let kerberos (a
# native dependency of code-server) build; ripgrep provides the rg that goes into the cache.
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  t_apt=$(date +%s%N)
  echo "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  echo "apt: done in $(since "$t_apt") s"
else
  echo "apt: ${APT_PACKAGES[*]} already installed"
fi

# Rebuild the archive every time rather than trusting an old one: a truncated download left
# by an earlier attempt would otherwise make the postinstall fail with a tar error.
mkdir -p "$RG_CACHE_DIR"
rg_stage="$(mktemp -d)"
cp /usr/bin/rg "$rg_stage/rg"
chmod 755 "$rg_stage/rg"
tar -C "$rg_stage" -czf "$RG_ARCHIVE" rg
rm -rf "$rg_stage"
echo "ripgrep: cached $(/usr/bin/rg --version | head -n 1) as $RG_ARCHIVE"

# A package.json of its own keeps npm from walking up and touching the repo's manifest. npm 11
# warns about dependency install scripts that no allowScripts entry covers and is moving to
# skip them; code-server's postinstall builds all of VS Code's native modules, so allow it.
mkdir -p "$INSTALL_DIR"
cat >"$INSTALL_DIR/package.json" <<JSON
{
  "name": "stevedore-code-server",
  "private": true,
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON

# Under `npm run setup` the parent npm exports npm_config_local_prefix (the repo root) and
# others that would send this install into the repo's own node_modules: drop them all; npm
# reads the .npmrc files again by itself.
inherited=()
for name in $(compgen -e); do
  if [[ "$name" == npm_* ]]; then
    inherited+=(-u "$name")
  fi
done

# unsafe_perm: the postinstall refuses to run as root otherwise. yes: node-pty's postinstall
# runs `npx node-gyp`, which would wait for a confirmation that no terminal can give.
t_npm=$(date +%s%N)
echo "npm: installing code-server@$CODE_SERVER_VERSION into $INSTALL_DIR"
(
  cd "$INSTALL_DIR"
  env "${inherited[@]}" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=warn "code-server@$CODE_SERVER_VERSION"
)
echo "npm: done in $(since "$t_npm") s"

# A postinstall that was skipped leaves a code-server that starts but has no rg and no
# terminal; catch that here rather than in the middle of a test run.
vscode_dir="$INSTALL_DIR/node_modules/code-server/lib/vscode"
for built in node_modules/@vscode/ripgrep/bin/rg node_modules/node-pty/build/Release/pty.node \
  node_modules.asar; do
  if [[ ! -e "$vscode_dir/$built" ]]; then
    echo "error: $vscode_dir/$built is missing: code-server's postinstall did not run" >&2
    exit 1
  fi
done

version="$(installed_version || true)"
if [[ "$version" != "$CODE_SERVER_VERSION" ]]; then
  echo "error: $BIN answers --version with '${version:-nothing}', expected $CODE_SERVER_VERSION" >&2
  exit 1
fi
echo "code-server $version installed in $(since "$t0") s total"
