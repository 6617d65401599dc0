#!/usr/bin/env bash
# The main job on a bundled demo corpus: generate saved pages, build a corpus in git,
# split it, commit through the hooks, vectorize (Python and JavaScript rulesets), train and
# test, and train an image model.
# Everything happens in demo/work/ (regenerated on each run; git ignores it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export PATH="$here/../.venv/bin:$PATH"
work="$here/work"
rm -rf "$work"
mkdir -p "$work"
step() { printf '\n== %s\n' "$*"; }

# A private git identity and hook cache, so the demo never touches the user's own.
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1 PRE_COMMIT_HOME="$work/pre-commit-cache"
git config --global user.name "Corpus Demo"
git config --global user.email "demo@corpus.invalid"
git config --global init.defaultBranch main

step "generate 36 saved pages (freeze-dry style, inline data: URLs)"
python "$here/make_pages.py" "$work/pages" --count 36 --seed 1

step "corpus collect: freeze three of them from a local web server, as FathomFox's Corpus Collector did"
(cd "$work/pages" && python -u -m http.server 0 --bind 127.0.0.1 > "$work/http.log" 2>&1) &
web=$!
for _ in $(seq 100); do grep -q 'port' "$work/http.log" && break; sleep 0.1; done
port=$(grep -o 'port [0-9]*' "$work/http.log" | grep -o '[0-9]*')
ls "$work/pages" | head -n 3 | sed "s|^\(.*\)\.html$|collected-\1 http://127.0.0.1:$port/\1.html|" > "$work/urls.txt"
corpus collect --allow-local -i "$work/urls.txt" -o "$work/collected" -j 2
kill "$web"
grep -c '<script' "$work"/collected/*.html | sed 's/^/scripts left: /' || true

step "corpus init"
corpus init "$work/corpus"
cp "$here/rubric.md" "$work/corpus/samples/rubric.md"
cd "$work/corpus"
git add samples/rubric.md

step "corpus add (labels decide positive/negative; data: URLs move into LFS resources)"
corpus add "$work/pages" | tail -n 3

step "corpus split --seed 1"
corpus split --seed 1 | tail -n 2

step "corpus status"
corpus status

step "corpus check (labels against the rubric, extraction, LFS storage)"
corpus check

step "git commit (pre-commit runs the corpus hooks; Git LFS stores the resources)"
git add -A
git commit -q -m "Demo corpus: 36 samples split 60/20/20"
git log --oneline -1
git lfs ls-files | wc -l | xargs echo "LFS files:"

step "corpus inline, then corpus extract -j 2 (pages in worker processes): byte for byte, git sees no change"
corpus inline samples/training | tail -n 1
corpus extract -j 2 samples/training | tail -n 1
git status --porcelain samples | wc -l | xargs echo "files changed by the round trip:"

step "corpus import: bring an existing Fathom samples tree into a new corpus, names and sets kept"
corpus init "$work/imported" >/dev/null
cp "$here/rubric.md" "$work/imported/samples/rubric.md"
corpus -C "$work/imported" import "$work/corpus/samples"

step "corpus vectorize (Python ruleset over the DOM, Fathom vector format)"
corpus vectorize training validation testing --trainee new-password

step "corpus train training -a validation (fathom's model; early stopping on; cutoff chosen on validation)"
corpus train samples/training -a samples/validation --trainee new-password -i 200 -q --plot "$work/training.png"
echo "loss and precision-recall curves: $work/training.png"

step "corpus test on the testing set with the trained model (its cutoff, chosen on validation)"
corpus test samples/testing models/new-password.json --trainee new-password

step "corpus vectorize with Fathom's own JavaScript ruleset (rulesets.js in headless Chromium, as FathomFox)"
corpus init --js . >/dev/null  # adds the example rulesets.js beside rulesets.py
corpus vectorize training --trainee new-password --ruleset rulesets.js -o "$work/training_js.json" -j 2
python - "$work/training_js.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
nodes = [n for p in data["pages"] for n in p["nodes"]]
print(f"{len(data['pages'])} pages, {len(nodes)} candidates, {sum(n['isTarget'] for n in nodes)} targets; "
      f"features: {', '.join(data['header']['featureNames'])}")
PY

step "corpus ship: a model trained on the JavaScript ruleset's vectors, written into rulesets.js in place"
corpus vectorize validation --trainee new-password --ruleset rulesets.js -o "$work/validation_js.json" -j 2
corpus train "$work/training_js.json" -a "$work/validation_js.json" --trainee new-password -i 200 -q \
  -o "$work/js-model.json" > /dev/null
# Only the numbers change; Chromium then runs the shipped file with fathom-web's own scoring.
corpus ship --trainee new-password --model "$work/js-model.json" --verify validation rulesets.js
grep -n "corpus ship:" rulesets.js

step "corpus status: a page edited after training makes the vectors and the model stale"
echo "<!-- edited -->" >> "$(ls samples/training/*.html | head -n 1)"
corpus status | tail -n 8
git checkout -q -- samples/training

step "corpus vectorize --scheduler: the same vectors rendered on a Dask cluster (2 local workers here)"
dask scheduler --scheduler-file "$work/dask.json" --host 127.0.0.1 --port 0 --dashboard-address 127.0.0.1:0 >"$work/dask.log" 2>&1 &
dask_pids=($!)
trap 'kill "${dask_pids[@]}" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/dask.json" ] && break; sleep 0.2; done
dask worker --scheduler-file "$work/dask.json" --host 127.0.0.1 --no-dashboard --nworkers 2 --nthreads 1 >>"$work/dask.log" 2>&1 &
dask_pids+=($!)
scheduler=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["address"])' "$work/dask.json")
corpus vectorize training --trainee new-password -o "$work/training_cluster.json" --scheduler "$scheduler" 2>&1 | tail -n 2
cmp vectors/training_new-password.json "$work/training_cluster.json" && echo "identical to the local run's vectors/training_new-password.json"
kill "${dask_pids[@]}" 2>/dev/null || true


step "corpus crops: element images of labeled buttons and of other links (headless Chromium)"
corpus crops training validation --types button --candidates a --other link -o "$work/crops"
corpus crops testing --types button --candidates a --other link -o "$work/crops-testing"

step "corpus train-images: the button-or-link CNN (small and quick for the demo; keeps its best epoch)"
corpus train-images "$work/crops" -o "$work/image-model" --size 64 --epochs 4 --batch-size 16

step "corpus test-images on the testing set's crops"
corpus test-images "$work/image-model" "$work/crops-testing"

step "corpus predict-images"
corpus predict-images "$work/image-model" $(ls "$work"/crops/button/*.png | head -n 2) $(ls "$work"/crops/link/*.png | head -n 2)

step "corpus serve: the corpus in a browser (labels, predictions, labeling with a click)"
corpus serve --port 0 > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q 'http://' "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.log")
echo "viewer served at $url"
python "$here/screenshots.py" "$url" "$work/screenshots"
kill "$server"
wait "$server" 2>/dev/null || true
echo "To browse it yourself: cd $work/corpus && corpus serve   # then open http://127.0.0.1:8000/"

step "git commit from a shell without the venv on PATH (as an IDE or a GUI commits)"
# The hooks reach corpus through this clone's launcher (.git/corpus/hook), not PATH.
git add vectors models
env PATH=/usr/bin:/bin git commit -q -m "Demo: vectors and the new-password model"
git log --oneline -1
