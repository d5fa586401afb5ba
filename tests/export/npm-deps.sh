#!/usr/bin/env bash
# The npm packages the export test reads traces with, installed once into
# the cache that CI keeps between runs on one machine, at pinned versions.
# Prints the folder that holds node_modules. A package that cannot be had
# (no network and no cache) is an error, never a skip.
set -euo pipefail
cache=${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/npm
dir=$cache/export
pkgs=(protobufjs@7.4.0 devtools-timeline-model@1.4.0)

have() { # NAME@VERSION installed in $dir
	local name=${1%@*} version=${1##*@}
	node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
		"$dir/node_modules/$name/package.json" "$version" 2>/dev/null
}

command -v node >/dev/null && command -v npm >/dev/null ||
	{ echo "node and npm are missing: scripts/deps.sh --test" >&2; exit 1; }
missing=()
for p in "${pkgs[@]}"; do have "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
	mkdir -p "$dir"
	[[ -e $dir/package.json ]] || echo '{"private": true}' >"$dir/package.json"
	npm install --prefix "$dir" --cache "$cache/cache" --prefer-offline --no-audit --no-fund \
		--loglevel=error "${missing[@]}" >&2 ||
		{ echo "npm could not install ${missing[*]} into $dir" >&2; exit 1; }
	for p in "${pkgs[@]}"; do have "$p" || { echo "$p is not in $dir after npm install" >&2; exit 1; }; done
fi
echo "$dir"
