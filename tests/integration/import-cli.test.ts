import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function importFile(file: string): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], { env: process.env });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe('the import CLI', () => {
  it('when the file is missing or not a file, then it says so in one line and exits with 2', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    for (const file of [path.join(folder, 'missing.jsonl'), folder]) {
      const { code, stderr } = await importFile(file);
      expect(code).toBe(2);
      const lines = stderr.split('\n').filter((line) => line.trim() && !line.startsWith('npm warn'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cannot read ${file}`);
    }
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
