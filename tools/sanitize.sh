#!/usr/bin/env bash
# Build gluonlite with AddressSanitizer + UndefinedBehaviorSanitizer (CPU kernels only) and run
# the whole test suite against that build.
#
#   tools/sanitize.sh                 # build (incremental) and run all of tests/
#   tools/sanitize.sh tests/test_x.py -k name   # extra arguments go to pytest
#   tools/sanitize.sh --run tools/fuzz_params.py --seconds 120   # any script, same checks
#
# Everything lives under $GLUONLITE_ASAN_DIR (default /tmp/gluonlite-asan), never in the main
# tree's build/ or gluonlite/:
#   venv/   its own virtualenv (numpy, pytest, hypothesis, the build requirements)
#   src/    a copy of the working tree (tracked and untracked-not-ignored files); the sanitized
#           _core lands in src/gluonlite/, so tests that start subprocesses with PYTHONPATH set
#           to the repository root import the sanitized module too
#   build/  the CMake build directory (GLUONLITE_SANITIZE=address;undefined, GLUONLITE_CUDA=OFF)
#
# Runtime options: the ASan runtime is preloaded (python itself is not instrumented).
# detect_leaks=0: CPython, numpy and OpenBLAS keep allocations alive until exit by design, so
# LeakSanitizer's exit-time report is about them; leaks of gluonlite's own tensors and autograd
# nodes are checked by tests/test_soak.py and tools/soak.py through the core's live counts.
# No suppression file is used. UBSan halts on the first report.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${GLUONLITE_ASAN_DIR:-/tmp/gluonlite-asan}
PYTHON=${PYTHON:-python3}
LOCK=${GLUONLITE_BUILD_LOCK:-/tmp/gluonlite-build.lock}
JOBS=${GLUONLITE_BUILD_JOBS:-2}
mkdir -p "$WORK"

# ---- virtualenv ---------------------------------------------------------------------------
if [ ! -x "$WORK/venv/bin/python" ]; then
  "$PYTHON" -m venv "$WORK/venv"
  "$WORK/venv/bin/python" -m pip install -q --upgrade pip
  "$WORK/venv/bin/python" -m pip install -q numpy pytest hypothesis scipy-openblas32 \
    pybind11 cmake ninja
fi
VPY="$WORK/venv/bin/python"

# ---- source copy --------------------------------------------------------------------------
mkdir -p "$WORK/src"
# Only files whose content differs are copied, and they get a fresh modification time, so the
# incremental build below recompiles exactly what changed.
(cd "$REPO" && git ls-files -co --exclude-standard -z) | while IFS= read -r -d '' f; do
  [ -f "$REPO/$f" ] || continue
  if ! cmp -s "$REPO/$f" "$WORK/src/$f"; then
    mkdir -p "$(dirname "$WORK/src/$f")" && cp "$REPO/$f" "$WORK/src/$f"
  fi
done
# Files deleted in the working tree since the last copy: drop them from the copy too.
(cd "$WORK/src" && find . -type f \( -name '*.py' -o -name '*.cc' -o -name '*.h' -o -name '*.cu' \
   -o -name '*.cuh' \) -printf '%P\n') | while read -r f; do
  [ -e "$REPO/$f" ] || rm -f "$WORK/src/$f"
done

# ---- build ---------------------------------------------------------------------------------
if [ ! -f "$WORK/build/build.ninja" ]; then
  flock "$LOCK" "$WORK/venv/bin/cmake" -S "$WORK/src" -B "$WORK/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF \
    -DGLUONLITE_CUDA=OFF "-DGLUONLITE_SANITIZE=address;undefined" \
    -DPython_EXECUTABLE="$VPY" \
    -Dpybind11_DIR="$("$VPY" -c 'import pybind11; print(pybind11.get_cmake_dir())')"
fi
flock "$LOCK" "$WORK/venv/bin/cmake" --build "$WORK/build" -j"$JOBS"

# ---- run -----------------------------------------------------------------------------------
# Reports go to files (pytest captures stderr, and child processes report too): the run passes
# only when the suite passes and no report file exists.
REPORTS="$WORK/reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
# libstdc++ is preloaded too: python does not link it, and ASan's __cxa_throw interceptor
# must find it at start-up or the first C++ exception aborts.
export LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libstdc++.so)"
# allocator_may_return_null=1: an impossible allocation returns NULL, as malloc does, so the
# core's out-of-memory error is what the tests see (ASan would abort instead).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:strict_string_checks=1:check_initialization_order=1:log_path=$REPORTS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$REPORTS/ubsan"
export PYTHONMALLOC=malloc   # route Python's small objects through malloc, so ASan sees them
export PYTHONPATH="$WORK/src"
export GLUONLITE_SANITIZED=1   # tests skip RSS checks: ASan's quarantine keeps freed memory
cd "$WORK/src"
"$VPY" -c 'import gluonlite; print(gluonlite.__file__)' | grep -q "^$WORK/src/gluonlite/" ||
  { echo "sanitize.sh: not importing the sanitized build" >&2; exit 1; }
status=0
if [ "${1:-}" = "--run" ]; then
  shift
  "$VPY" "$@" || status=$?
else
  "$VPY" -m pytest -q -p no:cacheprovider "${@:-tests}" || status=$?
fi
# A report is an ERROR (ASan) or a "runtime error" (UBSan); the warnings ASan logs for the
# out-of-memory tests' impossible allocations are expected.
if grep -l -E 'ERROR: |runtime error:' "$REPORTS"/* > /dev/null 2>&1; then
  echo "sanitize.sh: sanitizer reports:" >&2
  for f in $(grep -l -E 'ERROR: |runtime error:' "$REPORTS"/*); do echo "== $f" >&2; cat "$f" >&2; done
  exit 1
fi
[ "$status" -eq 0 ] || { echo "sanitize.sh: failed (exit $status), no sanitizer report" >&2; exit "$status"; }
echo "sanitize.sh: passed under ASan+UBSan with no sanitizer report"
