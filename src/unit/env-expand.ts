// `$VAR` / `${VAR}` substitution in Exec*= arguments, done at start time against the final
// environment (systemd.service(5) "Command lines"): a word that is exactly `$VAR` becomes the
// variable's whitespace-separated words (none when unset or empty), `${VAR}` is replaced inside a
// word, `$$` is a literal `$`, and anything else after `$` is left alone.
import { splitWords } from './words.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Environment = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function lookup(env: Environment, name: string): string | undefined {
  return env instanceof Map ? env.get(name) : (env as Readonly<Record<string, string>>)[name];
}

/** replace_env(): `${VAR}` and `$$` inside one word. */
export function expandWord(word: string, env: Environment): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = word[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      const end = word.indexOf('}', i + 2);
      const name = end < 0 ? '' : word.slice(i + 2, end);
      if (end < 0 || !NAME.test(name)) {
        out += c;
        continue;
      }
      out += lookup(env, name) ?? '';
      i = end;
    } else out += c;
  }
  return out;
}

/** replace_env_argv(): expands every argument after argv[0]'s path has been chosen. */
export function expandArgv(argv: readonly string[], env: Environment): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('$') && NAME.test(arg.slice(1))) {
      const value = lookup(env, arg.slice(1));
      if (value !== undefined) out.push(...splitWords(value, { unquote: true, relax: true }));
      continue;
    }
    out.push(expandWord(arg, env));
  }
  return out;
}
