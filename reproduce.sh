#!/usr/bin/env bash
# The main job: on a fresh machine, installs what is missing, builds Shortcut, and reproduces the
# lecture on Fashion-MNIST: plain versus residual networks across depth, plus a 1,002-layer pair.
# Writes results/degradation.json, results/*.png|svg, results/README.md and the checkpoints.
#
#   ./reproduce.sh           quick version (under 10 minutes on 2 cores)
#   ./reproduce.sh --full    three seeds, more epochs (see README for its time)
#   ./reproduce.sh --data DIR   Fashion-MNIST IDX files somewhere else
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

echo "Building Shortcut ..."
mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -pl examples dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null

exec java --add-modules jdk.incubator.vector -Djava.awt.headless=true -Xss16m \
  -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
  dev.shortcut.examples.experiment.Reproduce "$@"
