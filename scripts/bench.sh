#!/usr/bin/env bash
# make bench: measures dpgcerts scan against OpenSSL and the key-derivation
# floor, all in one run on the same files, then the reader's cost on
# adversarial files against an ordinary one, and prints Markdown tables for
# docs/performance.md.
#
#   BENCH_FILES=2000     files for the speed figures
#   BENCH_BIG=10000      files for the peak-memory figure
#   BENCH_DIR=...        where to keep the generated files (reused when present)
#   BENCH_WINDOW=0       skip the window's weight (its RSS with 10 and BENCH_BIG
#                        certificates, scripts/window-weight.sh, needs make build;
#                        the list's paint after the header's and the overview's
#                        bytes, the e2e perf group, needs wails dev and Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

n=${BENCH_FILES:-2000}
big=${BENCH_BIG:-10000}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/dpgcerts-bench}
password='Bench-Hemmelig-12!'
cores=$(nproc)
export PW="$password"

for tool in openssl go; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run make deps)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

mkdir -p "$dir/files"
bin="$dir/dpgcerts"
echo "building dpgcerts (CLI only)" >&2
go build -o "$bin" .
printf '%s\n' "$password" > "$dir/passwords.txt"

# One organisation certificate, exported n times with OpenSSL 3's defaults
# (PBES2, PBKDF2-SHA256, AES-256-CBC, 2048 rounds, SHA-256 MAC): each file
# has its own salts, so each needs its own key derivations.
have=$(find "$dir/files" -name '*.p12' | wc -l)
if [ "$have" -ne "$n" ]; then
  echo "making $n .p12 files with openssl" >&2
  rm -rf "$dir/files" && mkdir -p "$dir/files"
  openssl req -x509 -newkey rsa:3072 -sigopt rsa_padding_mode:pss -sha256 -nodes -days 1095 \
    -subj "/C=DK/organizationIdentifier=NTRDK-29189889/O=Testkommune Nord/serialNumber=UI:DK-O:G:2b0a1d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/CN=postkasse@testkommune.dk" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  seq -w 1 "$n" | xargs -P "$cores" -I{} openssl pkcs12 -export -in "$dir/cert.pem" -inkey "$dir/key.pem" \
    -passout env:PW -out "$dir/files/cert-{}.p12"
fi

# seconds runs a command and prints its wall time in seconds.
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1e9 }'
}
# best runs a command three times and prints the fastest, since a shared
# machine adds noise only upward.
best() {
  local a b c
  a=$(seconds "$@"); b=$(seconds "$@"); c=$(seconds "$@")
  printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n | head -n 1
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

scan=("$bin" scan --json --passwords "$dir/passwords.txt")
export DPGCERTS_KEYCHAIN=off

echo "measuring: key-derivation floor (best of 3)" >&2
floor=$(BENCH_DIR="$dir/files" BENCH_PASSWORD="$password" \
  go test ./backend/certs -run '^$' -bench '^BenchmarkKDFFloor$' -benchtime="${n}x" -count 3 |
  awk '/files\/s/ { for (i = 1; i < NF; i++) if ($(i+1) == "files/s" && $i > best) best = $i } END { print best }')

echo "measuring: dpgcerts scan --no-cache (best of 3)" >&2
t_first=$(best "${scan[@]}" --no-cache "$dir/files")

echo "measuring: dpgcerts scan with a cache (first and cached, best of 3)" >&2
# Each first scan starts from an empty cache, as the window's does below.
fill() { rm -f "$dir/cache.db"*; "${scan[@]}" --db "$dir/cache.db" "$dir/files"; }
t_fill=$(best fill)
t_cached=$(best "${scan[@]}" --db "$dir/cache.db" "$dir/files")

echo "measuring: the window's scan into a fresh cache (backend/local, events as JSON; best of 3)" >&2
r_window=$(BENCH_DIR="$dir/files" BENCH_PASSWORD="$password" \
  go test ./backend/local -run '^$' -bench '^BenchmarkWindowScan$' -benchtime=1x -count 3 |
  awk '/files\/s/ { for (i = 1; i < NF; i++) if ($(i+1) == "files/s" && $i > best) best = $i } END { printf "%.0f", best }')

echo "measuring: openssl pkcs12 in a loop" >&2
openssl_loop() { for f in "$dir"/files/*.p12; do openssl pkcs12 -in "$f" -passin env:PW -noout; done; }
t_openssl=$(seconds openssl_loop)
openssl_parallel() { find "$dir/files" -name '*.p12' -print0 | xargs -0 -P "$cores" -I{} openssl pkcs12 -in {} -passin env:PW -noout; }
t_openssl_par=$(seconds openssl_parallel)

echo "measuring: peak memory over $big files" >&2
rm -rf "$dir/big" && mkdir -p "$dir/big"
i=0
while [ "$i" -lt "$big" ]; do
  for f in "$dir"/files/*.p12; do
    [ "$i" -ge "$big" ] && break
    ln "$f" "$dir/big/$i.p12"
    i=$((i + 1))
  done
done
rss_kb=$( { /usr/bin/time -f '%M' "${scan[@]}" --no-cache "$dir/big" >/dev/null; } 2>&1 | tail -n 1)

# Adversarial files (backend/certs/adversarial_test.go): each as costly as
# the reader lets one file be, locked to five wrong candidate passwords so
# that every candidate is tried until the work budget says stop. Each is
# scanned alone, in its own process, for its wall time and peak RSS.
echo "measuring: adversarial files" >&2
adv="$dir/adversarial"
rm -rf "$adv" && mkdir -p "$adv"
ADVERSARIAL_DIR="$adv" BENCH_PASSWORD="$password" go test ./backend/certs -run '^TestWriteAdversarialFiles$' -count 1 >/dev/null
printf 'one\ntwo\nthree\nfour\nfive\n' > "$dir/wrong-passwords.txt"
# measure FILE PASSWORDS prints "seconds peak-KiB status".
measure() {
  local out r
  out=$(mktemp)
  r=$( { /usr/bin/time -f '%e %M' "$bin" scan --no-cache --json --passwords "$2" "$1" >"$out"; } 2>&1 | tail -n 1)
  echo "$r $(grep -o '"status": *"[a-z_]*"' "$out" | head -n 1 | sed 's/.*"\([a-z_]*\)"$/\1/')"
  rm -f "$out"
}
read -r base_s base_kb base_status < <(measure "$adv/normal-openssl-default.p12" "$dir/passwords.txt")
adv_rows=$(printf '| %s | %s | %.2f | %d | 1.0 | 1.0 |\n' "normal-openssl-default.p12 (opened)" "$base_status" "$base_s" $((base_kb / 1024)))
for f in "$adv"/*; do
  read -r s kb st < <(measure "$f" "$dir/wrong-passwords.txt")
  adv_rows+=$'\n'$(awk -v n="$(basename "$f")" -v st="$st" -v s="$s" -v kb="$kb" -v bs="$base_s" -v bkb="$base_kb" \
    'BEGIN { bs = (bs < 0.01) ? 0.01 : bs; printf "| %s | %s | %.2f | %d | %.1f | %.1f |", n, st, s, kb / 1024, s / bs, kb / bkb }')
done
# The window's weight: its RSS with 10 and with $big distinct certificates,
# and, in a browser against wails dev, the list's first paint after the
# header's and the overview's size.
w_small= w_big= perf=
if [ "${BENCH_WINDOW:-1}" != 0 ]; then
  if [ -x build/bin/dpgcerts ]; then
    echo "measuring: the window's RSS with 10 and $big certificates (scripts/window-weight.sh)" >&2
    weights=$(bash scripts/window-weight.sh 10 "$big")
    w_small=$(awk '$1 == "window" && $2 == 10 { print $3 }' <<<"$weights")
    w_big=$(awk -v n="$big" '$1 == "window" && $2 == n { print $3 }' <<<"$weights")
  else
    echo "bench: build/bin/dpgcerts is missing (make build): no window RSS" >&2
  fi
  echo "measuring: the list's paint after the header's, $big certificates (e2e perf group)" >&2
  perf=$(E2E_ONLY=perf E2E_MANY=$big E2E_PORT=${BENCH_E2E_PORT:-34715} bash scripts/e2e.sh 2>&1 | sed -n 's/^perf: //p' | tail -n 1) || true
fi
field() { node -e 'const o = JSON.parse(process.argv[1] || "{}"); console.log(o[process.argv[2]] ?? "?")' "$perf" "$1"; }

r_first=$(rate "$n" "$t_first")
r_fill=$(rate "$n" "$t_fill")
r_cached=$(rate "$n" "$t_cached")
r_openssl=$(rate "$n" "$t_openssl")
r_openssl_par=$(rate "$n" "$t_openssl_par")
floor=${floor%.*}

cat <<TABLE

Measured $(date -u +%Y-%m-%d) on $cores cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $n files made by $(openssl version | cut -d' ' -f1-2) with its default protection.

| what | files/s | note |
|---|---:|---|
| key-derivation floor (PBKDF2 and MAC key only, all cores) | $floor | the least work any reader must do |
| \`dpgcerts scan --no-cache\` | $r_first | $(awk -v a="$r_first" -v b="$floor" 'BEGIN { printf "%.0f%% of the floor", 100 * a / b }') |
| \`dpgcerts scan\`, first scan into the cache | $r_fill | |
| the window's scan, first scan into the cache | $r_window | $(awk -v a="$r_window" -v b="$r_fill" 'BEGIN { printf "%.2f× dpgcerts scan, first scan", a / b }') |
| \`dpgcerts scan\`, cached rescan | $r_cached | $(awk -v a="$r_cached" -v b="$r_first" 'BEGIN { printf "%.0f× the first scan", a / b }') |
| \`openssl pkcs12 -noout\` in a loop | $r_openssl | one process per file, as a script would |
| \`openssl pkcs12 -noout\` via \`xargs -P $cores\` | $r_openssl_par | |

Peak memory of \`dpgcerts scan --no-cache --json\` over $big files: $((rss_kb / 1024)) MB.

Adversarial files, each scanned alone (\`dpgcerts scan --no-cache --json\`, five wrong candidate passwords; one process, so the time includes its start and the memory its baseline). "× time" is against the ordinary file opened with its password (a time under 10 ms counts as 10 ms).

| file | status | seconds | peak MB | × time | × memory |
|---|---|---:|---:|---:|---:|
$adv_rows
TABLE

if [ -n "$w_small$w_big$perf" ]; then
  cat <<TABLE

The window with $big distinct certificates (\`go run ./e2e/fixtures -many N\`, one row each):

| what | 10 certificates | $big certificates | aim |
|---|---:|---:|---|
| RSS of the window (dpgcerts and its WebKit processes) | ${w_small:-?} MB | ${w_big:-?} MB | $( [ -n "$w_small" ] && [ -n "$w_big" ] && echo "+$((w_big - w_small)) MB; under +50 MB" || echo "under +50 MB") |
| the list's first paint after the header's (Chromium, wails dev) | | $(field listAfterHeaderMs) ms | within 500 ms |
| the list's call's JSON (Portal.List) | | $(field overviewBytes) bytes, $(field bytesPerRow) a row | a slim row |
| a reload's JSON when nothing changed | | $(field reloadBytes) bytes | the rows that changed |
TABLE
fi
