// Which test files a run has, and what each says of itself in a mark comment:
//   // nsbox-test: run-alone (why)           it checks global state (nothing else may run meanwhile)
//   // nsbox-test: needs bookworm-systemd    it uses that cached Debian tree (built in the setup step)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface TestFile {
  /** The compiled file node runs. */
  readonly path: string;
  /** Its source, relative to the top: what filters match and reports name. */
  readonly name: string;
  readonly runAlone: boolean;
  /** Names of the Debian recipes it needs (DebianRecipe.name). */
  readonly needs: readonly string[];
}

export interface Marks {
  readonly runAlone: boolean;
  readonly needs: readonly string[];
}

/** The marks in a source text (pure). Unknown words are an error, so a typo cannot pass unseen. */
export function parseMarks(text: string, where: string): Marks {
  let runAlone = false;
  const needs: string[] = [];
  for (const m of text.matchAll(/^\/\/ nsbox-test:(.*)$/gm)) {
    const words = m[1]!.trim().split(/\s+/);
    // run-alone takes a reason after it, for the reader.
    if (words[0] === 'run-alone') runAlone = true;
    else if (words[0] === 'needs' && words.length > 1) needs.push(...words.slice(1));
    else throw new Error(`${where}: unknown mark "nsbox-test:${m[1]}" (run-alone, needs RECIPE...)`);
  }
  return { runAlone, needs };
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : name.endsWith('.test.js') ? [p] : [];
  });
}

/** Compiled test files under dist/test whose source path contains one of `filters` (all without). */
export function findTestFiles(top: string, filters: readonly string[]): TestFile[] {
  return walk(join(top, 'dist/test'))
    .map((path) => {
      const name = relative(join(top, 'dist'), path).replace(/\.js$/, '.ts');
      let source = '';
      try {
        source = readFileSync(join(top, name), 'utf8');
      } catch {
        // compiled from a source since deleted: dist is not cleaned by tsc
        return undefined;
      }
      return { path, name, ...parseMarks(source, name) };
    })
    .filter((f): f is TestFile => f !== undefined)
    .filter((f) => filters.length === 0 || filters.some((s) => f.name.includes(s) || relative(top, f.path).includes(s)));
}
