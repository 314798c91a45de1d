// The test page's script (a file: PassKVM's CSP allows no inline script): noVNC's RFB on PassKVM's VNC WebSocket.
import RFB from './core/rfb.js';
import { supportsWebCodecsH264Decode } from './core/util/browser.js';

window.novncEvents = [];
window.novncH264 = supportsWebCodecsH264Decode;
const rfb = new RFB(document.getElementById('screen'), `wss://${location.host}/api/vnc/ws`);
window.rfb = rfb;
rfb.addEventListener('connect', () => novncEvents.push('connect'));
rfb.addEventListener('disconnect', () => novncEvents.push('disconnect'));
rfb.addEventListener('securityfailure', e => novncEvents.push('securityfailure: ' + e.detail.reason));
rfb.addEventListener('credentialsrequired', () => novncEvents.push('credentialsrequired'));

// Rectangles noVNC decoded, by encoding (50 = Open H.264), counted around its own decoders.
window.novncRects = {};
for (const [encoding, decoder] of Object.entries(rfb._decoders)) {
    const decode = decoder.decodeRect.bind(decoder);
    decoder.decodeRect = (...args) => {
        const done = decode(...args);
        if (done) {
            novncRects[encoding] = (novncRects[encoding] || 0) + 1;
        }
        return done;
    };
}
