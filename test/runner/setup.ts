// The setup step: before any test runs, build and cache what the selected files need, with its
// own progress output and no test timeout around it. A fresh machine downloads two Debian trees
// here (~306 MB in /var/cache/nsbox-test); later runs find them cached.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BUSYBOX } from '../fixtures/busybox-tree.js';
import { DEBIAN_CACHE_DIR, DEBIAN_RECIPES, debianTree, recipeDir, type DebianRecipe } from '../fixtures/debian-tree.js';
import type { TestFile } from './files.js';

export type Say = (line: string) => void;

/** The recipes `files` need, in DEBIAN_RECIPES order; an unknown name is an error (pure). */
export function recipesNeeded(files: readonly TestFile[], recipes: readonly DebianRecipe[] = DEBIAN_RECIPES): DebianRecipe[] {
  const wanted = new Set(files.flatMap((f) => f.needs));
  for (const name of wanted) {
    if (!recipes.some((r) => r.name === name)) throw new Error(`a test file needs "${name}", which is no Debian recipe (${recipes.map((r) => r.name).join(', ')})`);
  }
  return recipes.filter((r) => wanted.has(r.name));
}

/** debootstrap's "I: Retrieving libc6 2.36-9" -> "retrieving"; undefined for other lines. */
export function phaseOf(line: string): string | undefined {
  return /^I: ([A-Z][a-z]+)/.exec(line)?.[1]?.toLowerCase();
}

async function buildOne(recipe: DebianRecipe, say: Say): Promise<void> {
  const started = Date.now();
  // debootstrap alternates "Retrieving X" and "Validating X" for every package: show each phase
  // once, when it begins, and the latest line every 15 s, so a slow mirror still shows life.
  const seen = new Set<string>();
  let latest = '';
  let lastSaid = Date.now();
  const elapsed = (): string => `${Math.round((Date.now() - started) / 1000)} s`;
  const onLine = (line: string): void => {
    const p = phaseOf(line);
    if (p === undefined) return;
    latest = line.slice(3);
    if (!seen.has(p)) {
      seen.add(p);
      lastSaid = Date.now();
      say(`setup: ${recipe.name}: ${latest} (${elapsed()})`);
    }
  };
  const heartbeat = setInterval(() => {
    if (latest !== '' && Date.now() - lastSaid >= 15_000) {
      lastSaid = Date.now();
      say(`setup: ${recipe.name}: ${latest} (${elapsed()})`);
    }
  }, 1000);
  try {
    await debianTree(recipe, onLine);
  } finally {
    clearInterval(heartbeat);
  }
  say(`setup: ${recipe.name}: built in ${Math.round((Date.now() - started) / 1000)} s -> ${recipeDir(recipe)}`);
}

async function buildWithRetry(recipe: DebianRecipe, say: Say, retryDelayMs: number): Promise<boolean> {
  try {
    await buildOne(recipe, say);
    return true;
  } catch (first) {
    say(`setup: ${recipe.name}: the build failed; retrying once in ${retryDelayMs / 1000} s. It said:\n${indent(String(first))}`);
    await sleep(retryDelayMs);
    try {
      await buildOne(recipe, say);
      return true;
    } catch (second) {
      say(`setup: ${recipe.name}: the build failed twice, so the tests that use it cannot run. Check that deb.debian.org is` +
        ` reachable (or set NSBOX_TEST_CACHE to a directory holding the trees). It said:\n${indent(String(second))}`);
      return false;
    }
  }
}

/** Builds what is missing; one retry of a failed build (a mirror's hiccup is the usual cause). */
export async function setUp(files: readonly TestFile[], say: Say, retryDelayMs = 5_000): Promise<boolean> {
  if (files.some((f) => f.name.startsWith('test/kernel/')) && !existsSync(BUSYBOX)) {
    say(`setup: ${BUSYBOX} is missing: install busybox-static (tools/bootstrap.sh does)`);
    return false;
  }
  const recipes = recipesNeeded(files);
  const missing = recipes.filter((r) => !existsSync(recipeDir(r)));
  for (const r of recipes.filter((x) => !missing.includes(x))) say(`setup: ${r.name}: cached in ${recipeDir(r)}`);
  if (missing.length > 0) {
    say(`setup: building ${missing.map((r) => r.name).join(' and ')} with debootstrap from deb.debian.org into ${DEBIAN_CACHE_DIR}` +
      ' (~150 MB each, a few minutes on a fresh machine; cached for later runs)');
  }
  // Both at once: debootstrap waits on the mirror and on dpkg in turns, so two overlap well.
  const built = await Promise.all(missing.map((recipe) => buildWithRetry(recipe, say, retryDelayMs)));
  if (!built.every(Boolean)) return false;
  return true;
}

const indent = (text: string): string => text.trim().split('\n').slice(-15).map((l) => `    ${l}`).join('\n');
