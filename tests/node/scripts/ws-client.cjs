// A WebSocket client from npm ('ws'), which reports close codes and ping frames as they are on the wire.
// Argument: JSON {url, send: [{text}|{binary}], autoPong}. Sends the messages in order, then waits for the server to
// close. Prints one JSON line: {code, reason, pings, frames: [types of the text frames received]}.
'use strict';
const WebSocket = require('ws');

const args = JSON.parse(process.argv[2]);
const socket = new WebSocket(args.url, { autoPong: args.autoPong ?? true });
let pings = 0;
const frames = [];
socket.on('ping', () => { pings++; });
socket.on('message', (data, isBinary) => {
  frames.push(isBinary ? 'binary' : JSON.parse(data.toString()).type);
});
socket.on('open', () => {
  for (const message of args.send ?? []) {
    socket.send(message.binary !== undefined ? Buffer.from(message.binary) : message.text, { binary: message.binary !== undefined });
  }
});
socket.on('close', (code, reason) => {
  process.stdout.write(JSON.stringify({ code, reason: reason.toString(), pings, frames }) + '\n');
  process.exit(0);
});
socket.on('error', (error) => {
  process.stdout.write(JSON.stringify({ error: String(error) }) + '\n');
  process.exit(1);
});
