/**
 * Sound from the target: PCM from its HDMI capture's ALSA device (or the simulated target's key tones), encoded to
 * Opus in 20 ms frames and fanned out to the consoles listening on the audio WebSocket, only while someone listens.
 */
package org.passkvm.audio;
