import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs scripts/setup-system.sh with a PATH of stubs only: no browser, no
 * package installed, `id -u` as given, apt-get recording its arguments.
 */
function run(purpose: string, options: { uid: number; sudo?: boolean; apt?: boolean }) {
  const bin = mkdtempSync(join(tmpdir(), 'setup-bin-'));
  const log = join(bin, 'apt.log');
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub('id', `echo ${options.uid}`);
  stub('dpkg', 'exit 1');
  if (options.apt !== false) stub('apt-get', `echo "$@" >> ${log}`);
  if (options.sudo) stub('sudo', 'if [ "$1" = -n ]; then exit 0; fi; [ "$1" = -E ] && shift; "$@"');
  const result = spawnSync('/bin/bash', ['scripts/setup-system.sh', purpose], { encoding: 'utf8', env: { PATH: bin } });
  let apt: string[] = [];
  try {
    apt = readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    apt = [];
  }
  return { status: result.status, stderr: result.stderr, apt };
}

describe('setup-system.sh', () => {
  it('stops at once with the exact command when it may not install', () => {
    const { status, stderr, apt } = run('test', { uid: 1000 });
    expect(status).toBe(1);
    expect(stderr).toContain(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium firefox-esr fonts-dejavu-core python3-torch python3-onnx python3-numpy libopenblas0-pthread',
    );
    expect(apt).toEqual([]);
  });

  it('installs what is missing as root, and only the browser for the demo', () => {
    expect(run('test', { uid: 0 })).toMatchObject({
      status: 0,
      apt: ['update -qq', 'install -y -qq --no-install-recommends chromium firefox-esr fonts-dejavu-core python3-torch python3-onnx python3-numpy libopenblas0-pthread'],
    });
    expect(run('demo', { uid: 1000, sudo: true })).toMatchObject({ status: 0, apt: ['update -qq', 'install -y -qq --no-install-recommends chromium'] });
  });

  it('names the packages when there is no apt, and refuses an unknown purpose', () => {
    const noApt = run('demo', { uid: 0, apt: false });
    expect(noApt.status).toBe(1);
    expect(noApt.stderr).toMatch(/needs these Debian packages \(or your system's equivalents\): chromium/);
    expect(run('bench', { uid: 0 }).status).toBe(2);
  });
});
