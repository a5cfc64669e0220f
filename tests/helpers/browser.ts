import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`), never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests leave their screenshots (git-ignored; CI keeps them as artefacts). */
export const ARTEFACTS_DIR = path.resolve(import.meta.dirname, '../../test-results');

/**
 * Headless Chromium as root on a machine with no outside network: no sandbox, and none of the
 * background connections (updates, sync, field trials) that would be refused at every start.
 */
export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTEFACTS_DIR, { recursive: true });
  return path.join(ARTEFACTS_DIR, name);
}
