import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ToggleHarness from '../fixtures/svelte/ToggleHarness.svelte';

const mounted: ReturnType<typeof mount>[] = [];

afterEach(() => {
  for (const component of mounted.splice(0)) unmount(component);
  document.body.innerHTML = '';
});

async function clickAndSettle(store: (wanted: boolean, stored: boolean) => Promise<boolean>): Promise<HTMLInputElement> {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(ToggleHarness, { target, props: { store } }));
  flushSync();
  const input = target.querySelector('input')!;
  expect(input.checked).toBe(true);
  input.click();
  await new Promise((resolve) => setTimeout(resolve, 10));
  flushSync();
  return input;
}

describe('popup switch', () => {
  it('shows the new state once it is saved', async () => {
    const input = await clickAndSettle(async (wanted) => wanted);
    expect(input.checked).toBe(false);
    expect(input.getAttribute('role')).toBe('switch');
  });

  it('goes back to what is stored when the save fails or is normalised away, instead of showing a state never saved', async () => {
    const input = await clickAndSettle(async (_wanted, stored) => stored);
    expect(input.checked).toBe(true);
  });
});
