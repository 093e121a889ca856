// `$VAR` / `${VAR}` substitution in Exec*= arguments, done at start time against the command's
// final environment, as systemd 252's replace_env_argv() and replace_env() do it:
// - a word that is `$NAME` alone becomes the value's words (split at whitespace, quotes removed);
//   none when NAME is unset, whatever NAME is;
// - `${NAME}` inside any word is replaced by the value (unset: nothing), keeping one word; the
//   name is not checked, so `a${-x}b` gives `ab`; an unclosed `${` stays as written;
// - `$$` is a literal `$`; any other `$` stays as written.
import { splitWords } from './words.js';

/** NAME=value entries (the form a command's environment has), or a map of them. */
export type Environment = readonly string[] | ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function lookup(env: Environment, name: string): string | undefined {
  if (env instanceof Map) return env.get(name);
  if (Array.isArray(env)) {
    // The last assignment wins, as in an environment block built by appending.
    for (let i = env.length - 1; i >= 0; i--) {
      const entry = env[i] as string;
      if (entry.length > name.length && entry[name.length] === '=' && entry.startsWith(name)) return entry.slice(name.length + 1);
    }
    return undefined;
  }
  return Object.hasOwn(env, name) ? (env as Readonly<Record<string, string>>)[name] : undefined;
}

/** replace_env(): `${NAME}` and `$$` inside one word. */
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
      const close = word.indexOf('}', i + 2);
      if (close < 0) {
        out += word.slice(i);
        break;
      }
      out += lookup(env, word.slice(i + 2, close)) ?? '';
      i = close;
    } else out += c;
  }
  return out;
}

/** replace_env_argv(): every word of an Exec line; `noExpansion` is the `:` prefix. */
export function expandArgv(argv: readonly string[], env: Environment, noExpansion = false): string[] {
  if (noExpansion) return [...argv];
  return argv.flatMap((word) => {
    if (word.startsWith('$') && word[1] !== '{' && word[1] !== '$') {
      const value = lookup(env, word.slice(1));
      return value === undefined ? [] : splitWords(value, { unquote: true, relax: true });
    }
    return [expandWord(word, env)];
  });
}
