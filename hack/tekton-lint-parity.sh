#!/bin/sh
# tekton-lint-parity.sh: compare pipec with tekton-lint on lint/testdata/parity.
#
# For each of tekton-lint's 23 rules, lint/testdata/parity/RULE.yaml marks with
# "# want" the lines where pipec reports the rule's problem. This script runs
# the real tekton-lint on each file and checks that it reports RULE on every
# one of those lines (go test ./lint -run TestTektonLintParity does the
# comparison; without tekton-lint it checks only pipec's side).
#
# tekton-lint is found as $TEKTON_LINT, on PATH, or in ~/.cache/pipec/tekton-lint
# (installed there, outside the repository, by: npm install --prefix
# ~/.cache/pipec/tekton-lint @ibm/tekton-lint@1.1.0).
set -eu

cd "$(dirname "$0")/.."
tl=${TEKTON_LINT:-}
if [ -z "$tl" ]; then
	tl=$(command -v tekton-lint || true)
fi
if [ -z "$tl" ] && [ -x "$HOME/.cache/pipec/tekton-lint/node_modules/.bin/tekton-lint" ]; then
	tl=$HOME/.cache/pipec/tekton-lint/node_modules/.bin/tekton-lint
fi
if [ -z "$tl" ]; then
	echo "tekton-lint not found; install it with: npm install --prefix ~/.cache/pipec/tekton-lint @ibm/tekton-lint@1.1.0" >&2
	exit 2
fi
echo "tekton-lint: $tl ($("$tl" --version))"
PIPEC_TEKTON_LINT=$tl exec go test -count=1 -run 'TestTektonLintParity' -v ./lint
