#!/usr/bin/env python3
"""Reads an MJPEG stream and measures what a viewer gets from the server, the same way for any server.

1. For SECONDS after a warm-up: frames per second and the server process's CPU time per frame received
   (utime + stime from /proc; with --thread, one thread's alone as well). When the server's X-Timestamp is
   the capture time on CLOCK_MONOTONIC (PassKVM), capture -> last byte latency from it, too.
2. With --steps N --device /dev/videoN (vivid): step latency, which needs nothing from the server. The
   client flips vivid's test pattern through the control ioctl and times, on CLOCK_MONOTONIC, from just
   before the flip to the last byte of the first part whose JPEG differs from the steady picture before
   it. That is capture -> last byte plus the wait for vivid's next frame (half a frame period on average,
   the same for every server); it works for servers whose headers carry no capture time (ustreamer 4.9).
   vivid's on-screen text must be off (osd_text_mode=2) so that an unchanged picture encodes to the same bytes.

Usage: mjpeg_client.py URL USER:PASS|- PID[,PID...] SECONDS LABEL [--warmup S] [--thread NAME] [--steps N --device DEV]
"""
import argparse, base64, fcntl, hashlib, math, os, random, re, socket, ssl, struct, subprocess, sys, time
from urllib.parse import urlparse

p = argparse.ArgumentParser()
p.add_argument("url")
p.add_argument("cred")
p.add_argument("pids", help="server process ids whose CPU time is summed, comma-separated")
p.add_argument("seconds", type=float)
p.add_argument("label")
p.add_argument("--warmup", type=float, default=3)
p.add_argument("--windows", type=int, default=1,
               help="measure this many windows of SECONDS back to back (the JIT's settling shows window by window)")
p.add_argument("--thread", help="name of a server thread whose CPU time is reported on its own")
p.add_argument("--steps", type=int, default=0)
p.add_argument("--device", default="/dev/video0")
p.add_argument("--patterns", default="0,4", help="the two vivid test patterns to flip between")
args = p.parse_args()

u = urlparse(args.url)
sock = socket.create_connection((u.hostname, u.port))
if u.scheme == "https":
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    sock = ctx.wrap_socket(sock)
auth = "" if args.cred == "-" else "Authorization: Basic " + base64.b64encode(args.cred.encode()).decode() + "\r\n"
sock.sendall(f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}\r\nAccept: */*\r\n{auth}\r\n".encode())
f = sock.makefile("rb", buffering=1 << 20)


def parts():
    """Yields (monotonic time of the part's last byte, X-Timestamp or None, JPEG bytes)."""
    length, stamp = None, None
    while True:
        line = f.readline()
        if not line:
            return
        line = line.strip()
        low = line.lower()
        if low.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
        elif low.startswith(b"x-timestamp:"):
            stamp = float(line.split(b":", 1)[1])
        elif not line and length is not None:
            data = f.read(length)
            yield time.monotonic(), stamp, data
            length, stamp = None, None


def ticks(path):
    with open(path) as s:
        fields = s.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def thread_ticks():
    if not args.thread:
        return 0
    for tid in os.listdir(f"/proc/{pids[0]}/task"):
        with open(f"/proc/{pids[0]}/task/{tid}/comm") as c:
            if c.read().strip() == args.thread:
                return ticks(f"/proc/{pids[0]}/task/{tid}/stat")
    return 0


# Where the server's CPU goes, by thread name (issue 23): the first PID's threads, grouped. A thread that ends inside
# the window takes its ticks with it; they show as "exited" (the process total minus the threads seen at both ends).
THREAD_GROUPS = [("capture", re.compile(r"video-capture")), ("encode", re.compile(r"jpeg|h264|encode")),
                 ("jetty_tls", re.compile(r"qtp|Jetty|Scheduler|Connector|HttpClient|WebSocket")),
                 ("jit", re.compile(r"C[12] CompilerThre|Compiler")), ("gc_vm", re.compile(r"VM Thread|GC Thread|VM Periodic|Service Thread|Sweeper|Finalizer|Reference Handl|Signal Disp|Common-Cleaner"))]


def threads_ticks():
    out = {}
    for tid in os.listdir(f"/proc/{pids[0]}/task"):
        try:
            with open(f"/proc/{pids[0]}/task/{tid}/comm") as c:
                name = c.read().strip()
            out[tid] = (name, ticks(f"/proc/{pids[0]}/task/{tid}/stat"))
        except OSError:
            pass  # ended while listed
    return out


def thread_table(before, after, process_delta, frames):
    groups = {g: 0 for g, _ in THREAD_GROUPS}
    groups["other"] = 0
    names = {}
    seen = 0
    for tid, (name, t1) in after.items():
        d = t1 - before.get(tid, (name, 0))[1]
        seen += d
        group = next((g for g, rx in THREAD_GROUPS if rx.search(name)), "other")
        groups[group] += d
        if d:
            names[name] = names.get(name, 0) + d
    groups["exited"] = max(0, process_delta - seen)
    per = lambda t: t * 1000 / hz / max(frames, 1)
    top = sorted(names.items(), key=lambda kv: -kv[1])[:8]
    return (" ".join(f"{g}={per(t):.2f}" for g, t in groups.items())
            + " | busiest: " + ", ".join(f"{n}={per(t):.2f}" for n, t in top))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))] if values else float("nan")


stream = parts()
pids = [int(x) for x in args.pids.split(",")]
process_ticks = lambda: sum(ticks(f"/proc/{pid}/stat") for pid in pids)
hz = os.sysconf("SC_CLK_TCK")
warmup_until = time.monotonic() + args.warmup


def window(label):
    """Counts frames and the server's CPU over one window of args.seconds; prints its RESULT and THREADS lines."""
    lat, frames, start = [], 0, None
    for now, stamp, _ in stream:
        if now < warmup_until:
            continue
        if start is None:
            start, cpu0, thread0, threads0 = now, process_ticks(), thread_ticks(), threads_ticks()
            first0 = ticks(f"/proc/{pids[0]}/stat")
            continue
        frames += 1
        if stamp is not None and stamp < 1e9:  # CLOCK_MONOTONIC capture time; ustreamer 4.9 sends the wall-clock send time
            lat.append((now - stamp) * 1000)
        if now - start >= args.seconds:
            break
    elapsed = time.monotonic() - start
    threads1 = threads_ticks()
    cpu = (process_ticks() - cpu0) / hz
    thread_cpu = (thread_ticks() - thread0) / hz
    print(f"RESULT {label} frames={frames} fps={frames / elapsed:.1f} cpu_ms_per_frame={cpu * 1000 / max(frames, 1):.2f}"
          + (f" capture_latency_p50_ms={pct(lat, 50):.1f} capture_latency_p99_ms={pct(lat, 99):.1f}" if lat else "")
          + (f" {args.thread}_cpu_ms_per_frame={thread_cpu * 1000 / max(frames, 1):.2f}" if args.thread else ""), flush=True)
    print(f"THREADS {label} cpu ms per frame by thread group: "
          + thread_table(threads0, threads1, ticks(f"/proc/{pids[0]}/stat") - first0, frames), flush=True)


streamed_from = time.monotonic()
for w in range(args.windows):
    at = time.monotonic() - streamed_from
    window(args.label if args.windows == 1 else f"{args.label}_w{w + 1}@{at:.0f}s")

if args.steps:
    VIDIOC_S_CTRL = 0xC008561C  # _IOWR('V', 28, struct v4l2_control)
    listing = subprocess.run(["v4l2-ctl", "-d", args.device, "-L"], capture_output=True, text=True, check=True).stdout
    control = next(int(l.split()[1], 16) for l in listing.splitlines() if l.split()[:1] == ["test_pattern"])
    dev = os.open(args.device, os.O_RDWR)
    patterns = [int(x) for x in args.patterns.split(",")]

    def flip(pattern):
        t = time.monotonic()
        fcntl.ioctl(dev, VIDIOC_S_CTRL, struct.pack("Ii", control, pattern))
        return t

    def settle(pattern):
        """Shows the pattern until three parts in a row are the same JPEG; returns its digest."""
        flip(pattern)
        last, same, deadline = None, 0, time.monotonic() + 60
        for now, _, data in stream:
            digest = hashlib.sha1(data).digest()
            same = same + 1 if digest == last else 0
            last = digest
            if same >= 2:
                return digest
            if now > deadline:
                sys.exit(f"{args.label}: the picture never settled (is vivid's osd_text_mode 2?)")
        sys.exit(f"{args.label}: the stream ended")

    steady = settle(patterns[0])
    step_lat, shown = [], 0
    for i in range(args.steps):
        shown = 1 - shown
        flipped = flip(patterns[shown])
        for now, _, data in stream:
            digest = hashlib.sha1(data).digest()
            if digest != steady:
                step_lat.append((now - flipped) * 1000)
                break
        # wait a random while, so flips fall anywhere in vivid's frame period, and until the new picture is steady
        rest, last = time.monotonic() + random.uniform(0.2, 0.6), digest
        for now, _, data in stream:
            steady = hashlib.sha1(data).digest()
            if now >= rest and steady == last:
                break
            last = steady
    os.close(dev)
    print(f"RESULT {args.label} steps={len(step_lat)} step_latency_p50_ms={pct(step_lat, 50):.1f} "
          f"step_latency_p90_ms={pct(step_lat, 90):.1f} step_latency_max_ms={max(step_lat):.1f} "
          f"step_latency_mean_ms={sum(step_lat) / len(step_lat):.1f}", flush=True)
