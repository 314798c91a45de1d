#!/bin/bash
# Runs inside the test VM (see BENCHMARKS.md): PassKVM and Debian's ustreamer, one after the other, on the same
# vivid HDMI input (1280x720 YUYV, JPEG quality 80, one encoding thread each), each read by the same client.
# Usage: vivid-vs-ustreamer.sh CLASSPATH [SECONDS]
set -u
CP=$1
SECS=${2:-20}
HERE=$(dirname "$0")
v4l2-ctl -d /dev/video0 -i 3 >/dev/null
export PASSKVM_ADMIN_PASSWORD=bench-password-1
mkdir -p /tmp/pk
cat > /tmp/pk/passkvm.yaml <<YAML
video:
  source: v4l2
  device: /dev/video0
  input: 3
  input_format: yuyv422
  quality: 80
  jpeg_threads: 1
  h264:
    encoder: 'off'
YAML
for round in 1 2; do
  java -Xmx128m -XX:+UseSerialGC -cp "$CP" org.passkvm.appliance.Main --config /tmp/pk/passkvm.yaml --data-dir /tmp/pk/data \
    --port 8443 --ipmi-port 0 --http-port 0 --bind 127.0.0.1 > /tmp/pk/log.txt 2>&1 &
  PID=$!
  for i in $(seq 1 240); do
    curl -sk -o /dev/null https://127.0.0.1:8443/api/health && break
    sleep 1
  done
  python3 "$HERE/mjpeg_client.py" https://127.0.0.1:8443/api/video/stream.mjpeg admin:bench-password-1 $PID "$SECS" "passkvm_r$round"
  kill $PID; wait $PID 2>/dev/null

  ustreamer -d /dev/video0 -i 3 -m YUYV -r 1280x720 -q 80 -w 1 -t -s 127.0.0.1 -p 8081 > /tmp/pk/ustreamer.txt 2>&1 &
  PID=$!
  for i in $(seq 1 60); do
    curl -s -o /dev/null http://127.0.0.1:8081/state && break
    sleep 0.5
  done
  python3 "$HERE/mjpeg_client.py" http://127.0.0.1:8081/stream - $PID "$SECS" "ustreamer_r$round"
  kill $PID; wait $PID 2>/dev/null
done
tail -5 /tmp/pk/log.txt
