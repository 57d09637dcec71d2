#!/usr/bin/env bash
# Installs the Debian packages that integration tests, the benchmark and the demo need:
# a real Docker engine and a static busybox to build the test image from.
# Idempotent and quick when everything is present; `--vscode` adds what a headless
# code-server run needs from apt (code-server itself is installed elsewhere).
set -euo pipefail

want_vscode=0
for arg in "$@"; do
  case "$arg" in
    --vscode) want_vscode=1 ;;
    -h|--help)
      echo "usage: $0 [--vscode]"
      exit 0
      ;;
    *)
      echo "install-deps: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

missing=()

# A binary, not a package query, decides: it is what the harness actually runs.
if ! command -v dockerd >/dev/null 2>&1 || ! command -v containerd >/dev/null 2>&1; then
  missing+=(docker.io)
fi
if [ ! -x /bin/busybox ]; then
  missing+=(busybox-static)
fi

if [ "$want_vscode" -eq 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  # libkrb5-dev has no binary to look for; its header is what node-gyp builds against.
  [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
# Recommends stay on: docker.io recommends apparmor, which dockerd needs on kernels with it.
"${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
