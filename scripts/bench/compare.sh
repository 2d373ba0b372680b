#!/usr/bin/env bash
# Times xlsxeval check against the plain openpyxl script (openpyxl_check.py)
# on the same N workbooks (copies of the samples, default 1000).
# Needs Debian's python3-openpyxl: apt-get install -y python3-openpyxl
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for i in $(seq $((n / 2))); do
  cp samples/信息化运维项目.xlsx "$dir/a$i.xlsx"
  cp samples/文旅管理与服务.xlsx "$dir/b$i.xlsx"
done
go build -o "$dir/xlsxeval" ./cmd/xlsxeval
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
go_s=$(t "$dir/xlsxeval" check "$dir" --format json --no-progress)
py_s=$(t /usr/bin/python3 scripts/bench/openpyxl_check.py "$dir")
printf 'forms: %d\nxlsxeval: %.2f s (%.0f forms/s)\nopenpyxl: %.2f s (%.0f forms/s)\nspeed-up: %.1fx\n' \
  "$n" "$go_s" "$(echo "$n / $go_s" | bc -l)" "$py_s" "$(echo "$n / $py_s" | bc -l)" "$(echo "$py_s / $go_s" | bc -l)"
