#!/usr/bin/env node
// The start-up / idle-RSS baseline: a bare Node TCP server that answers every
// size-prefixed frame with one fixed small response (the request's correlation
// id patched in). Only node:net, nothing from the project, so it measures what
// Node itself costs. Usage: node bench/bare-server.mjs --port <n>
import { createServer } from 'node:net';

const i = process.argv.indexOf('--port');
const port = i >= 0 ? Number(process.argv[i + 1]) : 0;

// size (4) + correlation id (4) + a fixed 56-byte body.
const RESPONSE = Buffer.alloc(64, 0);
RESPONSE.writeInt32BE(RESPONSE.length - 4, 0);

const server = createServer((socket) => {
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 4) {
      const size = buf.readInt32BE(0);
      if (buf.length < 4 + size) break;
      const res = Buffer.from(RESPONSE);
      if (size >= 8) buf.copy(res, 4, 8, 12); // correlation id
      socket.write(res);
      buf = buf.subarray(4 + size);
    }
  });
  socket.on('error', () => {});
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`bare ready on 127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
