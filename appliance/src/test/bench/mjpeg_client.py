#!/usr/bin/env python3
"""Reads an MJPEG stream for N seconds and prints capture-to-last-byte latency (from each part's
X-Timestamp, CLOCK_MONOTONIC seconds, which both ustreamer and PassKVM send) and the server
process's CPU time per frame received. Usage: mjpeg_client.py URL USER:PASS|- PID SECONDS LABEL"""
import base64, os, socket, ssl, sys, time
from urllib.parse import urlparse

url, cred, pid, seconds, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
u = urlparse(url)
sock = socket.create_connection((u.hostname, u.port))
if u.scheme == "https":
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    sock = ctx.wrap_socket(sock)
auth = "" if cred == "-" else "Authorization: Basic " + base64.b64encode(cred.encode()).decode() + "\r\n"
sock.sendall(f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}\r\nAccept: */*\r\n{auth}\r\n".encode())
f = sock.makefile("rb", buffering=1 << 20)

def cpu_ticks():
    with open(f"/proc/{pid}/stat") as s:
        fields = s.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime

hz = os.sysconf("SC_CLK_TCK")
lat, frames, start, cpu0 = [], 0, None, None
warmup_until = time.monotonic() + 3
length, stamp = None, None
while True:
    line = f.readline()
    if not line:
        break
    line = line.strip()
    low = line.lower()
    if low.startswith(b"content-length:"):
        length = int(line.split(b":", 1)[1])
    elif low.startswith(b"x-timestamp:"):
        stamp = float(line.split(b":", 1)[1])
    elif not line and length is not None:
        f.read(length)
        now = time.monotonic()
        if now >= warmup_until:
            if start is None:
                start, cpu0 = now, cpu_ticks()
            else:
                frames += 1
                if stamp is not None:
                    lat.append((now - stamp) * 1000)
            if now - start >= seconds:
                break
        length, stamp = None, None
elapsed = time.monotonic() - start
cpu = (cpu_ticks() - cpu0) / hz
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, max(0, int(round(p / 100 * len(lat))) - 1))] if lat else float("nan")
print(f"RESULT {label} frames={frames} fps={frames / elapsed:.1f} cpu_ms_per_frame={cpu * 1000 / max(frames, 1):.2f} "
      f"latency_p50_ms={pct(50):.1f} latency_p99_ms={pct(99):.1f}", flush=True)
