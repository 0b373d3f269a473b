#!/usr/bin/env bash
# The system packages (Debian apt) that `npm run demo` and `npm test` need, installed
# before anything else runs, so a fresh machine with only Node and apt never fails
# 90 seconds into a run:
#   demo: chromium;
#   test: chromium, firefox-esr, fonts for the rendered-text images, and Debian's
#         Python with torch, onnx and OpenBLAS for the LightCap training smoke test.
# As root, or with password-less sudo, it installs what is missing; otherwise it
# stops at once and prints the exact command to run.
set -euo pipefail

purpose=${1:-test}
need=()
has_command() { command -v "$1" >/dev/null 2>&1; }
has_package() { has_command dpkg && dpkg -s "$1" >/dev/null 2>&1; }

has_command chromium || need+=(chromium)
if [ "$purpose" = test ]; then
  has_command firefox-esr || need+=(firefox-esr)
  for package in fonts-dejavu-core python3-torch python3-onnx python3-numpy libopenblas0-pthread; do
    has_package "$package" || need+=("$package")
  done
elif [ "$purpose" != demo ]; then
  echo "usage: setup-system.sh demo|test" >&2
  exit 2
fi

[ ${#need[@]} -eq 0 ] && exit 0

command_line="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if ! has_command apt-get; then
  echo "LightCap Alt needs these Debian packages (or your system's equivalents): ${need[*]}" >&2
  echo "On Debian or Ubuntu: sudo $command_line" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif has_command sudo && sudo -n true 2>/dev/null; then
  sudo=(sudo -E)
else
  echo "LightCap Alt needs system packages that are not installed: ${need[*]}" >&2
  echo "Install them, then run this again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
size=""
case " ${need[*]} " in *" python3-torch "*) size="; about 1 GB with Python's torch, a few minutes" ;; esac
echo "Installing system packages: ${need[*]} (apt-get$size)"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
