#!/usr/bin/env bash
# Time the README's quick start as a new learner runs it: a fresh clone of the committed HEAD,
# empty package caches (pip's and uv's), the exact command from the README. Prints the seconds
# until the summary's first line ("Environment ready") appears, and the summary itself.
#
#     tools/measure_quickstart.sh            (from anywhere in a clone; needs git and python3)
#
# Package caches are emptied with PIP_NO_CACHE_DIR and a fresh UV_CACHE_DIR, so every package is
# downloaded; pip's own configuration of the machine (an index, find-links) is left as it is.
set -euo pipefail

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$repo" rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$commit"
export PIP_NO_CACHE_DIR=1 UV_CACHE_DIR="$work/uv-cache" NOX_DEFAULT_VENV_BACKEND=""
unset VIRTUAL_ENV
cd "$work/clone"

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
start=$(date +%s.%N)
seen=""
# The quick start, word for word as the README gives it.
# Each line is stamped with the seconds since the start, to show where the time goes.
( python3 -m venv .venv && .venv/bin/python -m pip install nox uv && .venv/bin/nox -s check ) 2>&1 \
    | while IFS= read -r line; do
        printf '%6.1f s  %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$line"
    done >"$work/log" &
quick_start=$!
while kill -0 "$quick_start" 2>/dev/null; do
    if [[ -z "$seen" ]] && grep -q " s  Environment ready" "$work/log"; then
        seen=$(date +%s.%N)
    fi
    sleep 0.1
done
wait "$quick_start" || true
status="failed"
grep -q "Session check was successful" "$work/log" && status="successful"
end=$(date +%s.%N)
[[ -z "$seen" ]] && grep -q " s  Environment ready" "$work/log" && seen=$end

echo "--- what the quick start printed (pip's long lines cut):"
grep -v "s  \(Collecting\|Downloading\|Processing\|WARNING: Location\|Requirement\)" "$work/log" \
    | cut -c1-150
echo "---"
echo "nox session: $status; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "$seen" ]]; then
    printf 'summary printed after %.1f s (quick start done after %.1f s)\n' \
        "$(echo "$seen - $start" | bc)" "$(echo "$end - $start" | bc)"
else
    echo "no summary printed (after $(echo "$end - $start" | bc) s)"
    exit 1
fi
