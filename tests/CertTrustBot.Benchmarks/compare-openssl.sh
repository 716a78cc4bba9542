#!/usr/bin/env bash
# Side-by-side wall time and peak memory of `certtrust check --json` and `openssl storeutl -noout -text -certs`.
#
# Default: 2,880 DISTINCT self-signed roots (three quarters ECDSA P-256, a quarter RSA 2048, no repeats), generated
# with openssl, so every certificate is parsed and its self-signature verified; then peak memory at 360, 2,880 and
# 5,760 distinct roots (issue 13's goals: wall time at most half of openssl's; peak working set for 5,760 within
# 20 MiB of that for 360).
#
#   tests/CertTrustBot.Benchmarks/compare-openssl.sh              # publish the CLI, generate the roots, measure
#   RUNS=20 tests/...                                             # more timed runs (default 10)
#   CERTS_DIR=/tmp/roots tests/...                                # keep the generated roots there and reuse them
#                                                                 # next time (generating 5,760 takes minutes)
#   REPEATED=1 tests/...                                          # also Debian's CA bundle x20 (2,880 roots, 144
#                                                                 # distinct: the engine checks a repeat once)
#   CERTTRUST=/path/to/published/certtrust tests/...              # measure an already published CLI
#   NO_HYPERFINE=1 tests/...                                      # time with the /usr/bin/time loop instead
#
# The CLI is published in Release (`dotnet publish -c Release`: Native AOT, see its csproj) and the executable is run
# directly, so neither a build nor `dotnet run` is measured. The same executable is also timed with
# CERTTRUST_OPENSSL_DIRECT=0 (every key imported by .NET, as before the direct signature path), for the difference.
# Both tools write to /dev/null. Timing uses hyperfine when installed (`apt-get install -y hyperfine`), else a bash
# loop around /usr/bin/time; peak memory uses /usr/bin/time.
# The figures are ratios from one run: on a shared machine absolute times drift, and both tools drift together.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${RUNS:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/certtrust-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

certs_dir=${CERTS_DIR:-$work}
mkdir -p "$certs_dir"
command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }

if [[ -n ${CERTTRUST:-} ]]; then
    certtrust=$CERTTRUST
else
    echo "Publishing the CLI (Release) ..." >&2
    dotnet publish "$repo/src/CertTrustBot.Cli" -c Release -o "$work/publish" --nologo -v quiet >&2
    certtrust=$work/publish/certtrust
fi

# Distinct self-signed roots, made by openssl on every core: root i is RSA 2048 when i is a multiple of 4, else ECDSA
# P-256. roots-N.pem holds roots 1..N, so the smaller files are prefixes of the larger.
generate() { # $1: how many
    local n=$1 file=$certs_dir/roots-$1.pem
    if [[ -s $file && $(grep -c -- '-----BEGIN CERTIFICATE-----' "$file") == "$n" ]]; then return; fi
    echo "Generating $n distinct roots with openssl (minutes; CERTS_DIR keeps them) ..." >&2
    mkdir -p "$certs_dir/one"
    seq 1 "$n" | xargs -P "$(nproc)" -I{} sh -c '
        i={}; out="$0/one/$i.pem"; [ -s "$out" ] && exit 0
        if [ $((i % 4)) -eq 0 ]; then key="-newkey rsa:2048"; else key="-newkey ec -pkeyopt ec_paramgen_curve:P-256"; fi
        openssl req -x509 $key -nodes -keyout /dev/null -subj "/CN=Distinct Root $i/O=certtrust comparison" -days 3650 \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null > "$out.tmp" && mv "$out.tmp" "$out"' "$certs_dir"
    for ((i = 1; i <= n; i++)); do cat "$certs_dir/one/$i.pem"; done > "$file"
}
generate 5760
for n in 360 2880; do
    awk -v n="$n" '/-----BEGIN CERTIFICATE-----/ { c++ } c <= n' "$certs_dir/roots-5760.pem" > "$certs_dir/roots-$n.pem"
done
big=$certs_dir/roots-2880.pem
count=2880

# Both tools must really read every certificate, or the comparison means nothing.
check_counts() { # $1: file, $2: expected
    "$certtrust" check --json "$1" > "$work/certtrust.json" || true
    local seen openssl_seen
    seen=$(python3 -c 'import json,sys; print(sum(len(f["certificates"]) for f in json.load(open(sys.argv[1]))["files"]))' "$work/certtrust.json")
    openssl_seen=$(openssl storeutl -noout -text -certs "$1" 2>/dev/null | grep -c '^ *Certificate:$' || true)
    echo "$(basename "$1"): $2 certificates ($(du -k "$1" | cut -f1) KiB); certtrust reported $seen, openssl printed $openssl_seen."
    [[ $seen == "$2" ]] || { echo "certtrust did not report every certificate" >&2; exit 1; }
}
check_counts "$big" "$count"
invalid=$(python3 -c 'import json,sys; print(sum(1 for f in json.load(open(sys.argv[1]))["files"] for x in f["findings"] if x["code"] == "cert.self_signature_invalid"))' "$work/certtrust.json")
echo "Self-signatures found invalid: $invalid (each one is verified; 0 expected for roots openssl made)."

# GNU time's figure for one run of "$@" (%e wall seconds, %M max RSS KiB); the tool's own output is discarded and
# its exit code ignored (certtrust exits 2 when a file is blocked).
measure() {
    local format=$1; shift
    /usr/bin/time -f "$format" -o "$work/time.out" "$@" > /dev/null 2>&1 || true
    tail -1 "$work/time.out"
}

# Wall time of certtrust and openssl on one file, and their ratio.
compare() {
    local file=$1 label=$2
    local certtrust_cmd=("$certtrust" check --json "$file")
    local openssl_cmd=(openssl storeutl -noout -text -certs "$file")
    echo
    echo "== Wall time on $label: $runs runs each, $(nproc) CPUs, $(uname -sr) =="
    if [[ -z ${NO_HYPERFINE:-} ]] && command -v hyperfine >/dev/null; then
        # -N: no intermediate shell; -i: certtrust exits 2 when a file is blocked, which is not a failure here.
        hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$work/times.json" \
            -n certtrust "${certtrust_cmd[*]}" \
            -n "certtrust, .NET key import" "env CERTTRUST_OPENSSL_DIRECT=0 ${certtrust_cmd[*]}" \
            -n openssl "${openssl_cmd[*]}" >&2
        python3 - "$work/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
c, p, o = results["certtrust"], results["certtrust, .NET key import"], results["openssl"]
for name, r in (("certtrust check --json", c), ("  .NET key import", p), ("openssl storeutl -text", o)):
    print(f"{name:24} mean {r['mean']*1000:8.1f} ms ± {r['stddev']*1000:6.1f}   median {r['median']*1000:8.1f} ms"
          f"   min {r['min']*1000:8.1f} ms   user {r['user']*1000:7.1f} ms   sys {r['system']*1000:6.1f} ms")
print(f"ratio certtrust/openssl  mean {c['mean']/o['mean']:.2f}   median {c['median']/o['median']:.2f}   min {c['min']/o['min']:.2f}")
print(f"  with .NET key import   mean {p['mean']/o['mean']:.2f}   median {p['median']/o['median']:.2f}   min {p['min']/o['min']:.2f}")
print(f"=> goal (median ratio at most 0.50): {'met' if c['median'] / o['median'] <= 0.5 else 'MISSED'}")
PY
    else
        loop() { # mean wall seconds of "$@" over $runs runs
            local total=0 t
            for ((r = 0; r < runs; r++)); do
                t=$(measure '%e' "$@")
                total=$(echo "$total + $t" | bc -l)
            done
            echo "scale=3; $total / $runs" | bc -l
        }
        measure '%e' "${certtrust_cmd[@]}" > /dev/null; measure '%e' "${openssl_cmd[@]}" > /dev/null # warm the page cache
        local c o
        c=$(loop "${certtrust_cmd[@]}"); o=$(loop "${openssl_cmd[@]}")
        echo "certtrust check --json   mean ${c} s"
        echo "openssl storeutl -text   mean ${o} s"
        echo "ratio certtrust/openssl  $(echo "scale=2; $c / $o" | bc -l)"
    fi
}

compare "$big" "$count distinct self-signed roots (3/4 ECDSA P-256, 1/4 RSA 2048)"

if [[ -n ${REPEATED:-} ]]; then
    bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
    [[ -r $bundle ]] || { echo "CA bundle not found: $bundle (set CA_BUNDLE)" >&2; exit 1; }
    per_copy=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$bundle")
    for ((i = 0; i < 20; i++)); do cat "$bundle"; done > "$work/bundle-x20.pem"
    check_counts "$work/bundle-x20.pem" $((per_copy * 20))
    compare "$work/bundle-x20.pem" "Debian's bundle x20 ($((per_copy * 20)) certificates, $per_copy distinct)"
fi

echo
echo "== Peak memory (max RSS, /usr/bin/time -f %M, median of 3) =="
rss() { # median max RSS in KiB of "$@" over 3 runs
    local values=()
    for r in 1 2 3; do
        values+=("$(measure '%M' "$@")")
    done
    printf '%s\n' "${values[@]}" | sort -n | sed -n 2p
}
printf '%8s %16s %16s %14s %14s\n' certs "certtrust KiB" "openssl KiB" "certtrust s" "openssl s"
declare -A certtrust_rss
for n in 360 2880 5760; do
    file=$certs_dir/roots-$n.pem
    c=$(rss "$certtrust" check --json "$file")
    o=$(rss openssl storeutl -noout -text -certs "$file")
    ct=$(measure '%e' "$certtrust" check --json "$file")
    ot=$(measure '%e' openssl storeutl -noout -text -certs "$file")
    certtrust_rss[$n]=$c
    printf '%8d %16d %16d %14s %14s\n' "$n" "$c" "$o" "$ct" "$ot"
done
# The human output too (the goal is measured on --json, as above).
human360=$(rss "$certtrust" check "$certs_dir/roots-360.pem")
human5760=$(rss "$certtrust" check "$certs_dir/roots-5760.pem")
python3 - "${certtrust_rss[360]}" "${certtrust_rss[2880]}" "${certtrust_rss[5760]}" "$human360" "$human5760" <<'PY'
import sys
r360, r2880, r5760, h360, h5760 = (int(x) for x in sys.argv[1:])
growth = (r5760 - r360) / 1024
print(f"certtrust peak memory, 5,760 vs 360 distinct roots: +{growth:.1f} MiB ({(r5760 - r360) / 5400:.2f} KiB per extra certificate)")
print(f"=> goal (within 20 MiB): {'met' if growth <= 20 else 'MISSED'}")
print(f"human output (no --json): {h360} KiB for 360, {h5760} KiB for 5,760: +{(h5760 - h360) / 1024:.1f} MiB")
PY
