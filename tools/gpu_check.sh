#!/usr/bin/env bash
# gpu_check.sh: build gluonlite with CUDA on a lent GPU machine, run every GPU test and the
# GPU timings, and write the results under $OUT/gpu_check/ (summary.txt, build.log,
# tests.log, bench.txt). It is meant to fit one device call: everything runs under
# `timeout`, 8 minutes in all.
#
# Prepare here (once): the machine has no network, so carry the BLAS wheel gluonlite links:
#   echo /.whl/ >> .git/info/exclude
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#     --implementation cp --platform manylinux2014_x86_64 -d .whl scipy-openblas32
# Run there (from the repo root), with the device tool:
#   run(command="bash tools/gpu_check.sh", carry=[".whl"], timeout_s=540)
# Options:
#   --skip-build   use the gluonlite already importable (no wheel install, no CUDA build)
#   --skip-gpu     skip the GPU tests and timings (to check the script where no GPU is)
#   --out DIR      results folder (default: $OUT/gpu_check, or ./gpu_check_out without $OUT)
#   --budget S     total seconds allowed (default 480)
#   -h, --help     this text
# Exit status: 0 when the build and the GPU tests passed, 1 otherwise, 2 on bad arguments.
set -uo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

skip_build=0
skip_gpu=0
budget=480
out_dir="${OUT:-.}/gpu_check"
[ -n "${OUT:-}" ] || out_dir="./gpu_check_out"
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --skip-gpu) skip_gpu=1 ;;
    --out)
      [ $# -ge 2 ] || { echo "gpu_check.sh: --out needs a folder" >&2; exit 2; }
      out_dir="$2"; shift ;;
    --budget)
      [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || {
        echo "gpu_check.sh: --budget needs a number of seconds" >&2; exit 2; }
      budget="$2"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "gpu_check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

mkdir -p "$out_dir" || exit 2
summary="$out_dir/summary.txt"
: >"$summary"
start=$SECONDS
status=0
PYTHON="${PYTHON:-python3}"
export PYTHONUNBUFFERED=1

note() { echo "$*" | tee -a "$summary"; }
left() { echo $((budget - (SECONDS - start))); }
# run_step NAME SECONDS LOG CMD...: run CMD under timeout, log its output, note the result.
run_step() {
  local name="$1" limit="$2" log="$3" rc
  shift 3
  local remaining
  remaining=$(left)
  [ "$limit" -le "$remaining" ] || limit="$remaining"
  if [ "$limit" -le 5 ]; then
    note "$name: SKIPPED (out of time)"
    return 1
  fi
  timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    note "$name: ok ($((SECONDS - start)) s elapsed)"
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    note "$name: TIMED OUT after $limit s (see $(basename "$log"))"
  else
    note "$name: FAILED rc=$rc (see $(basename "$log"))"
  fi
  return "$rc"
}

note "gpu_check: $(date -u +%Y-%m-%dT%H:%M:%SZ), budget ${budget} s, python $($PYTHON -V 2>&1)"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >>"$summary" 2>&1
else
  note "nvidia-smi: not found"
fi

# ---- (a) BLAS wheel and CUDA build -------------------------------------------------------
if [ "$skip_build" -eq 0 ]; then
  shopt -s nullglob
  wheels=(.whl/scipy_openblas32-*.whl)
  shopt -u nullglob
  if [ ${#wheels[@]} -gt 0 ]; then
    run_step "install ${wheels[0]##*/}" 60 "$out_dir/wheel.log" \
      "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir "${wheels[0]}" ||
      status=1
  elif ! "$PYTHON" -c "import scipy_openblas32" >/dev/null 2>&1; then
    note "scipy-openblas32: not installed and no .whl/scipy_openblas32-*.whl carried (see header)"
    status=1
  fi
  # One CUDA target (Hopper, sm_90) keeps the build inside the budget.
  run_step "build with CUDA (sm_90)" 300 "$out_dir/build.log" \
    env CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$PYTHON" -m pip install --no-build-isolation --no-deps --no-cache-dir -v . \
    -Ccmake.define.GLUONLITE_CUDA=ON -Ccmake.define.CMAKE_CUDA_ARCHITECTURES=90 ||
    status=1
fi
# -P: import the installed gluonlite, not the source tree in the current folder.
if ! "$PYTHON" -P -c "import gluonlite" >"$out_dir/import.log" 2>&1; then
  note "import gluonlite: FAILED (see import.log)"
  exit 1
fi
num_gpus=$("$PYTHON" -P -c "import gluonlite; print(gluonlite.context.num_gpus())" 2>/dev/null)
note "gluonlite sees ${num_gpus:-?} GPU(s)"
nccl=$("$PYTHON" -P -c "from gluonlite import _core as c; print('NCCL %d at %s' % (c.nccl_version(), c.nccl_loaded_path()) if c.nccl_available() else 'NCCL: ' + c.nccl_unavailable_reason().splitlines()[0])" 2>&1)
note "$nccl"

# ---- (b) GPU tests -----------------------------------------------------------------------
# GPU tests are skipped with requires_gpu (tests/conftest.py) where no GPU is: run every test
# file that has one, and the kvstore tests (which use several contexts).
mapfile -t gpu_files < <(grep -l "requires_gpu\|mx\.gpu(\|gluonlite\.gpu(" tests/test_*.py)
gpu_files+=(tests/test_kvstore.py)
if [ "$skip_gpu" -eq 1 ]; then
  note "GPU tests: skipped (--skip-gpu); would run ${#gpu_files[@]} files"
else
  run_step "GPU tests (${#gpu_files[@]} files)" 240 "$out_dir/tests.log" \
    "$PYTHON" -P -m pytest -q -p no:cacheprovider -rs -x --timeout=120 "${gpu_files[@]}" ||
    status=1
  tail -n 3 "$out_dir/tests.log" >>"$summary"
  # tests that still skipped although a GPU is there are worth a look
  grep -c "^SKIPPED" "$out_dir/tests.log" | sed 's/^/skipped tests: /' >>"$summary"
fi

# ---- (c) GPU timings -----------------------------------------------------------------------
# No bench/ script takes a GPU option yet: time elementwise add and Philox uniform fill
# against HBM bandwidth, SGEMM 4096 against cuBLAS through PyTorch, and one MLP training
# step against PyTorch, each framework on the same shapes.
bench_py="$out_dir/gpu_bench.py"
cat >"$bench_py" <<'PY'
import sys
import time

import gluonlite as mx
from gluonlite import autograd, gluon, nd

if mx.context.num_gpus() == 0:
    print("no GPU visible to gluonlite: timings skipped")
    sys.exit(0)
HBM_PEAK = 4.8e12  # H200 datasheet bytes/s
ctx = mx.gpu(0)
try:
    import torch
except ImportError:
    torch = None


def timed(fn, sync, reps):
    fn()
    sync()
    begin = time.perf_counter()
    for _ in range(reps):
        fn()
    sync()
    return (time.perf_counter() - begin) / reps


def report(name, ours, theirs=None, extra=""):
    line = "%-34s gluonlite %9.1f us" % (name, ours * 1e6)
    if theirs is not None:
        line += "   torch %9.1f us   ratio %.2fx" % (theirs * 1e6, ours / theirs)
    print(line + extra, flush=True)


n = 64 * 1024 * 1024  # 256 MiB per float32 array, well past the L2
a = nd.random.uniform(shape=(n,), ctx=ctx)
b = nd.random.uniform(shape=(n,), ctx=ctx)
t_add = timed(lambda: a + b, nd.waitall, 20)
t_fill = timed(lambda: nd.random.uniform(shape=(n,), ctx=ctx), nd.waitall, 20)
tt_add = tt_fill = None
if torch is not None:
    ta, tb = torch.rand(n, device="cuda"), torch.rand(n, device="cuda")
    tt_add = timed(lambda: ta + tb, torch.cuda.synchronize, 20)
    tt_fill = timed(lambda: torch.rand(n, device="cuda"), torch.cuda.synchronize, 20)
report("add 64M float32", t_add, tt_add, "   %.0f%% of HBM peak" % (100 * 12 * n / t_add / HBM_PEAK))
report(
    "Philox uniform fill 64M", t_fill, tt_fill,
    "   %.0f%% of HBM peak" % (100 * 4 * n / t_fill / HBM_PEAK),
)

m = 4096
x = nd.random.uniform(shape=(m, m), ctx=ctx)
y = nd.random.uniform(shape=(m, m), ctx=ctx)
t_mm = timed(lambda: nd.dot(x, y), nd.waitall, 10)
tt_mm = None
if torch is not None:
    torch.backends.cuda.matmul.allow_tf32 = False
    tx, ty = torch.rand(m, m, device="cuda"), torch.rand(m, m, device="cuda")
    tt_mm = timed(lambda: tx @ ty, torch.cuda.synchronize, 10)
report("SGEMM 4096 (fp32)", t_mm, tt_mm, "   %.1f TFLOP/s" % (2 * m**3 / t_mm / 1e12))
ref = (x.asnumpy().astype("float64") @ y.asnumpy().astype("float64"))
err = abs(nd.dot(x, y).asnumpy() - ref).max() / abs(ref).max()
print("SGEMM 4096 max relative error vs float64: %.2e" % err)

net = gluon.nn.Sequential()
net.add(gluon.nn.Dense(256, activation="relu", in_units=784), gluon.nn.Dense(10, in_units=256))
net.initialize(ctx=ctx)
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
data = nd.random.uniform(shape=(256, 784), ctx=ctx)
label = nd.array([i % 10 for i in range(256)], ctx=ctx)


def gl_step():
    with autograd.record():
        loss = loss_fn(net(data), label)
    loss.backward()
    trainer.step(256)


t_step = timed(gl_step, nd.waitall, 50)
tt_step = None
if torch is not None:
    tnet = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)
    ).cuda()
    topt = torch.optim.SGD(tnet.parameters(), lr=0.1, momentum=0.9)
    tdata = torch.rand(256, 784, device="cuda")
    tlabel = torch.arange(256, device="cuda") % 10

    def torch_step():
        topt.zero_grad()
        torch.nn.functional.cross_entropy(tnet(tdata), tlabel).backward()
        topt.step()

    tt_step = timed(torch_step, torch.cuda.synchronize, 50)
report("MLP 784-256-10 train step, b256", t_step, tt_step)
PY
if [ "$skip_gpu" -eq 1 ]; then
  "$PYTHON" -c "import ast, sys; ast.parse(open(sys.argv[1]).read())" "$bench_py" && note "GPU timings: skipped (--skip-gpu); script compiles"
else
  run_step "GPU timings" 150 "$out_dir/bench.txt" "$PYTHON" -P "$bench_py" || status=1
  cat "$out_dir/bench.txt" >>"$summary"
fi

note "gpu_check: done in $((SECONDS - start)) s, status $status"
exit "$status"
