#!/usr/bin/env bash
# The main job: on a fresh machine, installs what is missing, builds Shortcut, and reproduces the
# lecture on Fashion-MNIST: plain versus residual networks across depth, plus a 1,002-layer pair.
# Writes results/degradation.json, results/*.png|svg, results/README.md and the checkpoints.
#
#   ./reproduce.sh           quick version (under 10 minutes on 2 cores)
#   ./reproduce.sh --full    three seeds, more epochs (see README for its time)
#   ./reproduce.sh --data DIR   Fashion-MNIST IDX files somewhere else
#   ./reproduce.sh --threads N  kernel threads per network (default: all cores); in-process,
#                               cores / N networks train at once
#   ./reproduce.sh --executor spark   train the networks as Spark tasks on local[*] (for a
#                               cluster, spark-submit the application jar: docs/sweeps.md);
#                               the results match the in-process run's, network for network
#   ./reproduce.sh --shard i/N  train slice i of N only (a batch scheduler's array job); once
#                               every slice is done, a run without --shard writes the results
#
# Each network is a cell, written under results/cells/ and results/checkpoints/ as it finishes; a
# rerun with the same settings reuses finished cells (delete results/cells/ to train them again).
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

exec java --add-modules jdk.incubator.vector -Djava.awt.headless=true -Xss16m \
  -cp "examples/target/classes:$(cat examples/target/classpath.txt)${extra:+:$extra}" \
  dev.shortcut.examples.experiment.Reproduce "$@"
