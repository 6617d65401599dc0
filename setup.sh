#!/usr/bin/env bash
# Install everything corpus needs on a fresh Debian machine (run as root), then run the demo.
#   ./setup.sh            install, then run demo/run.sh on the bundled demo corpus
#   ./setup.sh --no-demo  install only
set -euo pipefail
cd "$(dirname "$0")"

packages=()
command -v git >/dev/null || packages+=(git)
command -v git-lfs >/dev/null || packages+=(git-lfs)
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || packages+=(fonts-dejavu-core)
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3 python3-venv)
# Node.js and npm run JavaScript rulesets (fathom-web, bundled by esbuild).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing ${packages[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" ca-certificates >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# The CPU build of torch first, so resolving the package never pulls a multi-GB CUDA build.
# constraints.txt holds the exact versions tested (torch==2.13.0 among them).
.venv/bin/pip install -q --disable-pip-version-check -c constraints.txt torch
.venv/bin/pip install -q --disable-pip-version-check -c constraints.txt -e '.[train,test,tensorboard,cluster]'
# fathom-web and esbuild, exactly as corpus/vectors/js/package-lock.json pins them.
(cd corpus/vectors/js && npm ci --no-audit --no-fund --loglevel=error)
echo "setup: installed; corpus is .venv/bin/corpus" >&2

if [ "${1:-}" != "--no-demo" ]; then
  bash demo/run.sh
fi
