#!/usr/bin/env bash
# Issue 10's acceptance run, side by side: ResNet-20 trained on padded Fashion-MNIST with the
# paper's recipe by Shortcut (examples/.../guide/PaperRecipe.java) and by PyTorch
# (benchmarks/paper_recipe.py: the same network, data and recipe), one after the other on this
# machine. Writes benchmarks/results/paper_recipe.md and the two logs beside it.
#
#   benchmarks/paper_recipe.sh [epochs] [threads] [together]
# Defaults: 10 epochs, 2 threads, one side after the other. "together" runs both sides at the same
# time (each then shares the machine with the other: compare accuracies, not times).
# PYTORCH_DEVICE=cuda runs the PyTorch side on a GPU (an accuracy reference, not a timing one).
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${1:-10}"
threads="${2:-2}"
data=/usr/share/datasets/fashion-mnist
PY=/usr/bin/python3
"$PY" -c 'import torch' 2>/dev/null || { echo "PyTorch missing: apt-get install python3-torch" >&2; exit 2; }
[ -d "$data" ] || { echo "$data missing: apt-get install dataset-fashion-mnist" >&2; exit 2; }

mvn -B -q -ntp install -DskipTests
mvn -B -q -ntp -pl examples dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
out=benchmarks/results
mkdir -p "$out"

# The run takes its own copy of the classes and jars, so a rebuild meanwhile cannot change them.
run=benchmarks/target/paper-recipe-run
rm -rf "$run" && mkdir -p "$run/lib"
cp -r examples/target/classes "$run/classes"
tr ':' '\n' < examples/target/classpath.txt | xargs -I{} cp {} "$run/lib/"
shortcut() {
  java --add-modules jdk.incubator.vector -cp "$run/classes:$run/lib/*" \
    dev.shortcut.examples.guide.PaperRecipe "$epochs" "$data" "$threads" 1 > "$out/paper_recipe_shortcut.log" 2>&1
}
pytorch() {
  # A passive wait keeps PyTorch's OpenMP threads from spinning at barriers on a busy machine.
  OMP_WAIT_POLICY=passive PYTHONUNBUFFERED=1 "$PY" benchmarks/paper_recipe.py --epochs "$epochs" \
    --threads "$threads" --seed 1 --device "${PYTORCH_DEVICE:-cpu}" > "$out/paper_recipe_pytorch.log" 2>&1
}
load_before=$(cut -d' ' -f1 /proc/loadavg)
if [ "${3:-}" = together ]; then
  shortcut & java_pid=$!
  pytorch
  wait "$java_pid"
else
  shortcut
  pytorch
fi
load_after=$(cut -d' ' -f1 /proc/loadavg)

"$PY" - "$out" "$epochs" "$threads" "${3:-apart}" "$load_before" "$load_after" <<'PYEOF'
import json, re, subprocess, sys
out, epochs, threads, mode, load0, load1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:]
java = open(f"{out}/paper_recipe_shortcut.log").read()
torch_lines = [json.loads(l) for l in open(f"{out}/paper_recipe_pytorch.log") if l.startswith("{")]
j_epochs = [(int(e), float(a)) for e, a in re.findall(r"epoch (\d+): training loss [\d.]+, test accuracy ([\d.]+)%", java)]
j_final = re.search(r"test accuracy ([\d.]+)%, (\d+) s in all \(([\d.]+) s per epoch\)", java)
t_final = torch_lines[-1]
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
rows = ["| epoch | Shortcut test accuracy | PyTorch test accuracy |", "|---:|---:|---:|"]
for (e, a), t in zip(j_epochs, [l for l in torch_lines if "epoch" in l]):
    rows.append(f"| {e} | {a:.2f} % | {100 * t['test_accuracy']:.2f} % |")
diff = float(j_final.group(1)) - 100 * t_final["test_accuracy"]
text = f"""# ResNet-20 on Fashion-MNIST with the paper's recipe, side by side

`benchmarks/paper_recipe.sh {epochs} {threads} {mode if mode == "together" else ""}` on {cpu} (2 vCPUs), {threads} threads
each, {"both sides at the same time" if mode == "together" else "one side after the other"}; load average
{load0} before and {load1} after{" (other work shared the machine: the times are not a speed comparison)" if max(float(load0), float(load1)) > 1.5 else ""}.
Same network (ResNet-20, option A, batch normalization), data (1×32×32, standardized per channel)
and recipe (SGD momentum 0.9, weight decay 1e-4, learning rate 0.1 ÷ 10 at 50 % and 75 % of the
steps, batch 128, 4-pixel padding + random crop + horizontal flip, {epochs} epochs); the random
draws (initialization, order, augmentation) differ between the two.

| | Shortcut | PyTorch {t_final['torch']} |
|---|---:|---:|
| final test accuracy | {float(j_final.group(1)):.2f} % | {100 * t_final['test_accuracy']:.2f} % |
| wall time | {int(j_final.group(2))} s | {t_final['seconds']:.0f} s |

Difference: {diff:+.2f} points (Shortcut − PyTorch).

{chr(10).join(rows)}
"""
open(f"{out}/paper_recipe.md", "w").write(text)
print(text)
PYEOF
