// The audio player's playout buffer, on the audio thread. Decoded 20 ms chunks arrive by message, each with `due`:
// the context time at which its first sample should be rendered so that it is heard with the picture of the same
// capture time (audio.js works it out). The chunks play back to back, held to that schedule: a chunk due later
// waits (silence), and when the sound drifts more than DEADBAND from its schedule (smoothed over a few chunks, so the
// jitter of capture times does not make it hop) it skips or waits by the difference in one step: one short glitch
// rather than sound that stays out of step. Without a schedule (due null: no clock estimate yet) it is a plain jitter
// buffer that starts once TARGET samples are in. More than MAX buffered drops the oldest, so the buffer never grows
// without bound, whatever the server's clock does.
"use strict";

const TARGET = 2880; // 60 ms at 48 kHz, only while there is no schedule
const MAX = 48000; // 1 s
const DEADBAND = 0.02; // s of drift tolerated before a correction
const AT_ONCE = 0.1; // s of drift corrected without waiting for the smoothing
const REPORT_EVERY = 0.25; // s

class PassKVMJitter extends AudioWorkletProcessor {
  constructor() {
    super();
    this.queue = [];
    this.buffered = 0;
    this.playing = false;
    this.underruns = 0;
    this.skipped = 0; // samples dropped to catch up with the schedule
    this.waited = 0; // samples of silence inserted to wait for it
    this.hold = 0; // samples of silence still to play
    this.drift = 0; // smoothed lateness of the chunks' starts against their due times, s
    this.late = 0; // the same, smoothed more slowly and never reset: what the page sees
    this.reportedAt = 0;
    this.port.onmessage = (e) => {
      const [left, right] = e.data.planes;
      this.queue.push({ left, right: right || left, at: 0, due: e.data.due, seen: false });
      this.buffered += left.length;
      if (this.buffered > MAX) this.drop(this.buffered - MAX);
    };
  }

  /** Drops n samples from the head of the queue. */
  drop(n) {
    this.skipped += n;
    while (n > 0 && this.queue.length) {
      const q = this.queue[0];
      const take = Math.min(n, q.left.length - q.at);
      q.at += take;
      n -= take;
      this.buffered -= take;
      if (q.at === q.left.length) this.queue.shift();
    }
  }

  /** How late (s) the head sample would be if rendered at context time t; null without a schedule. */
  lateness(t) {
    const q = this.queue[0];
    return q.due == null ? null : t - (q.due + q.at / sampleRate);
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const n = out[0].length;
    let i = 0;
    if (!this.playing) {
      if (!this.queue.length) return this.report();
      const late = this.lateness(currentTime);
      if (late === null) {
        if (this.buffered < TARGET) return this.report(); // outputs start zeroed: silence
      } else if (late < 0) {
        i = Math.round(-late * sampleRate); // starts within this block, or waits for a later one
        if (i >= n) return this.report();
      } else if (late > DEADBAND) {
        this.drop(Math.round(late * sampleRate)); // came after its time (a gap already happened): back on schedule
        if (!this.queue.length) return this.report();
      }
      this.queue[0].seen = true;
      this.drift = 0;
      this.playing = true;
    }
    while (i < n) {
      if (this.hold > 0) {
        const take = Math.min(this.hold, n - i);
        this.hold -= take;
        i += take;
        continue;
      }
      if (!this.queue.length) break;
      const q = this.queue[0];
      if (!q.seen) {
        q.seen = true;
        const late = this.lateness(currentTime + i / sampleRate);
        if (late !== null) {
          this.drift = this.drift * 0.8 + late * 0.2;
          this.late = this.late * 0.9 + late * 0.1;
          const off = Math.abs(late) > AT_ONCE ? late : this.drift;
          if (Math.abs(off) > DEADBAND) {
            const samples = Math.round(Math.abs(off) * sampleRate);
            if (off > 0) this.drop(samples); else { this.hold = samples; this.waited += samples; }
            this.drift = 0;
            continue;
          }
        }
      }
      const take = Math.min(n - i, q.left.length - q.at);
      out[0].set(q.left.subarray(q.at, q.at + take), i);
      if (out[1]) out[1].set(q.right.subarray(q.at, q.at + take), i);
      q.at += take;
      i += take;
      this.buffered -= take;
      if (q.at === q.left.length) this.queue.shift();
    }
    if (i < n) {
      this.playing = false;
      this.underruns++;
    }
    return this.report();
  }

  /** A few times a second: how the playout keeps to its schedule, for the page's stats. */
  report() {
    if (currentTime - this.reportedAt >= REPORT_EVERY) {
      this.reportedAt = currentTime;
      this.port.postMessage({ underruns: this.underruns, lateMs: this.late * 1000, skippedMs: this.skipped / sampleRate * 1000,
        waitedMs: this.waited / sampleRate * 1000, bufferedMs: this.buffered / sampleRate * 1000 });
    }
    return true;
  }
}

registerProcessor("passkvm-jitter", PassKVMJitter);
