#!/usr/bin/env bash
# Shortcut against PyTorch, side by side on this machine: same architecture, same weights (loaded
# through a safetensors file), same batch, checked to compute the same logits and gradients before
# anything is timed. Writes benchmarks/results/compare.json and compare.md.
#
#   benchmarks/compare.sh           quick subset (about 10 minutes on 2 cores)
#   benchmarks/compare.sh --full    the whole grid of issue 5 (widths 64-512, 10/50/100 layers,
#                                   batch 1/32/128; about 30 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

# PyTorch with OpenBLAS, from Debian: the reference BLAS would be several times slower and
# flatter Shortcut. A tool of the benchmark only, never a dependency of the library.
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy' 2>/dev/null || ! ldconfig -p | grep -q libopenblas; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q && $SUDO apt-get install -y -q python3-torch libopenblas0
fi

mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java --add-modules jdk.incubator.vector -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.shortcut.benchmarks.Compare --python "$PY" --script benchmarks/compare.py --out benchmarks/results "$@"
