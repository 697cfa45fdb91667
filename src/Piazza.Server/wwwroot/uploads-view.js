// Uploads in progress (or failed, until dismissed), in start order, shown above the composer with a progress bar
// and Cancel (Dismiss after a failure). A finished upload is handed on to be shared as a message.
import { el } from './render.js';
import { startUpload, formatSize } from './files.js';

export class UploadsView {
  /**
   * @param {HTMLElement} list the #uploads element
   * @param {object} handlers done(target, file) shares a finished upload; notice(key, text) says something there
   */
  constructor(list, handlers) {
    this.list = list;
    this.handlers = handlers;
    this.uploads = [];
  }

  /** Uploads each file for `target` (where it will be shared, whatever the person opens meanwhile). */
  start(files, target) {
    for (const file of files) {
      const upload = { file, target, sent: 0, phase: 'hashing', note: '', error: null, view: null };
      upload.handle = startUpload(file, {
        onProgress: (sent, total, phase) => {
          upload.sent = sent;
          upload.phase = phase;
          upload.note = '';
          this.paint(upload);
        },
        onRetry: (text) => {
          upload.note = text;
          this.paint(upload);
        },
      });
      this.uploads.push(upload);
      upload.handle.done.then((fileId) => {
        this.remove(upload);
        this.handlers.done(target, { id: fileId, name: file.name, size: file.size, mime: file.type });
      }, (error) => {
        if (error.cancelled) {
          this.remove(upload);
          this.handlers.notice(target.key, `Upload of ${file.name} cancelled.`);
          return;
        }
        upload.error = error.message;
        this.paint(upload);
      });
    }
    this.render();
  }

  /** Stops every upload (a logout). */
  cancelAll() {
    for (const upload of this.uploads) upload.handle.cancel();
    this.uploads = [];
    this.render();
  }

  remove(upload) {
    this.uploads = this.uploads.filter((u) => u !== upload);
    this.render();
  }

  render() {
    this.list.replaceChildren(...this.uploads.map((upload) => {
      const li = el('li', 'upload');
      const name = el('span', 'upload-name', upload.file.name);
      const size = el('span', 'upload-size', formatSize(upload.file.size));
      const bar = el('progress', 'upload-bar');
      bar.max = Math.max(upload.file.size, 1);
      bar.setAttribute('aria-label', `Uploading ${upload.file.name}`);
      const status = el('span', 'upload-status');
      const button = el('button', 'btn small ghost', upload.error ? 'Dismiss' : 'Cancel');
      button.type = 'button';
      button.addEventListener('click', () => (upload.error ? this.remove(upload) : upload.handle.cancel()));
      li.append(name, size, bar, status, button);
      upload.view = { li, bar, status };
      this.paint(upload);
      return li;
    }));
    this.list.hidden = this.uploads.length === 0;
  }

  paint(upload) {
    if (!upload.view) return;
    const { li, bar, status } = upload.view;
    const total = Math.max(upload.file.size, 1);
    const percent = Math.floor((Math.min(upload.sent, total) / total) * 100);
    li.dataset.phase = upload.error ? 'failed' : upload.phase;
    bar.value = upload.phase === 'sending' ? upload.sent : 0;
    if (upload.phase === 'hashing' && !upload.error) bar.removeAttribute('value'); // indeterminate while reading
    status.textContent = upload.error ? `Failed: ${upload.error}`
      : upload.note ? upload.note
        : upload.phase === 'hashing' ? `Preparing… ${percent}%` : `${percent}%`;
  }
}
