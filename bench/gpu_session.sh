#!/usr/bin/env bash
# Every measurement of a GPU session in one device call, so that a session's few minutes of device
# time go to measuring. Pack first, on the development machine:
#   node ../shared/gpu/pack.mjs bench/gpu.ts
# then run on the GPU machine, carrying .gpu:  bash bench/gpu_session.sh
# Writes into $OUT (else ./gpu-out), each with a .log of its stderr:
#   sweep.txt                the matmul tile sweep (each candidate checked, then timed per shape)
#   profile-quickstart.txt   bench:profile of the quickstart MLP (step times, per-kernel GPU times)
#   bench.json               the bench, all three libraries side by side
#   quickstart.json          the quickstart's case alone, all three libraries, in a fresh process
#   linalg.json              qr, eigh, svd, eig, solve and cholesky at 128, 512 and 1024 (bench/linalg_timing.ts)
#   clocks.csv, phases.txt   the GPU's SM clock and utilization every 200 ms (nvidia-smi, where
#                            present), and when each measurement began and ended: on an H100 the
#                            clock falls to 345-480 MHz under a light load such as a small model's
#                            training steps after an idle moment, and a fresh process starts at
#                            the boost clock for about 3 s
set -u
out=${OUT:-gpu-out}
mkdir -p "$out"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=timestamp,clocks.sm,utilization.gpu --format=csv,noheader -lms 200 >"$out/clocks.csv" 2>&1 &
  sampler=$!
fi
measure() {
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  echo "$(date +%H:%M:%S.%N) start $name" >>"$out/phases.txt"
  timeout "$limit" bash .gpu/run.sh "$@" >"$out/$name" 2>"$out/$name.log"
  local status=$?
  echo "$(date +%H:%M:%S.%N) end $name" >>"$out/phases.txt"
  echo "$name: exit $status after $((SECONDS - start)) s"
}
measure sweep.txt 90 --sweep-only
measure profile-quickstart.txt 60 --profile
measure bench.json 200 --json --cap 800
measure quickstart.json 60 --json --cap 800 --cases 'MLP 100'
measure linalg.json 90 --linalg-only
[ -n "${sampler:-}" ] && kill "$sampler"
true
