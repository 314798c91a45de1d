// The audio player's jitter buffer, on the audio thread. Decoded 20 ms chunks arrive by message; playback starts
// once TARGET samples are buffered, and after an underrun waits for TARGET again (a gap, then steady sound, rather
// than crackle). More than MAX buffered (the network delivered a burst after a stall) drops the oldest: a KVM's
// sound must stay close to its picture, not catch up slowly.
"use strict";

const TARGET = 2880; // 60 ms at 48 kHz
const MAX = 9600; // 200 ms

class PassKVMJitter extends AudioWorkletProcessor {
  constructor() {
    super();
    this.queue = [];
    this.buffered = 0;
    this.playing = false;
    this.underruns = 0;
    this.port.onmessage = (e) => {
      const [left, right] = e.data;
      this.queue.push({ left, right: right || left, at: 0 });
      this.buffered += left.length;
      while (this.buffered > MAX && this.queue.length > 1) {
        const old = this.queue.shift();
        this.buffered -= old.left.length - old.at;
      }
    };
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const n = out[0].length;
    if (!this.playing) {
      if (this.buffered < TARGET) return true; // outputs start zeroed: silence
      this.playing = true;
    }
    let i = 0;
    while (i < n && this.queue.length) {
      const q = this.queue[0];
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
      this.port.postMessage({ underruns: this.underruns });
    }
    return true;
  }
}

registerProcessor("passkvm-jitter", PassKVMJitter);
