#!/bin/bash
# Runs inside the test VM (see BENCHMARKS.md): PassKVM and Debian's ustreamer, one after the other, on the same
# vivid HDMI input (1280x720 YUYV, JPEG quality 80, one encoding thread each), each read by the same client
# (mjpeg_client.py): fps and CPU per frame over a window, then step latency by flipping vivid's test pattern.
# ustreamer is measured twice: as it serves (plain HTTP) and behind socat's TLS, since PassKVM only serves HTTPS
# (PiKVM puts nginx's TLS in front of ustreamer); the second sums ustreamer's and socat's CPU.
# Usage: vivid-vs-ustreamer.sh CLASSPATH [SECONDS] [ROUNDS] [WARMUP_SECONDS] [STEPS] [WINDOWS]
# WINDOWS: that many measuring windows of SECONDS back to back after the warm-up, each with its own figures: with
# WARMUP_SECONDS 0 the first is "within SECONDS of start" and the last shows the JIT settled (issue 23).
set -u
CP=$1
SECS=${2:-20}
ROUNDS=${3:-1}
WARMUP=${4:-20}  # seconds of streaming before measuring: the JVM compiles its hot paths first
STEPS=${5:-30}
WINDOWS=${6:-1}
HERE=$(dirname "$0")
DEV=/dev/video0
v4l2-ctl -d $DEV -i 3 >/dev/null
# no on-screen counters: an unchanged picture must encode to the same bytes for the step latency
v4l2-ctl -d $DEV -c osd_text_mode=2 -c test_pattern=0
export PASSKVM_ADMIN_PASSWORD=bench-password-1
mkdir -p /tmp/pk
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=bench \
  -keyout /tmp/pk/tls.pem -out /tmp/pk/tls.crt 2>/dev/null && cat /tmp/pk/tls.crt >> /tmp/pk/tls.pem
cat > /tmp/pk/passkvm.yaml <<YAML
hid:
  output: demo
video:
  source: v4l2
  device: $DEV
  input: 3
  input_format: yuyv422
  quality: 80
  jpeg_threads: 1
  h264:
    encoder: 'off'
YAML
measure() {  # URL CRED PIDS LABEL [--thread NAME]
  python3 "$HERE/mjpeg_client.py" "$1" "$2" "$3" "$SECS" "$4" --warmup "$WARMUP" --windows "$WINDOWS" --steps "$STEPS" --device $DEV "${@:5}"
}
start_ustreamer() {
  ustreamer -d $DEV -i 3 -m YUYV -r 1280x720 -q 80 -w 1 -t -s 127.0.0.1 -p 8081 > /tmp/pk/ustreamer.txt 2>&1 &
  USTREAMER=$!
  for i in $(seq 1 60); do
    curl -s -o /dev/null http://127.0.0.1:8081/state && break
    sleep 0.5
  done
}
for round in $(seq 1 "$ROUNDS"); do
  echo "$(date +%T) round $round: PassKVM starting"
  # The image's JVM flags (passkvm.service): without -XX:-UsePerfData the JVM samples its counters every 50 ms,
  # which cost 11 ms per frame ("VM Periodic Task" thread) under emulation in issue 23's accounting.
  java -XX:+UseSerialGC -Xms32m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k \
    -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=128m -XX:-UsePerfData -cp "$CP" org.passkvm.appliance.Main --config /tmp/pk/passkvm.yaml --data-dir /tmp/pk/data \
    --port 8443 --ipmi-port 0 --http-port 0 --bind 127.0.0.1 > /tmp/pk/log.txt 2>&1 &
  PID=$!
  for i in $(seq 1 600); do
    curl -sk -o /dev/null https://127.0.0.1:8443/api/health && break
    kill -0 $PID 2>/dev/null || { echo "PassKVM exited:"; tail -20 /tmp/pk/log.txt; exit 1; }
    sleep 1
  done
  echo "$(date +%T) PassKVM up"
  measure https://127.0.0.1:8443/api/video/stream.mjpeg admin:bench-password-1 $PID "passkvm_r$round" --thread video-capture
  kill $PID; wait $PID 2>/dev/null
  v4l2-ctl -d $DEV -c test_pattern=0

  echo "$(date +%T) ustreamer starting"
  start_ustreamer
  measure http://127.0.0.1:8081/stream - $USTREAMER "ustreamer_r$round"
  kill $USTREAMER; wait $USTREAMER 2>/dev/null
  v4l2-ctl -d $DEV -c test_pattern=0

  echo "$(date +%T) ustreamer behind socat TLS starting"
  start_ustreamer
  socat OPENSSL-LISTEN:8444,bind=127.0.0.1,reuseaddr,cert=/tmp/pk/tls.pem,verify=0 TCP:127.0.0.1:8081 &
  SOCAT=$!
  sleep 1
  measure https://127.0.0.1:8444/stream - $USTREAMER,$SOCAT "ustreamer_tls_r$round"
  kill $SOCAT $USTREAMER; wait $SOCAT $USTREAMER 2>/dev/null
  v4l2-ctl -d $DEV -c test_pattern=0
done
tail -5 /tmp/pk/log.txt
tail -5 /tmp/pk/ustreamer.txt
