#!/usr/bin/env bash
# bench.sh times the pipec CLI the way users run it: `pipec lint` over the
# catalog corpus's 171 task files and over one file, with hyperfine (wall
# time, warm cache, median of many runs), peak memory from GNU time, and
# tekton-lint on the same files when it is installed. It prints Markdown for
# BENCHMARKS.md. Run it on a quiet machine: `uptime` shows the load.
#
#   hack/bench.sh                      # pipec only
#   TEKTON_LINT=path/to/tekton-lint hack/bench.sh
#
# tekton-lint installs from npm: npm install --prefix ~/.cache/pipec/tekton-lint @ibm/tekton-lint
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${PIPEC_CORPUS:-$root/../shared/corpus/catalog}
runs=${RUNS:-30}
tekton_lint=${TEKTON_LINT:-}
if [[ -z $tekton_lint && -x $HOME/.cache/pipec/tekton-lint/node_modules/.bin/tekton-lint ]]; then
  tekton_lint=$HOME/.cache/pipec/tekton-lint/node_modules/.bin/tekton-lint
fi

for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is needed (apt-get install hyperfine time)" >&2; exit 2; }
done
[[ -d $corpus/task ]] || { echo "bench.sh: no corpus at $corpus (set PIPEC_CORPUS)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -trimpath -o "$work/pipec" ./cmd/pipec)

shopt -s nullglob
files=("$corpus"/task/*/*/*.yaml)
one=$corpus/task/git-clone/0.10/git-clone.yaml
lines=$(cat "${files[@]}" | wc -l)

echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pipec: $("$work/pipec" version), Go $(go env GOVERSION)"
echo "corpus: ${#files[@]} files, $lines lines; one file: ${one#"$corpus"/} ($(wc -l <"$one") lines)"
echo

cmds=(-n "pipec lint (${#files[@]} files)" "$work/pipec lint ${files[*]}"
      -n "pipec lint (1 file)" "$work/pipec lint $one")
if [[ -n $tekton_lint ]]; then
  echo "tekton-lint: $("$tekton_lint" --version 2>/dev/null || echo '?'), node $(node --version)"
  cmds+=(-n "tekton-lint (${#files[@]} files)" "$tekton_lint ${files[*]}"
         -n "tekton-lint (1 file)" "$tekton_lint $one")
fi
# -i: both linters exit 1 when they find something, which they do here.
hyperfine -N -i --warmup 3 --runs "$runs" --export-markdown "$work/times.md" "${cmds[@]}" >/dev/null
cat "$work/times.md"
echo

peak() { /usr/bin/time -f '%M' "$@" >/dev/null 2>"$work/time.err" || true; tail -1 "$work/time.err"; }
echo "| command | peak RSS (MiB) |"
echo "|:---|---:|"
printf '| pipec lint (%d files) | %.1f |\n' "${#files[@]}" "$(echo "$(peak "$work/pipec" lint "${files[@]}") / 1024" | bc -l)"
printf '| pipec lint (1 file) | %.1f |\n' "$(echo "$(peak "$work/pipec" lint "$one") / 1024" | bc -l)"
if [[ -n $tekton_lint ]]; then
  printf '| tekton-lint (%d files) | %.1f |\n' "${#files[@]}" "$(echo "$(peak "$tekton_lint" "${files[@]}") / 1024" | bc -l)"
fi
