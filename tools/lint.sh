#!/usr/bin/env bash
# The static gates CI runs after installing the package (and before the tests):
#   ruff check, ruff format --check, clang-format (tools/check_format.sh),
#   stub currency (tools/gen_stubs.py --check), mypy.
# Every gate runs even when an earlier one fails; the script fails if any did.
# Needs the lint extra (pip install ".[lint]") and an importable, built gluonlite._core
# (installed, or an in-tree build with PYTHONPATH=.) for the stub check.
#   tools/lint.sh            all gates
#   tools/lint.sh ruff mypy  only those (names: ruff format clang-format stubs mypy)
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python}"
gates=("$@")
[ ${#gates[@]} -eq 0 ] && gates=(ruff format clang-format stubs mypy)

failed=()
for gate in "${gates[@]}"; do
  echo "==> $gate"
  start=$SECONDS
  case "$gate" in
    ruff) "$PYTHON" -m ruff check . ;;
    format) "$PYTHON" -m ruff format --check . ;;
    clang-format) tools/check_format.sh ;;
    stubs) "$PYTHON" tools/gen_stubs.py --check ;;
    mypy) "$PYTHON" -m mypy ;;
    *) echo "lint.sh: unknown gate '$gate'" >&2; false ;;
  esac
  status=$?
  echo "    $gate: $([ $status -eq 0 ] && echo ok || echo FAILED) ($((SECONDS - start)) s)"
  [ $status -eq 0 ] || failed+=("$gate")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "lint.sh: failed gates: ${failed[*]}" >&2
  exit 1
fi
echo "lint.sh: all gates passed"
