/**
 * The desk's one script, served as a file at /desk/scan.js (the workspace CSP allows scripts from
 * this origin only, never inline). A progressive enhancement of the lookup page: where the browser
 * has the Shape Detection API's BarcodeDetector reading QR codes and a camera, it shows the camera
 * button; a QR code read fills in the link field and sends the form, exactly as typing the address
 * would. Everywhere else it does nothing and the page works as served. Its words come from the
 * button's data attributes, so the page's language table stays the only one.
 *
 * Kept as text here rather than as a .js file beside the sources: the build compiles TypeScript
 * only, and a string is part of it wherever the API runs. It is small, plain ES2017 and tested in
 * Chromium (test/browser/desk.browser-spec.ts).
 */
export const SCAN_SCRIPT = `'use strict';
(() => {
  const button = document.getElementById('scan');
  const video = document.getElementById('scan-video');
  const status = document.getElementById('scan-status');
  const input = document.getElementById('find-link-link');
  if (!button || !video || !status || !input || !input.form) return;
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  const form = input.form;
  const label = button.textContent;
  let stream = null;
  let timer = null;
  const stop = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (stream !== null) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    button.textContent = label;
  };
  window.BarcodeDetector.getSupportedFormats().then((formats) => {
    if (!formats.includes('qr_code')) return;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    const look = () => {
      if (stream === null) return;
      detector.detect(video).then((codes) => {
        const code = codes.find((candidate) => typeof candidate.rawValue === 'string' && candidate.rawValue !== '');
        if (code === undefined) {
          timer = setTimeout(look, 200);
          return;
        }
        stop();
        input.value = code.rawValue;
        status.textContent = '';
        if (typeof form.requestSubmit === 'function') form.requestSubmit();
        else form.submit();
      }, () => {
        timer = setTimeout(look, 200);
      });
    };
    button.hidden = false;
    button.addEventListener('click', () => {
      if (stream !== null) {
        stop();
        status.textContent = '';
        return;
      }
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
        .then((opened) => {
          stream = opened;
          video.srcObject = opened;
          video.hidden = false;
          button.textContent = button.dataset.stop;
          status.textContent = button.dataset.scanning;
          return video.play().then(look);
        })
        .catch(() => {
          stop();
          status.textContent = button.dataset.failed;
        });
    });
  }, () => undefined);
})();
`;
