#!/usr/bin/env bash
# Every measurement of a GPU session in one device call, so that a session's few minutes of device
# time go to measuring. Pack first, on the development machine:
#   node ../shared/gpu/pack.mjs bench/gpu.ts
# then run on the GPU machine, carrying .gpu:  bash bench/gpu_session.sh
# Writes into $OUT (else ./gpu-out), each with a .log of its stderr:
#   profile-quickstart.txt   bench:profile of the quickstart MLP (step times, per-kernel GPU times)
#   profile-wide-adam.txt    the same for 784-1024-1024-10 with Adam
#   ours.json                the bench with webgpu-keras alone (beside bench.json: what the peers in
#                            the process cost the quickstart's fit, the gap to the profile)
#   bench.json               the bench, all three libraries side by side
set -u
out=${OUT:-gpu-out}
mkdir -p "$out"
measure() {
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  timeout "$limit" bash .gpu/run.sh "$@" >"$out/$name" 2>"$out/$name.log"
  echo "$name: exit $? after $((SECONDS - start)) s"
}
measure profile-quickstart.txt 120 --profile
SIZES=784,1024,1024,10 OPTIMIZER=adam measure profile-wide-adam.txt 120 --profile
measure ours.json 150 --json --cap 800 --only webgpu-keras
measure bench.json 240 --json --cap 800
