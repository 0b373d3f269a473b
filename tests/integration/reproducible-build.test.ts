import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles } from '../../scripts/build/notices';

/**
 * AMO asks that its reviewers can rebuild the package: the sources archive of
 * `npm run zip`, unpacked anywhere, plus `npm ci && npm run build`, must give
 * the same extension files, byte for byte.
 */
function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
}

function digests(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((file) => [file, createHash('sha256').update(readFileSync(join(root, file))).digest('hex')]));
}

const python = existsSync('/usr/bin/python3');

describe('reproducible build', () => {
  it.skipIf(!python)('the AMO sources archive, unpacked elsewhere, rebuilds the Firefox extension byte for byte', () => {
    run('npx', ['wxt', 'zip', '-b', 'firefox'], '.');
    const archive = readdirSync('.output').find((f) => f.endsWith('-sources.zip'));
    expect(archive).toBeDefined();
    const elsewhere = mkdtempSync(join(tmpdir(), 'lightcap-sources-'));
    onTestFinished(() => rmSync(elsewhere, { recursive: true, force: true }));
    run('/usr/bin/python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', join('.output', archive!), elsewhere], '.');
    // The same lockfile, from npm's cache when it has the packages (CI has just run npm ci).
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], elsewhere);
    run('npx', ['wxt', 'build', '-b', 'firefox'], elsewhere);
    const rebuilt = digests(join(elsewhere, '.output', 'firefox-mv2'));
    const ours = digests(join('.output', 'firefox-mv2'));
    expect(Object.keys(rebuilt).length).toBeGreaterThan(20);
    expect(rebuilt).toEqual(ours);
  }, 300_000);
});
