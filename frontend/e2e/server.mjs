// Starts the real netfolio binary on a random 127.0.0.1 port with a fresh SQLite file and the
// demo portfolio, and launches Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const demo = { username: 'demo', password: 'netfolio-demo' };

export async function startServer() {
  const bin = process.env.NETFOLIO_BIN || new URL('../../bin/netfolio', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'netfolio-e2e-'));
  const child = spawn(bin, ['serve', '--demo', '--addr', '127.0.0.1:0', '--db', join(dir, 'e2e.db'), '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('netfolio printed no URL within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`netfolio exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^netfolio is running at (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

export const byTestId = (id) => `[data-testid="${id}"]`;
