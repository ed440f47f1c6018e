#!/usr/bin/env bash
# The main job: on a fresh machine, installs what is missing, builds Shortcut, and reproduces
#  1. the lecture on Fashion-MNIST: plain versus residual dense networks across depth, plus a
#     1,002-layer pair (results/degradation.json, results/*.png|svg);
#  2. the paper's experiment: plain-20…56 against ResNet-20…110 with the paper's recipe, plus a
#     1,202-layer pair (results/conv/: degradation.json, figures),
# and writes results/README.md.
#
#   ./reproduce.sh              quick version (under 10 minutes on 2 cores; the convolutional part
#                               is a smoke version on a subset of the images, two depths a side)
#   ./reproduce.sh --full       the whole experiment (see README for its time)
#   ./reproduce.sh --data DIR   Fashion-MNIST IDX files somewhere else, or CIFAR-10's binary version
#                               (cifar-10-batches-bin): then only the convolutional part runs
#   ./reproduce.sh --only dense|conv   one part
#   ./reproduce.sh --threads N  kernel threads per network (default: all cores); in-process,
#                               cores / N networks train at once
#   ./reproduce.sh --executor spark   train the networks as Spark tasks on local[*] (for a
#                               cluster, spark-submit the application jar: docs/sweeps.md);
#                               the results match the in-process run's, network for network
#   ./reproduce.sh --shard i/N  train slice i of N only (a batch scheduler's array job); once
#                               every slice is done, a run without --shard writes the results
#
# Each network is a cell, written under results/cells/, results/conv/cells/ and their checkpoints/
# as it finishes; a rerun with the same settings reuses finished cells, so an interrupted run goes
# on where it stopped (delete the cells/ directories to train again).
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
missing=()
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# The default data directory is Debian's dataset-fashion-mnist package; a --data DIR skips it.
if [[ " $* " != *" --data "* ]] && [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  missing+=(dataset-fashion-mnist)
fi
# Figures are rendered headless and need a font.
command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -1)" ] || missing+=(fontconfig fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; then
    $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "${missing[@]}" >/dev/null \
      || echo "warning: could not install ${missing[*]}; continuing" >&2
  else
    echo "warning: cannot install ${missing[*]} here (no apt-get or no root); continuing" >&2
  fi
fi

# Spark's jars (about 220 MB) are fetched only for --executor spark.
spark=false
[[ " $* " == *" --executor spark "* ]] && spark=true
echo "Building Shortcut ..."
if $spark; then
  mvn -B -q -ntp install -DskipTests
  mvn -B -q -ntp -pl spark dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
  extra="spark/target/classes:$(cat spark/target/classpath.txt)"
else
  mvn -B -q -ntp install -DskipTests -pl '!spark'
  extra=""
fi
mvn -B -q -ntp -pl examples dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null

# The run takes its own copy of the classes and jars: a rebuild meanwhile cannot change them.
run=examples/target/reproduce-run
rm -rf "$run" && mkdir -p "$run/lib"
cp -r examples/target/classes "$run/classes"
{ tr ':' '\n' < examples/target/classpath.txt; if [ -n "$extra" ]; then tr ':' '\n' <<< "$extra"; fi; } \
  | while read -r entry; do if [ -f "$entry" ]; then cp "$entry" "$run/lib/"; fi; done
if [ -n "$extra" ]; then cp -r spark/target/classes "$run/spark-classes"; fi
exec java --add-modules jdk.incubator.vector -Djava.awt.headless=true -Xss16m -XX:MaxRAMPercentage=70 \
  -cp "$run/classes:$run/lib/*${extra:+:$run/spark-classes}" \
  dev.shortcut.examples.experiment.Reproduce "$@"
