// Uploads a file to Piazza with tus-js-client from npm, as an integrator would, WITHOUT the 'sha256' metadata.
// Argument: JSON {endpoint, token, file, uploadUrl?, chunkSize?, abortAfterFirstChunk?}. With abortAfterFirstChunk the
// upload (in PATCHes of chunkSize) is aborted once the server acknowledged the first one, before the next starts: a cut
// at a known point (aborting on a progress event raced a loopback server that had already read the whole body). With
// uploadUrl it resumes that upload (HEAD, then PATCH).
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
  ...(args.chunkSize ? { chunkSize: args.chunkSize } : {}),
  onBeforeRequest(req) {
    if (req.getMethod() === 'PATCH') {
      patchOffsets.push(Number(req.getHeader('Upload-Offset')));
    }
  },
  onAfterResponse(req, res) {
    fileId = res.getHeader('Piazza-File-Id') || fileId;
    expires = res.getHeader('Upload-Expires') || expires;
  },
  onChunkComplete(chunkSize, bytesAccepted) {
    if (args.abortAfterFirstChunk && !aborted) {
      aborted = true;
      upload.abort().then(() => finish({ event: 'aborted', bytesAccepted }));
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
