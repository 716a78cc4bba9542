#!/usr/bin/env bash
# Side-by-side wall time and peak memory of `certtrust check --json` and `openssl storeutl -noout -text -certs`
# on Debian's CA bundle concatenated 20 times (2,880 real roots), plus peak memory at 144, 1,440 and 2,880
# certificates to show how memory grows.
#
#   tests/CertTrustBot.Benchmarks/compare-openssl.sh            # publish the CLI, then measure
#   RUNS=20 tests/CertTrustBot.Benchmarks/compare-openssl.sh    # more runs
#   CERTTRUST=/path/to/published/certtrust tests/...            # measure an already published CLI
#   NO_HYPERFINE=1 tests/...                                    # time with the /usr/bin/time loop instead
#   DISTINCT=1 tests/...                                        # also 2,880 distinct certificates (no repeats)
#
# The CLI is published in Release (`dotnet publish -c Release`) and its apphost is run directly, so neither a
# build nor `dotnet run` is measured. Both tools write to /dev/null. Timing uses hyperfine when installed
# (`apt-get install -y hyperfine`), else a bash loop around /usr/bin/time; peak memory always uses /usr/bin/time.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
runs=${RUNS:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/certtrust-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

[[ -r $bundle ]] || { echo "CA bundle not found: $bundle (set CA_BUNDLE)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }

if [[ -n ${CERTTRUST:-} ]]; then
    certtrust=$CERTTRUST
else
    echo "Publishing the CLI (Release) ..." >&2
    dotnet publish "$repo/src/CertTrustBot.Cli" -c Release -o "$work/publish" --nologo -v quiet >&2
    certtrust=$work/publish/certtrust
fi

per_copy=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$bundle")
for copies in 1 10 20; do
    for ((i = 0; i < copies; i++)); do cat "$bundle"; done > "$work/roots-x$copies.pem"
done
big=$work/roots-x20.pem
count=$((per_copy * 20))

# Both tools must really read every certificate, or the comparison means nothing.
"$certtrust" check --json "$big" > "$work/certtrust.json" || true
seen=$(python3 -c 'import json,sys; print(sum(len(f["certificates"]) for f in json.load(open(sys.argv[1]))["files"]))' "$work/certtrust.json")
openssl_seen=$(openssl storeutl -noout -text -certs "$big" 2>/dev/null | grep -c '^ *Certificate:$' || true)
echo "File: $count certificates ($(du -k "$big" | cut -f1) KiB), Debian's bundle x20."
echo "certtrust reported $seen certificates; openssl printed $openssl_seen."
[[ $seen == "$count" ]] || { echo "certtrust did not report every certificate" >&2; exit 1; }

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
            -n openssl "${openssl_cmd[*]}" >&2
        python3 - "$work/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
c, o = results["certtrust"], results["openssl"]
for name, r in (("certtrust check --json", c), ("openssl storeutl -text", o)):
    print(f"{name:24} mean {r['mean']*1000:8.1f} ms ± {r['stddev']*1000:6.1f}   median {r['median']*1000:8.1f} ms"
          f"   min {r['min']*1000:8.1f} ms   user {r['user']*1000:7.1f} ms   sys {r['system']*1000:6.1f} ms")
print(f"ratio certtrust/openssl  mean {c['mean']/o['mean']:.2f}   median {c['median']/o['median']:.2f}   min {c['min']/o['min']:.2f}")
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

compare "$big" "Debian's bundle x20 ($count certificates, $per_copy distinct)"

if [[ -n ${DISTINCT:-} ]]; then
    # Debian x20 repeats each root 20 times, and the engine checks a repeated certificate once. 2,880 distinct
    # certificates show the cost per certificate without that help. openssl makes them: 1 to 3 minutes.
    echo "Generating $count distinct ECDSA P-256 roots with openssl ..." >&2
    for ((i = 1; i <= count; i++)); do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
            -subj "/CN=Distinct Root $i/O=certtrust comparison" -days 3650 \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    done > "$work/distinct.pem"
    compare "$work/distinct.pem" "$count distinct self-signed ECDSA P-256 roots"
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
for copies in 1 10 20; do
    file=$work/roots-x$copies.pem
    n=$((per_copy * copies))
    c=$(rss "$certtrust" check --json "$file")
    o=$(rss openssl storeutl -noout -text -certs "$file")
    ct=$(measure '%e' "$certtrust" check --json "$file")
    ot=$(measure '%e' openssl storeutl -noout -text -certs "$file")
    certtrust_rss[$copies]=$c
    printf '%8d %16d %16d %14s %14s\n' "$n" "$c" "$o" "$ct" "$ot"
done
python3 - "$per_copy" "${certtrust_rss[1]}" "${certtrust_rss[10]}" "${certtrust_rss[20]}" <<'PY'
import sys
per, r1, r10, r20 = (int(x) for x in sys.argv[1:])
n1, n10, n20 = per, per * 10, per * 20
a = (r10 - r1) / (n10 - n1)
b = (r20 - r10) / (n20 - n10)
print(f"certtrust memory per extra certificate: {a:.1f} KiB from {n1} to {n10}, {b:.1f} KiB from {n10} to {n20}")
verdict = "linear or better" if b <= a * 1.25 + 1 else "GROWS FASTER THAN LINEAR"
print(f"=> {verdict}")
PY
