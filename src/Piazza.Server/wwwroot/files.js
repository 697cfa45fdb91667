// File sharing on the page: uploads with tus-js-client (vendor/tus.min.js, the tus project's own client, loaded as
// window.tus) to /api/uploads, and downloads from /api/files/{id}. Both need the session token in an Authorization
// header, so files are fetched by script (an <img src> or a plain link could not send it) and shown from blob URLs.
import { Sha256, toHex } from './sha256.js';
import { el } from './render.js';

/** Bytes per PATCH: big enough for loopback speed, small enough that a lost connection costs little. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Waits between retries after a lost connection or a server error; the upload resumes from the server's offset. */
const RETRY_DELAYS = [0, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000];
/** Shown inline (the server serves exactly these as inline too); everything else is a download link. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

let tokenSource = () => null;
/** Object URLs of images already fetched, by file id, so re-rendering a conversation fetches nothing again. */
const thumbnails = new Map();

/** Tells this module where the current session token comes from. */
export function useToken(source) {
  tokenSource = source;
}

/** Forgets fetched images (at logout): their URLs hold the bytes in memory. */
export function forgetFiles() {
  for (const url of thumbnails.values()) url.then((u) => URL.revokeObjectURL(u), () => {});
  thumbnails.clear();
}

export const isImage = (file) => IMAGE_TYPES.has(String(file?.mime ?? '').toLowerCase());

/** A byte count for people: 0 B, 999 B, 1.5 KB, 12.3 MB (powers of 1024, like the terminal client). */
export function formatSize(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Number(bytes) || 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The hex SHA-256 of a File, read a megabyte at a time (the server checks the whole upload against it). */
async function hashFile(file, onProgress, isCancelled) {
  const hash = new Sha256();
  const step = 1024 * 1024;
  for (let at = 0; at < file.size; at += step) {
    if (isCancelled()) return null;
    hash.update(new Uint8Array(await file.slice(at, at + step).arrayBuffer()));
    onProgress(Math.min(at + step, file.size));
  }
  return toHex(hash.digest());
}

/**
 * Starts uploading a File. Returns { done, cancel }: `done` resolves with the file id to share, or rejects with an
 * Error whose message is for people (`cancelled` is set when cancel() stopped it). `onProgress(sent, total, phase)`
 * reports 'hashing' then 'sending'; `onRetry(text)` says why it is waiting.
 */
export function startUpload(file, { onProgress = () => {}, onRetry = () => {} } = {}) {
  let upload = null;
  let cancelled = false;
  let fail = null;
  const done = new Promise((resolve, reject) => {
    fail = reject;
    const token = tokenSource();
    if (!token) {
      reject(new Error('Guests cannot share files: log in or register an account.'));
      return;
    }
    hashFile(file, (n) => onProgress(n, file.size, 'hashing'), () => cancelled).then((sha256) => {
      if (cancelled || sha256 === null) return;
      let fileId = null;
      const metadata = { filename: file.name || 'file', sha256 };
      if (file.type) metadata.filetype = file.type;
      upload = new window.tus.Upload(file, {
        endpoint: new URL('api/uploads', document.baseURI).href,
        headers: { Authorization: `Bearer ${token}` },
        metadata,
        chunkSize: CHUNK_BYTES,
        retryDelays: RETRY_DELAYS,
        // Each page load starts afresh: a resumed upload from another session would need that session's token.
        storeFingerprintForResuming: false,
        onProgress: (sent, total) => onProgress(sent, total, 'sending'),
        onShouldRetry: (error, attempt) => {
          const status = error.originalResponse ? error.originalResponse.getStatus() : 0;
          // Network loss, tus conflicts (offset, locked, checksum) and server trouble other than a full disk.
          const retry = !cancelled && (status === 0 || status === 409 || status === 423 || status === 460 || (status >= 500 && status !== 501 && status !== 507));
          if (retry) onRetry(`${status === 0 ? 'connection lost' : `server answered ${status}`}; retrying (${attempt + 1})…`);
          return retry;
        },
        onAfterResponse: (request, response) => {
          fileId = response.getHeader('Piazza-File-Id') || fileId;
        },
        onSuccess: () => {
          if (fileId) resolve(fileId);
          else reject(new Error('the server finished the upload but sent no file id'));
        },
        onError: (error) => reject(new Error(describeError(error))),
      });
      upload.start();
    }, (error) => reject(new Error(`cannot read ${file.name}: ${error.message}`)));
  });
  return {
    done,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      // abort(true) also terminates the upload on the server (tus DELETE), so no partial data stays behind.
      upload?.abort(true).catch(() => {});
      const error = new Error('cancelled');
      error.cancelled = true;
      fail(error);
    },
  };
}

/** The API's message ({"code","message"}) when the server sent one, else what tus-js-client says. */
function describeError(error) {
  const response = error?.originalResponse;
  if (response) {
    try {
      const body = JSON.parse(response.getBody());
      if (body && typeof body.message === 'string') return body.message;
    } catch { /* not JSON */ }
    const status = response.getStatus();
    if (status === 413) return 'the file is too large for this server';
    if (status === 401) return 'your session has expired: log in again';
    return `the server answered ${status}`;
  }
  return 'the connection was lost and did not come back';
}

/** Fetches a file with the token; `onProgress(received, total)` as the bytes arrive. Resolves with a Blob. */
export async function fetchFile(file, onProgress = () => {}) {
  const token = tokenSource();
  if (!token) throw new Error('log in to open files (guests have no access)');
  const response = await fetch(`api/files/${encodeURIComponent(file.id)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    let message = `the server answered ${response.status}`;
    try {
      message = (await response.json()).message ?? message;
    } catch { /* not JSON */ }
    throw new Error(message);
  }
  const total = Number(response.headers.get('Content-Length')) || file.size || 0;
  const reader = response.body.getReader();
  const parts = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    onProgress(received, total);
  }
  return new Blob(parts, { type: file.mime || response.headers.get('Content-Type') || 'application/octet-stream' });
}

/** Saves a file to the user's downloads, under its shared name. */
export async function saveFile(file, onProgress) {
  const blob = await fetchFile(file, onProgress);
  const url = URL.createObjectURL(blob);
  const a = el('a');
  a.href = url;
  a.download = file.name || 'download';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has started the download from the URL; give it a moment before freeing the bytes.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function thumbnailUrl(file) {
  let url = thumbnails.get(file.id);
  if (!url) {
    url = fetchFile(file).then((blob) => URL.createObjectURL(blob));
    url.catch(() => thumbnails.delete(file.id)); // try again at the next render
    thumbnails.set(file.id, url);
  }
  return url;
}

const SVG = 'http://www.w3.org/2000/svg';
/** A document (or picture) outline drawn as SVG: emoji fonts are not everywhere (headless browsers, old phones). */
function fileIcon(picture) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('class', 'file-icon');
  svg.setAttribute('aria-hidden', 'true');
  const shapes = picture
    ? ['M4 5h16v14H4z', 'M4 16l5-5 4 4 3-3 4 4', 'M15.5 9.5a1.5 1.5 0 1 0 0-.01']
    : ['M6 2h8l5 5v15H6z', 'M14 2v5h5', 'M9 13h7M9 17h7'];
  for (const d of shapes) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '1.8');
    path.setAttribute('stroke-linejoin', 'round');
    path.setAttribute('stroke-linecap', 'round');
    svg.append(path);
  }
  return svg;
}

/** The file part of a message: an image thumbnail (click opens it) or a download card, both with name and size. */
export function renderFile(file) {
  const box = el('div', 'msg-file');
  box.dataset.fileId = file.id;
  const name = file.name || 'file';
  if (isImage(file)) {
    const open = el('button', 'file-thumb');
    open.type = 'button';
    open.setAttribute('aria-label', `Open image ${name}`);
    const img = el('img');
    img.alt = name;
    open.append(img);
    thumbnailUrl(file).then((url) => { img.src = url; }, (error) => {
      open.replaceChildren(el('span', 'file-error', `image not available: ${error.message}`));
    });
    open.addEventListener('click', () => thumbnailUrl(file).then((url) => window.open(url, '_blank', 'noopener')));
    box.append(open);
  }
  const card = el('button', 'file-card');
  card.type = 'button';
  card.title = `Download ${name}`;
  const icon = fileIcon(isImage(file));
  const label = el('span', 'file-name', name);
  const size = el('span', 'file-size', formatSize(file.size));
  card.append(icon, label, size);
  card.addEventListener('click', () => {
    if (card.disabled) return;
    card.disabled = true;
    saveFile(file, (got, total) => {
      size.textContent = total > 0 ? `${Math.floor((got / total) * 100)}%` : formatSize(got);
    }).then(() => {
      size.textContent = formatSize(file.size);
    }, (error) => {
      size.textContent = `failed: ${error.message}`;
    }).finally(() => { card.disabled = false; });
  });
  box.append(card);
  return box;
}
