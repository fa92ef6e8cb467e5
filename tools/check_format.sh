#!/usr/bin/env bash
# Fails when a C++/CUDA file under csrc/ is not laid out as .clang-format says.
# Fix with: clang-format -i $(git ls-files 'csrc/*.cc' 'csrc/*.h' 'csrc/*.cu' 'csrc/*.cuh')
set -euo pipefail
cd "$(dirname "$0")/.."

CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
mapfile -t files < <(git ls-files 'csrc/*.cc' 'csrc/*.h' 'csrc/*.cu' 'csrc/*.cuh')
if [ "${#files[@]}" -eq 0 ]; then
  echo "check_format: no csrc files found" >&2
  exit 1
fi
"$CLANG_FORMAT" --dry-run -Werror "${files[@]}"
echo "check_format: ${#files[@]} csrc files formatted ($("$CLANG_FORMAT" --version | tr -d '\n'))"
