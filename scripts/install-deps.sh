#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, with apt, whatever mmusim needs to build, test, record and fuzz
# that this Debian 12 machine lacks. Safe to run again: it installs nothing
# when everything is present. Needs root (or sudo).
set -euo pipefail
# libclang-rt-14-dev holds the libFuzzer and sanitizer runtimes, which clang only recommends.
# qemu-system-arm and the two cross binutils run the QEMU oracle test (tests/oracle/qemu).
pkgs=(build-essential cmake pkg-config libzstd-dev zstd libyaml-dev libelf-dev libcmocka-dev valgrind clang libclang-rt-14-dev python3
      qemu-system-arm binutils-arm-none-eabi binutils-aarch64-linux-gnu)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
