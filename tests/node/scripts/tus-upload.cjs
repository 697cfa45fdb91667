// Uploads a file to Piazza with tus-js-client from npm, as an integrator would, WITHOUT the 'sha256' metadata.
// Argument: JSON {endpoint, token, file, uploadUrl?, abortAtBytes?}. With abortAtBytes the upload (one PATCH) is
// aborted mid-body once that many bytes were sent; with uploadUrl it resumes that upload (HEAD, then PATCH).
// Prints one JSON line: {event: "aborted"|"success"|"error", url, fileId, patchOffsets, expires, message}.
'use strict';
const fs = require('node:fs');
const tus = require('tus-js-client');

const args = JSON.parse(process.argv[2]);
const data = fs.readFileSync(args.file);
const patchOffsets = [];
let fileId = null;
let expires = null;
let aborted = false;

function finish(result) {
  process.stdout.write(JSON.stringify({ url: upload.url, fileId, patchOffsets, expires, ...result }) + '\n');
  process.exit(0);
}

const upload = new tus.Upload(data, {
  endpoint: args.endpoint,
  uploadUrl: args.uploadUrl ?? null,
  headers: { Authorization: `Bearer ${args.token}` },
  metadata: { filename: 'from-tus-js-client.bin', filetype: 'application/octet-stream' },
  retryDelays: [],
  onBeforeRequest(req) {
    if (req.getMethod() === 'PATCH') {
      patchOffsets.push(Number(req.getHeader('Upload-Offset')));
    }
  },
  onAfterResponse(req, res) {
    fileId = res.getHeader('Piazza-File-Id') || fileId;
    expires = res.getHeader('Upload-Expires') || expires;
  },
  onProgress(bytesSent) {
    if (args.abortAtBytes && !aborted && bytesSent >= args.abortAtBytes) {
      aborted = true;
      upload.abort().then(() => finish({ event: 'aborted', bytesSent }));
    }
  },
  onSuccess() {
    finish({ event: 'success' });
  },
  onError(error) {
    finish({ event: 'error', message: String(error) });
  },
});
upload.start();
