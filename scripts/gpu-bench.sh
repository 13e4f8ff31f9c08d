#!/usr/bin/env bash
# The one-command GPU benchmark: webgpu-vs-cpu kernel checks, bench:kernels (matmul up to 4096²
# on a GPU adapter) and bench:train against TensorFlow.js, written up as one report.
#
#   bash scripts/gpu-bench.sh pack              here (after npm ci): fill .gpu/ with Node, Dawn,
#                                               the Vulkan loader and the bundled programs (~35 MB)
#   bash scripts/gpu-bench.sh run [--quick] [--out DIR]
#                                               on the GPU machine (needs only .gpu/ and this
#                                               script: no Node.js, npm or network there)
#   bash scripts/gpu-bench.sh [--quick] [--out DIR]
#                                               both: pack, then run here (a dry run on lavapipe)
#
# On the device machine: command `bash scripts/gpu-bench.sh run --out "$OUT"`, carry [".gpu"].
# The full run stays under 8 minutes (each stage has its own time limit); --quick runs a few
# checks, two kernels and the MLP only. DIR (default bench-results/gpu-<date>) receives report.md,
# checks.json, kernels.json and train.json.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gpu="$root/.gpu"
cd "$root"

pack() {
  [ -d node_modules/webgpu ] || { echo "gpu-bench: node_modules/webgpu is missing: run npm ci first" >&2; exit 1; }
  grep -qx '/.gpu/' "$(git rev-parse --git-path info/exclude)" 2>/dev/null || echo '/.gpu/' >> "$(git rev-parse --git-path info/exclude)"
  mkdir -p "$gpu/gl" "$gpu/node_modules"
  # Node itself (about 24 MB compressed), made once.
  [ -s "$gpu/node.xz" ] || xz -T2 -6 -c "$(command -v node)" > "$gpu/node.xz"
  # The Vulkan loader; the NVIDIA driver on that machine brings the rest.
  if ! ls "$gpu"/gl/*.deb >/dev/null 2>&1; then
    mkdir -p /tmp/amd64/partial
    local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    apt-get $o update -qq
    (cd "$gpu/gl" && apt-get $o download libvulkan1 >/dev/null)
  fi
  # The webgpu package with only the linux-x64 binary, compressed, and its runtime dependencies.
  local w="$gpu/node_modules/webgpu"
  rm -rf "$w" && mkdir -p "$w/dist/linux-x64"
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$w/"
  xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$w/dist/linux-x64/dawn.node.xz"
  rm -rf "$gpu"/*.mjs "$gpu/chunks"
  node scripts/gpu-bench/bundle.mjs "$gpu"
  du -sh "$gpu" | sed 's/^/packed: /'
}

run() {
  local quick=0 out=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) quick=1 ;;
      --out) out=$2; shift ;;
      *) echo "gpu-bench: unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
  [ -s "$gpu/checks.mjs" ] || { echo "gpu-bench: .gpu/ is not packed: run 'bash scripts/gpu-bench.sh pack' here first" >&2; exit 1; }
  out=${out:-bench-results/gpu-$(date -u +%Y-%m-%dT%H-%M-%S)}
  mkdir -p "$out"; out=$(cd "$out" && pwd)

  # Node and Dawn from .gpu; Dawn is unpacked for the run only, so that .gpu stays small to carry.
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
  local bin=/tmp/gpu-bench-node
  dawn="$gpu/node_modules/webgpu/dist/linux-x64/dawn.node" # global: the EXIT trap reads it
  mkdir -p "$bin"
  [ -x "$bin/node" ] || { xz -dc "$gpu/node.xz" > "$bin/node.tmp" && chmod +x "$bin/node.tmp" && mv "$bin/node.tmp" "$bin/node"; }
  export PATH="$bin:$PATH"
  [ -f "$dawn" ] || xz -dc "$dawn.xz" > "$dawn"
  trap 'rm -f "$dawn"' EXIT
  # The NVIDIA machine has the driver but no Vulkan loader; elsewhere whatever Vulkan driver exists is used.
  if [ -d /usr/local/nvidia ]; then
    ldconfig -p | grep -q 'libvulkan.so.1' || { for f in "$gpu"/gl/*.deb; do dpkg -x "$f" /; done; ldconfig; }
    local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
  fi

  local adapter
  adapter=$(cd "$gpu" && node --input-type=module -e "
    import { create } from 'webgpu';
    const gpu = create([]);  // kept referenced while its adapter is in use
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    console.log(a ? [a.info.description, a.info.vendor, a.info.architecture, a.info.device].filter((s) => s).join(' / ') : 'none');
    process.exit(0);" 2>/dev/null) || adapter="none (the adapter query failed)"
  echo "adapter: $adapter"

  local checks_s=140 checks_limit=180 kernels_limit=110 train_limit=150
  local -a train_args=(--backends webgpu)
  if [ $quick = 1 ]; then
    checks_s=100; checks_limit=130; kernels_limit=120; train_limit=180
    export KERASGPU_PROPERTY_RUNS=2 KERASGPU_BENCH_QUICK=1 KERASGPU_BENCH_ONLY=matmul,add
    train_args+=(--quick --cases mlp)
  fi

  local report="$out/report.md"
  {
    echo "# kerasgpu GPU benchmark ($([ $quick = 1 ] && echo quick || echo full))"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- adapter: $adapter"
    echo "- node: $(node --version); commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  } > "$report"
  # One stage: runs with a time limit, its output to the console and into the report.
  stage() {
    local title=$1 limit=$2; shift 2
    echo; echo "== $title (limit ${limit} s)"
    local log rc=0 t0=$SECONDS
    log=$(mktemp)
    set +e
    (cd "$gpu" && timeout --kill-after=10 "$limit" "$@") 2>&1 | grep --line-buffered -v 'artificially reduced' | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    local status="exit $rc"
    [ "$rc" = 124 ] || [ "$rc" = 137 ] && status="stopped at its ${limit} s limit"
    { echo; echo "## $title"; echo; echo "$((SECONDS - t0)) s, $status"; echo; echo '```'; cat "$log"; echo '```'; } >> "$report"
    rm -f "$log"
  }
  stage "webgpu vs cpu kernel checks" $checks_limit node checks.mjs --seconds $checks_s --json "$out/checks.json"
  stage "bench:kernels (ours vs tfjs-webgpu, same adapter)" $kernels_limit node kernels.mjs --json "$out/kernels.json"
  stage "bench:train (ours vs tfjs, alternating)" $train_limit node train.mjs "${train_args[@]}" --json "$out/train.json"
  echo; echo "report: $report"
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) pack; run "$@" ;;
esac
