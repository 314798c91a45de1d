#!/bin/bash
# Start-up time, side by side: `java` → first 200 from /api/health, with the image's JVM flags, alternating a run
# without and a run with the class-data sharing archive, ROUNDS times each, each stopped once it answered. All runs
# share one data directory made by a first start that is not counted (certificate and admin password are made
# once per device), so this is the time of every later boot.
#
#   appliance/src/test/bench/startup.sh JAR ARCHIVE [ROUNDS]
set -eu
jar=$1; archive=$2; rounds=${3:-5}
flags=(-XX:+UseSerialGC -Xmx256m -Xss512k -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
: > "$work/empty.yaml"
one() { # $1 = label, rest = extra flags; prints ms
    local label=$1; shift
    local t0; t0=$(date +%s%N)
    java "${flags[@]}" "$@" -jar "$jar" --config "$work/empty.yaml" --data-dir "$work/data" --port 18444 \
        --ipmi-port 0 --http-port 0 --bind 127.0.0.1 > "$work/$label.log" 2>&1 &
    local pid=$!
    until curl -sfk -o /dev/null https://127.0.0.1:18444/api/health; do
        kill -0 $pid 2>/dev/null || { cat "$work/$label.log" >&2; exit 1; }
        sleep 0.01
    done
    local t1; t1=$(date +%s%N)
    local rss; rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
    local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' /proc/$pid/stat)
    kill -TERM $pid; wait $pid || true
    echo "$label $(( (t1 - t0) / 1000000 )) ms cpu $cpu ms (RSS $rss MB, load $(cut -d' ' -f1 /proc/loadavg))"
}
one first-start > /dev/null
for r in $(seq "$rounds"); do
    one plain
    one cds -XX:SharedArchiveFile="$archive"
done | tee "$work/all"
for l in plain cds; do
    for f in 2 5; do
        grep "^$l " "$work/all" | awk -v f=$f '{print $f}' | sort -n | awk -v l=$l -v w=$([ $f = 2 ] && echo wall || echo cpu) \
            '{a[NR]=$1} END {print l" "w": median " a[int((NR+1)/2)] " ms, min " a[1] ", max " a[NR] " ms, " NR " runs"}'
    done
done
