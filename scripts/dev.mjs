#!/usr/bin/env node
// `npm run dev`: the API server with tsx watch on PORT (8080) and Vite with hot reload on 5173,
// which proxies /api and /socket.io to it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NODE_ENV: 'development' };
const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/src/main.ts'], { cwd: root, stdio: 'inherit', env }),
  spawn('npx', ['vite', '--config', 'client/vite.config.ts', '--host', '127.0.0.1', '--port', '5173'], {
    cwd: root,
    stdio: 'inherit',
    env,
  }),
];
console.log('[dev] client with hot reload: http://127.0.0.1:5173  (API on :8080)');
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => code && stop());
