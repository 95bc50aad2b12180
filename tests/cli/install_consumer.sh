# SPDX-License-Identifier: MIT
# `cmake --install` gives a usable package: another project finds it with
# find_package(mmusim) and links the shared and the static library, and
# pkg-config finds it too.
source "$(dirname "$0")/lib.sh"
BUILD=$(cd "$(dirname "$MMUSIM")" && pwd)
cmake --install "$BUILD" --prefix "$WORK/prefix" > install.log
[ -f "$WORK/prefix/include/mmusim.h" ] || fail "headers not installed"; ok
cmake -S "$SRC/tests/consumer" -B consumer -DCMAKE_PREFIX_PATH="$WORK/prefix" > consumer.log 2>&1 || { cat consumer.log; fail "find_package(mmusim) failed"; }
cmake --build consumer > consumer-build.log 2>&1 || { cat consumer-build.log; fail "consumer build failed"; }
LD_LIBRARY_PATH="$WORK/prefix/lib:$WORK/prefix/lib64:${LD_LIBRARY_PATH:-}" ./consumer/consumer_shared | grep -q "3 reads, 1 misses" || fail "shared consumer"; ok
./consumer/consumer_static | grep -q "3 reads, 1 misses" || fail "static consumer"; ok
libdir=$(ls -d "$WORK"/prefix/lib*/pkgconfig | head -n1)
PKG_CONFIG_PATH=$libdir pkg-config --exists mmusim || fail "pkg-config cannot find mmusim"; ok
cc "$SRC/tests/consumer/main.c" $(PKG_CONFIG_PATH=$libdir pkg-config --cflags --libs mmusim) -o pc_consumer || fail "pkg-config build"
LD_LIBRARY_PATH="$(dirname "$libdir")" ./pc_consumer | grep -q "3 reads, 1 misses" || fail "pkg-config consumer"; ok
done_ok
